"""DAG integrity: every DAG imports cleanly, declares owner, tags and retries, and uses existing pools."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DAG_FILES = sorted((REPO / "dags").glob("*.py"))
POOLS = set(json.loads((REPO / "include" / "config" / "pools.json").read_text())) | {"default_pool"}
HEAVY_MODULES = {"trafilatura", "duckdb", "feedparser", "httpx", "matplotlib", "prisonwatch"}


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"), known_pools=POOLS)


def test_every_dag_file_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert not dagbag.dag_warnings, dagbag.dag_warnings
    assert set(dagbag.dag_ids) == {
        "prisonwatch_monitor",
        "prisonwatch_report",
        "prisonwatch_seed",
        "prisonwatch_digest",
    }


def test_dags_declare_owner_tags_retries(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags and "prisonwatch" in dag.tags, dag_id
        assert dag.doc_md, dag_id
        for t in dag.tasks:
            assert t.owner == "prisonwatch", (dag_id, t.task_id)
            assert t.retries >= 2, (dag_id, t.task_id)


def test_tasks_that_open_duckdb_use_the_one_slot_pool(dagbag):
    db_tasks = {
        ("prisonwatch_monitor", "plan_polls"),
        ("prisonwatch_monitor", "select_new_articles"),
        ("prisonwatch_monitor", "store_and_match"),
        ("prisonwatch_report", "publish_report"),
        ("prisonwatch_digest", "publish_digest"),
        ("prisonwatch_seed", "load_seed_corpus"),
    }
    for dag_id, task_id in db_tasks:
        assert dagbag.dags[dag_id].get_task(task_id).pool == "duckdb"
    for task_id in ("poll_feed", "fetch_articles", "extract_figures"):
        assert dagbag.dags["prisonwatch_monitor"].get_task(task_id).pool != "duckdb"


def test_monitor_is_scheduled_without_catchup_and_report_follows_the_asset(dagbag):
    monitor = dagbag.dags["prisonwatch_monitor"]
    assert monitor.catchup is False
    assert monitor.get_task("announce_new_flags").outlets
    report = dagbag.dags["prisonwatch_report"]
    assert "prisonwatch://flags/new" in str(report.timetable.asset_condition)


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_files_import_nothing_heavy_at_top_level(path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                root = (name or "").split(".")[0]
                assert root not in HEAVY_MODULES, f"{path.name} imports {name} at top level"
                assert root in {"__future__", "datetime", "os", "airflow"}, f"{path.name}: unexpected import {name}"


def test_monitor_declares_a_deadline_alert(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import AsyncCallback, DeadlineReference

    monkeypatch.delenv("PRISONWATCH_NO_DEADLINE", raising=False)
    monitor = DagBag(dag_folder=str(REPO / "dags" / "prisonwatch_monitor.py")).dags["prisonwatch_monitor"]
    deadline = monitor.deadline[0] if isinstance(monitor.deadline, list) else monitor.deadline
    assert deadline.reference == DeadlineReference.DAGRUN_QUEUED_AT
    assert isinstance(deadline.callback, AsyncCallback)
    assert deadline.callback.path == "prisonwatch.report.alerts.monitor_run_overdue"
