"""``prisonwatch``: the command line over the same functions the DAG tasks call.

One module per command group; each adds its commands with ``register``. Every failure is told in one line on
standard error with a documented exit code (:mod:`prisonwatch.cli.common`); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from prisonwatch.cli import extract, flags, mail, report, run
from prisonwatch.cli.common import (
    EXIT_ALL_FEEDS_FAILED,
    EXIT_ERROR,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    feed_name_for,
    settings_from_args,
)
from prisonwatch.cli.errors import explain

__all__ = [
    "EXIT_ALL_FEEDS_FAILED", "EXIT_ERROR", "EXIT_LOCKED", "EXIT_OK", "EXIT_USAGE",
    "CliError", "build_parser", "feed_name_for", "main", "settings_from_args",
]  # fmt: skip

COMMAND_GROUPS = (run, extract, flags, report, mail)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prisonwatch",
        description="Watch news about Venezuela's political prisoners and flag new and contradictory figures.",
        epilog="Exit codes: 0 ok, 1 error, 2 usage, 3 ran but every feed failed, 4 database locked.",
    )
    parser.add_argument("--config", help="configuration file (default: PRISONWATCH_CONFIG or the bundled one)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose or os.environ.get("PRISONWATCH_VERBOSE") else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,  # log to this call's stderr, also when main() runs twice in one process
    )
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        if args.debug:
            raise
        code, message = explain(exc)
        print(f"prisonwatch {args.command}: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
