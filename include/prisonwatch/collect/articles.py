"""Page → Article: decode the bytes correctly, extract the text within a time budget, and identify it.

Extraction uses trafilatura. Its cost is quadratic on some markup (one table row of 100,000 cells
takes tens of seconds), so the markup is checked first and trafilatura runs in a forked worker process
(started once, fed pages over a pipe) that is killed and replaced when ``extract.time_budget_seconds``
runs out: one pathological page costs at most the budget.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import dataclasses
import hashlib
import html as html_lib
import logging
import os
import pickle
import re
import select
import signal
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from prisonwatch.config import Settings
from prisonwatch.figures.languages import LANGUAGES
from prisonwatch.models import Article, FeedEntry

log = logging.getLogger(__name__)

# Markup beyond these sizes is refused before trafilatura sees it (its cost grows quadratically).
MAX_ELEMENTS = 200_000
MAX_ROW_CELLS = 2_000
# Languages the project reads; others are only returned when the detector is sure.
# the languages figure extraction reads (its registry); others are named but not analysed
MAIN_LANGUAGES = tuple(LANGUAGES)


class ArticleSkipped(Exception):
    """The page yields no usable article; ``reason`` says why in plain words, ``error_class`` in one token."""

    def __init__(self, reason: str, *, error_class: str = "no_text", url: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.error_class = error_class
        self.url = url


# ---------------------------------------------------------------------- URLs and hashes
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "ref_src",
        "ref_url",
        "cmpid",
        "ncid",
        "sr_share",
        "s_cid",
        "at_medium",
        "at_campaign",
        "ito",
        "ocid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__twitter_impression")


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """One spelling per article: no tracking parameters, fragment or default port; sorted query;
    lowercase scheme and host; no trailing slash except the root."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def content_hash(text: str) -> str:
    """Same article text, same hash, whatever its spacing or case."""
    normalised = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


_SECOND_LEVEL = {"com", "co", "org", "net", "gob", "gov", "edu", "ac", "info", "web", "nom", "mil", "int"}


def site_of(host: str) -> str:
    """The registrable part of a host, near enough (``www.elpais.com`` → ``elpais.com``, ``x.com.ve`` kept)."""
    labels = [p for p in host.lower().rstrip(".").split(".") if p]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


# ---------------------------------------------------------------------- text helpers
_DROP_BLOCKS = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr|p|li|tr|h[1-6])\b[^>]*>", re.I)
_TAGS = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def plain_text(markup: str) -> str:
    """Feed summaries and titles as plain text: tags dropped, entities decoded, spaces collapsed."""
    if not markup:
        return ""
    if "<" in markup:
        markup = _DROP_BLOCKS.sub(" ", markup)
        markup = _BREAKS.sub(" ", markup)
        markup = _TAGS.sub("", markup)
    text = html_lib.unescape(markup)
    return " ".join(text.split())


