"""prisonwatch_digest: a daily digest of the last day's flags, figures board and feed health."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

DOC = """
### prisonwatch_digest
Every morning at 07:00 UTC: one report covering the flags of the last day, the figures board and
feed health, written under `reports/` and sent to the configured recipients. Skipped when
`report.digest_enabled` is false.
"""


def _on_failure(context):
    from prisonwatch.report.notify import notify_task_failure

    notify_task_failure(context)


@dag(
    dag_id="prisonwatch_digest",
    schedule="0 7 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "prisonwatch",
        "retries": 3,
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": 2.0,
        "on_failure_callback": _on_failure,
    },
    tags=["prisonwatch", "report"],
    doc_md=DOC,
)
def prisonwatch_digest():
    @task(pool="duckdb")
    def publish_digest() -> dict:
        """Write and send the daily digest."""
        from prisonwatch.run.tasks import publish_digest

        return publish_digest()

    publish_digest()


prisonwatch_digest()
