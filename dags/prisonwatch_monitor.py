"""prisonwatch_monitor: poll the news feeds, read the new articles, store their figures and raise flags."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, AsyncCallback, DeadlineAlert, DeadlineReference, dag, task

NEW_FLAGS = Asset("prisonwatch://flags/new")

DOC = """
### prisonwatch_monitor
Every 30 minutes: each configured feed is polled by its own mapped task (labelled with the feed's
name: one broken feed shows red alone, the others go on); each feed's new articles are fetched,
extracted and analysed (language, relevance, figures) by its own mapped task; the figures are
gathered (any missing are extracted then), and everything is stored and matched in DuckDB in one
transaction.
New flags update the asset `prisonwatch://flags/new`, which triggers `prisonwatch_report`.

Tasks that open the DuckDB file run in the 1-slot pool `duckdb`. Failures of single feeds and
pages are recorded in the `fetch_errors` table and in the run summary (this run's XCom of
`store_and_match`). Configuration: `include/config/prisonwatch.yaml` (see docs/configuration.md).
"""


# A run still unfinished 25 minutes after it was queued alerts the operators (needs the triggerer).
# `airflow dags test` in Airflow 3.3.2 exits non-zero after a successful run of a DAG with a deadline
# (apache/airflow#73428), so one-off local runs (make run, make demo, tests) set PRISONWATCH_NO_DEADLINE=1.
DEADLINE = (
    None
    if os.environ.get("PRISONWATCH_NO_DEADLINE")
    else DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(minutes=25),
        callback=AsyncCallback("prisonwatch.report.alerts.monitor_run_overdue"),
    )
)


def _on_failure(context):
    from prisonwatch.report.notify import notify_task_failure

    notify_task_failure(context)


default_args = {
    "owner": "prisonwatch",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
    "on_failure_callback": _on_failure,
}


@dag(
    dag_id="prisonwatch_monitor",
    schedule=timedelta(minutes=30),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    deadline=DEADLINE,
    tags=["prisonwatch", "monitoring"],
    doc_md=DOC,
)
def prisonwatch_monitor():
    @task(pool="duckdb")
    def plan_polls() -> list[dict]:
        """Read each feed's stored ETag/Last-Modified (and seed an empty database)."""
        from prisonwatch.run.tasks import plan_polls

        return plan_polls()

    @task(map_index_template="{{ feed_name }}")
    def poll_feed(plan: dict) -> dict:
        """Poll one feed; red when the feed fails (the HTTP client has already retried)."""
        from prisonwatch.run.tasks import poll_feed

        return poll_feed(plan)

    @task(pool="duckdb", trigger_rule="all_done")
    def select_new_articles() -> list[dict]:
        """Drop entries already stored; one batch per feed."""
        from prisonwatch.run.tasks import select_new_articles

        return select_new_articles()

    @task(map_index_template="{{ feed_name }}")
    def fetch_articles(batch: dict) -> dict:
        """Fetch, extract and analyse one feed's new articles; page failures are recorded, not raised."""
        from prisonwatch.run.tasks import fetch_articles

        return fetch_articles(batch)

    @task(trigger_rule="all_done")
    def extract_figures() -> dict:
        """Gather the figures of every new relevant article (extracting any the fetch step missed)."""
        from prisonwatch.run.tasks import extract_figures

        return extract_figures()

    @task(pool="duckdb", trigger_rule="all_done")
    def store_and_match(plans: list[dict]) -> dict:
        """Store articles and figures, match them and raise flags in one transaction."""
        from prisonwatch.run.tasks import store_and_match

        return store_and_match(plans)

    @task(outlets=[NEW_FLAGS])
    def announce_new_flags(summary: dict) -> int:
        """Update the new-flags asset (which starts prisonwatch_report); skipped when there are none."""
        from prisonwatch.run.tasks import announce_new_flags

        return announce_new_flags(summary)

    plans = plan_polls()
    polls = poll_feed.expand(plan=plans)
    batches = select_new_articles()
    polls >> batches
    fetched = fetch_articles.expand(batch=batches)
    figures = extract_figures()
    fetched >> figures
    summary = store_and_match(plans)
    figures >> summary
    announce_new_flags(summary)


prisonwatch_monitor()
