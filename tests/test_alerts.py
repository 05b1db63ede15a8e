"""The monitoring DAG's deadline alert: logs loudly, and mails the recipients when configured."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import yaml

from prisonwatch.config import DEFAULT_CONFIG_PATH
from prisonwatch.report import alerts


def test_overdue_alert_without_recipients_logs(caplog, monkeypatch):
    monkeypatch.delenv("PRISONWATCH_CONFIG", raising=False)
    with caplog.at_level(logging.ERROR, logger="prisonwatch.report.alerts"):
        done = alerts.send_overdue_alert({"dag_run": SimpleNamespace(dag_id="prisonwatch_monitor", run_id="r1")})
    assert done == "logged"
    assert "PRISONWATCH RUN OVERDUE: dag=prisonwatch_monitor run=r1" in caplog.text


def test_overdue_alert_mails_the_recipients(smtp, tmp_path, monkeypatch):
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    config["report"]["recipients"] = ["ops@example.org"]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("PRISONWATCH_CONFIG", str(path))
    asyncio.run(alerts.monitor_run_overdue({"dag_run": SimpleNamespace(dag_id="prisonwatch_monitor", run_id="r2")}))
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"] == "[prisonwatch] monitoring run overdue: prisonwatch_monitor r2"
    assert smtp.messages[0]["To"] == "ops@example.org"


def test_async_callback_never_raises(monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("smtp down")

    monkeypatch.setattr(alerts, "send_overdue_alert", boom)
    with caplog.at_level(logging.ERROR, logger="prisonwatch.report.alerts"):
        asyncio.run(alerts.monitor_run_overdue({}))
    assert "could not be sent" in caplog.text
