"""The durable queue of flag decisions made while the database was busy (prisonwatch.ui.webui_queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from factories import store_contradicting_claims

from prisonwatch import store
from prisonwatch.ui import webui_queue


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    """A database with two contradicting figures, hence flags to decide on."""
    return store_contradicting_claims(
        tmp_path / "pw.duckdb", [(808, "exact", "government", "808"), (302, "exact", "foro_penal", "302")]
    )


def a_flag(db_path: Path) -> dict[str, Any]:
    with store.open_store(db_path, read_only=True) as db:
        return db.flags(flag_type="contradiction")[0]


def test_queue_file_sits_beside_the_database(tmp_path: Path) -> None:
    assert webui_queue.queue_path(tmp_path / "data" / "pw.duckdb") == tmp_path / "data" / "pw.duckdb.decisions.sqlite"


def test_enqueued_decisions_are_on_disk_and_apply_in_the_order_they_were_made(db_path: Path) -> None:
    flag_id = a_flag(db_path)["id"]
    first = webui_queue.enqueue(db_path, flag_id, "acknowledged", "first", user="ana")
    second = webui_queue.enqueue(db_path, flag_id, "dismissed", "second", user="bo")
    assert second.id > first.id
    # A fresh reader (another process would do the same) sees both, oldest first.
    assert [d.note for d in webui_queue.decisions(db_path)] == ["first", "second"]
    with store.open_store(db_path) as db:
        summary = webui_queue.apply_pending(db)
        flag = db.flag(flag_id)
    assert summary == {"applied": 2, "superseded": 0, "failed": 0, "pending": 0}
    assert (flag["status"], flag["note"]) == ("dismissed", "second")
    assert [d.state for d in webui_queue.decisions(db_path, state=None)] == ["applied", "applied"]
    with store.open_store(db_path) as db:  # applying again changes nothing
        assert webui_queue.apply_pending(db)["applied"] == 0


def test_a_decision_older_than_the_flags_last_change_is_superseded(db_path: Path) -> None:
    flag_id = a_flag(db_path)["id"]
    stale = webui_queue.enqueue(
        db_path,
        flag_id,
        "dismissed",
        "made before the CLI decision",
        decided_at="2020-01-01T00:00:00.000000+00:00",
    )
    with store.open_store(db_path) as db:
        db.set_flag_status(flag_id, "acknowledged", "from the CLI")
        summary = webui_queue.apply_pending(db)
        flag = db.flag(flag_id)
    assert summary["superseded"] == 1 and summary["applied"] == 0
    assert (flag["status"], flag["note"]) == ("acknowledged", "from the CLI")
    (kept,) = webui_queue.decisions(db_path, state="superseded")
    assert kept.id == stale.id and "changed" in kept.result


def test_unknown_flag_fails_without_stopping_the_others(db_path: Path) -> None:
    flag_id = a_flag(db_path)["id"]
    webui_queue.enqueue(db_path, "f_gone", "dismissed", "a flag that is not there")
    webui_queue.enqueue(db_path, flag_id, "acknowledged", "real")
    with store.open_store(db_path) as db:
        summary = webui_queue.apply_pending(db)
    assert summary == {"applied": 1, "superseded": 0, "failed": 1, "pending": 0}
    (failed,) = webui_queue.decisions(db_path, state="failed")
    assert failed.flag_id == "f_gone" and "no flag" in failed.result


def test_no_queue_and_a_broken_queue_never_fail_the_pipeline(db_path: Path) -> None:
    with store.open_store(db_path) as db:
        assert webui_queue.apply_pending(db) == {"applied": 0, "superseded": 0, "failed": 0, "pending": 0}
    assert not webui_queue.queue_path(db_path).exists()  # applying does not create the file
    webui_queue.queue_path(db_path).write_bytes(b"this is not a database" * 100)
    with store.open_store(db_path) as db:
        summary = webui_queue.apply_pending(db)
    assert "error" in summary and summary["applied"] == 0


def test_bad_decisions_are_refused_before_queueing(db_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown flag status"):
        webui_queue.enqueue(db_path, "f_x", "deleted", "")
    with pytest.raises(ValueError, match="empty"):
        webui_queue.enqueue(db_path, "", "dismissed", "")
    assert webui_queue.decisions(db_path) == []


def test_an_unwritable_queue_raises_queue_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the database folder should be", encoding="utf-8")
    with pytest.raises(webui_queue.QueueError):
        webui_queue.enqueue(blocker / "pw.duckdb", "f_x", "dismissed", "why")
