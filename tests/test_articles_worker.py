"""The persistent extraction worker behind ``articles.run_with_budget``: reused, replaced, never shared."""

from __future__ import annotations

import os
import signal
import time

import pytest

from prisonwatch.collect import articles
from prisonwatch.collect.articles import ExtractTimeout, run_with_budget


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


def wait_for_file(path: str) -> int:
    """Runs in the worker: returns once the parent has created ``path`` (so only if submit did not block)."""
    deadline = time.monotonic() + 10
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise RuntimeError("the parent never wrote the file")
        time.sleep(0.01)
    return os.getpid()


def test_submit_returns_while_the_worker_works(tmp_path) -> None:
    flag = tmp_path / "go"
    pending = articles.submit_with_budget(wait_for_file, (str(flag),), 20.0)
    flag.write_text("go")  # reached only because submit did not wait for the result
    assert pending.result() not in (0, os.getpid())


def test_an_answer_ready_in_time_but_read_late_is_kept() -> None:
    pending = articles.submit_with_budget(os.getpid, (), 0.5)
    time.sleep(1.0)  # the parent is busy past the deadline
    assert pending.result() not in (0, os.getpid())


def test_an_answer_over_budget_is_refused_even_when_read_late() -> None:
    first = worker_pid()
    pending = articles.submit_with_budget(time.sleep, (0.6,), 0.3)
    time.sleep(1.2)  # by now the worker has answered, late
    with pytest.raises(ExtractTimeout, match="over its 0.3 s budget"):
        pending.result()
    assert worker_pid() == first  # it had finished: no need to kill it


def test_one_page_at_a_time_and_cancel_frees_the_worker(tmp_path) -> None:
    first = worker_pid()
    pending = articles.submit_with_budget(wait_for_file, (str(tmp_path / "never"),), 20.0)
    with pytest.raises(RuntimeError, match="collect its result first"):
        articles.submit_with_budget(os.getpid, (), 5.0)
    pending.cancel()
    with pytest.raises(ExtractTimeout):
        pending.result()
    second = worker_pid()
    assert second not in (first, os.getpid())


def test_the_worker_applies_the_markup_limits_of_the_parent(monkeypatch) -> None:
    """Limits changed after the worker started still apply: they travel with each page."""
    worker_pid()
    monkeypatch.setattr(articles, "MAX_ROW_CELLS", 5)
    page = "<html><body><article><p>" + "Texto largo. " * 40 + "</p><table><tr>" + "<td>x</td>" * 6
    with pytest.raises(articles.ArticleSkipped) as info:
        articles.extract_page(page + "</tr></table></article></body></html>", "https://a.example/", budget=20.0)
    assert info.value.error_class == "too_complex"
