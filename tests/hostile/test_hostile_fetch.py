"""Servers that stall, drip, flood, loop or point inward: the client stops and names the reason."""

from __future__ import annotations

import threading
import zlib

import pytest

from prisonwatch.collect.fetch import FetchError, HostThrottle, HttpClient

from .conftest import HostileServer, drip, fast_fetch_settings, redirect, send, static, wait_or_stop


def _error(client: HttpClient, url: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        client.get(url)
    return info.value


def test_server_that_never_answers_times_out(hostile_server: HostileServer, client) -> None:
    hostile_server.add("/silent", lambda h: wait_or_stop(hostile_server, 30))
    err = _error(client, hostile_server.url("/silent"))
    assert err.error_class == "timeout" and not err.retryable
    assert hostile_server.hits["/silent"] == 1


def test_drip_feed_body_hits_the_total_deadline(hostile_server: HostileServer, sleeps) -> None:
    """One byte per second never trips a 1.5 s read timeout; only the 2.5 s total deadline stops it."""

    def route(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        drip(hostile_server, handler, b"x" * 100, 1.0)

    hostile_server.add("/drip", route)
    client = HttpClient(fast_fetch_settings(read_timeout=1.5), sleep=sleeps.append, throttle=HostThrottle())
    err = _error(client, hostile_server.url("/drip"))
    assert err.error_class == "deadline_exceeded"
    assert hostile_server.hits["/drip"] == 1  # not retried


def test_drip_feed_headers_hit_the_total_deadline(hostile_server: HostileServer, sleeps) -> None:
    hostile_server.add("/drip-headers", lambda h: drip(hostile_server, h, b"HTTP/1.1 200 OK\r\n" * 10, 0.4))
    client = HttpClient(fast_fetch_settings(read_timeout=1.0), sleep=sleeps.append, throttle=HostThrottle())
    assert _error(client, hostile_server.url("/drip-headers")).error_class == "deadline_exceeded"


def _gzip_bomb(decompressed: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [comp.compress(block) for _ in range(decompressed >> 20)]
    parts.append(comp.flush())
    return b"".join(parts)


def test_gzip_bomb_is_cut_off_not_unpacked(hostile_server: HostileServer, client) -> None:
    bomb = _gzip_bomb(256 << 20)  # 256 MiB of zeros in about 250 KB
    assert len(bomb) < 2_000_000
    hostile_server.add("/bomb", static(bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}))
    err = _error(client, hostile_server.url("/bomb"))
    assert err.error_class == "too_large" and "decompresses" in err.message


def _stream_html(hostile_server: HostileServer, total: int, declare_length: bool):
    def route(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        if declare_length:
            handler.send_header("Content-Length", str(total))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b"<p>" + b"relleno " * 8190 + b"</p>"
        sent = 0
        while sent < total and not hostile_server.stop.is_set():
            handler.wfile.write(chunk)
            sent += len(chunk)

    return route


@pytest.mark.parametrize("declare_length", [True, False])
def test_50_mb_page_is_refused(hostile_server: HostileServer, client, declare_length: bool) -> None:
    hostile_server.add("/huge", _stream_html(hostile_server, 50 << 20, declare_length))
    err = _error(client, hostile_server.url("/huge"))
    assert err.error_class == "too_large"


def test_redirect_loop(hostile_server: HostileServer, client) -> None:
    hostile_server.add("/loop-a", redirect("/loop-b"))
    hostile_server.add("/loop-b", redirect(hostile_server.url("/loop-a")))
    assert _error(client, hostile_server.url("/loop-a")).error_class == "redirect_loop"


def test_too_many_redirects(hostile_server: HostileServer, client) -> None:
    for i in range(10):
        hostile_server.add(f"/hop{i}", redirect(f"/hop{i + 1}", 301))
    err = _error(client, hostile_server.url("/hop0"))
    assert err.error_class == "too_many_redirects"
    assert hostile_server.hits["/hop3"] == 1 and hostile_server.hits["/hop4"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/internal",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:{port}/x",
        "http://100.100.100.200/latest/meta-data/",
    ],
)
def test_redirect_from_allowed_host_to_internal_address_is_blocked(
    hostile_server: HostileServer, client, target: str
) -> None:
    """``localhost`` is allowlisted; the same server under 127.0.0.1 is not, so the hop is refused."""
    hostile_server.add("/internal", static(b"internal secret"))
    hostile_server.add("/to-internal", redirect(target.format(port=hostile_server.port)))
    err = _error(client, hostile_server.url("/to-internal"))
    assert err.error_class == "blocked_address"
    assert hostile_server.hits["/internal"] == 0


def test_redirect_to_another_scheme_is_blocked(hostile_server: HostileServer, client) -> None:
    hostile_server.add("/to-file", redirect("file:///etc/passwd"))
    assert _error(client, hostile_server.url("/to-file")).error_class == "bad_scheme"


def test_direct_internal_address_is_blocked_without_allowlist(hostile_server: HostileServer, sleeps) -> None:
    hostile_server.add("/x", static(b"x"))
    client = HttpClient(fast_fetch_settings(allow_hosts=[]), sleep=sleeps.append, throttle=HostThrottle())
    assert _error(client, hostile_server.url("/x")).error_class == "blocked_address"
    assert hostile_server.hits["/x"] == 0


def test_connection_goes_to_the_checked_address(hostile_server: HostileServer, sleeps) -> None:
    """A name that no DNS knows is resolved once by the guard and the socket goes to that address."""
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    hostile_server.add("/pinned", static(b"pinned ok"))
    client = HttpClient(
        fast_fetch_settings(allow_hosts=["feeds.pinned.invalid"]),
        sleep=sleeps.append,
        resolver=resolver,
        throttle=HostThrottle(),
    )
    resp = client.get(f"http://feeds.pinned.invalid:{hostile_server.port}/pinned")
    assert resp.body == b"pinned ok" and calls == ["feeds.pinned.invalid"]
    assert hostile_server.headers["/pinned"]["host"] == f"feeds.pinned.invalid:{hostile_server.port}"


def test_rebinding_name_to_internal_address_is_blocked(hostile_server: HostileServer, sleeps) -> None:
    hostile_server.add("/x", static(b"x"))
    client = HttpClient(
        fast_fetch_settings(allow_hosts=[]),
        sleep=sleeps.append,
        resolver=lambda h, p: ["93.184.216.34", "127.0.0.1"],
        throttle=HostThrottle(),
    )
    assert _error(client, f"http://rebind.invalid:{hostile_server.port}/x").error_class == "blocked_address"


@pytest.mark.parametrize("status,error_class", [(404, "http_404"), (410, "http_410"), (403, "http_403")])
def test_client_errors_are_not_retried(hostile_server: HostileServer, client, sleeps, status, error_class) -> None:
    hostile_server.add("/e", static(b"no", status))
    err = _error(client, hostile_server.url("/e"))
    assert (err.error_class, err.status, err.retryable) == (error_class, status, False)
    assert hostile_server.hits["/e"] == 1 and sleeps == []


def test_429_with_retry_after_then_success(hostile_server: HostileServer, client, sleeps) -> None:
    def route(handler) -> None:
        if hostile_server.hits["/busy"] == 1:
            send(handler, b"slow down", 429, {"Retry-After": "3"})
        else:
            send(handler, b"finally")

    hostile_server.add("/busy", route)
    assert client.get(hostile_server.url("/busy")).body == b"finally"
    assert sleeps == [3.0]


def test_500_then_success(hostile_server: HostileServer, client, sleeps) -> None:
    def route(handler) -> None:
        send(handler, b"oops", 500) if hostile_server.hits["/flaky"] == 1 else send(handler, b"ok")

    hostile_server.add("/flaky", route)
    assert client.get(hostile_server.url("/flaky")).body == b"ok"
    assert hostile_server.hits["/flaky"] == 2 and len(sleeps) == 1 and 0.25 <= sleeps[0] <= 0.5


def test_persistent_500_gives_up_after_the_configured_retries(hostile_server: HostileServer, client, sleeps) -> None:
    hostile_server.add("/down", static(b"down", 503))
    err = _error(client, hostile_server.url("/down"))
    assert err.error_class == "http_5xx" and err.status == 503
    assert hostile_server.hits["/down"] == 3 and len(sleeps) == 2


def test_connection_refused_is_retried(sleeps) -> None:
    import socket

    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = HttpClient(fast_fetch_settings(), sleep=sleeps.append, throttle=HostThrottle())
    err = _error(client, f"http://localhost:{port}/")
    assert err.error_class == "connection_error" and len(sleeps) == 2


def test_user_agent_names_the_contact(hostile_server: HostileServer, sleeps) -> None:
    hostile_server.add("/ua", static(b"ok"))
    client = HttpClient(
        fast_fetch_settings(contact="ops@prisonwatch.example"), sleep=sleeps.append, throttle=HostThrottle()
    )
    client.get(hostile_server.url("/ua"))
    ua = hostile_server.headers["/ua"]["user-agent"]
    assert ua.startswith("prisonwatch/") and "ops@prisonwatch.example" in ua


def test_one_host_is_never_hit_in_parallel(hostile_server: HostileServer) -> None:
    hostile_server.add("/slow", lambda h: (wait_or_stop(hostile_server, 0.2), send(h, b"ok")))
    client = HttpClient(fast_fetch_settings(per_host_delay_seconds=0.05))
    threads = [threading.Thread(target=client.get, args=(hostile_server.url("/slow"),)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert hostile_server.hits["/slow"] == 4 and hostile_server.max_active["/slow"] == 1
