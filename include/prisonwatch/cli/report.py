"""``prisonwatch report``: a report of the stored flags, rendered on demand to a file or standard output."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from prisonwatch.cli.common import EXIT_OK, EXIT_USAGE, CliError, existing_database, settings_from_args, writable_file


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="render a report of the stored flags",
        description="Render a report of the stored flags (all of them, or those since a date).",
    )
    p.add_argument("--db", default=None, help="DuckDB database file (default: the configured one)")
    p.add_argument("--since", default=None, help="only flags created on or after this ISO date (2026-01-31)")
    p.add_argument("--format", dest="fmt", choices=("html", "md", "json"), default="html", help="html, md or json")
    p.add_argument("--out", default=None, help="write to this file (its folder must exist) instead of standard output")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from prisonwatch.report import render_on_demand

    if args.since:
        try:
            datetime.fromisoformat(args.since)
        except ValueError as exc:
            raise CliError(f"--since: not an ISO date: {args.since!r} (write it as 2026-01-31)", EXIT_USAGE) from exc
    out = writable_file(args.out) if args.out else None
    db_path = existing_database(settings_from_args(args))
    text = render_on_demand(db_path, args.since, args.fmt)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
