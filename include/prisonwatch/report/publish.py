"""Reports for analysts: flagged figures rendered as HTML, Markdown and JSON, written to disk and delivered.

The input is the ReportData dict that ``Store.report_data`` returns (documented in docs/report-schema.md).
Everything that came from an article or a feed (titles, sentences, source names, URLs, error messages) is
untrusted: the HTML is rendered by Jinja2 with autoescape on, the Markdown through an escaping finalizer,
and links are emitted only for http/https URLs.

A run report covers flags not yet reported; it is marked reported only after it was delivered (or when no
delivery channel is configured), so a failed send leaves the flags for the next report. Delivered reports
leave a ``delivery.json`` receipt beside them; when marking the flags failed after a successful send, the
receipt lets the next call mark them without sending them again.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from prisonwatch.report import charts as charts_module

if TYPE_CHECKING:
    from prisonwatch.config import Settings

from prisonwatch.report.files import _read_json, write_index, write_report
from prisonwatch.report.render import render_html, render_json, render_markdown, render_text
from prisonwatch.report.view import (
    LABELS,
    ReportKind,
    headline,
)

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------ publishing
class ReportStore(Protocol):
    """The four store methods publishing needs (``store.Store`` provides them)."""

    def unreported_flag_ids(self) -> list[str]: ...

    def report_data(self, flag_ids: list[str] | None = None, since: str | None = None) -> dict[str, Any]: ...

    def mark_reported(self, flag_ids: list[str], report_id: str, channel: str) -> None: ...


StoreOpener = Callable[..., AbstractContextManager[ReportStore]]


def _default_opener(
    path: Path | str, *, read_only: bool = False, settings: Settings | None = None
) -> AbstractContextManager[Any]:
    from prisonwatch import store

    return store.open_store(path, read_only=read_only, settings=settings)


def _write_receipt(report_dir: Path, receipt: dict[str, Any]) -> None:
    tmp = report_dir / ".delivery.json.tmp"
    tmp.write_text(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, report_dir / "delivery.json")


def _unmarked_receipts(out_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Delivered run reports whose flags were never marked reported (marking failed after sending)."""
    found = []
    for child in sorted(Path(out_dir).glob("*_run*")) if Path(out_dir).is_dir() else []:
        receipt = _read_json(child / "delivery.json")
        if receipt and receipt.get("status") in ("delivered", "written") and not receipt.get("marked"):
            found.append((child, receipt))
    return found


def _channels(settings: Settings) -> list[str]:
    channels = []
    if settings.report.recipients:
        channels.append("email")
    if settings.report.webhook_url:
        channels.append("webhook")
    return channels


def report_link(settings: Settings, report_id: str) -> str:
    """Where a reader opens the report: under ``report.base_url`` when set, else the local file path."""
    if settings.report.base_url:
        return settings.report.base_url.rstrip("/") + f"/{report_id}/report.html"
    return str(settings.reports_dir / report_id / "report.html")


def deliver(written: dict[str, Any], data: dict[str, Any], settings: Settings, *, kind: str) -> dict[str, Any]:
    """Send a written report on every configured channel; returns {delivered: [...], failed: {channel: error}}.

    Mail goes first: if it fails nothing was sent and the caller raises. The webhook is a pointer to the
    report; when it fails after the mail went out, the failure is recorded and logged, not retried, so the
    mail is never sent twice.
    """
    from prisonwatch.report import notify

    delivered: list[str] = []
    failed: dict[str, str] = {}
    if settings.report.recipients:
        pngs = {m: Path(p).read_bytes() for m, p in written["charts"].items()}
        message = report_message(
            data,
            pngs,
            settings,
            settings.report.recipients,
            subject=f"[prisonwatch] {written['headline']}",
            link=report_link(settings, written["report_id"]),
            kind=kind,
        )
        try:
            notify.send_email(message, smtp_conn_id=settings.report.smtp_conn_id)
            delivered.append("email")
        except Exception as exc:  # any send failure: nothing delivered, retry later
            failed["email"] = f"{type(exc).__name__}: {exc}"
            return {"delivered": delivered, "failed": failed}
    if settings.report.webhook_url:
        try:
            notify.post_webhook(
                settings.report.webhook_url,
                f"{written['headline']}\n{report_link(settings, written['report_id'])}",
            )
            delivered.append("webhook")
        except Exception as exc:
            failed["webhook"] = f"{type(exc).__name__}: {exc}"
            log.error("webhook delivery of report %s failed: %s", written["report_id"], failed["webhook"])
    return {"delivered": delivered, "failed": failed}


