"""Delivery through a real SMTP server on 127.0.0.1 (aiosmtpd), the webhook, and operator alerts."""

from __future__ import annotations

import copy
import json
import logging
import socket
from datetime import UTC, datetime
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from factories import FakeStore, settings_for

from prisonwatch import report
from prisonwatch.config import Settings
from prisonwatch.report import notify

FIXTURES = Path(__file__).parent / "fixtures" / "report"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class Images(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.marks = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs)["src"])
        if tag == "mark":
            self.marks += 1


# ------------------------------------------------------------------------------------------ message
def test_message_has_text_html_and_inline_images():
    message = notify.build_message(
        subject="2 contradictions\r\nBcc: intruder@example.org",
        html_body='<p>x</p><img src="cid:chart-released@prisonwatch">',
        text_body="x",
        images={"chart-released@prisonwatch": b"\x89PNG\r\n\x1a\nfake"},
        from_email="prisonwatch@example.org",
        to=["analyst@example.org", "desk@example.org"],
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "2 contradictions Bcc: intruder@example.org"
    assert parsed["Bcc"] is None
    assert parsed.get_content_type() == "multipart/alternative"
    plain, related = parsed.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert image["Content-ID"] == "<chart-released@prisonwatch>"
    assert image.get_content_disposition() == "inline"
    with pytest.raises(ValueError):
        notify.build_message(subject="s", html_body="", text_body="", images={}, from_email="a@b", to=[])


# ------------------------------------------------------------------------------------------ end to end
def test_report_mail_arrives_with_both_parts_inline_charts_and_the_flags(tmp_path, smtp):
    data = load("run_report.json")
    expect = load("run_report.expect.json")
    store = FakeStore(data)
    settings = settings_for(tmp_path, recipients=["analyst@example.org"], base_url="https://reports.example.org")
    summary = report.publish_unreported(settings, store_opener=store.opener(), now=datetime(2026, 2, 3, 10, tzinfo=UTC))
    assert summary["delivered"] == ["email"]
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["Subject"] == f"[prisonwatch] {expect['headline']}"
    assert mail["To"] == "analyst@example.org"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    for flag in data["flags"]:
        assert flag["reason"] in text
        assert flag["new"]["article_url"] in text
    assert f"https://reports.example.org/{summary['report_id']}/report.html" in text
    page = Images(html)
    assert page.marks == sum(len(v) for v in expect["marked"].values())
    inline = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in mail.walk()
        if part.get_content_type() == "image/png"
    }
    assert len(inline) == len(expect["chart_metrics"])
    assert sorted(src.removeprefix("cid:") for src in page.sources) == sorted(inline)
    assert all(png.startswith(b"\x89PNG") for png in inline.values())
    assert "data:" not in html  # the mail carries its images as parts, not inline base64 in the HTML
    assert {channel for _, channel in store.reported.values()} == {"email"}
    # Nothing new: nothing is sent again.
    assert report.publish_unreported(settings, store_opener=store.opener())["report_id"] is None
    assert len(smtp.messages) == 1


def test_refused_mail_keeps_flags_unreported_and_they_go_out_with_the_next_report(tmp_path, smtp):
    data = load("run_report.json")
    first_batch = copy.deepcopy(data)
    first_batch["flags"] = data["flags"][:2]
    store = FakeStore(first_batch)
    settings = settings_for(tmp_path, recipients=["analyst@example.org"])
    smtp.reject = True
    with pytest.raises(report.DeliveryFailed, match="554"):
        report.publish_unreported(settings, store_opener=store.opener())
    assert store.reported == {} and smtp.messages == []
    # A retry that fails again changes nothing either.
    with pytest.raises(report.DeliveryFailed):
        report.publish_unreported(settings, store_opener=store.opener())
    assert store.reported == {}
    # The next run found two more flags; the server accepts again: one mail with all four.
    smtp.reject = False
    store.data = data
    summary = report.publish_unreported(settings, store_opener=store.opener())
    assert summary["flags"] == 4 and len(smtp.messages) == 1
    text = smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert all(flag["reason"] in text for flag in data["flags"])
    assert set(store.reported) == {f["id"] for f in data["flags"]}
    statuses = [r["delivery"] for r in report.list_reports(settings.reports_dir)]
    assert statuses == ["delivered", "failed", "failed"]


def test_unknown_smtp_connection_is_a_delivery_error(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_NOWHERE", raising=False)
    message = notify.build_message(
        subject="s", html_body="<p>x</p>", text_body="x", images={}, from_email="a@example.org", to=["b@example.org"]
    )
    with pytest.raises(notify.DeliveryError, match="smtp_nowhere"):
        notify.send_email(message, smtp_conn_id="smtp_nowhere")


# ------------------------------------------------------------------------------------------ webhook
def test_webhook_refuses_non_http_urls():
    with pytest.raises(notify.DeliveryError, match="not an http"):
        notify.post_webhook("file:///etc/passwd", "x")


def test_webhook_connection_failure_is_a_delivery_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(notify.DeliveryError, match="webhook"):
        notify.post_webhook(f"http://127.0.0.1:{port}/hook", "x", timeout=2)


# ------------------------------------------------------------------------------------------ operators
def test_failure_notifier_without_recipients_logs_loudly(caplog):
    callbacks = notify.failure_notifier(Settings())
    assert callbacks == [notify.log_failure]
    context = {
        "ti": SimpleNamespace(dag_id="prisonwatch_monitor", task_id="store_and_match", try_number=3),
        "run_id": "scheduled__2026-02-03",
        "exception": RuntimeError("database is locked"),
    }
    with caplog.at_level(logging.ERROR, logger="prisonwatch.report.notify"):
        callbacks[0](context)
    assert "PRISONWATCH TASK FAILED" in caplog.text
    assert "store_and_match" in caplog.text and "database is locked" in caplog.text


def test_failure_notifier_mails_the_recipients(smtp):
    settings = Settings()
    settings.report.recipients = ["ops@example.org"]
    (notifier,) = notify.failure_notifier(settings)
    context = {
        "ti": SimpleNamespace(dag_id="prisonwatch_monitor", task_id="store_and_match", try_number=3),
        "run_id": "scheduled__2026-02-03",
        "exception": RuntimeError("database is locked <script>"),
    }
    notifier(context)
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["Subject"] == "[prisonwatch] prisonwatch_monitor.store_and_match failed (scheduled__2026-02-03)"
    assert mail["To"] == "ops@example.org"
    body = mail.get_body(preferencelist=("html",)).get_content()
    assert "after 3 tries" in body and "database is locked &lt;script&gt;" in body


def test_notify_task_failure_falls_back_to_the_log_when_mail_fails(caplog, monkeypatch):
    settings = Settings()
    settings.report.recipients = ["ops@example.org"]
    settings.report.smtp_conn_id = "smtp_missing"
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_MISSING", raising=False)
    context = {
        "ti": SimpleNamespace(dag_id="prisonwatch_report", task_id="publish_report", try_number=4),
        "run_id": "asset_triggered__1",
        "exception": RuntimeError("SMTP down"),
    }
    with caplog.at_level(logging.ERROR, logger="prisonwatch.report.notify"):
        notify.notify_task_failure(context, settings)  # must not raise inside Airflow's callback runner
    assert "failure alert could not be sent" in caplog.text
    assert "PRISONWATCH TASK FAILED" in caplog.text and "publish_report" in caplog.text
