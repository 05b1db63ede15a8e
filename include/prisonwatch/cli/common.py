"""What every command shares: exit codes, one-line errors, settings from the command line, opening the store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from prisonwatch.config import Settings, load_settings

# The documented exit codes (docs/cli.md); cron and CI wrappers read them.
EXIT_OK = 0
EXIT_ERROR = 1  # bad input or a failure: the message says what and what to do
EXIT_USAGE = 2  # wrong arguments or configuration
EXIT_ALL_FEEDS_FAILED = 3  # ``run`` finished, but no feed could be read: its flags are the stored baseline
EXIT_LOCKED = 4  # another process holds the database


class CliError(Exception):
    """An ordinary failure of a command, told to the user in one line (no traceback) with its exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Configuration file and database from the command line, else from the environment."""
    settings = load_settings(getattr(args, "config", None))
    if getattr(args, "db", None):
        settings.store.db_path = str(Path(args.db).resolve())
    for host in getattr(args, "allow_host", None) or []:
        if host not in settings.fetch.allow_hosts:
            settings.fetch.allow_hosts.append(host)
    return settings


def existing_database(settings: Settings) -> Path:
    """The database a reading command needs; a clear error when there is none yet."""
    path = Path(settings.db_path)
    if not path.is_file():
        raise CliError(
            f"no database at {path}: run `make run` or `prisonwatch run` first, or give --db PATH", EXIT_ERROR
        )
    return path


def open_db(settings: Settings, *, read_only: bool) -> Any:
    """The store, opened for one command (readers need an existing database; writers create it)."""
    from prisonwatch import store

    if read_only:
        existing_database(settings)
    return store.open_store(settings.db_path, read_only=read_only, settings=settings)


def writable_file(path: str) -> Path:
    """An output file whose folder exists: nothing is written anywhere else."""
    out = Path(path)
    if out.is_dir():
        raise CliError(f"--out {out} is a folder; give a file name", EXIT_USAGE)
    if not out.parent.is_dir():
        raise CliError(f"--out {out}: no folder {out.parent}; create it first", EXIT_ERROR)
    return out


def feed_name_for(url: str, taken: set[str]) -> str:
    """A readable, unique feed name for a URL given on the command line."""
    parts = urlsplit(url)
    base = (parts.hostname or "feed").removeprefix("www.")
    path = parts.path.strip("/").replace("/", "_")
    name = f"{base}_{path}" if path else base
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Rows as aligned columns, each cut at 90 characters."""
    widths = {c: min(max([len(c), *(len(str(r.get(c, ""))) for r in rows)]), 90) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns), "  ".join("-" * widths[c] for c in columns)]
    for r in rows:
        cells = (str(r.get(c) if r.get(c) is not None else "")[: widths[c]].ljust(widths[c]) for c in columns)
        lines.append("  ".join(cells))
    return "\n".join(lines)
