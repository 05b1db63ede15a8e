"""Analysts' flag decisions that could not be stored at once, kept until the database is free.

DuckDB admits one process at a time. When an analyst acknowledges or dismisses a flag in the Flags
view while a DAG task holds the database, the decision is committed (with fsync) to a small SQLite
file beside the database before the analyst is told it is queued; nothing is lost if the api-server
restarts. Pending decisions are applied by the monitoring pipeline at the start of its store step and
by the Flags view whenever it next gets the database.

A queued decision never overrides a newer one: it is marked ``superseded`` when the flag changed
(another analyst decided, or new values re-opened it) after the queued decision was made.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from prisonwatch.models import FLAG_STATUSES

log = logging.getLogger(__name__)

QUEUE_SUFFIX = ".decisions.sqlite"
DECISION_STATES = ("pending", "applied", "superseded", "failed")
MAX_NOTE_CHARS = 2000
# How long a writer waits for another writer of the queue file (they hold it for milliseconds).
SQLITE_TIMEOUT_SECONDS = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    flag_id         TEXT NOT NULL,
    status          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    user            TEXT NOT NULL DEFAULT '',
    decided_at      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    applied_at      TEXT,
    flag_updated_at TEXT,
    result          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS decisions_state ON decisions (state, decided_at);
"""


class QueueError(RuntimeError):
    """The decision queue file cannot be written (the decision was NOT saved)."""


class FlagStore(Protocol):
    """What applying decisions needs from an open ``store.Store``."""

    path: Path

    def flag(self, flag_id: str) -> dict[str, Any]: ...

    def set_flag_status(self, flag_id: str, status: str, note: str) -> dict[str, Any]: ...


@dataclass
class Decision:
    """One analyst decision as kept in the queue."""

    id: int
    flag_id: str
    status: str
    note: str
    user: str
    decided_at: str
    state: str = "pending"
    applied_at: str | None = None
    flag_updated_at: str | None = None
    result: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def now_iso() -> str:
    """UTC now with microseconds: decisions made in the same second keep their order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def queue_path(db_path: Path | str) -> Path:
    """The queue file that belongs to a database: ``<db file>.decisions.sqlite`` beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + QUEUE_SUFFIX)


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=SQLITE_TIMEOUT_SECONDS, isolation_level=None)
    con.row_factory = sqlite3.Row
    # A rollback journal with FULL sync: a commit is on disk (file and journal fsynced) when it returns.
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA synchronous=FULL")
    con.executescript(_SCHEMA)
    return con


def _fsync_dir(path: Path) -> None:
    """Make the queue file's directory entry durable (a new file survives a crash)."""
    try:
        fd = os.open(str(path), os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _row(row: sqlite3.Row) -> Decision:
    return Decision(**{k: row[k] for k in row.keys()})  # noqa: SIM118 - sqlite3.Row is not a mapping


def enqueue(
    db_path: Path | str,
    flag_id: str,
    status: str,
    note: str,
    *,
    user: str = "",
    decided_at: str | None = None,
) -> Decision:
    """Keep a decision for later; returns once it is on disk. Raises QueueError when it cannot be kept."""
    if status not in FLAG_STATUSES:
        raise ValueError(f"unknown flag status {status!r} (one of {', '.join(FLAG_STATUSES)})")
    if not flag_id:
        raise ValueError("flag id is empty")
    path = queue_path(db_path)
    created = not path.exists()
    decided_at = decided_at or now_iso()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path)
        try:
            cur = con.execute(
                "INSERT INTO decisions (flag_id, status, note, user, decided_at) VALUES (?, ?, ?, ?, ?)",
                [flag_id, status, note[:MAX_NOTE_CHARS], user, decided_at],
            )
            decision_id = int(cur.lastrowid or 0)
        finally:
            con.close()
    except (OSError, sqlite3.Error) as exc:
        raise QueueError(f"{path}: could not queue the decision on {flag_id}: {exc}") from exc
    if created:
        _fsync_dir(path.parent)
    log.info("queued decision %d: %s -> %s by %s (database busy)", decision_id, flag_id, status, user or "?")
    return Decision(id=decision_id, flag_id=flag_id, status=status, note=note, user=user, decided_at=decided_at)


