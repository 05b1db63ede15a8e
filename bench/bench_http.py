"""HTTP cost per page with and without connection reuse (``python bench/bench_http.py [--pages N]``).

One ``HttpClient`` fetches the same ~46 kB page N times from a local server that either keeps the
connection alive (HTTP/1.1, TCP_NODELAY, as news sites serve) or closes it after every answer
(HTTP/1.0), which forces a new connection per request. The server runs in this process, so the CPU
column covers both ends; the connection count is the server's. Prints figures, never fails on timing.

With ``--tls-cert CERT --tls-key KEY`` (a certificate for ``localhost``, e.g. from ``openssl req -x509
-newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=DNS:localhost``) the server speaks
HTTPS and the client trusts that certificate alone (verification and hostname check stay on), so the
cost of a TLS handshake per page shows.
"""

from __future__ import annotations

import argparse
import http.server
import random
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prisonwatch.collect import fetch
from prisonwatch.collect.fetch import HostThrottle, HttpClient
from prisonwatch.config import FetchSettings

PAGE = ("<html><body>" + " ".join(random.Random(7).choice(["presos", "liberados", "news"]) for _ in range(5000)))[
    :46_000
].encode()


@contextmanager
def serve(keep_alive: bool, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, list[int]]]:
    """A one-page server; yields (URL, [connections accepted])."""
    connections = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            connections[0] += 1

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scheme, host = ("https", "localhost") if tls is not None else ("http", "127.0.0.1")
        yield f"{scheme}://{host}:{server.server_address[1]}/page.html", connections
    finally:
        server.shutdown()
        server.server_close()


def measure(keep_alive: bool, pages: int, tls: ssl.SSLContext | None = None) -> dict[str, float]:
    with serve(keep_alive, tls) as (url, connections):
        settings = FetchSettings(per_host_delay_seconds=0.0, allow_hosts=["127.0.0.1", "localhost"])
        with HttpClient(settings, throttle=HostThrottle()) as client:
            client.get(url)  # warm: imports, first connection
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(pages):
                client.get(url)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {"wall_ms": wall / pages * 1000, "cpu_ms": cpu / pages * 1000, "connections": connections[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tls-cert", help="PEM certificate for localhost: serve HTTPS")
    parser.add_argument("--tls-key", help="its PEM private key")
    args = parser.parse_args()
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        trust = ssl.create_default_context(cafile=args.tls_cert)  # verification on, this certificate only
        fetch._SSL_CONTEXT = trust
    for keep_alive in (True, False):
        label = "kept alive (reused)" if keep_alive else "closed by the server (new connection each)"
        label = ("https " if tls else "http ") + label
        runs = [measure(keep_alive, args.pages, tls) for _ in range(args.repeats)]
        walls = sorted(r["wall_ms"] for r in runs)
        cpus = sorted(r["cpu_ms"] for r in runs)
        print(
            f"{label:52s} wall {walls[len(walls) // 2]:.2f} ms/page ({walls[0]:.2f}-{walls[-1]:.2f}), "
            f"cpu {cpus[len(cpus) // 2]:.2f} ms/page, connections {int(runs[0]['connections'])} "
            f"for {args.pages + 1} requests"
        )


if __name__ == "__main__":
    main()
