"""Feed polling and parsing: bytes in, FeedEntry records out, and a clear reason when there are none.

feedparser only ever sees the fetched bytes wrapped in ``io.BytesIO``: given a str or bytes it first
tries them as a path or URL (a body reading ``/dev/zero`` would be read). Documents that declare XML
entities are refused before parsing: feedparser's lenient fallback parser expands them, and one
20 KB entity referenced thousands of times costs gigabytes.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from prisonwatch.collect import googlenews
from prisonwatch.collect.articles import canonical_url, plain_text
from prisonwatch.collect.fetch import FetchError, HttpClient
from prisonwatch.config import FeedConfig
from prisonwatch.models import FeedEntry, PollResult

ENTITY_REFUSAL = "feed declares XML entities (refused: entity expansion attack)"
MAX_SUMMARY_CHARS = 5_000
MAX_TITLE_CHARS = 1_000

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_ENTITY = re.compile(rb"<!ENTITY", re.I)
_XML_DECL_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']\s*([A-Za-z0-9_\-.]+)""", re.I)
# Encodings in which "<!ENTITY" is not visible to a byte-level check; no news feed uses them.
_OPAQUE_ENCODINGS = re.compile(rb"^(utf-?7|cp0?37|cp500|cp1140|ebcdic|ibm0?37|ibm500|ibm1140|csibm)", re.I)
# Exceptions feedparser reports for documents it could still read correctly.
HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