def report_message(
    data: dict[str, Any],
    pngs: dict[str, bytes],
    settings: Settings,
    to: list[str],
    *,
    subject: str,
    link: str | None,
    kind: ReportKind = "run",
) -> Any:
    """The report as a mail: a text part and an HTML part whose charts are inline images (``cid:``)."""
    from prisonwatch.report import notify

    cids = {m: f"chart-{m}@prisonwatch" for m in pngs}
    html_body = render_html(data, kind=kind, chart_sources={m: f"cid:{cid}" for m, cid in cids.items()})
    text_body = render_text(data, kind=kind) + (f"\nFull report: {link}\n" if link else "")
    return notify.build_message(
        subject=subject,
        html_body=html_body,
        text_body=text_body,
        images={cids[m]: png for m, png in pngs.items()},
        from_email=settings.report.from_email,
        to=to,
    )


def send_report_mail(
    settings: Settings,
    to: list[str],
    *,
    subject_prefix: str = "[prisonwatch] ",
    store_opener: StoreOpener | None = None,
) -> dict[str, Any]:
    """Mail a report of every stored flag to ``to`` now, through ``report.smtp_conn_id``; marks nothing reported.

    ``prisonwatch mail-test`` uses it to prove the mail path; raises notify.DeliveryError when sending fails.
    """
    from prisonwatch.report import notify

    with (store_opener or _default_opener)(settings.db_path, read_only=True) as store:
        data = store.report_data(None, since=None)
    pngs = charts_module.timeline_charts(
        data.get("timeline") or [], metric_labels=LABELS["metrics"], source_labels=LABELS["sources"]
    )
    subject = subject_prefix + headline(data)
    message = report_message(data, pngs, settings, to, subject=subject, link=None, kind="digest")
    notify.send_email(message, smtp_conn_id=settings.report.smtp_conn_id)
    return {"subject": subject, "to": to}


class DeliveryFailed(RuntimeError):
    """No channel delivered the report; its flags stay unreported and go out with the next report."""


def publish_unreported(
    settings: Settings,
    *,
    now: datetime | None = None,
    send: bool = True,
    store_opener: StoreOpener | None = None,
) -> dict[str, Any]:
    """Write and deliver one report of every flag not yet reported; mark them reported once delivered.

    Raises DeliveryFailed when every configured channel failed, so Airflow retries the task; the flags stay
    unreported until a delivery succeeds. With ``send=False`` the report is written but neither sent nor
    marked (a preview). The store is opened twice, briefly, so the DuckDB lock is not held while mailing.
    """
    opener = store_opener or functools.partial(_default_opener, settings=settings)
    out_dir = settings.reports_dir
    now = now or datetime.now(UTC)

    with opener(settings.db_path) as store:
        # A report delivered earlier whose flags could not be marked: mark them now, never send again.
        recovered = []
        for report_dir, receipt in _unmarked_receipts(out_dir):
            store.mark_reported(list(receipt.get("flag_ids") or []), report_dir.name, receipt.get("channel") or "")
            _write_receipt(report_dir, {**receipt, "marked": True})
            recovered.append(report_dir.name)
        flag_ids = list(store.unreported_flag_ids())
        data = store.report_data(flag_ids) if flag_ids else None
    if not flag_ids or data is None:
        return {
            "report_id": None,
            "flags": 0,
            "paths": {},
            "delivered": [],
            "recovered": recovered,
            "message": "no new flags to report",
        }

    written = write_report(data, out_dir, kind="run", now=now)
    report_dir = Path(written["dir"])
    summary = {
        "report_id": written["report_id"],
        "flags": len(flag_ids),
        "headline": written["headline"],
        "paths": {k: written[k] for k in ("html", "markdown", "json", "index")},
        "delivered": [],
        "recovered": recovered,
    }
    if not send:
        _write_receipt(report_dir, {"status": "preview", "flag_ids": flag_ids, "marked": False})
        write_index(out_dir)
        return summary

    channels = _channels(settings)
    outcome = deliver(written, data, settings, kind="run") if channels else {"delivered": [], "failed": {}}
    if channels and not outcome["delivered"]:
        _write_receipt(report_dir, {"status": "failed", "flag_ids": flag_ids, "errors": outcome["failed"]})
        write_index(out_dir)
        raise DeliveryFailed(
            f"report {written['report_id']} was not delivered ({'; '.join(outcome['failed'].values())}); "
            f"its {len(flag_ids)} flags stay unreported"
        )
    channel = ",".join(outcome["delivered"]) or "file"
    receipt = {
        "status": "delivered" if outcome["delivered"] else "written",
        "flag_ids": flag_ids,
        "channels": outcome["delivered"],
        "channel": channel,
        "errors": outcome["failed"],
        "at": now.astimezone(UTC).isoformat(),
        "marked": False,
    }
    _write_receipt(report_dir, receipt)  # before marking: a crash here is recovered, not re-sent
    with opener(settings.db_path) as store:
        store.mark_reported(flag_ids, written["report_id"], channel)
    _write_receipt(report_dir, {**receipt, "marked": True})
    write_index(out_dir)
    summary["delivered"] = outcome["delivered"]
    summary["delivery_errors"] = outcome["failed"]
    return summary


