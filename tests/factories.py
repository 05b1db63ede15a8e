"""Small builders of records for store, flag and view tests."""

from __future__ import annotations

import copy
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prisonwatch.config import Settings
from prisonwatch.models import Figure


def make_figure(
    metric: str,
    value: int,
    source: str,
    kind: str = "cumulative",
    qualifier: str = "exact",
    start: int = 0,
    sentence: str | None = None,
) -> Figure:
    """A figure stated plainly by ``source``; its sentence says who and how many."""
    return Figure(
        metric=metric,
        value_low=value,
        value_high=value,
        qualifier=qualifier,
        source=source,
        source_text=source,
        scope="",
        scope_kind=kind,
        sentence=sentence if sentence is not None else f"{source} says {value}",
        start=start,
        end=start + 3,
        value_text=str(value),
    )


class FakeStore:
    """The store methods publishing uses, over a dict of flags; records every call."""

    def __init__(self, data: dict, *, fail_marking: int = 0) -> None:
        self.data = data
        self.reported: dict[str, tuple[str, str]] = {}
        self.fail_marking = fail_marking
        self.calls: list[str] = []

    def unreported_flag_ids(self) -> list[str]:
        self.calls.append("unreported_flag_ids")
        return [f["id"] for f in self.data["flags"] if f["id"] not in self.reported]

    def report_data(self, flag_ids=None, since=None) -> dict:
        self.calls.append(f"report_data({flag_ids!r}, since={since!r})")
        chosen = copy.deepcopy(self.data)
        if flag_ids is not None:
            chosen["flags"] = [f for f in chosen["flags"] if f["id"] in flag_ids]
        if since is not None:
            chosen["flags"] = [f for f in chosen["flags"] if f["created_at"] >= since]
        return chosen

    def mark_reported(self, flag_ids, report_id, channel) -> None:
        self.calls.append("mark_reported")
        if self.fail_marking:
            self.fail_marking -= 1
            raise RuntimeError("database is locked")
        for flag_id in flag_ids:
            self.reported[flag_id] = (report_id, channel)

    def opener(self):
        @contextmanager
        def open_store(path, read_only=False):
            yield self

        return open_store


def settings_for(tmp_path: Path, **report_settings) -> Settings:
    """Default settings with reports under ``tmp_path`` and the given ``report.*`` values."""
    settings = Settings(home=str(tmp_path))
    settings.report.out_dir = str(tmp_path / "reports")
    settings.report.from_email = "prisonwatch@example.org"
    for key, value in report_settings.items():
        setattr(settings.report, key, value)
    return settings


def store_contradicting_claims(path: Path, claims: list[tuple[int, str, str, str]]) -> Path:
    """A database holding one article whose ``(value, qualifier, source, value_text)`` release claims disagree."""
    from prisonwatch import store
    from prisonwatch.models import Article

    text = "Government and Foro Penal disagree " + " ".join(f"w{i}" for i in range(50))
    article = Article(
        url="https://n.example/1",
        canonical_url="https://n.example/1",
        title="Counts",
        text=text,
        content_hash="h1",
        published="2026-01-30",
        language="en",
    )
    figures = [
        make_figure("released", value, source, "cumulative", qualifier, i * 50, sentence=f"{source}: {value}")
        for i, (value, qualifier, source, _) in enumerate(claims)
    ]
    for figure, (_, _, _, value_text) in zip(figures, claims, strict=True):
        figure.value_text = value_text
    with store.open_store(path) as db:
        db.ingest_batch("r1", polls=[], articles=[(article, figures)], errors=[], settings=Settings())
    return path


class QuietServer(http.server.ThreadingHTTPServer):
    """A threaded test server that does not print tracebacks when clients hang up mid-response."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler], stop: threading.Event | None = None) -> Iterator[int]:
    """Serve ``handler`` on 127.0.0.1 in a thread; yields the port; sets ``stop`` and shuts down on exit."""
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        if stop is not None:
            stop.set()
        httpd.shutdown()
        httpd.server_close()