class FeedRefused(ValueError):
    """The document is not parsed at all; ``error_class`` names why."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message


@dataclass
class ParsedFeed:
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: int = 0
    bozo_reason: str | None = None
    title: str = ""


def refusal_reason(data: bytes) -> tuple[str, str] | None:
    """(error_class, reason) when the bytes must not reach an XML parser."""
    probe = data[:2_000_000].replace(b"\x00", b"")  # UTF-16/32 text becomes readable ASCII
    if _DOCTYPE.search(probe) and _ENTITY.search(probe):
        return "xml_entities", ENTITY_REFUSAL
    decl = _XML_DECL_ENCODING.search(probe[:1024])
    if decl and _OPAQUE_ENCODINGS.match(decl.group(1)):
        name = decl.group(1).decode("ascii", "replace")
        return "unsupported_encoding", f"feed declares encoding {name!r} (refused: hides markup from checks)"
    return None


def _iso_utc(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def _usable_link(entry: Any, base: str) -> str | None:
    candidates: list[str] = []
    if isinstance(entry.get("link"), str):
        candidates.append(entry["link"])
    for link in entry.get("links") or []:
        if isinstance(link, dict) and isinstance(link.get("href"), str) and link.get("rel", "alternate") == "alternate":
            candidates.append(link["href"])
    if isinstance(entry.get("id"), str) and entry["id"].lower().startswith(("http://", "https://")):
        candidates.append(entry["id"])
    for raw in candidates:
        link = "".join(ch for ch in raw.strip() if ch >= " " and ch != "\x7f")
        if not link:
            continue
        if base and not re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I):
            link = urljoin(base, link)
        try:
            parts = urlsplit(link)
        except ValueError:
            continue
        if parts.scheme.lower() in ("http", "https") and parts.hostname and "@" not in parts.netloc:
            return link
    return None


def _text_of(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    text = plain_text(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_feed(
    data: bytes,
    *,
    feed_name: str = "",
    feed_url: str = "",
    language: str = "",
    content_type: str = "",
) -> ParsedFeed:
    """Parse fetched bytes into entries, newest first, one per canonical URL.

    Raises ``FeedRefused`` for an empty body, declared entities or a document that is not a feed.
    """
    if not data or not data.strip():
        raise FeedRefused("empty", "empty response body")
    refused = refusal_reason(data)
    if refused:
        raise FeedRefused(*refused)
    headers = {"content-type": content_type} if content_type else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = feedparser.parse(
            io.BytesIO(data), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    bozo_exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    raw_entries = parsed.get("entries") or []
    if not raw_entries:
        if bozo_exc is not None and type(bozo_exc).__name__ not in HARMLESS_BOZO:
            raise FeedRefused("parse_error", f"not a readable feed: {type(bozo_exc).__name__}: {bozo_exc}")
        if not parsed.get("version"):
            raise FeedRefused("parse_error", "not a feed: no RSS, Atom or JSON Feed structure found")
    feed_meta = parsed.get("feed") or {}
    base = feed_url or (feed_meta.get("link") if isinstance(feed_meta.get("link"), str) else "") or ""
    lang = (language or str(feed_meta.get("language") or ""))[:2].lower()
    result = ParsedFeed(title=_text_of(feed_meta.get("title"), MAX_TITLE_CHARS))
    if bozo_exc is not None:
        result.bozo_reason = f"{type(bozo_exc).__name__}: {bozo_exc}"[:500]
    entries: list[FeedEntry] = []
    for raw in raw_entries:
        link = _usable_link(raw, base)
        if link is None:
            result.skipped += 1
            continue
        source = raw.get("source") or {}
        publisher = _text_of(source.get("title") if isinstance(source, dict) else "", MAX_TITLE_CHARS)
        publisher = publisher or _text_of(raw.get("author"), MAX_TITLE_CHARS)
        title = _text_of(raw.get("title"), MAX_TITLE_CHARS)
        summary_raw = raw.get("summary")
        if not summary_raw and raw.get("content"):
            first = raw["content"][0]
            summary_raw = first.get("value") if isinstance(first, dict) else None
        resolvable = not googlenews.is_google_news_url(link)
        if not resolvable:
            title = googlenews.strip_publisher(title, publisher)
        entries.append(
            FeedEntry(
                feed_name=feed_name,
                feed_url=feed_url,
                url=link,
                title=title,
                published=_iso_utc(raw.get("published_parsed") or raw.get("updated_parsed")),
                summary=_text_of(summary_raw, MAX_SUMMARY_CHARS),
                publisher=publisher,
                language=lang,
                link_resolvable=resolvable,
            )
        )
    if not entries and bozo_exc is not None and type(bozo_exc).__name__ not in HARMLESS_BOZO:
        raise FeedRefused("parse_error", f"not a readable feed: {type(bozo_exc).__name__}: {bozo_exc} (no usable item)")
    entries.sort(key=lambda e: e.published or "", reverse=True)
    seen: set[str] = set()
    for entry in entries:
        key = canonical_url(entry.url)
        if key in seen:
            continue
        seen.add(key)
        result.entries.append(entry)
    if result.skipped:
        note = f"{result.skipped} item(s) without a usable http(s) link skipped"
        result.bozo_reason = f"{result.bozo_reason}; {note}" if result.bozo_reason else note
    return result


def parse_entries(data: bytes) -> list[dict[str, Any]]:
    """Entries of a feed document as dicts; [] when it is refused (robustness runs call this)."""
    try:
        parsed = parse_feed(data)
    except FeedRefused:
        return []
    return [e.to_dict() for e in parsed.entries]


def poll_feed(feed: FeedConfig, *, etag: str | None, last_modified: str | None, client: HttpClient) -> PollResult:
    """Fetch and parse one feed. Never raises for the feed's own failure: the result says what went wrong.

    On failure the previous validators are handed back so the feed's stored state is kept.
    """

    def failed(error_class: str, message: str, status: int | None = None) -> PollResult:
        return PollResult(
            feed_name=feed.name,
            feed_url=feed.url,
            status="failed",
            etag=etag,
            last_modified=last_modified,
            error=message,
            error_class=error_class,
            http_status=status,
        )

    try:
        response = client.get(feed.url, etag=etag, last_modified=last_modified)
    except FetchError as exc:
        return failed(exc.error_class, exc.message, exc.status)
    if response.not_modified:
        return PollResult(
            feed_name=feed.name,
            feed_url=feed.url,
            status="not_modified",
            etag=response.etag or etag,
            last_modified=response.last_modified or last_modified,
            http_status=response.status,
        )
    try:
        parsed = parse_feed(
            response.body,
            feed_name=feed.name,
            feed_url=feed.url,
            language=feed.language,
            content_type=response.content_type,
        )
    except FeedRefused as exc:
        return failed(exc.error_class, exc.message, response.status)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not fail the other feeds
        return failed("parse_error", f"feed parser failed: {type(exc).__name__}: {exc}", response.status)
    return PollResult(
        feed_name=feed.name,
        feed_url=feed.url,
        status="ok",
        entries=parsed.entries,
        etag=response.etag,
        last_modified=response.last_modified,
        bozo_reason=parsed.bozo_reason,
        http_status=response.status,
        skipped_entries=parsed.skipped,
    )
