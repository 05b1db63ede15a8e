"""Deadline alert of the monitoring DAG: it runs in the triggerer when a run is overdue.

Kept free of heavy imports because the DAG file names it (Airflow imports the path while parsing
to check it); the configuration is read only when the alert fires.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

OVERDUE_SUBJECT = "[prisonwatch] monitoring run overdue: {dag_id} {run_id}"


def send_overdue_alert(context: dict[str, Any] | None, **kwargs: Any) -> str:
    """Mail the configured recipients (or log loudly when there are none); returns what was done."""
    from prisonwatch.config import load_settings

    context = context or {}
    dag_run = context.get("dag_run")
    dag_id = getattr(dag_run, "dag_id", None) or context.get("dag_id") or "prisonwatch_monitor"
    run_id = getattr(dag_run, "run_id", None) or context.get("run_id") or "?"
    log.error("PRISONWATCH RUN OVERDUE: dag=%s run=%s (deadline %s)", dag_id, run_id, kwargs.get("deadline", ""))
    settings = load_settings()
    if not settings.report.recipients:
        return "logged"
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    SmtpNotifier(
        to=list(settings.report.recipients),
        from_email=settings.report.from_email,
        smtp_conn_id=settings.report.smtp_conn_id,
        subject=OVERDUE_SUBJECT.format(dag_id=dag_id, run_id=run_id),
        html_content=(
            f"<p>The monitoring run <b>{run_id}</b> of <b>{dag_id}</b> has not finished within its deadline. "
            "Check the Airflow UI for a stuck task, a full pool or a worker that is down.</p>"
        ),
    ).notify(context)
    return "mailed"


async def monitor_run_overdue(context: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """The ``AsyncCallback`` named by the monitoring DAG's ``deadline``."""
    import asyncio

    try:
        await asyncio.to_thread(send_overdue_alert, context, **kwargs)
    except Exception:  # an alert that cannot be sent must still leave a trace
        log.exception("PRISONWATCH RUN OVERDUE: the alert could not be sent")
