"""Google News RSS items: their links point to news.google.com, not to the publisher's page.

Old-style article ids embed the target URL and are decoded offline. Current ids ("AU_yqL…") can
only be decoded by asking Google (two requests per item); that step runs only when the caller allows
it, is rate-limited and its answers are cached. Otherwise the item's own title and snippet stand in
for the page (``articles.article_from_entry``), marked ``text_source="feed_snippet"``.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from prisonwatch.collect.fetch import FetchError, HostThrottle

GOOGLE_NEWS_BASE = "https://news.google.com"
DECODE_MIN_INTERVAL_SECONDS = 2.0
_DECODE_THROTTLE = HostThrottle()


def is_google_news_url(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host == "news.google.com" or host.endswith(".news.google.com")


def strip_publisher(title: str, publisher: str) -> str:
    """Google News titles end in " - Publisher"; the publisher is stored separately."""
    if publisher and title.endswith(f" - {publisher}"):
        return title[: -len(publisher) - 3].rstrip()
    return title


def article_id(url: str) -> str | None:
    """The opaque id in ``/rss/articles/<id>`` or ``/articles/<id>``."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    m = re.search(r"/(?:rss/)?articles/([A-Za-z0-9_\-]+)", path)
    return m.group(1) if m else None


def decode_offline(gn_id: str) -> str | None:
    """The URL inside an old-style id (a base64 protobuf holding it as a length-prefixed string)."""
    try:
        raw = base64.urlsafe_b64decode(gn_id + "=" * (-len(gn_id) % 4))
    except (ValueError, TypeError):
        return None
    if raw.startswith(b'\x08\x13"'):
        raw = raw[3:]
    if raw.endswith(b"\xd2\x01\x00"):
        raw = raw[:-3]
    if not raw:
        return None
    length, pos = raw[0], 1
    if length >= 0x80:  # two-byte varint
        if len(raw) < 2:
            return None
        length, pos = (length & 0x7F) | (raw[1] << 7), 2
    candidate = raw[pos : pos + length]
    try:
        text = candidate.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("AU_yqL"):
        return None  # current format: needs Google's answer
    if re.match(r"^https?://[^\s\"<>]+$", text):
        return text
    return None


class DecodeCache:
    """id → URL (or None for "could not decode"), in memory and optionally in a small JSON file."""

    def __init__(self, path: Path | str | None = None, max_items: int = 20_000) -> None:
        self.path = Path(path) if path else None
        self.max_items = max_items
        self._lock = threading.Lock()
        self._data: dict[str, str | None] = {}
        if self.path and self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self._data = {str(k): (v if isinstance(v, str) else None) for k, v in loaded.items()}
            except (OSError, ValueError):
                self._data = {}

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def get(self, key: str) -> str | None:
        return self._data.get(key)

    def put(self, key: str, value: str | None) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.max_items:
                self._data.pop(next(iter(self._data)))
            if self.path:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
                tmp.replace(self.path)


_SIGNATURE = re.compile(r'data-n-a-sg="([^"]+)"')
_TIMESTAMP = re.compile(r'data-n-a-ts="(\d+)"')


def _decode_online(gn_id: str, client: Any, base: str) -> str | None:
    page = client.get(f"{base}/rss/articles/{quote(gn_id)}")
    text = page.body.decode("utf-8", "replace")
    sig, ts = _SIGNATURE.search(text), _TIMESTAMP.search(text)
    if not (sig and ts):
        return None
    inner = (
        '["garturlreq",[["X","X",["X","X"],null,null,1,1,"US:en",null,1,null,null,null,null,null,0,1],'
        f'"X","X",1,[1,1,1],1,1,null,0,0,null,0],"{gn_id}",{ts.group(1)},"{sig.group(1)}"]'
    )
    answer = client.post(
        f"{base}/_/DotsSplashUi/data/batchexecute",
        data={"f.req": json.dumps([[["Fbv4je", inner]]])},
        headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
    )
    return parse_batchexecute(answer.body.decode("utf-8", "replace"))


def parse_batchexecute(body: str) -> str | None:
    """The decoded URL in Google's batchexecute answer, or None when it holds none."""
    parts = body.split("\n\n", 1)
    if len(parts) < 2:
        return None
    try:
        envelope = json.loads(parts[1])
        for row in envelope:
            if isinstance(row, list) and len(row) > 2 and row[0] == "wrb.fr" and isinstance(row[2], str):
                url = json.loads(row[2])[1]
                if isinstance(url, str) and re.match(r"^https?://", url):
                    return url
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    return None


def resolve(
    url: str,
    client: Any,
    cache: DecodeCache | None = None,
    *,
    allowed: bool = False,
    base: str = GOOGLE_NEWS_BASE,
) -> str | None:
    """The publisher's URL behind a Google News link, or None when it cannot be had.

    Order: cache, offline decoding, then (only when ``allowed``) Google's decoding endpoint,
    at most one decode every ``DECODE_MIN_INTERVAL_SECONDS``. Network failures give None and are
    not cached, so a later run may try again.
    """
    gn_id = article_id(url)
    if gn_id is None:
        return None
    if cache is not None and gn_id in cache:
        return cache.get(gn_id)
    decoded = decode_offline(gn_id)
    if decoded is None and allowed:
        try:
            with _DECODE_THROTTLE.hold("googlenews-decode", DECODE_MIN_INTERVAL_SECONDS):
                decoded = _decode_online(gn_id, client, base.rstrip("/"))
        except FetchError:
            return None
    if cache is not None and (decoded is not None or allowed):
        cache.put(gn_id, decoded)
    return decoded
