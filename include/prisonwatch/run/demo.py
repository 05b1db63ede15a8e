"""An offline demo: a small news site served on 127.0.0.1, and the monitoring DAG run against it.

``python -m prisonwatch.run.demo`` (``make demo``) starts the site, writes a configuration whose feeds
point at it, runs ``prisonwatch_monitor`` and ``prisonwatch_report`` with ``airflow dags test``,
prints the flags, and stops the site. The same server serves test fixtures.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import mimetypes
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from pathlib import Path
from typing import Any

import yaml

from prisonwatch.config import DEFAULT_CONFIG_PATH, INCLUDE_DIR

DEMO_SITE = INCLUDE_DIR / "demo" / "site"
BASE_URL_MARK = b"{{BASE_URL}}"
# The site's files never change while it is served: one fixed Last-Modified lets conditional GETs answer 304.
SITE_LAST_MODIFIED = formatdate(1767225600, usegmt=True)  # 2026-01-01


class _SiteHandler(http.server.BaseHTTPRequestHandler):
    site_dir: Path = DEMO_SITE
    base_url: str = ""
    requests_seen: list[str]

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.requests_seen.append(self.path)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        rel = path.lstrip("/") or "index.html"
        target = (self.site_dir / rel).resolve()
        if self.site_dir.resolve() not in target.parents or not target.is_file():
            self._send(404, b"not found", "text/plain; charset=utf-8")
            return
        body = target.read_bytes().replace(BASE_URL_MARK, self.base_url.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == SITE_LAST_MODIFIED:
            self._send(304, b"", None, etag)
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".xml":
            ctype = "application/xml"
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        self._send(200, body, ctype, etag)

    def _send(self, status: int, body: bytes, ctype: str | None, etag: str | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", SITE_LAST_MODIFIED)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
        pass


@contextmanager
def serve_site(site_dir: Path = DEMO_SITE, port: int = 0) -> Iterator[tuple[str, list[str]]]:
    """Serve ``site_dir`` on 127.0.0.1 (``{{BASE_URL}}`` in files is replaced); yields (base URL, paths seen)."""
    seen: list[str] = []
    handler = type("SiteHandler", (_SiteHandler,), {"site_dir": Path(site_dir), "requests_seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    handler.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield handler.base_url, seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def demo_feeds(base_url: str) -> list[dict[str, str]]:
    return [
        {"name": "noticias_demo", "url": f"{base_url}/feeds/noticias.xml", "language": "es"},
        {"name": "english_demo", "url": f"{base_url}/feeds/english.xml", "language": "en"},
        {"name": "broken_demo", "url": f"{base_url}/feeds/broken.xml", "language": "en"},
    ]


def write_demo_config(base_url: str, out: Path, *, db_path: Path, reports_dir: Path, staging_dir: Path) -> Path:
    """The bundled configuration with its feeds pointed at the demo site and 127.0.0.1 allowed."""
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    config["feeds"] = demo_feeds(base_url)
    config["fetch"]["allow_hosts"] = ["127.0.0.1"]
    config["fetch"]["per_host_delay_seconds"] = 0.0
    config["fetch"]["retries"] = 1
    config["fetch"]["backoff_base_seconds"] = 0.2
    config["store"]["db_path"] = str(db_path)
    config["store"]["staging_dir"] = str(staging_dir)
    config["report"]["out_dir"] = str(reports_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _run(cmd: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("w") as log:
        proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode}); full log: {log_path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prisonwatch.run.demo", description=__doc__)
    parser.add_argument("--home", default=os.environ.get("PRISONWATCH_HOME") or os.getcwd())
    parser.add_argument("--port", type=int, default=int(os.environ.get("PRISONWATCH_DEMO_PORT", "0")))
    parser.add_argument("--fresh", action="store_true", help="start from an empty demo database")
    args = parser.parse_args(argv)
    home = Path(args.home).resolve()
    demo_dir = home / "data" / "demo"
    db_path = demo_dir / "prisonwatch-demo.duckdb"
    if args.fresh and db_path.exists():
        db_path.unlink()
    bindir = Path(sys.executable).parent
    with serve_site(port=args.port) as (base_url, _seen):
        print(f"demo site: {base_url}/ (feeds: noticias.xml, english.xml, broken.xml)")
        config = write_demo_config(
            base_url,
            demo_dir / "prisonwatch-demo.yaml",
            db_path=db_path,
            reports_dir=home / "reports" / "demo",
            staging_dir=demo_dir / "staging",
        )
        env = dict(os.environ, PRISONWATCH_CONFIG=str(config), PRISONWATCH_HOME=str(home))
        _run([str(bindir / "airflow"), "dags", "test", "prisonwatch_monitor"], env, demo_dir / "monitor.log")
        _run([str(bindir / "airflow"), "dags", "test", "prisonwatch_report"], env, demo_dir / "report.log")
    cli = str(bindir / "prisonwatch")
    subprocess.run([cli, "--config", str(config), "status"], env=env, check=False)
    print("\nFlags (each with the sentences it stands on):")
    subprocess.run([cli, "--config", str(config), "flags", "--format", "text"], env=env, check=False)
    print(f"\ntask logs: {demo_dir / 'monitor.log'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