# ---------------------------------------------------------------------- decoding
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
# WHATWG: these labels mean windows-1252 on the web.
_AS_CP1252 = {"iso8859-1", "latin-1", "ascii", "us-ascii", "iso-8859-1", "latin1", "l1", "cp819"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None  # a declaration readable as ASCII cannot be true
    return "cp1252" if name in _AS_CP1252 else name


def declared_charset(body: bytes, content_type: str = "") -> tuple[str | None, str]:
    """The charset the server or the page declares, and where it came from."""
    m = _HTTP_CHARSET.search(content_type or "")
    if m and _codec(m.group(1)):
        return _codec(m.group(1)), "http"
    head = body[:16384]
    for pattern, where in ((_XML_ENCODING, "xml"), (_META_CHARSET, "meta")):
        m2 = pattern.search(head)
        if m2 and _codec(m2.group(1).decode("ascii", "ignore")):
            return _codec(m2.group(1).decode("ascii", "ignore")), where
    return None, ""


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Bytes → text: BOM, then the HTTP charset, then the page's meta/XML charset, then UTF-8, then cp1252.

    A page declared as a single-byte charset whose bytes are valid multi-byte UTF-8 is read as UTF-8
    (a mis-declaration; the reverse accident practically never happens).
    """
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, "replace"), f"{enc} (BOM)"
    declared, where = declared_charset(body, content_type)
    utf8: str | None
    try:
        utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if declared:
        if declared != "utf-8" and utf8 is not None and not body.isascii():
            single_byte = codecs.lookup(declared).name in ("cp1252", "iso8859-15") or declared.startswith("cp")
            if single_byte:
                return utf8, "utf-8 (mis-declared)"
        try:
            return body.decode(declared), f"{declared} ({where})"
        except UnicodeDecodeError:
            if utf8 is not None:
                return utf8, "utf-8 (mis-declared)"
            return body.decode(declared, "replace"), f"{declared} ({where}, with replacements)"
    if utf8 is not None:
        return utf8, "utf-8"
    return body.decode("cp1252", "replace"), "cp1252 (fallback)"


# ---------------------------------------------------------------------- language
_IDENTIFIER: Any = None
_IDENTIFIER_LOCK = threading.Lock()


def _identifier() -> Any:
    global _IDENTIFIER
    with _IDENTIFIER_LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _IDENTIFIER


# The detector reads this many characters (whitespace collapsed): its cost grows with the length, and on the
# 354 texts of the benchmark corpus and the peer pages (ten languages) 2,000 decide exactly as 5,000 did.
LANGUAGE_SAMPLE_CHARS = 2000


def _letters_up_to(text: str, limit: int) -> int:
    """How many letters ``text`` has, counting no further than ``limit`` (all the decisions below need)."""
    letters = 0
    for char in text:
        if char.isalpha():
            letters += 1
            if letters >= limit:
                break
    return letters


def detect_language(text: str, hint: str = "") -> str:
    """ISO 639-1 code: one of the supported languages unless the text is clearly another language.

    Very short texts get the hint (the feed's language) because no detector is reliable on them; a text with
    no function word of any supported language (a line of 'aaaa', a table of numbers) is not guessed at: 'und'.
    """
    hint = (hint or "").lower()[:2]
    sample = " ".join(text[: 4 * LANGUAGE_SAMPLE_CHARS].split())[:LANGUAGE_SAMPLE_CHARS]
    letters = _letters_up_to(sample, 80)
    if letters < 15:
        return hint or "und"
    if not _has_function_words(sample):
        return hint or "und"
    ranked = dict(_identifier().rank(sample))
    top, top_p = max(ranked.items(), key=lambda kv: kv[1])
    if top in MAIN_LANGUAGES:
        if hint in MAIN_LANGUAGES and top != hint and ranked.get(hint, 0.0) * 3 >= top_p and letters < 80:
            return hint
        return top
    if top_p >= 0.9 and letters >= 40:
        return top
    best = max(MAIN_LANGUAGES, key=lambda code: ranked.get(code, 0.0))
    second = max((c for c in MAIN_LANGUAGES if c != best), key=lambda code: ranked.get(code, 0.0))
    if ranked.get(best, 0.0) == 0.0:
        return hint or top
    if hint in MAIN_LANGUAGES and ranked.get(best, 0.0) - ranked.get(second, 0.0) < 0.05:
        return hint
    return best


_FUNCTION_WORDS = frozenset(w for pack in LANGUAGES.values() for w in pack.stopwords)


def _has_function_words(sample: str) -> bool:
    """Whether a sample holds at least one function word ('de', 'the', 'que') of a supported language."""
    return any(token.lower().strip(".,;:!?()«»\"'") in _FUNCTION_WORDS for token in sample.split()[:300])


# ---------------------------------------------------------------------- markup checks
def parse_markup(html: bytes | str) -> Any:
    """lxml tree of a page (bytes are given to lxml so it honours the declared encoding)."""
    if isinstance(html, str):
        html = html.encode("utf-8")
        parser = lxml.html.HTMLParser(encoding="utf-8")
    else:
        parser = None
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None


def markup_problem(tree: Any, limits: tuple[int, int] | None = None) -> str | None:
    """Why a page's markup is too pathological to extract, or None. ``limits`` = (elements, cells in a row),
    by default ``MAX_ELEMENTS`` and ``MAX_ROW_CELLS``."""
    if tree is None:
        return None
    max_elements, max_row_cells = limits or (MAX_ELEMENTS, MAX_ROW_CELLS)
    for count, _element in enumerate(tree.iter(), start=1):
        if count > max_elements:
            return f"page has more than {max_elements} elements (refused: extraction cost would be unbounded)"
    for row in tree.iter("tr"):
        if len(row) > max_row_cells:
            return f"a table row has {len(row)} cells (refused: extraction cost grows quadratically)"
    return None


def _canonical_link(tree: Any) -> str:
    if tree is None:
        return ""
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            return link.get("href").strip()
    return ""


# ---------------------------------------------------------------------- extraction (bounded)
class ExtractTimeout(Exception):
    pass


# The extensive date search costs up to 2 s on some pages; the page's own date markup
# (article:published_time, JSON-LD, <time>) is found without it and the feed's date is the fallback.
_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}
_NO_DOCUMENT: dict[str, Any] = {"text": "", "title": "", "date": None, "sitename": "", "canonical_link": ""}


def _extract_inline(html: str, url: str | None) -> dict[str, Any]:
    """trafilatura with all of its metadata, from the markup; once more favouring recall when the first pass
    finds nothing. The reference the worker's leaner :func:`_extract_document` is measured against."""
    import trafilatura

    options: dict[str, Any] = dict(
        url=url, include_comments=False, with_metadata=True, date_extraction_params=_DATE_PARAMS
    )
    doc = trafilatura.bare_extraction(html, **options)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        doc = trafilatura.bare_extraction(html, favor_recall=True, **options)
        text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if doc is None:
        return {key: value for key, value in _NO_DOCUMENT.items() if key != "canonical_link"}
    return {
        "text": text,
        "title": getattr(doc, "title", None) or "",
        "date": getattr(doc, "date", None),
        "sitename": getattr(doc, "sitename", None) or "",
    }


def _page_metadata(tree: Any, url: str | None) -> dict[str, Any]:
    """Title, date, site name and URL as trafilatura's ``extract_metadata`` finds them, in the same order,
    without the fields the project never reads (author, categories, tags, licence: ~2 ms of its ~3 ms)."""
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
        find_date,
    )

    metadata = examine_meta(tree)
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as exc:  # noqa: BLE001 - trafilatura itself tolerates bugs in its JSON-LD reader
        log.debug("JSON-LD metadata unreadable: %s", exc)
    title = metadata.title or extract_title(tree)
    page_url = metadata.url or extract_url(tree, url)
    date = find_date(tree, **_DATE_PARAMS, url=page_url)
    sitename = metadata.sitename or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif page_url:
        match = META_URL.match(page_url)
        sitename = match[1] if match else None
    return {"title": title or "", "date": date, "sitename": sitename or "", "url": page_url}


def _extract_document(html: str, url: str | None, limits: tuple[int, int] | None = None) -> dict[str, Any]:
    """What the worker runs for a page: one parse (trafilatura's own parser), the markup check (``limits``
    as in :func:`markup_problem`, passed by the parent), the canonical link, the metadata and the text, all
    from that one tree. ``{"problem": why}`` for refused markup.

    Language detection stays in the parent: loading its model before the worker is forked made every worker
    start from a parent ~70 MB larger, for ~0.7 ms a page saved.
    """
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return dict(_NO_DOCUMENT)
    problem = markup_problem(tree, limits)
    if problem:
        return {"problem": problem}
    canonical = _canonical_link(tree)
    meta = _page_metadata(tree, url)
    options: dict[str, Any] = dict(url=url or meta["url"], include_comments=False)
    doc = trafilatura.bare_extraction(tree, **options)  # works on its own copy of the tree
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        doc = trafilatura.bare_extraction(tree, favor_recall=True, **options)
        text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if doc is None:
        return {**_NO_DOCUMENT, "canonical_link": canonical}
    return {
        "text": text,
        "title": meta["title"],
        "date": meta["date"],
        "sitename": meta["sitename"],
        "canonical_link": canonical,
    }


_WARM = False
_WARM_LOCK = threading.Lock()


def _warm_up() -> None:
    """Pay trafilatura's first-call cost (~2 s of lazy imports) once in the parent, so that every worker
    forked from it (the first, and each replacement after a timeout) starts warm."""
    global _WARM
    with _WARM_LOCK:
        if not _WARM:
            _extract_document(
                "<html><head><title>Warm up</title></head><body><article><p>"
                + "Warm up text. " * 30
                + "</p></article></body></html>",
                "https://warm.example/a",
            )
            _WARM = True


# Replace the worker after this many pages, so whatever the libraries cache cannot grow without bound.
WORKER_MAX_TASKS = 1000
# Once an answer has started to arrive the work is done: the rest of it gets at least this long.
ANSWER_GRACE_SECONDS = 2.0
_HEADER = 8  # bytes of the length prefix of each message on the worker's pipes


def _write_message(fd: int, payload: bytes) -> None:
    view = memoryview(len(payload).to_bytes(_HEADER, "big") + payload)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, size: int) -> bytes | None:
    """``size`` bytes from a blocking pipe, or None at end of file."""
    chunks: list[bytes] = []
    while size:
        data = os.read(fd, min(size, 1 << 20))
        if not data:
            return None
        chunks.append(data)
        size -= len(data)
    return b"".join(chunks)


