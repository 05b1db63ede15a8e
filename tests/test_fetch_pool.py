"""Kept-alive connections in ``HttpClient``: reused per checked target, never across hosts or pinned
addresses, dropped after any failure, and still under each request's own total deadline.

The local server counts TCP connections (``setup`` runs once per accepted connection) and records on
which connection each request arrived.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from factories import serving

from prisonwatch.collect.fetch import FetchError, HostThrottle, HttpClient
from prisonwatch.config import FetchSettings


@dataclass
class CountingServer:
    port: int = 0
    connections: int = 0
    requests: list[tuple[int, str, str]] = field(default_factory=list)  # (connection no., host header, path)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str, host: str = "localhost") -> str:
        return f"http://{host}:{self.port}{path}"

    def connections_used(self) -> set[int]:
        return {conn for conn, _host, _path in self.requests}


def _handler(state: CountingServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as real servers do on kept-alive connections

        def setup(self) -> None:
            super().setup()
            with state.lock:
                state.connections += 1
                self.connection_no = state.connections

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            with state.lock:
                state.requests.append((self.connection_no, self.headers.get("Host", ""), self.path))
            path = self.path.split("?", 1)[0]
            if path == "/slow":  # headers at once, then one byte every 0.2 s
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(100):
                    if state.stop.wait(0.2):
                        return
                    self.wfile.write(b"x")
                    self.wfile.flush()
                return
            if path == "/hangup":  # answers, then closes without saying so in a header
                self._send(200, b"bye")
                self.close_connection = True
                return
            if path == "/error":
                self._send(500, b"broken")
                return
            if path == "/moved":
                target = self.path.split("to=", 1)[1]
                self._send(302, b"moved", {"Location": target})
                return
            self._send(200, f"page {self.path}".encode())

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[CountingServer]:
    state = CountingServer()
    with serving(_handler(state), state.stop) as port:
        state.port = port
        yield state


def _settings(**overrides: object) -> FetchSettings:
    values: dict[str, object] = dict(
        connect_timeout=1.0,
        read_timeout=1.0,
        deadline_seconds=1.5,
        retries=0,
        per_host_delay_seconds=0.0,
        allow_hosts=["localhost", "127.0.0.1", "a.pool.invalid", "b.pool.invalid"],
    )
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def _client(**overrides: object) -> HttpClient:
    resolver = overrides.pop("resolver", None)
    return HttpClient(_settings(**overrides), sleep=lambda s: None, throttle=HostThrottle(), resolver=resolver)


def test_requests_to_one_host_share_one_connection(server: CountingServer) -> None:
    with _client() as client:
        bodies = [client.get(server.url(f"/p{i}")).body for i in range(5)]
        assert client.open_connections == 1
    assert bodies == [f"page /p{i}".encode() for i in range(5)]
    assert len(server.requests) == 5 and server.connections == 1
    assert client.open_connections == 0  # closed by the ``with``


def test_close_closes_and_the_client_reconnects_when_used_again(server: CountingServer) -> None:
    client = _client()
    client.get(server.url("/a"))
    client.close()
    assert client.open_connections == 0
    assert client.get(server.url("/b")).body == b"page /b"
    assert server.connections == 2
    client.close()


def test_separate_clients_never_share_a_connection(server: CountingServer) -> None:
    with _client() as first, _client() as second:
        first.get(server.url("/a"))
        second.get(server.url("/b"))
        first.get(server.url("/c"))
    assert server.connections == 2
    by_path = {path: conn for conn, _host, path in server.requests}
    assert by_path["/a"] == by_path["/c"] != by_path["/b"]


def test_no_reuse_across_host_names_on_the_same_address_and_port(server: CountingServer) -> None:
    """``localhost`` and ``127.0.0.1`` reach the same socket address but are different targets."""
    with _client() as client:
        for host in ("localhost", "127.0.0.1", "localhost", "127.0.0.1"):
            client.get(server.url("/x", host=host))
    hosts_by_connection: dict[int, set[str]] = {}
    for conn, host, _path in server.requests:
        hosts_by_connection.setdefault(conn, set()).add(host.split(":")[0])
    assert server.connections == 2
    assert sorted(hosts_by_connection.values(), key=sorted) == [{"127.0.0.1"}, {"localhost"}]


def test_no_reuse_across_pinned_addresses(server: CountingServer) -> None:
    """Two names pinned to different addresses (127.0.0.1 and the same port on 127.0.0.2, both the
    loopback) get a connection each, each to its own checked address."""
    second = http.server.ThreadingHTTPServer(("127.0.0.2", server.port), _handler(server))
    thread = threading.Thread(target=second.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    pinned = {"a.pool.invalid": ["127.0.0.1"], "b.pool.invalid": ["127.0.0.2"]}
    try:
        with _client(resolver=lambda host, port: pinned[host]) as client:
            for host in ("a.pool.invalid", "b.pool.invalid", "a.pool.invalid", "b.pool.invalid"):
                client.get(server.url(f"/{host}", host=host))
            assert client.open_connections == 2
    finally:
        second.shutdown()
        second.server_close()
    assert server.connections == 2
    by_path: dict[str, set[int]] = {}
    for conn, _host, path in server.requests:
        by_path.setdefault(path, set()).add(conn)
    assert len(by_path["/a.pool.invalid"]) == 1 and len(by_path["/b.pool.invalid"]) == 1
    assert by_path["/a.pool.invalid"] != by_path["/b.pool.invalid"]


def test_a_name_is_resolved_once_per_client_and_a_redirect_host_is_checked(server: CountingServer) -> None:
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    with _client(resolver=resolver) as client:
        client.get(server.url("/one", host="a.pool.invalid"))
        moved = client.get(server.url(f"/moved?to={server.url('/two', host='b.pool.invalid')}", host="a.pool.invalid"))
        client.get(server.url("/three", host="a.pool.invalid"))
    assert moved.final_url == server.url("/two", host="b.pool.invalid") and moved.body == b"page /two"
    assert calls == ["a.pool.invalid", "b.pool.invalid"]
    assert server.connections == 2  # the redirect body was read, so a.pool.invalid kept its connection


def test_a_redirect_to_a_blocked_host_is_refused_on_a_kept_connection(server: CountingServer) -> None:
    with _client() as client:
        client.get(server.url("/warm"))
        with pytest.raises(FetchError) as info:
            client.get(server.url("/moved?to=http://10.0.0.1/internal"))
    assert info.value.error_class == "blocked_address"
    assert [path for _conn, _host, path in server.requests] == ["/warm", "/moved?to=http://10.0.0.1/internal"]


def test_a_kept_connection_answers_to_the_new_requests_deadline(server: CountingServer) -> None:
    """The first request's deadline has long passed when the second starts; the second has its own."""
    with _client(deadline_seconds=0.6) as client:
        client.get(server.url("/first"))
        time.sleep(0.7)  # longer than the first request's whole deadline
        assert client.get(server.url("/second")).body == b"page /second"
        with pytest.raises(FetchError) as info:
            client.get(server.url("/slow"))
        assert client.open_connections == 0  # the connection that ran out of time is not kept
    assert info.value.error_class == "deadline_exceeded"  # cut off, not the 20 s the server would take
    assert server.connections == 1


@pytest.mark.parametrize("path", ["/error", "/slow"])
def test_a_connection_that_failed_is_not_reused(server: CountingServer, path: str) -> None:
    with _client(deadline_seconds=0.5) as client:
        client.get(server.url("/before"))
        with pytest.raises(FetchError):
            client.get(server.url(path))
        assert client.open_connections == 0
        client.get(server.url("/after"))
    conn = {p: c for c, _h, p in server.requests}
    assert conn["/before"] == conn[path] != conn["/after"]


def test_a_connection_the_server_closed_is_replaced_without_a_retry(server: CountingServer) -> None:
    waits: list[float] = []
    client = HttpClient(_settings(retries=2), sleep=waits.append, throttle=HostThrottle())
    with client:
        assert client.get(server.url("/hangup")).body == b"bye"
        time.sleep(0.1)  # let the server's close arrive
        assert client.get(server.url("/next")).body == b"page /next"
    assert server.connections == 2 and waits == []
    assert [path for _c, _h, path in server.requests] == ["/hangup", "/next"]
