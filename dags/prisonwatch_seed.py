"""prisonwatch_seed: (re)load the bundled seed corpus into DuckDB; safe to run any number of times."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

DOC = """
### prisonwatch_seed
Manual. Loads the five seed articles in `include/seed_corpus/` (origin `seed`, dates from
`include/seed_corpus/manifest.yaml`), extracts their figures and flags contradictions among them.
Idempotent: a second run changes nothing.
"""


@dag(
    dag_id="prisonwatch_seed",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"owner": "prisonwatch", "retries": 2, "retry_delay": timedelta(seconds=30)},
    tags=["prisonwatch", "setup"],
    doc_md=DOC,
)
def prisonwatch_seed():
    @task(pool="duckdb")
    def load_seed_corpus() -> dict:
        """Load the seed corpus idempotently."""
        from prisonwatch.run.tasks import load_seed

        return load_seed()

    load_seed_corpus()


prisonwatch_seed()
