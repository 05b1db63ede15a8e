"""A local hostile web server (127.0.0.1, one thread per connection) and settings pointed at it.

Routes are plain functions ``route(handler)`` registered per test; the server counts hits per path,
records request headers and the highest number of simultaneous requests per path.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from factories import serving

from prisonwatch.collect.fetch import HostThrottle, HttpClient
from prisonwatch.config import ExtractSettings, FetchSettings, Settings

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


@dataclass
class HostileServer:
    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    active: Counter = field(default_factory=Counter)
    max_active: Counter = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        """Served under the name ``localhost``: the only allowlisted host in these tests."""
        return f"http://localhost:{self.port}"

    @property
    def ip_base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)


def send(
    handler: http.server.BaseHTTPRequestHandler,
    body: bytes,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    hdrs = {"Content-Length": str(len(body))}
    hdrs.update(headers or {})
    for k, v in hdrs.items():
        handler.send_header(k, v)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def static(body: bytes | str, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def route(handler: http.server.BaseHTTPRequestHandler) -> None:
        send(handler, data, status, headers)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return static(b"", status, {"Location": location})


def _make_handler(server: HostileServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _dispatch(self) -> None:
            path = self.path
            with server.lock:
                server.hits[path] += 1
                server.headers[path] = {k.lower(): v for k, v in self.headers.items()}
                server.active[path] += 1
                server.max_active[path] = max(server.max_active[path], server.active[path])
            try:
                route = server.routes.get(path)
                if route is None:
                    send(self, b"not here", 404)
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with server.lock:
                    server.active[path] -= 1

        do_GET = _dispatch
        do_POST = _dispatch

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    state = HostileServer(port=0)
    with serving(_make_handler(state), state.stop) as port:
        state.port = port
        yield state


def fast_fetch_settings(**overrides: object) -> FetchSettings:
    """Small timeouts so the hostile suite stays fast; only ``localhost`` is allowlisted."""
    values: dict[str, object] = dict(
        connect_timeout=1.0,
        read_timeout=1.0,
        deadline_seconds=2.5,
        max_bytes=2_000_000,
        max_redirects=3,
        retries=2,
        backoff_base_seconds=0.5,
        backoff_max_seconds=5.0,
        per_host_delay_seconds=0.0,
        allow_hosts=["localhost"],
    )
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> HttpClient:
    """A client whose retry pauses are recorded instead of waited."""
    return HttpClient(fast_fetch_settings(), sleep=sleeps.append, throttle=HostThrottle())


@pytest.fixture
def settings() -> Settings:
    return Settings(
        fetch=fast_fetch_settings(),
        extract=ExtractSettings(time_budget_seconds=5.0, max_html_bytes=1_500_000, min_text_chars=200),
    )


def wait_or_stop(server: HostileServer, seconds: float) -> None:
    """Sleep in a handler, but wake up when the test ends."""
    server.stop.wait(seconds)


def drip(server: HostileServer, handler: http.server.BaseHTTPRequestHandler, data: bytes, every: float) -> None:
    for i in range(len(data)):
        if server.stop.is_set():
            return
        handler.wfile.write(data[i : i + 1])
        handler.wfile.flush()
        time.sleep(every)
