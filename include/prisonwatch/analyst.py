"""Analysts' commands: list, acknowledge and dismiss flags; list figures.

``prisonwatch flags [list|ack|dismiss] [ID] [--note TEXT] [--status S] [--metric M] [--type T]
[--format table|text|json]`` and ``prisonwatch figures --metric M [--source S] [--format table|json|csv]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

from prisonwatch.models import FLAG_STATUSES, FLAG_TYPES, METRICS, SOURCES

_ACTION_STATUS = {"ack": "acknowledged", "dismiss": "dismissed", "reopen": "open"}


def register(subparsers: Any) -> None:
    """Add the ``flags`` and ``figures`` commands to the main parser's subparsers."""
    p = subparsers.add_parser("flags", help="list flags, or acknowledge / dismiss / reopen one with a note")
    p.add_argument("action", nargs="?", default="list", choices=["list", *_ACTION_STATUS])
    p.add_argument("flag_id", nargs="?", help="the flag to change (ack, dismiss, reopen)")
    p.add_argument("--note", default="", help="why (required for ack and dismiss)")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.add_argument("--status", choices=FLAG_STATUSES, help="only flags with this status")
    p.add_argument("--metric", choices=METRICS, help="only flags about this metric")
    p.add_argument("--type", dest="flag_type", choices=FLAG_TYPES, help="only flags of this type")
    p.add_argument(
        "--format",
        choices=["table", "text", "json"],
        default="table",
        help="table: one line a flag; text: each flag with the sentences and links it stands on",
    )
    p.set_defaults(func=cmd_flags)

    p = subparsers.add_parser("figures", help="list the stored figures of one metric, or those held for review")
    p.add_argument("--metric", choices=METRICS, help="the metric (required unless --review)")
    p.add_argument(
        "--review",
        action="store_true",
        help="only figures whose confidence is below flags.min_confidence: stored, but raising no flag",
    )
    p.add_argument("--source", choices=SOURCES, help="only figures attributed to this source")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=cmd_figures)


def _open(args: argparse.Namespace, *, read_only: bool) -> Any:
    from prisonwatch import store
    from prisonwatch.cli import settings_from_args

    settings = settings_from_args(args)
    return store.open_store(settings.db_path, read_only=read_only, settings=settings)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    widths = {c: min(w, 90) for c, w in widths.items()}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines.append("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        lines.append(
            "  ".join(str(r.get(c, "") if r.get(c) is not None else "")[: widths[c]].ljust(widths[c]) for c in columns)
        )
    return "\n".join(lines)


def cmd_flags(args: argparse.Namespace) -> int:
    if args.action != "list":
        if not args.flag_id:
            print(f"prisonwatch flags {args.action}: give the flag ID", file=sys.stderr)
            return 2
        if args.action != "reopen" and not args.note.strip():
            print(f"prisonwatch flags {args.action}: --note is required (say why)", file=sys.stderr)
            return 2
        with _open(args, read_only=False) as db:
            try:
                flag = db.set_flag_status(args.flag_id, _ACTION_STATUS[args.action], args.note.strip())
            except KeyError as exc:
                print(f"prisonwatch flags: {exc.args[0]}", file=sys.stderr)
                return 1
        if args.format == "json":
            print(json.dumps(flag, ensure_ascii=False, indent=2))
        else:
            print(f"{flag['id']}: {flag['status']} ({flag['note']})")
        return 0
    with _open(args, read_only=True) as db:
        flags = db.flags(status=args.status, metric=args.metric, flag_type=args.flag_type)
    if args.format == "json":
        print(json.dumps(flags, ensure_ascii=False, indent=2))
        return 0
    if args.format == "text":
        print("\n\n".join(flag_text(f) for f in flags) if flags else "no flags")
        return 0
    rows = [{**f, "corr": f["corroborations"]} for f in flags]
    print(_table(rows, ["id", "type", "metric", "severity", "status", "corr", "reason"]) if rows else "no flags")
    return 0


def _evidence_lines(label: str, evidence: dict[str, Any]) -> list[str]:
    value = evidence.get("value_text") or evidence.get("value_low")
    who = evidence.get("source_text") or evidence.get("source")
    metric, as_of = evidence.get("metric"), evidence.get("as_of")
    lines = [f"  {label}: {evidence.get('source')} ({who}) {metric} {value}, as of {as_of}"]
    lines.append(f"      \u201c{evidence.get('sentence', '')}\u201d")
    title = evidence.get("article_title") or ""
    lines.append(f"      {title} <{evidence.get('article_url', '')}>".replace("       <", "      <"))
    return lines


def flag_text(flag: dict[str, Any]) -> str:
    """One flag as an analyst reads it: the reason, then each side's sentence and where it came from."""
    head = f"[{flag['type']}] {flag['severity']} {flag['status']}  {flag['id']}"
    lines = [head, f"  {flag['reason']}"]
    if flag.get("note"):
        lines.append(f"  note: {flag['note']}")
    lines += _evidence_lines("new", flag["new"]) if flag.get("new") else []
    for previous in flag.get("previous") or []:
        lines += _evidence_lines("vs ", previous)
    if flag.get("corroborations"):
        lines.append(f"  corroborated by {flag['corroborations']} later article(s)")
    return "\n".join(lines)


def figures_csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def cmd_figures(args: argparse.Namespace) -> int:
    from prisonwatch.cli import settings_from_args

    if not args.metric and not args.review:
        print("prisonwatch figures: give --metric, or --review for the figures held for review", file=sys.stderr)
        return 2
    below = settings_from_args(args).flags.min_confidence if args.review else None
    with _open(args, read_only=True) as db:
        rows = db.figures(metric=args.metric, source=args.source, below_confidence=below)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(figures_csv(rows))
    else:
        cols = ["as_of", "source", "value_text", "value_low", "value_high", "qualifier", "scope_kind", "article_url"]
        cols += ["metric", "confidence"] if args.review else []
        what = "figures held for review" if args.review else f"{args.metric} figures"
        print(_table(rows, cols) if rows else f"no {what}")
    return 0
