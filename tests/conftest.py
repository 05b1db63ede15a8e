"""Shared fixtures: an isolated Airflow home, the local news site, and settings pointed at a temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

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
        env=env, check=True, capture_output=True,
    )
    return _AIRFLOW_HOME


@pytest.fixture
def demo_site():
    """The bundled demo news site on 127.0.0.1: yields (base_url, list of request paths seen)."""
    from prisonwatch.demo import serve_site

    with serve_site() as served:
        yield served


@pytest.fixture
def site_config(tmp_path, demo_site, monkeypatch):
    """A configuration whose feeds are the demo site's, with its database and reports under tmp_path."""
    from prisonwatch.demo import write_demo_config

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
