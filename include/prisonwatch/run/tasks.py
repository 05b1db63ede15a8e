"""The bodies of the DAG tasks: each reads its Airflow context and calls one pipeline function.

This is the only module of the package that talks to Airflow at run time; the pipeline functions
it calls take and return plain data and are tested without Airflow.
"""

from __future__ import annotations

import logging
from typing import Any

from prisonwatch.config import Settings, load_settings
from prisonwatch.run import pipeline

log = logging.getLogger(__name__)


def _context() -> dict[str, Any]:
    from airflow.sdk import get_current_context

    return get_current_context()  # type: ignore[return-value]


def _run_id() -> str:
    return str(_context()["run_id"])


def _settings() -> Settings:
    return load_settings()


def plan_polls() -> list[dict[str, Any]]:
    plans = pipeline.plan_polls_db(_settings())
    log.info("polling %d feeds: %s", len(plans), ", ".join(p["name"] for p in plans))
    return plans


def poll_feed(plan: dict[str, Any]) -> dict[str, Any]:
    context = _context()
    context["feed_name"] = plan["name"]  # type: ignore[index]  # labels the mapped task in the UI
    try:
        return pipeline.poll_feed(plan, _settings(), str(context["run_id"]))
    except pipeline.FeedPollFailed as exc:
        from airflow.sdk.exceptions import AirflowFailException

        # The HTTP client has already retried with backoff: fail this feed now, without task retries.
        raise AirflowFailException(str(exc)) from exc


def select_new_articles() -> list[dict[str, Any]]:
    batches = pipeline.select_new_entries_db(_settings(), _run_id())
    log.info("%d new articles in %d feeds", sum(len(b["entries"]) for b in batches), len(batches))
    return batches


def fetch_articles(batch: dict[str, Any]) -> dict[str, Any]:
    context = _context()
    context["feed_name"] = batch["feed"]  # type: ignore[index]
    return pipeline.fetch_articles(batch, _settings(), str(context["run_id"]))


def extract_figures() -> dict[str, Any]:
    return pipeline.extract_figures_step(_settings(), _run_id())


def store_and_match(plans: list[dict[str, Any]] | None) -> dict[str, Any]:
    summary = pipeline.store_and_match_db(_settings(), _run_id(), [p["name"] for p in plans or []])
    log.info("run summary: %s", pipeline.run_summary_line(summary))
    return summary


def announce_new_flags(summary: dict[str, Any]) -> int:
    from airflow.sdk.exceptions import AirflowSkipException

    new = int(summary.get("flags_new", 0))
    if not new:
        raise AirflowSkipException("no new flags in this run")
    return new


def publish_report() -> dict[str, Any]:
    from prisonwatch import report

    result = report.publish_unreported(_settings())
    log.info("report: %s", result)
    return result


def publish_digest() -> dict[str, Any]:
    from prisonwatch import report

    settings = _settings()
    if not settings.report.digest_enabled:
        from airflow.sdk.exceptions import AirflowSkipException

        raise AirflowSkipException("report.digest_enabled is false")
    # The run's own window: a retried digest covers the same flags and is recognised as already sent.
    start = _context().get("data_interval_start")
    return report.publish_digest(settings, since=start.isoformat() if start else None)


def load_seed() -> dict[str, Any]:
    from prisonwatch import store
    from prisonwatch.run import seed

    settings = _settings()
    with store.open_store(settings.db_path) as db:
        return seed.load_seed_corpus(db, settings)