def decisions(db_path: Path | str, *, state: str | None = "pending", flag_id: str | None = None) -> list[Decision]:
    """Queued decisions, oldest first (pending ones by default); empty when there is no queue file."""
    path = queue_path(db_path)
    if not path.exists():
        return []
    where, params = ["1 = 1"], []
    if state:
        where.append("state = ?")
        params.append(state)
    if flag_id:
        where.append("flag_id = ?")
        params.append(flag_id)
    con = _connect(path)
    try:
        rows = con.execute(
            f"SELECT * FROM decisions WHERE {' AND '.join(where)} ORDER BY decided_at, id", params
        ).fetchall()
    finally:
        con.close()
    return [_row(r) for r in rows]


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _last_change(con: sqlite3.Connection, flag_id: str, updated_at: str | None) -> datetime | None:
    """When the flag's current state was decided: a queued decision's own time if the queue set it last."""
    row = con.execute(
        "SELECT decided_at FROM decisions WHERE flag_id = ? AND state = 'applied' AND flag_updated_at = ? "
        "ORDER BY id DESC LIMIT 1",
        [flag_id, updated_at],
    ).fetchone()
    return _parse(row["decided_at"] if row else updated_at)


def _finish(con: sqlite3.Connection, decision: Decision, state: str, result: str, updated_at: str | None) -> None:
    con.execute(
        "UPDATE decisions SET state = ?, result = ?, applied_at = ?, flag_updated_at = ? WHERE id = ? "
        "AND state = 'pending'",
        [state, result, now_iso(), updated_at, decision.id],
    )


def apply_pending(store: FlagStore, *, queue_file: Path | str | None = None) -> dict[str, Any]:
    """Apply queued decisions to an open read-write store, oldest first; returns what happened.

    Never raises: the monitoring run must not fail because of the queue. Problems are logged and returned
    under ``error``; decisions that could not be applied stay pending for the next call.
    """
    path = Path(queue_file) if queue_file else queue_path(store.path)
    summary: dict[str, Any] = {"applied": 0, "superseded": 0, "failed": 0, "pending": 0}
    if not path.exists():
        return summary
    try:
        con = _connect(path)
    except sqlite3.Error as exc:
        log.error("decision queue %s cannot be read: %s", path, exc)
        return {**summary, "error": f"{path}: {exc}"}
    try:
        pending = [
            _row(r) for r in con.execute("SELECT * FROM decisions WHERE state = 'pending' ORDER BY decided_at, id")
        ]
        for decision in pending:
            try:
                current = store.flag(decision.flag_id)
            except KeyError:
                _finish(con, decision, "failed", f"no flag with id {decision.flag_id!r}", None)
                summary["failed"] += 1
                log.warning("queued decision %d: no flag %s; not applied", decision.id, decision.flag_id)
                continue
            changed = _last_change(con, decision.flag_id, current.get("updated_at"))
            decided = _parse(decision.decided_at)
            if changed and decided and changed > decided:
                _finish(
                    con,
                    decision,
                    "superseded",
                    f"the flag changed at {current.get('updated_at')} after this decision "
                    f"(now {current.get('status')})",
                    current.get("updated_at"),
                )
                summary["superseded"] += 1
                log.info("queued decision %d on %s superseded by a later change", decision.id, decision.flag_id)
                continue
            updated = store.set_flag_status(decision.flag_id, decision.status, decision.note)
            _finish(
                con,
                decision,
                "applied",
                f"{decision.flag_id}: {updated.get('status')}",
                updated.get("updated_at"),
            )
            summary["applied"] += 1
            log.info("applied queued decision %d: %s -> %s", decision.id, decision.flag_id, decision.status)
    except Exception as exc:  # a database error: what is left stays pending for the next call
        log.exception("applying queued flag decisions from %s stopped", path)
        summary["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        with contextlib.suppress(sqlite3.Error):
            summary["pending"] = con.execute("SELECT count(*) FROM decisions WHERE state = 'pending'").fetchone()[0]
        con.close()
    return summary