def _serve_requests(requests: int, answers: int) -> None:
    """The worker's loop: (func, args) in, (kind, result or message, seconds spent) out, until the pipe
    closes. The seconds let the parent hold a late answer to the budget even if it reads it late."""
    while True:
        header = _read_exact(requests, _HEADER)
        if header is None:
            return
        body = _read_exact(requests, int.from_bytes(header, "big"))
        if body is None:
            return
        started = time.monotonic()
        try:
            func, args = pickle.loads(body)
            value = func(*args)
            answer = pickle.dumps(("ok", value, time.monotonic() - started))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
            answer = pickle.dumps(("error", f"{type(exc).__name__}: {exc}", time.monotonic() - started))
        _write_message(answers, answer)


class _ExtractionWorker:
    """One forked child that runs page after page, fed over a pipe, one page at a time.

    Forking once (after trafilatura is warm) instead of once per page saves the fork and the
    copy-on-write faults it causes in the parent (~15 ms a page). A page is handed over with
    :meth:`submit` and its answer read with :meth:`collect`, so the parent can work while the child
    extracts. A page that overruns its budget gets the child killed; the next page starts a fresh
    one. The child exits when the parent closes its end of the pipe or dies.
    """

    def __init__(self) -> None:
        self.pid = 0
        self.owner = 0
        self.requests = -1
        self.answers = -1
        self.tasks = 0
        self.busy = False

    def running(self) -> bool:
        if self.pid and self.owner != os.getpid():
            # Inherited through a fork of this process: the worker belongs to the parent. Close our
            # copies of its pipe (so it still sees the parent leave) and start our own when needed.
            for fd in (self.requests, self.answers):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self.pid = 0
            self.busy = False
        return self.pid > 0

    def start(self) -> None:
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: serve, then leave without running the parent's cleanup handlers
            status = 0
            try:
                os.close(request_w)
                os.close(answer_r)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _serve_requests(request_r, answer_w)
            except BaseException:  # noqa: BLE001 - the parent sees the closed pipe
                status = 1
            finally:
                os._exit(status)
        os.close(request_r)
        os.close(answer_w)
        self.pid, self.owner, self.requests, self.answers, self.tasks = pid, os.getpid(), request_w, answer_r, 0
        self.busy = False

    def stop(self, *, kill: bool = False) -> None:
        """End the worker: closing its pipe lets it exit by itself; ``kill`` does not wait for that."""
        if not self.running():
            return
        for fd in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        if kill or self.busy:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = 0
        self.busy = False

    def submit(self, func: Callable[..., Any], args: tuple[Any, ...], budget: float) -> float:
        """Hand ``func(*args)`` to the worker; returns the deadline its answer is held to."""
        if self.running() and self.busy:
            raise RuntimeError("the extraction worker already has a page: collect its result first")
        if not self.running():
            self.start()
        elif self.tasks >= WORKER_MAX_TASKS:
            self.stop()
            self.start()
        request = pickle.dumps((func, args))
        deadline = time.monotonic() + budget
        try:
            _write_message(self.requests, request)
        except BrokenPipeError:  # the worker died between two pages: one fresh start
            self.stop(kill=True)
            self.start()
            _write_message(self.requests, request)
        self.tasks += 1
        self.busy = True
        return deadline

    def collect(self, deadline: float, budget: float) -> Any:
        """The answer to the submitted call. Nothing by the deadline: the worker is killed and
        ``ExtractTimeout`` raised; an answer that says it took longer than ``budget`` is refused alike."""
        buffer = b""
        expected: int | None = None
        complete = False
        try:
            while expected is None or len(buffer) < _HEADER + expected:
                wait = deadline - time.monotonic()
                if buffer:
                    wait = max(wait, ANSWER_GRACE_SECONDS)
                ready, _, _ = select.select([self.answers], [], [], max(wait, 0.0))
                if not ready:
                    raise ExtractTimeout(f"extraction exceeded its {budget:g} s budget and was stopped")
                data = os.read(self.answers, 1 << 20)
                if not data:
                    raise RuntimeError("extraction process died without an answer")
                buffer += data
                if expected is None and len(buffer) >= _HEADER:
                    expected = int.from_bytes(buffer[:_HEADER], "big")
            complete = True
        finally:
            if complete:
                self.busy = False
            else:
                self.stop(kill=True)
        kind, value, seconds = pickle.loads(buffer[_HEADER:])
        if seconds > budget:
            raise ExtractTimeout(f"extraction took {seconds:.1f} s, over its {budget:g} s budget")
        if kind == "error":
            raise RuntimeError(value)
        return value

    def call(self, func: Callable[..., Any], args: tuple[Any, ...], budget: float) -> Any:
        return self.collect(self.submit(func, args, budget), budget)


