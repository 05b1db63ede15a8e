"""``prisonwatch``: the command line over the same functions the DAG tasks call."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from prisonwatch.config import ConfigError, FeedConfig, Settings, load_settings


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Configuration file and database from the command line, else from the environment."""
    settings = load_settings(getattr(args, "config", None))
    if getattr(args, "db", None):
        settings.store.db_path = str(Path(args.db).resolve())
    for host in getattr(args, "allow_host", None) or []:
        if host not in settings.fetch.allow_hosts:
            settings.fetch.allow_hosts.append(host)
    return settings


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


# ------------------------------------------------------------------ extract
def extract_file(path: Path, url: str, settings: Settings) -> dict[str, Any]:
    """One article file (HTML page, or plain text for ``.txt``) to the documented JSON shape."""
    from prisonwatch import articles
    from prisonwatch.analysis import analyse_article

    data = path.read_bytes()
    if path.suffix.lower() == ".txt":
        article = articles.article_from_text(data.decode("utf-8", "replace"), url=url, origin="feed")
    else:
        article = articles.article_from_html(data, url=url, settings=settings)
    from prisonwatch.figures import vague_quantities

    figures = analyse_article(article, settings)
    vague = vague_quantities(article.text, article.language) if article.relevant else []
    return {
        "url": url,
        "title": article.title,
        "published": article.published,
        "language": article.language,
        "relevant": article.relevant,
        "relevance_reason": article.relevance_reason,
        "figures": [f.to_public_dict() for f in figures],
        "vague_quantities": vague,
    }


def cmd_extract(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"prisonwatch extract: no such file: {path}", file=sys.stderr)
        return 2
    result = extract_file(path, args.url or path.resolve().as_uri(), settings)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"{result['title']} ({result['language']}, {result['published']}) relevant={result['relevant']}")
        for f in result["figures"]:
            print(f"  {f['metric']:22} {f['value_text'] or f['value_low']:>16}  {f['source']:14} {f['sentence'][:90]}")
    return 0


# ------------------------------------------------------------------ run
def cmd_run(args: argparse.Namespace) -> int:
    from prisonwatch import pipeline

    settings = settings_from_args(args)
    if args.feed:
        taken: set[str] = set()
        settings.feeds = [FeedConfig(name=feed_name_for(u, taken), url=u) for u in args.feed]
    summary = pipeline.run_once(settings, publish=not args.no_report)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        print_run_summary(summary, settings)
    return 0


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


# ------------------------------------------------------------------ seed / status
def cmd_seed(args: argparse.Namespace) -> int:
    from prisonwatch import seed, store

    settings = settings_from_args(args)
    with store.open_store(settings.db_path) as db:
        result = seed.load_seed_corpus(db, settings)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """The last run's summary and the newest report: what ``make run`` prints at the end."""
    from prisonwatch import store

    settings = settings_from_args(args)
    with store.open_store(settings.db_path, read_only=True) as db:
        run = db.last_run()
        open_flags = db.flags(status="open")
    if run is None:
        print("no monitoring run recorded yet")
        return 1
    reports = sorted(settings.reports_dir.glob("*/report.html"))
    run["report"] = {"paths": {"html": str(reports[-1])}} if reports else {}
    print_run_summary(run, settings)
    print(f"  open flags: {len(open_flags)}")
    for flag in open_flags[: args.limit]:
        print(f"   - [{flag['type']}] {flag['reason']}")
    return 0


# ------------------------------------------------------------------ entry point
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prisonwatch",
        description="Watch news about Venezuela's political prisoners and flag new and contradictory figures.",
    )
    parser.add_argument("--config", help="configuration file (default: PRISONWATCH_CONFIG or the bundled one)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract one article file and print its figures")
    p.add_argument("file", help="an HTML page, or plain text for .txt")
    p.add_argument("--url", help="the article's URL (default: the file's URI)")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("run", help="run the monitoring pipeline once, without Airflow")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.add_argument("--feed", action="append", help="feed URL to poll instead of the configured feeds (repeatable)")
    p.add_argument("--allow-host", action="append", help="host exempt from the private-address guard (repeatable)")
    p.add_argument("--no-report", action="store_true", help="do not write or send a report")
    p.add_argument("--json", action="store_true", help="print the run summary as JSON (for tools)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("seed", help="load the seed corpus (idempotent)")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("status", help="summary of the last run, open flags and the newest report")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.add_argument("--limit", type=int, default=20, help="open flags to list")
    p.set_defaults(func=cmd_status)

    from prisonwatch import analyst, report

    analyst.register(sub)
    report.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose or os.environ.get("PRISONWATCH_VERBOSE") else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"prisonwatch: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