def publish_digest(
    settings: Settings,
    *,
    since: str | datetime | None = None,
    now: datetime | None = None,
    send: bool = True,
    store_opener: StoreOpener | None = None,
) -> dict[str, Any]:
    """Write and deliver the daily digest of flags since ``since``.

    A digest is a recap: it marks nothing. A digest already delivered for the same ``since`` is not sent
    again (a retried task finds the receipt), so callers should pass a ``since`` that a retry repeats, such
    as the DAG run's data interval start. The default, 24 hours before the start of ``now``'s hour, repeats
    for retries within the same hour.
    """
    now = now or datetime.now(UTC)
    if since is None:
        since = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    since_text = since.astimezone(UTC).isoformat() if isinstance(since, datetime) else str(since)
    out_dir = settings.reports_dir
    for child in sorted(out_dir.glob("*_digest*")) if out_dir.is_dir() else []:
        receipt = _read_json(child / "delivery.json") or {}
        if receipt.get("since") == since_text and receipt.get("status") in ("delivered", "written"):
            return {"report_id": child.name, "skipped": "already delivered", "delivered": receipt.get("channels", [])}
    opener = store_opener or functools.partial(_default_opener, settings=settings)
    with opener(settings.db_path, read_only=True) as store:
        data = store.report_data(None, since=since_text)
    written = write_report(data, out_dir, kind="digest", since=since_text, now=now)
    report_dir = Path(written["dir"])
    summary = {
        "report_id": written["report_id"],
        "flags": len(written["flag_ids"]),
        "headline": written["headline"],
        "paths": {k: written[k] for k in ("html", "markdown", "json", "index")},
        "delivered": [],
    }
    if not send:
        return summary
    channels = _channels(settings)
    outcome = deliver(written, data, settings, kind="digest") if channels else {"delivered": [], "failed": {}}
    status = "delivered" if outcome["delivered"] else ("failed" if channels else "written")
    _write_receipt(
        report_dir,
        {"status": status, "since": since_text, "channels": outcome["delivered"], "errors": outcome["failed"]},
    )
    write_index(out_dir)
    if status == "failed":
        raise DeliveryFailed(f"digest {written['report_id']} was not delivered: {outcome['failed']}")
    summary["delivered"] = outcome["delivered"]
    summary["delivery_errors"] = outcome["failed"]
    return summary


def render_on_demand(
    db_path: Path | str,
    since: str | None = None,
    fmt: str = "html",
    *,
    store_opener: StoreOpener | None = None,
) -> str:
    """One report of the flags since ``since`` (all flags when None), as html, md or json text."""
    if fmt not in ("html", "md", "json"):
        raise ValueError(f"format must be html, md or json, got {fmt!r}")
    opener = store_opener or _default_opener
    with opener(db_path, read_only=True) as store:
        data = store.report_data(None, since=since)
    kind = "digest" if since else "run"
    if fmt == "json":
        return render_json(data, kind=kind, since=since)
    if fmt == "md":
        return render_markdown(data, kind=kind, since=since)
    return render_html(data, kind=kind, since=since)
