"""End to end: the monitoring pipeline against the bundled local news site, through Airflow and the CLI.

The site (include/demo/site) serves three feeds: a Spanish RSS feed with a Foro Penal balance (new
figures), an irrelevant oil story and a link to a page that does not exist; an English Atom feed
whose government figure contradicts the seed corpus, listed twice under two URLs; and a broken feed.
Both runs (``dag.test()`` and ``prisonwatch run``) must store the same rows and raise the same flags.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from prisonwatch import cli

pytestmark = pytest.mark.integration


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def assert_first_run_outcome(db: Path, reports: Path) -> None:
    feed_articles = dict(rows(db, "select canonical_url, relevant from articles where origin = 'feed'"))
    assert len(feed_articles) == 3, feed_articles  # the English story once, despite its tracking-parameter twin
    by_page = {url.rsplit("/", 1)[-1]: relevant for url, relevant in feed_articles.items()}
    assert by_page == {
        "foro-penal-balance-excarcelaciones.html": True,
        "assembly-900-released.html": True,
        "exportaciones-petroleras-enero.html": False,
    }
    assert rows(db, "select count(*) from articles where origin = 'seed'")[0][0] == 5

    errors = rows(db, "select stage, error_class, url from fetch_errors")
    assert any(
        stage == "page" and "404" in cls and url.endswith("vigilia-rodeo-retirada.html") for stage, cls, url in errors
    ), errors
    assert any(stage == "feed" and url.endswith("broken.xml") for stage, _, url in errors), errors

    figures = rows(
        db,
        """
        select f.metric, f.value_low, f.source from figures f join articles a on a.id = f.article_id
        where a.canonical_url like '%foro-penal-balance%'""",
    )
    assert ("released", 344, "foro_penal") in figures
    assert ("still_detained", 687, "foro_penal") in figures
    irrelevant_figures = rows(
        db,
        """
        select count(*) from figures f join articles a on a.id = f.article_id where not a.relevant""",
    )
    assert irrelevant_figures[0][0] == 0

    flags = rows(db, "select type, metric, reason from flags")
    government_900 = [f for f in flags if f[0] == "contradiction" and f[1] == "released" and "900" in f[2]]
    assert government_900, flags
    assert any(f[0] == "new_figure" and "344" in f[2] for f in flags), flags

    html = sorted(reports.glob("*/report.html"))
    assert html, "no report written"
    text = html[-1].read_text(encoding="utf-8")
    assert "900" in text and "assembly-900-released.html" in text
    assert (reports / "index.html").exists()


def test_prisonwatch_run_cli(site_config, tmp_path, demo_site, capsys):
    _, seen = demo_site
    assert cli.main(["run"]) == 0
    out = capsys.readouterr().out
    assert "feed failed: broken_demo: parse_error" in out  # the failing feed is named, with why
    assert "report: " in out
    assert_first_run_outcome(tmp_path / "pw.duckdb", tmp_path / "reports")

    # A decision queued in the Flags view while the store was busy is applied by the next store step.
    from prisonwatch.ui import webui_queue

    flag_id = rows(tmp_path / "pw.duckdb", "select id from flags where status = 'open' order by id limit 1")[0][0]
    webui_queue.enqueue(tmp_path / "pw.duckdb", flag_id, "dismissed", "duplicate of an older flag", user="ana")

    # A second poll: feeds answer 304, nothing is fetched again, nothing new is flagged.
    flags_before = rows(tmp_path / "pw.duckdb", "select count(*) from flags")[0][0]
    seen.clear()
    assert cli.main(["run", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["articles_new"] == 0 and summary["flags_new"] == 0
    assert all(p.startswith("/feeds/") for p in seen), seen
    assert rows(tmp_path / "pw.duckdb", "select count(*) from flags")[0][0] == flags_before
    assert summary["queued_decisions"]["applied"] == 1
    status, note = rows(tmp_path / "pw.duckdb", f"select status, note from flags where id = '{flag_id}'")[0]
    assert status == "dismissed" and note.startswith("duplicate of an older flag")


def test_monitor_dag_with_dag_test(airflow_db, site_config, tmp_path):
    from airflow.dag_processing.dagbag import DagBag

    dagbag = DagBag(dag_folder=str(Path(__file__).resolve().parents[1] / "dags"))
    monitor = dagbag.dags["prisonwatch_monitor"]
    run = monitor.test()
    states = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    assert states[("store_and_match", -1)] == "success", states
    poll_states = sorted(s for (t, _), s in states.items() if t == "poll_feed")
    assert poll_states == ["failed", "success", "success"], states  # the broken feed alone is red
    assert states[("announce_new_flags", -1)] == "success"

    report = dagbag.dags["prisonwatch_report"].test()
    assert {ti.task_id: ti.state for ti in report.get_task_instances()} == {"publish_report": "success"}
    assert_first_run_outcome(tmp_path / "pw.duckdb", tmp_path / "reports")

    # Re-running the same work changes nothing: a second monitoring run stores nothing new.
    counts = rows(
        tmp_path / "pw.duckdb",
        "select (select count(*) from articles), (select count(*) from figures), (select count(*) from flags)",
    )
    again = monitor.test()
    assert {ti.task_id: ti.state for ti in again.get_task_instances()}["announce_new_flags"] == "skipped"
    assert (
        rows(
            tmp_path / "pw.duckdb",
            "select (select count(*) from articles), (select count(*) from figures), (select count(*) from flags)",
        )
        == counts
    )