_WORKER = _ExtractionWorker()
# Held from submit to collect: one page in the worker at a time. Reentrant so that a second submit from the
# same thread gets the worker's clear "collect first" error instead of waiting for itself.
_WORKER_LOCK = threading.RLock()


def stop_extraction_worker() -> None:
    """Stop the extraction worker (it is started again on demand); also run at interpreter exit."""
    with _WORKER_LOCK:
        _WORKER.stop()


atexit.register(stop_extraction_worker)


class PendingResult:
    """A call running in the extraction worker. The thread that submitted it calls :meth:`result` (or
    :meth:`cancel`) once; until then the worker is reserved for it."""

    def __init__(
        self,
        *,
        deadline: float = 0.0,
        budget: float = 0.0,
        value: Any = None,
        error: BaseException | None = None,
        inline: bool = False,
    ) -> None:
        self._deadline, self._budget = deadline, budget
        self._value, self._error = value, error
        self._open = not inline

    def result(self) -> Any:
        """The call's return value; raises ``ExtractTimeout`` past the budget, ``RuntimeError`` for an error
        inside the worker."""
        if self._open:
            self._open = False
            try:
                self._value = _WORKER.collect(self._deadline, self._budget)
            except BaseException as exc:
                self._error = exc
            finally:
                _WORKER_LOCK.release()
        if self._error is not None:
            raise self._error
        return self._value

    def cancel(self) -> None:
        """Give up the call: the worker is killed (a fresh one starts with the next call)."""
        if self._open:
            self._open = False
            self._error = ExtractTimeout("extraction cancelled")
            try:
                _WORKER.stop(kill=True)
            finally:
                _WORKER_LOCK.release()


