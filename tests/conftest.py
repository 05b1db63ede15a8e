"""Shared fixtures: an isolated Airflow home, the local news site, and settings pointed at a temp folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Airflow reads its configuration when first imported: isolate it before any test imports it.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="pw-airflow-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO / "plugins")
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ["PRISONWATCH_NO_DEADLINE"] = "1"  # dag.test() of a DAG with a deadline fails in 3.3.2 (see the DAG)
os.environ.pop("PRISONWATCH_CONFIG", None)
os.environ.pop("PRISONWATCH_DB", None)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite metadata database with the project's pools (once per test session)."""
    airflow = str(Path(sys.executable).parent / "airflow")
    env = dict(os.environ)
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [airflow, "pools", "import", str(REPO / "include" / "config" / "pools.json")],
        env=env,
        check=True,
        capture_output=True,
    )
    return _AIRFLOW_HOME


@pytest.fixture
def demo_site():
    """The bundled demo news site on 127.0.0.1: yields (base_url, list of request paths seen)."""
    from prisonwatch.run.demo import serve_site

    with serve_site() as served:
        yield served


@pytest.fixture
def site_config(tmp_path, demo_site, monkeypatch):
    """A configuration whose feeds are the demo site's, with its database and reports under tmp_path."""
    from prisonwatch.run.demo import write_demo_config

    base_url, _ = demo_site
    config = write_demo_config(
        base_url,
        tmp_path / "prisonwatch.yaml",
        db_path=tmp_path / "pw.duckdb",
        reports_dir=tmp_path / "reports",
        staging_dir=tmp_path / "staging",
    )
    monkeypatch.setenv("PRISONWATCH_CONFIG", str(config))
    monkeypatch.setenv("PRISONWATCH_HOME", str(tmp_path))
    return config


class Sink:
    """Collects delivered mail; ``reject`` makes it refuse the next messages with a permanent error."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.reject = False

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return "554 5.7.1 rejected for the test"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_server, monkeypatch):
    """The SMTP sink, emptied, with the Airflow connection ``smtp_default`` pointing at it."""
    sink, port = smtp_server
    sink.messages.clear()
    sink.reject = False
    conn = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "extra": {"disable_ssl": True, "disable_tls": True, "timeout": 10, "retry_limit": 1},
    }
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
    return sink
