"""The corpus in DuckDB: articles, figures, flags, feed health, runs and errors.

One process at a time may open the file (DuckDB's lock), so every opener goes through the 1-slot
Airflow pool ``duckdb``; :func:`open_store` still retries a few times when another process holds
the lock. Migrations in ``sql/NNNN_name.sql`` are applied in order when the store opens and are
recorded in ``schema_migrations``. Rows are written one statement per table (never row by row:
~1,000 rows/s in DuckDB), and :meth:`Store.ingest_batch` writes one run in one transaction; matching
reads only what the batch needs, with selective statements DuckDB answers from a few row groups
(``prisonwatch.store.reads``), because every DAG run opens the file afresh.

The store is split by who writes and who reads: :mod:`.schema` (the file, its lock and migrations), :mod:`.base`
(ids, columns, plain reads), :mod:`.ingest` (one run's writes), :mod:`.flagging` (matching inside the ingest
transaction), :mod:`.reads` (the reads matching needs), :mod:`.analyst` (the CLI's, the Flags view's and the
report's reads and decisions) and :mod:`.database` (the parts joined as :class:`Store`, and :func:`open_store`).
"""

from prisonwatch.store.base import (
    CANDIDATES_PER_SOURCE,
    REVIEW_SHOWN,
    REVIEW_VERDICTS,
    TIMELINE_DAYS,
    article_id_for,
    figure_id_for,
)
from prisonwatch.store.database import Store, open_store
from prisonwatch.store.schema import SQL_DIR, StoreError, StoreLockedError, migrate, migrations, schema_version

__all__ = [
    "CANDIDATES_PER_SOURCE",
    "REVIEW_SHOWN",
    "REVIEW_VERDICTS",
    "SQL_DIR",
    "TIMELINE_DAYS",
    "Store",
    "StoreError",
    "StoreLockedError",
    "article_id_for",
    "figure_id_for",
    "migrate",
    "migrations",
    "open_store",
    "schema_version",
]
