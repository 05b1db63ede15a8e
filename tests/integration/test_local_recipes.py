"""The README's local recipes run as a new user types them: `make smtp-connection` then `make mail-test` send the
stored flags through an SMTP server on 127.0.0.1, and `make airflow` listens on 127.0.0.1 only."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from factories import store_contradicting_claims

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make(target: str, env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", target, *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


@pytest.fixture()
def airflow_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__"))}
    env.update(AIRFLOW_HOME=str(tmp_path / "airflow_home"), PRISONWATCH_DB=str(tmp_path / "pw.duckdb"))
    return env


def test_a_local_user_mails_a_report_with_two_make_commands(tmp_path: Path, airflow_env, smtp_server) -> None:
    sink, port = smtp_server
    sink.messages.clear()
    store_contradicting_claims(tmp_path / "pw.duckdb", [(600, "more_than", "government", "más de 600")])
    made = _make("smtp-connection", airflow_env, "SMTP_HOST=127.0.0.1", f"SMTP_PORT={port}", "SMTP_TLS=0")
    assert made.returncode == 0, made.stdout + made.stderr
    made = _make("mail-test", airflow_env, "TO=desk@example.org")
    assert made.returncode == 0, made.stdout + made.stderr
    (mail,) = sink.messages
    assert mail["To"] == "desk@example.org" and "más de 600" in mail.get_body(preferencelist=("plain",)).get_content()


def _listeners(pids: set[int]) -> set[str]:
    """The local addresses TCP sockets of these processes listen on (from /proc)."""
    inodes: set[str] = set()
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        for fd in fd_dir.glob("*") if fd_dir.exists() else []:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # LISTEN
                found.add(cols[1])
    return found


def _descendants(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout.split()
    pairs = list(zip(map(int, out[0::2]), map(int, out[1::2]), strict=True))
    found, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in pairs:
            if ppid == parent and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def test_make_airflow_listens_on_127_0_0_1_only_and_stops_cleanly(airflow_env) -> None:
    port = _free_port()
    env = dict(airflow_env, PRISONWATCH_AIRFLOW_PORT=str(port))
    assert _make("airflow-init", env).returncode == 0
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "airflow"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(2)
        else:
            pytest.fail("the API server did not answer within 150 s")
        time.sleep(5)  # the scheduler and triggerer have started their children by now
        addresses = _listeners(_descendants(proc.pid))
        assert addresses, "no listening socket found"
        loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 in /proc's hex
        assert all(a.rsplit(":", 1)[0] in loopback for a in addresses), addresses
        stopped = _make("airflow-stop", env, timeout=60)
        assert stopped.returncode == 0 and "stopped" in stopped.stdout
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
