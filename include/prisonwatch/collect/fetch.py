"""One HTTP client for feeds and pages that a hostile or broken server cannot stall, flood or redirect inward.

Built on httpx/httpcore with a connection backend that connects only to addresses ``netguard`` has
checked and that enforces a total deadline on every socket read (httpx timeouts are per read, so a
server dripping one byte per second would otherwise hold a call for ever). Bodies are streamed and
decompressed here, counting both compressed and decoded bytes, so a gzip bomb is cut off, not unpacked.
Redirects are followed by hand so every hop is checked again.
"""

from __future__ import annotations

import contextlib
import email.utils
import random
import ssl
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

# httpx keeps these helpers private; they turn httpcore errors into httpx ones exactly as its own
# transport does (httpx is pinned in requirements.txt).
from httpx._transports.default import ResponseStream, map_httpcore_exceptions

from prisonwatch.collect import netguard
from prisonwatch.config import FetchSettings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
REDIRECT_DRAIN_BYTES = 16_384  # a redirect body up to this size is read so its connection can be reused
ACCEPT_ENCODING = "gzip, deflate"


class FetchError(Exception):
    """A request that produced no usable body; ``error_class`` is a short name an operator understands."""

    def __init__(
        self, url: str, error_class: str, message: str, status: int | None = None, retryable: bool = False
    ) -> None:
        super().__init__(f"{error_class}: {message} ({url})")
        self.url = url
        self.error_class = error_class
        self.message = message
        self.status = status
        self.retryable = retryable
        self.retry_after: float | None = None


@dataclass
class HttpResponse:
    status: int
    url: str
    final_url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    elapsed: float = 0.0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


# ---------------------------------------------------------------------- politeness
class HostThrottle:
    """One request at a time per host, and a pause between two requests to the same host (process-wide)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextlib.contextmanager
    def hold(self, host: str, delay: float) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            last = self._last.get(host)
            if last is not None and delay > 0:
                wait = last + delay - self._clock()
                if wait > 0:
                    self._sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self._clock()


HOST_THROTTLE = HostThrottle()


def backoff_delay(
    retry_number: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry ``retry_number`` (1-based): Retry-After when given, else
    exponential with full jitter in [half, full]; always capped."""
    if retry_after is not None:
        return max(0.0, min(retry_after, cap))
    full = min(cap, base * (2 ** (retry_number - 1)))
    return full * (0.5 + 0.5 * rng())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# ---------------------------------------------------------------------- pinned, deadline-bound connections
_SSL_CONTEXT: ssl.SSLContext | None = None
_SSL_LOCK = threading.Lock()


def _ssl_context() -> ssl.SSLContext:
    """Certificate checks always on; built once because loading the CA bundle costs ~20 ms."""
    global _SSL_CONTEXT
    with _SSL_LOCK:
        if _SSL_CONTEXT is None:
            _SSL_CONTEXT = httpx.create_ssl_context(verify=True)
        return _SSL_CONTEXT


class _DeadlineExceeded(httpcore.ReadTimeout):
    pass


