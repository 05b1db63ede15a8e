"""The persistent extraction worker behind ``articles.run_with_budget``: reused, replaced, never shared."""

from __future__ import annotations

import os
import signal
import time

import pytest

from prisonwatch import articles
from prisonwatch.articles import ExtractTimeout, run_with_budget


@pytest.fixture(autouse=True)
def fresh_worker():
    articles.stop_extraction_worker()
    yield
    articles.stop_extraction_worker()


def worker_pid() -> int:
    return run_with_budget(os.getpid, (), 5.0)


def test_one_worker_serves_page_after_page() -> None:
    first = worker_pid()
    assert first != os.getpid()
    assert [worker_pid() for _ in range(5)] == [first] * 5


def test_an_error_in_the_worker_is_raised_and_the_worker_stays() -> None:
    first = worker_pid()
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        run_with_budget(divmod, (1, 0), 5.0)
    assert worker_pid() == first


def test_a_worker_over_budget_is_killed_and_replaced() -> None:
    first = worker_pid()
    started = time.monotonic()
    with pytest.raises(ExtractTimeout):
        run_with_budget(time.sleep, (30,), 0.3)
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(first, os.WNOHANG)  # already reaped: no zombie left behind
    second = worker_pid()
    assert second not in (first, os.getpid())


def test_a_worker_that_died_between_pages_is_replaced() -> None:
    first = worker_pid()
    os.kill(first, signal.SIGKILL)
    time.sleep(0.2)
    second = worker_pid()
    assert second not in (first, os.getpid())


def test_large_pages_and_results_cross_the_pipe_whole() -> None:
    text = "página " * 400_000  # ~3 MB each way, far beyond a pipe's buffer
    assert run_with_budget(str.upper, (text,), 20.0) == text.upper()


def test_the_worker_is_replaced_after_max_tasks(monkeypatch) -> None:
    monkeypatch.setattr(articles, "WORKER_MAX_TASKS", 2)
    pids = [worker_pid() for _ in range(3)]
    assert pids[0] == pids[1] != pids[2]


def test_a_forked_process_starts_its_own_worker() -> None:
    parent_worker = worker_pid()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked process
        try:
            mine = worker_pid()
            ok = mine not in (parent_worker, os.getpid())
            articles.stop_extraction_worker()
        except BaseException:  # noqa: BLE001
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert worker_pid() == parent_worker  # the parent's worker was left alone