def submit_with_budget(func: Callable[..., Any], args: tuple[Any, ...], budget: float) -> PendingResult:
    """Start ``func(*args)`` in the extraction worker and return at once; the result is held to ``budget``
    seconds from now (the worker is killed when it overruns). ``func`` must be importable by name (a
    module-level function). Runs the call directly where fork is unavailable."""
    if not hasattr(os, "fork"):
        try:
            return PendingResult(value=func(*args), inline=True)
        except Exception as exc:  # noqa: BLE001 - raised by result(), as from the worker
            return PendingResult(error=exc, inline=True)
    _WORKER_LOCK.acquire()
    try:
        deadline = _WORKER.submit(func, args, budget)
    except BaseException:
        _WORKER_LOCK.release()
        raise
    return PendingResult(deadline=deadline, budget=budget)


def run_with_budget(func: Callable[..., Any], args: tuple[Any, ...], budget: float) -> Any:
    """Run ``func(*args)`` in the extraction worker and return its (picklable) result; kill the worker after
    ``budget`` seconds and raise ``ExtractTimeout``. ``func`` must be importable by name (a module-level
    function). Falls back to a direct call where fork is unavailable."""
    return submit_with_budget(func, args, budget).result()


def _checked(result: dict[str, Any], url: str | None) -> dict[str, Any]:
    if result.get("problem"):
        raise ArticleSkipped(result["problem"], error_class="too_complex", url=url or "")
    return result


def _extraction_result(pending: PendingResult, url: str | None) -> dict[str, Any]:
    try:
        return _checked(pending.result(), url)
    except ExtractTimeout as exc:
        raise ArticleSkipped(str(exc), error_class="extract_timeout", url=url or "") from exc
    except RuntimeError as exc:
        raise ArticleSkipped(f"extraction failed: {exc}", error_class="extract_error", url=url or "") from exc


