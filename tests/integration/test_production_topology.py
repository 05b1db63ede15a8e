"""The production topology, natively: Airflow on PostgreSQL with Celery workers on Redis, run against the demo site.

The same components as docker-compose.yml, each a separate process with its own log file: api-server,
scheduler, dag-processor, triggerer and a Celery worker. The test migrates a fresh metadata database,
imports the pools, triggers ``prisonwatch_monitor`` through the REST API as an operator would, checks that
the asset it updates starts ``prisonwatch_report``, and then reads what the tasks (run by the Celery worker
in other processes) left in DuckDB and in the reports folder. Logs stay under
``test-output/production-topology/`` for a post-mortem.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.production, pytest.mark.timeout(480)]

REPO = Path(__file__).resolve().parents[2]
OUTPUT_ROOT = REPO / "test-output" / "production-topology"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
AIRFLOW = str(Path(sys.executable).parent / "airflow")
PG_PORT = 5432
REDIS_PORT = 6379
COMPONENTS: dict[str, list[str]] = {
    "api-server": ["api-server"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer"],
    "celery-worker": ["celery", "worker"],
}
STOP_GRACE_SECONDS = 20.0
KEEP_OUTPUT_FOLDERS = 3


# ---------------------------------------------------------------------------------------------- services
def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _postgres_ready() -> bool:
    import psycopg2

    try:
        psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres", connect_timeout=3).close()
        return True
    except psycopg2.OperationalError:
        return False


def _redis_ready() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=3).ping())
    except redis.RedisError:
        return False


def _wait(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


def _start_postgres() -> str:
    clusters = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").is_dir() else []
    if not clusters:
        return "no PostgreSQL cluster under /etc/postgresql"
    cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    return f"{' '.join(cmd)} -> exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-300:]}"


def _start_redis() -> str:
    for folder in ("/var/lib/redis", "/var/log/redis"):
        Path(folder).mkdir(parents=True, exist_ok=True)
    cmd = [
        "redis-server",
        "--daemonize",
        "yes",
        "--bind",
        "127.0.0.1",
        "-::1",
        "--port",
        str(REDIS_PORT),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        "/var/lib/redis",
        "--logfile",
        "/var/log/redis/ci.log",
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except FileNotFoundError:
        return "redis-server is not installed"
    return f"redis-server -> exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-300:]}"


@pytest.fixture(scope="module")
def services() -> None:
    """PostgreSQL and Redis on 127.0.0.1, started when down; outside CI the test is skipped if they cannot run."""
    problems = []
    if not _postgres_ready():
        attempt = _start_postgres()
        if not _wait(_postgres_ready, 30):
            problems.append(f"PostgreSQL is not answering on 127.0.0.1:{PG_PORT} ({attempt})")
    if not _redis_ready():
        attempt = _start_redis()
        if not _wait(_redis_ready, 15):
            problems.append(f"Redis is not answering on 127.0.0.1:{REDIS_PORT} ({attempt})")
    if problems:
        message = "production topology needs its services: " + "; ".join(problems)
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def metadata_db(services: None) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database for Airflow's metadata; dropped afterwards."""
    import psycopg2

    name = f"pw_topology_{os.getpid()}_{secrets.token_hex(4)}"
    con = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres")
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        yield name
    finally:
        with con.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.close()


@pytest.fixture(scope="module")
def broker_db(services: None) -> Iterator[int]:
    """An empty Redis database number for the Celery broker, claimed with a marker key; flushed afterwards."""
    import redis

    claim = f"prisonwatch:topology-test:{os.getpid()}:{secrets.token_hex(4)}"
    for number in range(15, 0, -1):
        client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=number)
        if client.dbsize() == 0 and client.set(claim, "1", nx=True) and client.dbsize() == 1:
            try:
                yield number
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    pytest.fail("no empty Redis database (1-15) to use as the Celery broker")


# ---------------------------------------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return f"(no {path.name})"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return "\n".join(text)


class Phases:
    """Elapsed time of each phase, written to the output folder (numbers for docs/operations.md, not checks)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started = time.monotonic()

    def mark(self, phase: str) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(f"{time.monotonic() - self.started:7.1f} s  {phase}\n")


@dataclass
class Topology:
    """The running components: their processes, log files and the API they answer on."""

    out: Path
    env: dict[str, str]
    api_url: str
    phases: Phases
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def start(self, name: str, args: list[str]) -> None:
        self.logs[name] = self.out / f"{name}.log"
        with self.logs[name].open("wb") as log:
            self.processes[name] = subprocess.Popen(
                [AIRFLOW, *args],
                env=self.env,
                cwd=self.out,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def exited(self) -> dict[str, int]:
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def diagnostics(self, lines: int = 25) -> str:
        """The tail of every component's log, for a failure message."""
        parts = [f"logs in {self.out}"]
        for name, path in self.logs.items():
            parts.append(f"----- {name} (last {lines} lines of {path.name}) -----\n{tail(path, lines)}")
        return "\n".join(parts)

    def stop(self) -> None:
        """SIGTERM to each started process, then SIGKILL to the process group of any still alive."""
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.processes.values():
            # Each component was started in its own session: its group holds only its own children.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            if proc.poll() is None:
                proc.wait(timeout=10)


