"""``prisonwatch run``, ``seed`` and ``status``: the monitoring run without Airflow, the baseline, the last run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from prisonwatch.cli.common import (
    EXIT_ALL_FEEDS_FAILED,
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    feed_name_for,
    open_db,
    settings_from_args,
)
from prisonwatch.config import FeedConfig, Settings

DB_HELP = "DuckDB database (default: the configured one)"


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="run the monitoring pipeline once, without Airflow")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--feed", action="append", help="feed URL to poll instead of the configured feeds (repeatable)")
    p.add_argument("--allow-host", action="append", help="host exempt from the private-address guard (repeatable)")
    p.add_argument("--no-report", action="store_true", help="do not write or send a report")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON (for tools)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("seed", help="load the seed corpus (idempotent)")
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("status", help="summary of the last run, open flags and the newest report")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--limit", type=int, default=20, help="open flags to list")
    p.set_defaults(func=cmd_status)


def every_feed_failed(summary: dict[str, Any]) -> bool:
    """True when a run polled feeds and none of them could be read."""
    ok = int(summary.get("feeds_ok") or 0) + int(summary.get("feeds_not_modified") or 0)
    return ok == 0 and int(summary.get("feeds_failed") or 0) > 0


def cmd_run(args: argparse.Namespace) -> int:
    from prisonwatch.run import pipeline

    settings = settings_from_args(args)
    if args.feed:
        taken: set[str] = set()
        settings.feeds = [FeedConfig(name=feed_name_for(u, taken), url=u) for u in args.feed]
    if not settings.feeds:
        raise CliError("no feeds configured: add feeds to the configuration or give --feed URL")
    open_db(settings, read_only=False).close()  # a bad, locked or unwritable database fails here, before any fetch
    summary = pipeline.run_once(settings, publish=not args.no_report)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        print_run_summary(summary, settings)
    if every_feed_failed(summary):
        if not args.json:
            print("  every feed failed: no article was read, and the flags shown are the stored baseline (exit code 3)")
        return EXIT_ALL_FEEDS_FAILED
    return EXIT_OK


def print_run_summary(summary: dict[str, Any], settings: Settings) -> None:
    """What a person wants to see after a run: counts, failing feeds, flags, the report's path."""
    from prisonwatch.report import run_summary_line

    print(f"prisonwatch run {summary.get('run_id', '')}")
    print("  " + run_summary_line(summary))
    for feed in summary.get("failed_feeds", []) or []:
        print(f"  feed failed: {feed.get('name')}: {feed.get('error_class')}: {feed.get('error')}")
    report = summary.get("report") or {}
    if report.get("paths"):
        html = report["paths"].get("html") if isinstance(report["paths"], dict) else None
        print(f"  report: {html or report['paths']}")
    elif report:
        print(f"  report: {report.get('message') or 'no new flags to report'}")
    print(f"  database: {settings.db_path}")


def cmd_seed(args: argparse.Namespace) -> int:
    from prisonwatch.run import seed

    settings = settings_from_args(args)
    with open_db(settings, read_only=False) as db:
        result = seed.load_seed_corpus(db, settings)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """The last run's summary and the newest report written from this database: what ``make run`` prints last."""
    settings = settings_from_args(args)
    with open_db(settings, read_only=True) as db:
        run = db.last_run()
        open_flags = db.flags(status="open")
        report_id = db.last_report_id()
    if run is None:
        print(f"no monitoring run recorded yet in {settings.db_path}")
        return EXIT_ERROR
    report_file = Path(settings.reports_dir) / report_id / "report.html" if report_id else None
    if report_file is not None and report_file.is_file():
        run["report"] = {"paths": {"html": str(report_file)}}
    else:
        run["report"] = {"message": "no report written from this database yet"}
    print_run_summary(run, settings)
    if every_feed_failed(run):
        print("  every feed failed in the last run: the open flags are the stored baseline")
    print(f"  open flags: {len(open_flags)}")
    from prisonwatch.report import ranked_flags
    from prisonwatch.vocab import flag_type_label

    for flag in ranked_flags(open_flags)[: args.limit]:
        print(f"   - [{flag_type_label(flag['type'])}] {flag['reason']}")
    return EXIT_OK