def extract_page(html: str, url: str | None, *, budget: float) -> dict[str, Any]:
    """Text, title, date, site name and canonical link of a page, refusing absurd markup and stopping at
    ``budget`` seconds. Raises ``ArticleSkipped`` with error_class ``too_complex``, ``extract_timeout`` or
    ``extract_error``."""
    _warm_up()
    return _extraction_result(
        submit_with_budget(_extract_document, (html, url, (MAX_ELEMENTS, MAX_ROW_CELLS)), budget), url
    )


def extract_text(html: str, url: str | None) -> str | None:
    """Just the main text of a page (None when there is none): the entry point of robustness runs."""
    try:
        result = extract_page(html, url, budget=20.0)
    except ArticleSkipped:
        return None
    return result["text"] or None


# ---------------------------------------------------------------------- building Articles
def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _plausible_date(value: str | None, horizon_days: int, today: date | None = None) -> str | None:
    """The page's date, unless it is in the future or older than the horizon."""
    if not value:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    today = today or datetime.now(UTC).date()
    if day > today + timedelta(days=1) or day < today - timedelta(days=horizon_days):
        return None
    return day.isoformat()


def _choose_canonical(url: str, link: str) -> str:
    """``<link rel=canonical>`` when it points to the same site, else the normalised URL."""
    if link:
        from urllib.parse import urljoin

        absolute = urljoin(url, link)
        if absolute.startswith(("http://", "https://")) and site_of(_host(absolute)) == site_of(_host(url)):
            return canonical_url(absolute)
    return canonical_url(url)


def _outlet(sitename: str, entry: FeedEntry | None, url: str) -> str:
    if sitename.strip():
        return sitename.strip()
    if entry is not None and entry.publisher:
        return entry.publisher
    host = _host(url)
    return host[4:] if host.startswith("www.") else host


@dataclass
class PageInHand:
    """A page downloaded and decoded, ready for extraction."""

    url: str
    html: str
    entry: FeedEntry | None = None


def page_in_hand(
    html: bytes, *, url: str, settings: Settings, entry: FeedEntry | None = None, content_type: str = ""
) -> PageInHand:
    """Size check and decoding of a page's bytes; raises ``ArticleSkipped`` (too_large)."""
    limit = settings.extract.max_html_bytes
    if len(html) > limit:
        raise ArticleSkipped(
            f"page is {len(html)} bytes, over extract.max_html_bytes ({limit})", error_class="too_large", url=url
        )
    return PageInHand(url=url, html=decode_html(html, content_type)[0], entry=entry)


def download_page(entry: FeedEntry, client: Any, settings: Settings) -> PageInHand:
    """An entry's page, fetched and decoded. Raises ``fetch.FetchError`` or ``ArticleSkipped`` (not a web page,
    too large)."""
    response = client.get(entry.url, max_bytes=settings.extract.max_html_bytes)
    ctype = response.headers.get("content-type", "")
    if ctype and not re.search(r"html|xml|text/plain", ctype, re.I):
        raise ArticleSkipped(f"not a web page (Content-Type {ctype})", error_class="not_html", url=entry.url)
    return page_in_hand(
        response.body, url=response.final_url or entry.url, settings=settings, entry=entry, content_type=ctype
    )


class ArticleExtraction:
    """A page being extracted in the worker (within ``extract.time_budget_seconds``) while the caller does
    other work: download the next page, analyse the previous article. :meth:`article` finishes it."""

    def __init__(self, page: PageInHand, settings: Settings) -> None:
        _warm_up()
        self.page = page
        self.settings = settings
        self._pending = submit_with_budget(
            _extract_document,
            (page.html, page.url, (MAX_ELEMENTS, MAX_ROW_CELLS)),
            settings.extract.time_budget_seconds,
        )

    def article(self) -> Article:
        """The Article; raises ``ArticleSkipped`` (refused markup, over budget, no usable text)."""
        result = _extraction_result(self._pending, self.page.url)
        return _article_from_result(self.page, result, self.settings)

    def cancel(self) -> None:
        """Abandon the page (the worker is stopped)."""
        self._pending.cancel()


def start_extraction(page: PageInHand, settings: Settings) -> ArticleExtraction:
    """Hand a page to the extraction worker and return at once (one page in the worker at a time)."""
    return ArticleExtraction(page, settings)