def run_cli(args: list[str], env: dict[str, str], log: Path, timeout: float) -> None:
    with log.open("wb") as fh:
        proc = subprocess.run(
            [AIRFLOW, *args], env=env, stdout=fh, stderr=subprocess.STDOUT, timeout=timeout, check=False
        )
    assert proc.returncode == 0, f"airflow {' '.join(args)} failed (exit {proc.returncode}):\n{tail(log, 40)}"


def output_folder() -> Path:
    """A new folder for this run's logs and data; older ones beyond the last few are removed.

    Only folders untouched for an hour go: another test session may be writing to a recent one.
    """
    OUTPUT_ROOT.mkdir(parents=True, exist_ok=True)
    old = sorted(p for p in OUTPUT_ROOT.iterdir() if p.is_dir())
    for folder in old[: max(0, len(old) - (KEEP_OUTPUT_FOLDERS - 1))]:
        if time.time() - folder.stat().st_mtime > 3600:
            shutil.rmtree(folder, ignore_errors=True)
    out = OUTPUT_ROOT / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
    out.mkdir()
    return out


def component_env(out: Path, db: str, broker: int, api_port: int, config: Path, home: Path) -> dict[str, str]:
    """One environment for every component, built from scratch (no inherited Airflow or prisonwatch setting)."""
    prefixes = ("AIRFLOW__", "AIRFLOW_CONN_", "AIRFLOW_VAR_", "PRISONWATCH_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    api = f"http://127.0.0.1:{api_port}"
    env.update(
        {
            "AIRFLOW_HOME": str(out / "airflow_home"),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://postgres@127.0.0.1:{PG_PORT}/{db}",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/{broker}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://postgres@127.0.0.1:{PG_PORT}/{db}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__BASE_URL": api,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api}/execution/",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__AUTH_MANAGER": (
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
            ),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "PRISONWATCH_CONFIG": str(config),
            "PRISONWATCH_HOME": str(home),
        }
    )
    return env


@pytest.fixture(scope="module")
def demo_site_module() -> Iterator[tuple[str, list[str]]]:
    """The bundled demo news site on 127.0.0.1 for the whole module (the workers fetch from it)."""
    from prisonwatch.run.demo import serve_site

    with serve_site() as served:
        yield served


@pytest.fixture(scope="module")
def topology(metadata_db: str, broker_db: int, demo_site_module: tuple[str, list[str]]) -> Iterator[Topology]:
    """Migrated metadata database, pools, and every component running; stopped whatever the outcome."""
    from prisonwatch.run.demo import write_demo_config

    out = output_folder()
    home = out / "prisonwatch"
    config = write_demo_config(
        demo_site_module[0],
        home / "prisonwatch.yaml",
        db_path=home / "data" / "prisonwatch.duckdb",
        reports_dir=home / "reports",
        staging_dir=home / "data" / "staging",
    )
    api_port = free_port()
    env = component_env(out, metadata_db, broker_db, api_port, config, home)
    Path(env["AIRFLOW_HOME"]).mkdir()
    topo = Topology(out=out, env=env, api_url=f"http://127.0.0.1:{api_port}", phases=Phases(out / "phases.log"))
    try:
        run_cli(["db", "migrate"], env, out / "db-migrate.log", timeout=240)
        topo.phases.mark("metadata database migrated")
        run_cli(["pools", "import", str(REPO / "include" / "config" / "pools.json")], env, out / "pools.log", 120)
        topo.phases.mark("pools imported")
        for name, args in COMPONENTS.items():
            topo.start(name, args)
        yield topo
    finally:
        topo.stop()
        topo.phases.mark("components stopped")


