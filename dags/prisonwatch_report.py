"""prisonwatch_report: write and deliver the flagged-change report when a monitoring run raised flags."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

NEW_FLAGS = Asset("prisonwatch://flags/new")

DOC = """
### prisonwatch_report
Runs when `prisonwatch_monitor` updates the asset `prisonwatch://flags/new`. Writes one report
(HTML, Markdown, JSON under `reports/`) for every flag not yet reported and sends it to the
configured recipients. A failed send is retried; flags that still could not be sent stay
unreported and go out with the next report. No flag is reported twice.
"""


def _on_failure(context):
    from prisonwatch.report.notify import notify_task_failure

    notify_task_failure(context)


@dag(
    dag_id="prisonwatch_report",
    schedule=[NEW_FLAGS],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "prisonwatch",
        "retries": 3,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": 2.0,
        "on_failure_callback": _on_failure,
    },
    tags=["prisonwatch", "report"],
    doc_md=DOC,
)
def prisonwatch_report():
    @task(pool="duckdb")
    def publish_report() -> dict:
        """Write the report for the unreported flags and deliver it."""
        from prisonwatch.run.tasks import publish_report

        return publish_report()

    publish_report()


prisonwatch_report()
