"""The database file: opening it under DuckDB's lock, and the numbered migrations that shape it."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)


SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


_MIGRATION_NAME = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")


_LOCK_MESSAGES = ("Conflicting lock", "Could not set lock")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreError(RuntimeError):
    """The database cannot be used (locked by another process, or a newer schema than this code)."""


class StoreLockedError(StoreError):
    """Another process held the database lock through every attempt."""


# ---------------------------------------------------------------------- migrations
@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(sql_dir: Path = SQL_DIR) -> list[Migration]:
    """The migration files in version order; a gap or a duplicate version is an error."""
    found = []
    for path in sorted(sql_dir.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if m:
            found.append(Migration(int(m[1]), m[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations in {sql_dir} must be numbered 0001, 0002, ... without gaps: {versions}")
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration (0 for an empty database). Asked directly: a lookup in
    ``information_schema`` costs ~10 ms, and every DAG run opens the database."""
    try:
        return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0]
    except duckdb.CatalogException:
        return 0


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply pending migrations up to ``target`` (default: all), each in its own transaction."""
    current = schema_version(con)
    if current == 0:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)"
        )
    known = migrations()
    if current > len(known):
        raise StoreError(f"database schema version {current} is newer than this code ({len(known)})")
    applied = []
    for mig in known:
        if mig.version <= current or (target is not None and mig.version > target):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(mig.sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [mig.version, mig.name, _now()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(mig.version)
        log.info("applied migration %04d_%s", mig.version, mig.name)
    return applied


def _connect(path: str, read_only: bool, attempts: int, backoff_seconds: float) -> duckdb.DuckDBPyConnection:
    delay = backoff_seconds
    for attempt in range(1, attempts + 1):
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if not any(m in str(exc) for m in _LOCK_MESSAGES):
                raise
            if attempt == attempts:
                raise StoreLockedError(
                    f"{path}: another process holds the database lock; gave up after {attempts} attempts "
                    f"(every task that opens the database must run in the 1-slot 'duckdb' pool): {exc}"
                ) from exc
            log.warning(
                "%s is locked by another process (attempt %d/%d); retrying in %.2fs", path, attempt, attempts, delay
            )
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")