# ---------------------------------------------------------------------------------------------- REST API
class Api:
    """A small client of Airflow's REST API with bounded waits that explain themselves on timeout."""

    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        self.http = httpx.Client(base_url=topo.api_url, timeout=30)

    def wait_for(self, what: str, check: Callable[[], Any], seconds: float, every: float = 1.0) -> Any:
        deadline = time.monotonic() + seconds
        last_error = ""
        while time.monotonic() < deadline:
            exited = self.topo.exited()
            if exited:
                pytest.fail(f"component(s) exited while waiting for {what}: {exited}\n{self.topo.diagnostics()}")
            try:
                result = check()
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                result, last_error = None, f"{type(exc).__name__}: {exc}"
            if result:
                return result
            time.sleep(every)
        pytest.fail(f"timed out after {seconds:.0f} s waiting for {what} {last_error}\n{self.topo.diagnostics()}")

    def login(self) -> None:
        passwords = Path(self.topo.env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"
        password = json.loads(passwords.read_text(encoding="utf-8"))["admin"]
        response = self.http.post("/auth/token", json={"username": "admin", "password": password})
        assert response.status_code in (200, 201), response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.patch(path, json=body)
        assert response.status_code == 200, f"PATCH {path}: {response.status_code} {response.text}"
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(path, json=body)
        assert response.status_code in (200, 201), f"POST {path}: {response.status_code} {response.text}"
        return response.json()

    def task_instances(self, dag_id: str, run_id: str = "~") -> list[dict[str, Any]]:
        """Task instances of one run, or of every run (``~``)."""
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances", limit=500)["task_instances"]

    def task_states(self, dag_id: str, run_id: str) -> dict[tuple[str, str], str | None]:
        """(task_id, rendered map index or "") -> state."""
        return {
            (ti["task_id"], ti.get("rendered_map_index") or ""): ti["state"]
            for ti in self.task_instances(dag_id, run_id)
        }

    def task_log_errors(self, ti: dict[str, Any]) -> str:
        """The error events of a task instance's log file (the exception type and message), for a failure message."""
        folder = Path(self.topo.env["AIRFLOW_HOME"]) / "logs" / f"dag_id={ti['dag_id']}" / f"run_id={ti['dag_run_id']}"
        folder = folder / f"task_id={ti['task_id']}"
        if ti["map_index"] >= 0:
            folder = folder / f"map_index={ti['map_index']}"
        lines = []
        for path in sorted(folder.glob("attempt=*.log")):
            for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    event = json.loads(raw)
                except ValueError:
                    continue
                if event.get("level") in ("error", "critical"):
                    details = [f"{d.get('exc_type')}: {d.get('exc_value')}" for d in event.get("error_detail") or []]
                    lines.append(f"  {path.name}: {event.get('event')} {'; '.join(details)}"[:600])
        return "\n".join(lines) or f"  (no error lines in {folder})"

    def unexpected_failures(self, dag_id: str, allowed: Callable[[dict[str, Any]], bool]) -> str:
        """Task instances, in any run of ``dag_id``, that failed or await a retry although they should not."""
        bad = [
            ti
            for ti in self.task_instances(dag_id)
            if ti["state"] in ("failed", "up_for_retry", "upstream_failed") and not allowed(ti)
        ]
        return "\n".join(
            f"{ti['task_id']}[{ti.get('rendered_map_index') or ti['map_index']}] {ti['state']} "
            f"(run {ti['dag_run_id']}):\n{self.task_log_errors(ti)}"
            for ti in bad
        )

    def finished_run(
        self, dag_id: str, run_id: str, seconds: float, allowed: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        """Wait for a run to succeed; fail at once, naming the task and its error, when a task goes wrong."""

        def done() -> dict[str, Any] | None:
            broken = self.unexpected_failures(dag_id, allowed)
            if broken:
                pytest.fail(f"{dag_id}: tasks went wrong:\n{broken}\n{self.topo.diagnostics(15)}")
            run = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
            return run if run["state"] in ("success", "failed") else None

        run = self.wait_for(f"{dag_id} run {run_id} to finish", done, seconds, every=2.0)
        if run["state"] != "success":
            pytest.fail(
                f"{dag_id} run {run_id} ended {run['state']}: {self.task_states(dag_id, run_id)}\n"
                f"{self.topo.diagnostics(40)}"
            )
        return run


def query(db: Path, sql: str, seconds: float = 60) -> list[tuple]:
    """Rows from DuckDB, retrying while a task of a still-finishing run holds the file's lock."""
    import duckdb

    deadline = time.monotonic() + seconds
    while True:
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
            continue
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


# ---------------------------------------------------------------------------------------------- the test
def broken_feed_poll(ti: dict[str, Any]) -> bool:
    """The one expected failure: the demo site's broken feed (its poll fails at once, without retries)."""
    return ti["task_id"] == "poll_feed" and ti.get("rendered_map_index") == "broken_demo" and ti["state"] == "failed"


def test_monitor_and_report_run_on_celery_workers_with_postgres(topology: Topology) -> None:
    api = Api(topology)
    phases = topology.phases
    api.wait_for("the API server to answer /api/v2/version", lambda: api.http.get("/api/v2/version").is_success, 150)
    phases.mark("api-server answering")
    api.login()
    assert api.get("/api/v2/pools/duckdb")["slots"] == 1

    def parsed(dag_id: str) -> bool:
        response = api.http.get(f"/api/v2/dags/{dag_id}")
        if response.status_code == 404:
            errors = api.get("/api/v2/importErrors")
            assert not errors["import_errors"], f"DAG files fail to import: {errors['import_errors']}"
        return response.is_success

    for dag_id in ("prisonwatch_monitor", "prisonwatch_report"):
        api.wait_for(f"the dag-processor to parse {dag_id}", lambda d=dag_id: parsed(d), 120)
    phases.mark("DAGs parsed")

    api.patch("/api/v2/dags/prisonwatch_report", {"is_paused": False})
    api.patch("/api/v2/dags/prisonwatch_monitor", {"is_paused": False})
    run_id = api.post("/api/v2/dags/prisonwatch_monitor/dagRuns", {"logical_date": None})["dag_run_id"]
    # Unpausing also schedules the latest interval: with max_active_runs=1 either run may go first, and only
    # the first finds new articles. Both must succeed.
    api.finished_run("prisonwatch_monitor", run_id, 240, allowed=broken_feed_poll)
    phases.mark("monitor run succeeded")

    runs = api.get("/api/v2/dags/prisonwatch_monitor/dagRuns")["dag_runs"]
    working = [
        r
        for r in runs
        if api.task_states("prisonwatch_monitor", r["dag_run_id"]).get(("announce_new_flags", "")) == "success"
    ]
    assert len(working) == 1, f"expected one run to find the new flags: {[r['dag_run_id'] for r in runs]}"
    states = api.task_states("prisonwatch_monitor", working[0]["dag_run_id"])
    polls = {label: state for (task, label), state in states.items() if task == "poll_feed"}
    assert polls == {"noticias_demo": "success", "english_demo": "success", "broken_demo": "failed"}, states
    fetches = {label: state for (task, label), state in states.items() if task == "fetch_articles"}
    assert fetches == {"noticias_demo": "success", "english_demo": "success"}, states
    assert states[("store_and_match", "")] == "success", states

    def report_run() -> dict[str, Any] | None:
        runs = api.get("/api/v2/dags/prisonwatch_report/dagRuns")["dag_runs"]
        broken = api.unexpected_failures("prisonwatch_report", allowed=lambda ti: False)
        assert not broken, f"prisonwatch_report went wrong:\n{broken}"
        return next((r for r in runs if r["state"] == "success"), None)

    report = api.wait_for("the asset-triggered prisonwatch_report run to succeed", report_run, 120, every=2.0)
    phases.mark("report run succeeded")
    assert report["run_type"] == "asset_triggered", report
    assert api.task_states("prisonwatch_report", report["dag_run_id"]) == {("publish_report", ""): "success"}

    # Let any other monitoring run finish before reading DuckDB (one process at a time holds the file).
    api.patch("/api/v2/dags/prisonwatch_monitor", {"is_paused": True})
    api.wait_for(
        "the last prisonwatch_monitor run to finish",
        lambda: api.get("/api/v2/dags/prisonwatch_monitor/dagRuns", state=["queued", "running"])["total_entries"] == 0,
        240,
        every=2.0,
    )
    assert not api.unexpected_failures("prisonwatch_monitor", allowed=broken_feed_poll)

    home = Path(topology.env["PRISONWATCH_HOME"])
    db = home / "data" / "prisonwatch.duckdb"
    pages = {
        url.rsplit("/", 1)[-1]: relevant
        for url, relevant in query(db, "select canonical_url, relevant from articles where origin = 'feed'")
    }
    assert pages == {
        "foro-penal-balance-excarcelaciones.html": True,
        "assembly-900-released.html": True,
        "exportaciones-petroleras-enero.html": False,
    }, pages
    assert query(db, "select count(*) from articles where origin = 'seed'")[0][0] == 5
    flags = query(db, "select type, metric, reason from flags")
    assert any(t == "contradiction" and m == "released" and "900" in r for t, m, r in flags), flags
    errors = query(db, "select stage, url from fetch_errors")
    assert any(stage == "feed" and url.endswith("/feeds/broken.xml") for stage, url in errors), errors

    reports = sorted((home / "reports").glob("*/report.html"))
    assert reports, f"no report written under {home / 'reports'}"
    assert "assembly-900-released.html" in reports[-1].read_text(encoding="utf-8")

    # The tasks ran on the Celery worker (a separate process), not in the scheduler.
    worker_log = topology.logs["celery-worker"].read_text(encoding="utf-8", errors="replace")
    assert "execute_workload" in worker_log and "succeeded" in worker_log, tail(topology.logs["celery-worker"], 40)
    phases.mark("checks done")
