"""The DuckDB store: migrations, idempotent one-transaction ingest, lock retries, flags and report data."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest
from factories import make_figure

from prisonwatch import store
from prisonwatch.config import Settings
from prisonwatch.matching import neardup
from prisonwatch.models import Article, FetchErrorRecord, Figure, PollResult

SETTINGS = Settings()


def article(url: str, title: str, published: str, words: str = "") -> Article:
    text = words or f"Text of {url}: " + " ".join(f"t{i}{url[-3:]}" for i in range(60))
    return Article(
        url=url, canonical_url=url, title=title, text=text, content_hash=url, published=published, language="en"
    )


def figure(
    metric: str, value: int, source: str, kind: str = "cumulative", qualifier: str = "exact", start: int = 0
) -> Figure:
    return make_figure(metric, value, source, kind, qualifier, start)


def batch() -> dict[str, Any]:
    return {
        "polls": [
            PollResult("ok_feed", "https://f.example/ok", "ok", etag='"v1"', last_modified="Mon"),
            PollResult("quiet", "https://f.example/q", "not_modified"),
            PollResult("broken", "https://f.example/b", "failed", error="HTTP 503", error_class="http_5xx"),
        ],
        "articles": [
            (
                article("https://n.example/1", "Government counts", "2026-01-30"),
                [
                    figure("released", 600, "government", qualifier="more_than", start=10),
                    figure("released", 302, "foro_penal", start=80),
                ],
            ),
            (article("https://n.example/2", "Unrelated", "2026-01-30"), []),
        ],
        "errors": [
            FetchErrorRecord(
                url="https://n.example/3", stage="page", error_class="timeout", message="deadline", feed="ok_feed"
            )
        ],
    }


def table_counts(db: store.Store) -> dict[str, int]:
    tables = ("articles", "figures", "flags", "flag_evidence", "feed_state", "runs", "fetch_errors", "run_articles")
    return {t: db.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


def snapshot(db: store.Store) -> dict[str, Any]:
    return {
        t: db.con.execute(f"SELECT * EXCLUDE (stored_at) FROM {t} ORDER BY ALL").fetchall()
        for t in ("articles", "figures")
    } | {
        "flags": db.con.execute("SELECT id, status, corroborations, signature FROM flags ORDER BY id").fetchall(),
        "feed_state": db.con.execute("SELECT * FROM feed_state ORDER BY name").fetchall(),
        "runs": db.con.execute("SELECT * FROM runs ORDER BY run_id").fetchall(),
        "counts": table_counts(db),
    }


def test_empty_database_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        assert db.schema_version() == len(store.migrations()) >= 2
        rows = db.con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
        assert rows[:2] == [(1, "core"), (2, "near_duplicates_and_views")]
        assert db.is_empty()
    with store.open_store(tmp_path / "pw.duckdb") as db:  # reopening applies nothing twice
        assert db.con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0] == len(store.migrations())


def test_migration_from_the_previous_schema_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert store.migrate(con, target=1) == [1]
    con.execute(
        "INSERT INTO articles (id, canonical_url, url, content_hash, first_run_id, stored_at, published_date) "
        "VALUES ('a_old', 'https://old.example/x', 'https://old.example/x', 'h', 'r0', 'then', '2025-12-26')"
    )
    con.execute(
        "INSERT INTO figures (id, article_id, metric, value_low, value_high, qualifier, source, scope_kind, "
        "start_pos, end_pos, as_of, run_id, stored_at) VALUES ('fig_old', 'a_old', 'still_detained', 800, "
        "800, 'more_than', 'foro_penal', 'stock', 0, 3, '2025-12-26', 'r0', 'then')"
    )
    with pytest.raises(duckdb.BinderException):
        con.execute("SELECT near_duplicate_of FROM articles").fetchall()
    con.close()
    with store.open_store(path) as db:
        assert db.schema_version() == len(store.migrations())
        assert db.articles()[0]["near_duplicate_of"] is None
        latest = db._rows("SELECT metric, source, value_low FROM v_latest_figures")
        assert latest == [{"metric": "still_detained", "source": "foro_penal", "value_low": 800}]
        # 0003 backfilled the values each source has stated from the figures already stored
        assert db._rows("SELECT source, value_low, figure_id FROM source_values") == [
            {"source": "foro_penal", "value_low": 800, "figure_id": "fig_old"}
        ]
        # 0005 kept them as the first version of each value, folded by v_source_values
        assert db._rows("SELECT source, first_as_of, last_as_of, figure_id FROM v_source_values") == [
            {"source": "foro_penal", "first_as_of": "2025-12-26", "last_as_of": "2025-12-26", "figure_id": "fig_old"}
        ]


def test_migration_to_fixed_size_signatures_keeps_articles_and_finds_their_rewrites(tmp_path: Path) -> None:
    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    assert store.migrate(con, target=3) == [1, 2, 3]
    original = article("https://old.example/x", "Government frees 120 political prisoners in Caracas", "2026-01-10")
    signature = neardup.minhash(original.text)
    con.execute(
        "INSERT INTO articles (id, canonical_url, url, content_hash, title, first_run_id, stored_at, published_date, "
        "minhash, title_words, title_numbers) VALUES ('a_old', ?, ?, 'h_old', ?, 'r0', 'then', '2026-01-10', ?, ?, ?)",
        [
            original.canonical_url,
            original.url,
            original.title,
            signature,
            neardup.title_words(original.title),
            neardup.title_numbers(original.title),
        ],
    )
    con.execute(
        "INSERT INTO figures (id, article_id, metric, value_low, value_high, qualifier, source, scope_kind, "
        "start_pos, end_pos, as_of, run_id, stored_at) VALUES ('fig_old', 'a_old', 'released', 120, 120, "
        "'exact', 'government', 'stock', 0, 3, '2026-01-10', 'r0', 'then')"
    )
    con.close()
    with store.open_store(path) as db:
        assert db.schema_version() == len(store.migrations())
        assert list(db.con.execute("SELECT signature FROM articles").fetchall()[0][0]) == signature
        assert db._rows("SELECT article_url, value_low FROM v_figures") == [
            {"article_url": "https://old.example/x", "value_low": 120}
        ]
        copy = article("https://copy.example/x", original.title, "2026-01-11", words=original.text)
        summary = db.ingest_batch("r1", polls=[], articles=[(copy, [])], errors=[], settings=SETTINGS)
        assert summary["articles_near_duplicate"] == 1
        assert {a["near_duplicate_of"] for a in db.articles()} == {None, "a_old"}
        assert db.known_canonical_urls(["https://old.example/x", "https://new.example/y"]) == {"https://old.example/x"}


def test_a_moved_flag_keeps_one_row_per_piece_of_evidence(tmp_path: Path) -> None:
    steps = [  # the government's 600 is set against Foro Penal twice: the second value moves the flag
        ("2026-01-10", figure("released", 600, "government", kind="stock")),
        ("2026-01-10", figure("released", 300, "foro_penal", kind="stock")),
        ("2026-01-11", figure("released", 200, "foro_penal", kind="stock")),
    ]
    with store.open_store(tmp_path / "pw.duckdb") as db:
        for i, (day, fig) in enumerate(steps):
            db.ingest_batch(
                f"r{i}",
                polls=[],
                errors=[],
                settings=SETTINGS,
                articles=[(article(f"https://m.example/{i}", f"Count {i}", day), [fig])],
            )
        (flag,) = db.flags(flag_type="contradiction")
        values = sorted(e["value_low"] for e in [flag["new"], *flag["previous"]])
        assert values == [200, 300, 600] and flag["new"]["value_low"] == 200
        rows = db.con.execute("SELECT figure_id, role FROM flag_evidence WHERE flag_id = ?", [flag["id"]]).fetchall()
        assert len(rows) == len({r[0] for r in rows}) == 3


def test_read_only_open_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    store.migrate(con, target=1)
    con.close()
    with pytest.raises(store.StoreError, match="needs migrating"):
        store.open_store(path, read_only=True)


def test_ingest_summary_and_feed_state(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        summary = db.ingest_batch("run-1", settings=SETTINGS, **batch())
        assert {k: summary[k] for k in summary if k not in ("store_ms", "match_ms")} == {
            "run_id": "run-1",
            "feeds_ok": 1,
            "feeds_not_modified": 1,
            "feeds_failed": 1,
            "unhealthy_feeds": [],
            "articles_new": 2,
            "articles_duplicate": 0,
            "articles_near_duplicate": 0,
            "articles_irrelevant": 0,
            "articles_failed": 1,
            "figures_new": 2,
            "flags_new": 3,
            "flags_corroborated": 0,
            "errors_recorded": 2,
        }
        states = db.feed_states()
        assert states["ok_feed"]["etag"] == '"v1"' and states["ok_feed"]["consecutive_failures"] == 0
        assert states["broken"]["consecutive_failures"] == 1
        assert states["broken"]["last_error"] == "http_5xx: HTTP 503"
        errors = db._rows("SELECT stage, url FROM fetch_errors ORDER BY stage")
        assert errors == [
            {"stage": "feed", "url": "https://f.example/b"},
            {"stage": "page", "url": "https://n.example/3"},
        ]
        assert db.known_canonical_urls(["https://n.example/1", "https://n.example/9"]) == {"https://n.example/1"}


def test_same_input_twice_and_rerun_of_a_run_change_nothing(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        first = db.ingest_batch("run-1", settings=SETTINGS, **batch())
        before = snapshot(db)
        again = db.ingest_batch("run-1", settings=SETTINGS, **batch())  # the DAG run re-runs
        assert snapshot(db) == before
        assert {k: v for k, v in again.items() if k not in ("store_ms", "match_ms")} == {
            k: v for k, v in first.items() if k not in ("store_ms", "match_ms")
        }
        other = db.ingest_batch("run-2", settings=SETTINGS, **batch())  # a later run sees the same articles
        assert other["articles_new"] == 0 and other["articles_duplicate"] == 2
        assert other["figures_new"] == 0 and other["flags_new"] == 0
        after = snapshot(db)
        assert after["counts"]["figures"] == before["counts"]["figures"]
        assert after["flags"] == before["flags"]
        assert db.feed_states()["broken"]["consecutive_failures"] == 2  # a new run does count


def test_a_crash_inside_the_transaction_leaves_no_partial_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        empty = table_counts(db)

        def explode(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(store.Store, "_apply_actions", explode)  # after articles and figures are written
        with pytest.raises(RuntimeError, match="disk on fire"):
            db.ingest_batch("run-1", settings=SETTINGS, **batch())
        assert table_counts(db) == empty
        monkeypatch.undo()
        assert db.ingest_batch("run-1", settings=SETTINGS, **batch())["articles_new"] == 2


def test_unhealthy_feed_after_consecutive_failures(tmp_path: Path) -> None:
    failing = [PollResult("broken", "https://f.example/b", "failed", error="x", error_class="timeout")]
    with store.open_store(tmp_path / "pw.duckdb") as db:
        for i in range(3):
            summary = db.ingest_batch(f"r{i}", polls=failing, articles=[], errors=[], settings=SETTINGS)
        assert summary["unhealthy_feeds"] == ["broken"]
        db.ingest_batch(
            "r-ok", polls=[PollResult("broken", "https://f.example/b", "ok")], articles=[], errors=[], settings=SETTINGS
        )
        assert db.feed_states()["broken"]["consecutive_failures"] == 0


def test_flag_status_reporting_and_report_data(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch("run-1", settings=SETTINGS, **batch())
        (contra,) = db.flags(flag_type="contradiction")
        assert contra["reason"] == "Government: 600 released; Foro Penal: 302 (both in one article, 2026-01-30)"
        assert set(db.unreported_flag_ids()) == {f["id"] for f in db.flags()}
        ids = db.unreported_flag_ids()
        db.mark_reported(ids, "rep-1", "html")
        db.mark_reported(ids, "rep-1", "html")  # a retried delivery records nothing twice
        assert db.unreported_flag_ids() == []
        assert db.con.execute("SELECT count(*) FROM report_deliveries").fetchall()[0][0] == 1
        updated = db.set_flag_status(contra["id"], "acknowledged", "checked with Foro Penal")
        assert (updated["status"], updated["note"]) == ("acknowledged", "checked with Foro Penal")
        with pytest.raises(ValueError):
            db.set_flag_status(contra["id"], "closed", "")
        with pytest.raises(KeyError):
            db.set_flag_status("f_missing", "dismissed", "x")
        data = db.report_data(flag_ids=[contra["id"]])
        json.dumps(data)  # plain JSON-able
        assert set(data) == {"generated_at", "run", "flags", "review", "board", "timeline", "feeds", "errors", "counts"}
        flag = data["flags"][0]
        assert flag["new"]["article_url"] == "https://n.example/1" and flag["previous"][0]["value_low"] == 600
        assert {"figure_id", "sentence", "article_title", "scope_kind", "published"} <= set(flag["new"])
        assert data["run"]["run_id"] == "run-1" and data["counts"]["articles_total"] == 2
        assert {f["name"]: f["healthy"] for f in data["feeds"]} == {"ok_feed": True, "quiet": True, "broken": True}
        assert [e["stage"] for e in data["errors"]] == ["feed", "page"]
        assert {(b["source"], b["value_low"], b["trend"]) for b in data["board"]} == {
            ("government", 600, "new"),
            ("foro_penal", 302, "new"),
        }


def test_board_trend_against_the_previous_value(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        for i, (day, value) in enumerate([("2025-12-26", 800), ("2026-01-12", 803)]):
            db.ingest_batch(
                f"r{i}",
                polls=[],
                errors=[],
                settings=SETTINGS,
                articles=[
                    (
                        article(f"https://n.example/fp{i}", f"Foro Penal count {i}", day),
                        [figure("still_detained", value, "foro_penal", kind="stock")],
                    )
                ],
            )
        (row,) = db.report_data()["board"]
        assert (row["value_low"], row["previous_value_low"], row["previous_as_of"], row["trend"]) == (
            803,
            800,
            "2025-12-26",
            "up",
        )


def test_open_store_retries_then_fails_clearly_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    store.open_store(path).close()
    holder = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        time.sleep(float(sys.argv[1]))
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", holder, "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(store.StoreLockedError, match="gave up after 2 attempts"):
            store.open_store(path, attempts=2, backoff_seconds=0.05)
    finally:
        proc.kill()
        proc.wait()
    proc = subprocess.Popen([sys.executable, "-c", holder, "0.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with store.open_store(path, attempts=8, backoff_seconds=0.1) as db:  # waits for the lock to go
            assert db.is_empty()
    finally:
        proc.wait()


def test_report_timeline_is_bounded_to_recent_days_and_the_flags_it_cites(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        for i, (day, value) in enumerate([("2025-01-05", 100), ("2025-10-01", 700), ("2026-01-10", 800)]):
            db.ingest_batch(
                f"r{i}",
                polls=[],
                errors=[],
                settings=SETTINGS,
                articles=[
                    (
                        article(f"https://t.example/{i}", f"Count {i}", day),
                        [figure("still_detained", value, "foro_penal", kind="stock")],
                    )
                ],
            )
        recent = [t["as_of"] for t in db.report_data(flag_ids=[])["timeline"]]
        assert recent == ["2025-10-01", "2026-01-10"]  # 2025-01-05 is more than TIMELINE_DAYS older
        (old_flag,) = [f for f in db.flags() if f["new"]["as_of"] == "2025-01-05"]
        cited = [t["as_of"] for t in db.report_data(flag_ids=[old_flag["id"]])["timeline"]]
        assert cited == ["2025-01-05", "2025-10-01", "2026-01-10"]
        assert [t["as_of"] for t in db.report_data(since="2026-01-01")["timeline"]] == ["2026-01-10"]


def test_a_value_stated_again_widens_its_dates_and_keeps_the_latest_figure(tmp_path: Path) -> None:
    days = ["2026-01-10", "2026-01-20", "2026-01-05"]  # the same 803 stated three times, the last one backdated
    with store.open_store(tmp_path / "pw.duckdb") as db:
        for i, day in enumerate(days):
            db.ingest_batch(
                f"r{i}",
                polls=[],
                errors=[],
                settings=SETTINGS,
                articles=[
                    (
                        article(f"https://v.example/{i}", f"Count {i}", day),
                        [figure("still_detained", 803, "foro_penal", kind="stock")],
                    )
                ],
            )
        (row,) = db._rows("SELECT first_as_of, last_as_of, figure_id, article_id FROM v_source_values")
        latest = {f["figure_id"] for f in db.figures() if f["as_of"] == "2026-01-20"}
        assert (row["first_as_of"], row["last_as_of"]) == ("2026-01-05", "2026-01-20")
        assert {row["figure_id"]} == latest
        assert len(db.flags(flag_type="new_figure")) == 1  # stated again: nothing new
        # append-only: each statement that changed the dates added a version; one within them adds none
        assert db.con.execute("SELECT count(*) FROM source_values").fetchall()[0][0] == 3
        db.ingest_batch(
            "r-within",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[
                (
                    article("https://v.example/within", "Count within", "2026-01-12"),
                    [figure("still_detained", 803, "foro_penal", kind="stock")],
                )
            ],
        )
        assert db.con.execute("SELECT count(*) FROM source_values").fetchall()[0][0] == 3
        assert db._rows("SELECT figure_id FROM v_source_values") == [{"figure_id": row["figure_id"]}]


def test_a_figure_below_the_confidence_threshold_is_held_for_review_and_raises_no_flag(tmp_path: Path) -> None:
    settings = Settings()
    settings.flags.min_confidence = 0.7
    sure = figure("released", 302, "foro_penal", start=0)
    doubtful = figure("released", 900, "government", start=40)
    doubtful.confidence = 0.55
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch(
            "run-1", polls=[], articles=[(article("https://n.example/1", "Counts", "2026-01-30"), [sure, doubtful])],
            errors=[], settings=settings,
        )  # fmt: skip
        flags = db.flags()
        assert [(f["type"], f["new"]["value_low"]) for f in flags] == [("new_figure", 302)]
        assert all(e["value_low"] != 900 for f in flags for e in f["previous"])
        review = db.figures(below_confidence=settings.flags.min_confidence)
        assert [(r["value_low"], r["confidence"]) for r in review] == [(900, 0.55)]
        data = db.report_data()
        assert data["counts"]["figures_for_review"] == 1
        assert [(r["value_low"], r["source"], r["confidence"]) for r in data["review"]] == [(900, "government", 0.55)]
        from prisonwatch import report

        html = report.render_html(data)
        assert "Held for review (1)" in html and "government says" in html
        assert "Held for review (1)" in report.render_markdown(data)
        document = report.report_document(data, report_id="r1", kind="run")
        assert document["review"][0]["sentence"] == "government says 900"
        # a later, confident figure is never set against the doubtful one either
        later = figure("released", 310, "government", start=0)
        db.ingest_batch(
            "run-2", polls=[], articles=[(article("https://n.example/2", "More", "2026-01-31"), [later])],
            errors=[], settings=settings,
        )  # fmt: skip
        (new,) = [f for f in db.flags() if f["new"]["value_low"] == 310]
        assert new["type"] == "new_figure" and new["previous"] == []  # not "changed from 900"
