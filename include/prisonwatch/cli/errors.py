"""Every failure a command can meet, as one line and an exit code: the traceback only with ``--debug``."""

from __future__ import annotations

import duckdb

from prisonwatch.cli.common import EXIT_ERROR, EXIT_LOCKED, EXIT_USAGE, CliError


def explain(exc: BaseException) -> tuple[int, str]:
    """(exit code, one line saying what is wrong and what to do) for an exception a command raised."""
    from prisonwatch.collect.articles import ArticleSkipped
    from prisonwatch.config import ConfigError
    from prisonwatch.report.notify import DeliveryError
    from prisonwatch.store import StoreError, StoreLockedError

    if isinstance(exc, CliError):
        return exc.code, str(exc)
    if isinstance(exc, ConfigError):
        return EXIT_USAGE, f"configuration error: {exc}"
    if isinstance(exc, StoreLockedError):
        return EXIT_LOCKED, (
            f"the database is in use by another process (a running DAG task or prisonwatch command): {exc}; "
            "try again when it has finished"
        )
    if isinstance(exc, StoreError):
        return EXIT_ERROR, f"database error: {exc}"
    if isinstance(exc, duckdb.Error):
        text = str(exc).splitlines()[0]
        if "not a valid DuckDB database" in text:
            return EXIT_ERROR, f"not a prisonwatch (DuckDB) database: {text}; give --db a database file"
        return EXIT_ERROR, f"database error: {text}"
    if isinstance(exc, ArticleSkipped):
        return EXIT_ERROR, f"no article in this file: {exc}"
    if isinstance(exc, DeliveryError):
        return EXIT_ERROR, f"delivery failed: {exc}"
    if isinstance(exc, PermissionError):
        return EXIT_ERROR, f"permission denied: {exc.filename or exc}; choose a path you can write"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError, IsADirectoryError)):
        return EXIT_ERROR, f"{exc.strerror or exc}: {exc.filename}"
    if isinstance(exc, OSError):
        return EXIT_ERROR, f"{type(exc).__name__}: {exc}"
    return EXIT_ERROR, f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)"