class _Deadline:
    """The total deadline of the request a pooled connection is serving now; moved at each request,
    so a kept-alive connection answers to the current request's deadline, not the first one's."""

    __slots__ = ("at",)

    def __init__(self, at: float = 0.0) -> None:
        self.at = at

    def budget(self, timeout: float | None) -> float:
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise _DeadlineExceeded("total deadline exceeded")
        return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.budget(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.budget(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.budget(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the vetted addresses of one host, never to a fresh DNS answer."""

    def __init__(self, target: netguard.Target, deadline: _Deadline) -> None:
        self._target = target
        self._deadline = deadline
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        if host.lower().rstrip(".") != self._target.host or port != self._target.port:
            raise httpcore.ConnectError(f"unexpected connection to {host}:{port}")
        last_exc: Exception | None = None
        for address in self._target.addresses:
            budget = self._deadline.budget(timeout)
            try:
                stream = self._backend.connect_tcp(address, port, budget, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_exc = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert last_exc is not None
        raise last_exc

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# An idle kept-alive connection older than this is closed rather than reused.
KEEPALIVE_SECONDS = 15.0
# Hosts whose idle connection one client keeps open at a time (least recently used closed first).
MAX_POOLED_TARGETS = 8


class _PinnedTransport(httpx.BaseTransport):
    """One kept-alive connection to one checked target (scheme, host, port, vetted addresses).

    Owned by an ``HttpClient``: ``close`` (what ``httpx.Client`` calls after each request) leaves the
    connection open for the next request; ``shutdown`` closes it. ``lock`` makes one request at a time.
    """

    def __init__(self, target: netguard.Target) -> None:
        self.target = target
        self.deadline = _Deadline()
        self.lock = threading.Lock()
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=1,
            keepalive_expiry=KEEPALIVE_SECONDS,
            network_backend=_PinnedBackend(target, self.deadline),
        )

    @property
    def open_connections(self) -> int:
        return len(self._pool.connections)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]
            extensions=request.extensions,
        )
        with map_httpcore_exceptions():
            resp = self._pool.handle_request(req)
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=ResponseStream(resp.stream),  # type: ignore[arg-type]
            extensions=resp.extensions,
        )

    def close(self) -> None:
        """Kept open on purpose: the owning ``HttpClient`` decides when the connection goes."""

    def shutdown(self) -> None:
        self._pool.close()


# ---------------------------------------------------------------------- bounded decoding
class _BoundedDecoder:
    """Decompress chunk by chunk, never producing more than ``limit`` bytes in total."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        self.encoding = encoding
        self.limit = limit
        self.url = url
        self.total = 0
        self._parts: list[bytes] = []
        self._obj: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._obj = zlib.decompressobj(zlib.MAX_WBITS)
            self._first = True
        elif encoding not in ("", "identity"):
            raise FetchError(url, "decode_error", f"unsupported Content-Encoding {encoding!r}")

    def _add(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > self.limit:
            raise FetchError(self.url, "too_large", f"body decompresses to more than {self.limit} bytes")
        self._parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self._obj is None:
            self._add(chunk)
            return
        data = chunk
        try:
            while data:
                if self.encoding == "deflate" and self._first:
                    self._first = False
                    zlib_header = len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
                    if not zlib_header:  # raw deflate without the zlib header, as some servers send
                        self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._obj.decompress(data, self.limit - self.total + 1)
                self._add(out)
                data = self._obj.unconsumed_tail
                if self._obj.eof:
                    rest = self._obj.unused_data
                    if rest and self.encoding != "deflate" and rest.lstrip(b"\x00"):
                        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)  # another gzip member
                        data = rest + data
                    else:
                        break
        except zlib.error as exc:
            raise FetchError(self.url, "decode_error", f"corrupt {self.encoding} body: {exc}") from exc

    def result(self) -> bytes:
        return b"".join(self._parts)


# ---------------------------------------------------------------------- the client
@dataclass
class _Hop:
    status: int
    url: str
    headers: httpx.Headers
    body: bytes = b""


class HttpClient:
    """The only way prisonwatch talks to the network.

    ``sleep``, ``rng`` and ``resolver`` are injectable so retries and address checks can be tested
    without waiting or real DNS; ``throttle`` defaults to the process-wide per-host throttle.

    A client keeps one connection alive per checked target (scheme, host, port, vetted addresses),
    so pages fetched one after another from one site share a connection; a host's name is resolved
    once per client and every hop (redirects included) is still checked. ``close()`` (or ``with``)
    closes the kept connections.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        resolver: netguard.Resolver | None = None,
        throttle: HostThrottle | None = None,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._rng = rng
        self._resolver = resolver
        self._throttle = throttle or HOST_THROTTLE
        self.user_agent = settings.user_agent.replace("{contact}", settings.contact)
        self.attempts: list[tuple[str, str]] = []  # (url, outcome) of every attempt, for diagnostics
        self._transports: OrderedDict[netguard.Target, _PinnedTransport] = OrderedDict()
        self._transports_lock = threading.Lock()
        self._resolved: dict[tuple[str, int], list[str]] = {}

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every kept-alive connection; the client stays usable (it reconnects when asked)."""
        with self._transports_lock:
            transports = list(self._transports.values())
            self._transports.clear()
        for transport in transports:
            transport.shutdown()

    def _resolve(self, host: str, port: int) -> list[str]:
        """Resolve a name once per client: the connection pool is keyed by these very addresses."""
        key = (host, port)
        addresses = self._resolved.get(key)
        if addresses is None:
            addresses = list((self._resolver or netguard._default_resolver)(host, port))
            self._resolved[key] = addresses
        return list(addresses)

    def _transport(self, target: netguard.Target) -> _PinnedTransport:
        """The kept transport for a target, or a new one (closing the least recently used beyond the cap)."""
        evicted: list[_PinnedTransport] = []
        with self._transports_lock:
            transport = self._transports.get(target)
            if transport is None:
                transport = _PinnedTransport(target)
                self._transports[target] = transport
                while len(self._transports) > MAX_POOLED_TARGETS:
                    evicted.append(self._transports.popitem(last=False)[1])
            self._transports.move_to_end(target)
        for old in evicted:
            old.shutdown()
        return transport

    def _drop(self, transport: _PinnedTransport) -> None:
        """Close a connection after any failure on it: it is never reused."""
        with self._transports_lock:
            if self._transports.get(transport.target) is transport:
                del self._transports[transport.target]
        transport.shutdown()

    @property
    def open_connections(self) -> int:
        """Kept-alive connections open now (for tests and diagnostics)."""
        with self._transports_lock:
            return sum(t.open_connections for t in self._transports.values())

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> HttpResponse:
        """GET with conditional headers, retries and every guard; raises ``FetchError``."""
        return self.request("GET", url, etag=etag, last_modified=last_modified, max_bytes=max_bytes)

    def post(
        self, url: str, *, data: dict[str, str], headers: dict[str, str] | None = None, max_bytes: int | None = None
    ) -> HttpResponse:
        """POST a form with the same guards as ``get`` (used only by the opt-in Google News decoding)."""
        return self.request("POST", url, data=data, extra_headers=headers, max_bytes=max_bytes)

    def request(
        self,
        method: str,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        data: dict[str, str] | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        s = self.settings
        limit = min(s.max_bytes, max_bytes) if max_bytes else s.max_bytes
        headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": ACCEPT_ENCODING,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/html;q=0.9, */*;q=0.5",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        headers.update(extra_headers or {})
        retry = 0
        while True:
            started = time.monotonic()
            try:
                hop = self._follow(method, url, headers, limit, started + s.deadline_seconds, data)
            except FetchError as exc:
                self.attempts.append((url, exc.error_class))
                if not exc.retryable or retry >= s.retries:
                    raise
                retry += 1
                self._sleep(
                    backoff_delay(
                        retry,
                        base=s.backoff_base_seconds,
                        cap=s.backoff_max_seconds,
                        retry_after=exc.retry_after,
                        rng=self._rng,
                    )
                )
                continue
            self.attempts.append((url, f"http_{hop.status}"))
            flat = {k.lower(): v for k, v in hop.headers.items()}
            return HttpResponse(
                status=hop.status,
                url=url,
                final_url=hop.url,
                headers=flat,
                body=hop.body,
                etag=flat.get("etag"),
                last_modified=flat.get("last-modified"),
                not_modified=hop.status == 304,
                elapsed=time.monotonic() - started,
            )

    def _follow(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        limit: int,
        deadline: float,
        data: dict[str, str] | None = None,
    ) -> _Hop:
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            hop = self._hop(method, current, headers, limit, deadline, data)
            if hop.status not in REDIRECT_STATUSES:
                return hop
            location = hop.headers.get("location")
            if not location:
                raise FetchError(current, f"http_{hop.status}", "redirect without a Location header", hop.status)
            nxt = urljoin(current, location.strip())
            if nxt in seen:
                raise FetchError(url, "redirect_loop", f"redirect loop back to {nxt}", hop.status)
            seen.add(nxt)
            current = nxt
            if hop.status in (301, 302, 303):  # as browsers do: the next hop is a plain GET
                method, data = "GET", None
        raise FetchError(
            url, "too_many_redirects", f"more than {self.settings.max_redirects} redirects (last: {current})"
        )

    def _hop(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        limit: int,
        deadline: float,
        data: dict[str, str] | None = None,
    ) -> _Hop:
        s = self.settings
        try:
            target = netguard.check_url(url, s.allow_hosts, resolver=self._resolve)
        except netguard.BlockedURL as exc:
            raise FetchError(url, exc.error_class, exc.message) from exc
        with self._throttle.hold(target.host, s.per_host_delay_seconds):
            transport = self._transport(target)
            # Waiting for the kept connection counts against the deadline too.
            pool_wait = max(0.0, min(1.0, deadline - time.monotonic()))
            timeout = httpx.Timeout(
                connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=pool_wait
            )
            if not transport.lock.acquire(timeout=pool_wait):
                raise FetchError(url, "deadline_exceeded", "no connection free within the total deadline")
            try:
                transport.deadline.at = deadline
                # A fresh httpx.Client per request: no cookies or state carried between requests;
                # only the connection is kept (the transport's ``close`` leaves it open).
                with (
                    httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as client,
                    client.stream(method, url, headers=headers, data=data) as response,
                ):
                    return self._read(url, response, limit, deadline)
            except FetchError:
                self._drop(transport)
                raise
            except httpx.HTTPError as exc:
                self._drop(transport)
                raise self._classify(url, exc, deadline) from exc
            except (UnicodeError, ValueError) as exc:  # malformed URL or header the server sent
                self._drop(transport)
                raise FetchError(url, "bad_response", str(exc) or type(exc).__name__) from exc
            except BaseException:
                self._drop(transport)
                raise
            finally:
                transport.lock.release()

    def _read(self, url: str, response: httpx.Response, limit: int, deadline: float) -> _Hop:
        status = response.status_code
        if status in REDIRECT_STATUSES or status == 304:
            self._drain(response, deadline)
            return _Hop(status, url, response.headers)
        if status >= 400 or status < 200:
            cls = "http_5xx" if status >= 500 else f"http_{status}"
            err = FetchError(
                url, cls, f"server answered {status} {response.reason_phrase}".strip(), status, retryable=False
            )
            if status == 429 or status >= 500:
                err.retryable = True
                err.retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise err
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, "too_large", f"Content-Length {declared} exceeds {limit} bytes", status)
        encoding = response.headers.get("content-encoding", "").strip().lower()
        decoder = _BoundedDecoder(encoding, limit, url)
        received = 0
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > limit:
                raise FetchError(url, "too_large", f"body exceeds {limit} bytes", status)
            decoder.feed(chunk)
            if time.monotonic() > deadline:
                raise FetchError(url, "deadline_exceeded", "the response took longer than the total deadline")
        return _Hop(status, url, response.headers, decoder.result())

    @staticmethod
    def _drain(response: httpx.Response, deadline: float) -> None:
        """Read a short redirect body so its connection can be reused; a long one is left unread (the
        connection is then closed, not reused)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > REDIRECT_DRAIN_BYTES:
            return
        received = 0
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > REDIRECT_DRAIN_BYTES or time.monotonic() > deadline:
                return

    def _classify(self, url: str, exc: httpx.HTTPError, deadline: float) -> FetchError:
        text = str(exc) or type(exc).__name__
        chain: list[BaseException] = []
        cur: BaseException | None = exc
        while cur is not None and len(chain) < 6:
            chain.append(cur)
            cur = cur.__cause__ or cur.__context__
        if any(isinstance(e, _DeadlineExceeded) for e in chain) or time.monotonic() >= deadline:
            return FetchError(url, "deadline_exceeded", "the response took longer than the total deadline")
        if any(isinstance(e, ssl.SSLError) for e in chain) or "CERTIFICATE" in text or "SSL" in text:
            return FetchError(url, "tls_error", text)
        if isinstance(exc, httpx.ConnectTimeout):
            return FetchError(url, "timeout", f"connect timed out: {text}", retryable=True)
        if isinstance(exc, httpx.TimeoutException):
            return FetchError(url, "timeout", f"no data within the read timeout: {text}")
        if isinstance(exc, httpx.RemoteProtocolError):
            return FetchError(url, "protocol_error", text, retryable=True)
        if isinstance(exc, httpx.TransportError):
            return FetchError(url, "connection_error", text, retryable=True)
        return FetchError(url, "connection_error", text)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
