"""The store as one object: its parts joined, and the one way to open it."""

from __future__ import annotations

from pathlib import Path

from prisonwatch.config import Settings
from prisonwatch.store.analyst import AnalystReads
from prisonwatch.store.base import StoreBase
from prisonwatch.store.flagging import FlagWrites
from prisonwatch.store.ingest import IngestWrites
from prisonwatch.store.schema import StoreError, _connect, migrate, migrations, schema_version


def open_store(
    path: Path | str,
    *,
    read_only: bool = False,
    settings: Settings | None = None,
    attempts: int = 6,
    backoff_seconds: float = 0.25,
) -> Store:
    """Open (and migrate) the database; use as a context manager. Retries while another process locks it."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(str(path), read_only, attempts, backoff_seconds)
    try:
        if read_only:
            version = schema_version(con)
            if version < len(migrations()):
                raise StoreError(f"{path}: schema version {version} needs migrating; open it read-write once")
        else:
            migrate(con)
    except Exception:
        con.close()
        raise
    return Store(con, path, read_only=read_only, flag_settings=settings.flags if settings else None)


class Store(IngestWrites, FlagWrites, AnalystReads, StoreBase):
    """An open database. Methods take and return plain data (records from models.py, dicts)."""
