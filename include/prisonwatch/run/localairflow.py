"""``make airflow``: Airflow's components on one machine, every listener on 127.0.0.1; Ctrl-C stops them all.

``airflow standalone`` starts the scheduler and the triggerer each with a log server bound to every interface
(ports 8793 and 8794). On one machine the API server reads task logs from the local files, so those servers are
not needed: the components are started here without them, and the API server listens on 127.0.0.1 only.
``python -m prisonwatch.run.localairflow --stop`` (``make airflow-stop``) stops a running set from another shell.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
STOP_GRACE_SECONDS = 20.0


def component_commands(host: str = HOST, port: int = 8080) -> dict[str, list[str]]:
    """The ``airflow`` sub-commands of a one-machine deployment, none listening beyond ``host``."""
    return {
        "scheduler": ["scheduler", "--skip-serve-logs"],
        "dag-processor": ["dag-processor"],
        "triggerer": ["triggerer", "--skip-serve-logs"],
        "api-server": ["api-server", "--host", host, "--port", str(port)],
    }


def pid_file(airflow_home: Path) -> Path:
    return airflow_home / "local-airflow.pids"


def _stop(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    for pid in pids:
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a child that exited but was not reaped yet is not alive
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def stop_running(airflow_home: Path) -> int:
    """Stop the components a ``make airflow`` in another shell started."""
    path = pid_file(airflow_home)
    if not path.is_file():
        print(f"no local Airflow recorded in {path}")
        return 0
    pids = [int(p) for p in path.read_text().split()]
    _stop(pids)
    path.unlink(missing_ok=True)
    print(f"stopped {len(pids)} Airflow components")
    return 0


def run(airflow: str, airflow_home: Path, port: int) -> int:
    logs = airflow_home / "logs" / "components"
    logs.mkdir(parents=True, exist_ok=True)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for name, args in component_commands(HOST, port).items():
        with (logs / f"{name}.log").open("ab") as out:
            procs[name] = subprocess.Popen(
                [airflow, *args], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
    pid_file(airflow_home).write_text(" ".join(str(p.pid) for p in procs.values()))
    print(f"Airflow UI: http://{HOST}:{port}  (user admin; password in "
          f"{airflow_home}/simple_auth_manager_passwords.json.generated)")  # fmt: skip
    print(f"component logs: {logs}/   stop: Ctrl-C here, or `make airflow-stop` from another shell")
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    code = 0
    while not stopping:
        dead = [name for name, p in procs.items() if p.poll() is not None]
        if dead:
            print(f"{', '.join(dead)} stopped (see {logs}/{dead[0]}.log); stopping the others", file=sys.stderr)
            code = 1
            break
        time.sleep(1.0)
    _stop([p.pid for p in procs.values()])
    pid_file(airflow_home).unlink(missing_ok=True)
    print("Airflow stopped")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prisonwatch.run.localairflow", description=__doc__.splitlines()[0])
    parser.add_argument("--stop", action="store_true", help="stop the components started by another `make airflow`")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PRISONWATCH_AIRFLOW_PORT", "8080")))
    args = parser.parse_args(argv)
    airflow_home = Path(os.environ.get("AIRFLOW_HOME", Path.home() / "airflow"))
    if args.stop:
        return stop_running(airflow_home)
    airflow = str(Path(sys.executable).with_name("airflow"))
    return run(airflow, airflow_home, args.port)


if __name__ == "__main__":
    sys.exit(main())