def _article_from_result(page: PageInHand, result: dict[str, Any], settings: Settings) -> Article:
    ex, url, entry = settings.extract, page.url, page.entry
    text = result["text"]
    if len(text) < ex.min_text_chars:
        raise ArticleSkipped(
            f"no usable text ({len(text)} characters extracted, fewer than {ex.min_text_chars})",
            error_class="no_text",
            url=url,
        )
    published = _plausible_date(result["date"], ex.date_horizon_days)
    if published is None and entry is not None:
        published = entry.published
    title = plain_text(result["title"]) or (entry.title if entry else "")
    language = detect_language(f"{title}\n{text}", entry.language if entry else "")
    return Article(
        url=url,
        canonical_url=_choose_canonical(url, result.get("canonical_link", "")),
        title=title,
        text=text,
        content_hash=content_hash(text),
        published=published,
        language=language,
        outlet=_outlet(result["sitename"], entry, url),
        feed=entry.feed_name if entry else "",
        origin="feed",
        fetched_at=_now_iso(),
        text_source="page",
    )


def article_from_html(
    html: bytes,
    *,
    url: str,
    settings: Settings,
    entry: FeedEntry | None = None,
    content_type: str = "",
) -> Article:
    """An Article from a page already in hand; raises ``ArticleSkipped`` when it has no usable text."""
    page = page_in_hand(html, url=url, settings=settings, entry=entry, content_type=content_type)
    return start_extraction(page, settings).article()


def fetch_article(entry: FeedEntry, client: Any, settings: Settings) -> Article:
    """Fetch and extract an entry's page.

    Raises ``fetch.FetchError`` (network) or ``ArticleSkipped`` (no usable text, refused markup).
    Entries whose link cannot be resolved (Google News) become an Article from the feed's own snippet.
    """
    entry = resolve_entry(entry, client, settings)
    if not entry.link_resolvable:
        return article_from_entry(entry)
    return start_extraction(download_page(entry, client, settings), settings).article()


_DECODE_CACHES: dict[str, Any] = {}


def resolve_entry(entry: FeedEntry, client: Any, settings: Settings) -> FeedEntry:
    """An entry whose link points at its publisher: Google News links are decoded where possible.

    Old-style Google News ids decode offline; current ones only through Google's own decoding step,
    which runs when ``fetch.google_news_decode`` is on (cached next to the database, rate-limited).
    An entry that stays undecoded is returned as it is, and its feed snippet stands in for the page.
    """
    if entry.link_resolvable:
        return entry
    from prisonwatch.collect import googlenews

    cache_path = str(settings.db_path.parent / "googlenews-decode-cache.json")
    cache = _DECODE_CACHES.get(cache_path)
    if cache is None:
        cache = _DECODE_CACHES[cache_path] = googlenews.DecodeCache(cache_path)
    target = googlenews.resolve(entry.url, client, cache, allowed=settings.fetch.google_news_decode)
    if not target:
        return entry
    return dataclasses.replace(entry, url=target, link_resolvable=True)


def article_from_text(
    text: str,
    *,
    url: str,
    title: str = "",
    published: str | None = None,
    origin: str = "seed",
    outlet: str = "",
    feed: str = "",
    language: str | None = None,
) -> Article:
    """An Article from plain text (the seed corpus, ``.txt`` files): no extraction needed."""
    body = text.strip()
    return Article(
        url=url,
        canonical_url=canonical_url(url),
        title=title,
        text=body,
        content_hash=content_hash(body),
        published=published,
        language=language or detect_language(f"{title}\n{body}"),
        outlet=outlet or (_host(url)[4:] if _host(url).startswith("www.") else _host(url)),
        feed=feed,
        origin="seed" if origin == "seed" else "feed",
        fetched_at=_now_iso(),
        text_source="seed" if origin == "seed" else "page",
    )


def article_from_entry(entry: FeedEntry) -> Article:
    """An Article made of the feed item's own title and snippet, for links that cannot be fetched."""
    text = "\n\n".join(part for part in (entry.title, entry.summary) if part)
    return Article(
        url=entry.url,
        canonical_url=canonical_url(entry.url),
        title=entry.title,
        text=text,
        content_hash=content_hash(text),
        published=entry.published,
        language=detect_language(text, entry.language),
        outlet=entry.publisher or _host(entry.url),
        feed=entry.feed_name,
        origin="feed",
        fetched_at=_now_iso(),
        text_source="feed_snippet",
    )
