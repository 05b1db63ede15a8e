"""Analysts' commands: ``prisonwatch flags [list|ack|dismiss|reopen]`` and ``prisonwatch figures``."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

from prisonwatch import report
from prisonwatch.cli.common import EXIT_OK, EXIT_USAGE, CliError, open_db, settings_from_args, table
from prisonwatch.vocab import FLAG_STATUSES, FLAG_TYPES, METRICS, SOURCES, flag_type_label, metric_label

_ACTION_STATUS = {"ack": "acknowledged", "dismiss": "dismissed", "reopen": "open"}
_ACTION_HELP = {
    "ack": "acknowledge a flag: it is right and has been looked at (a note says why)",
    "dismiss": "dismiss a flag: it is wrong or not worth following (a note says why)",
    "reopen": "open an acknowledged or dismissed flag again",
}


def _list_options(p: argparse.ArgumentParser, default: Any = None) -> None:
    p.add_argument("--db", default=default, help="DuckDB database (default: the configured one)")
    p.add_argument("--status", default=default, choices=FLAG_STATUSES, help="only flags with this status")
    p.add_argument("--metric", default=default, choices=METRICS, help="only flags about this metric")
    p.add_argument("--type", default=default, dest="flag_type", choices=FLAG_TYPES, help="only flags of this type")
    p.add_argument(
        "--format",
        default=default if default is not None else "table",
        choices=["table", "text", "json"],
        help="table: one line a flag; text: each flag with the sentences and links it stands on; json: for tools",
    )


def register(sub: Any) -> None:
    p = sub.add_parser(
        "flags",
        help="list flags, or acknowledge / dismiss / reopen one with a note",
        description="List the stored flags (the default), or change one flag's status with a note.",
    )
    _list_options(p)
    actions = p.add_subparsers(dest="action", metavar="{list,ack,dismiss,reopen}")
    listing = actions.add_parser("list", help="list flags (the default)", description="List the stored flags.")
    _list_options(listing, default=argparse.SUPPRESS)
    for action, text in _ACTION_HELP.items():
        a = actions.add_parser(action, help=text, description=text[0].upper() + text[1:] + ".")
        a.add_argument("flag_id", help="the flag's ID, as `prisonwatch flags` lists it")
        a.add_argument("--note", default="", help="why" + (" (required)" if action != "reopen" else ""))
        a.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB database (default: the configured one)")
        a.add_argument("--format", default=argparse.SUPPRESS, choices=["table", "text", "json"])
    p.set_defaults(func=cmd_flags, action=None)

    p = sub.add_parser("figures", help="list the stored figures of one metric, or those held for review")
    p.add_argument("--metric", choices=METRICS, help="the metric (required unless --review)")
    p.add_argument(
        "--review",
        action="store_true",
        help="only figures whose confidence is below flags.min_confidence: stored, but raising no flag",
    )
    p.add_argument("--source", choices=SOURCES, help="only figures attributed to this source")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table", help="table, json or csv")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser(
        "review",
        help="say whether a figure held for review is right or wrong",
        description=(
            "Give a verdict on a figure held for review (`prisonwatch figures --review` lists them): right lets it "
            "take part in later matching like a confident figure, wrong keeps it out for good."
        ),
    )
    p.add_argument("figure_id", help="the figure's ID, as `prisonwatch figures --review` lists it")
    p.add_argument("verdict", choices=["right", "wrong"], help="right or wrong")
    p.add_argument("--note", default="", help="why")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.set_defaults(func=cmd_review)


def cmd_flags(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    action = args.action or "list"
    if action != "list":
        if action != "reopen" and not args.note.strip():
            raise CliError(f"flags {action}: --note is required (say why)", EXIT_USAGE)
        with open_db(settings, read_only=False) as db:
            try:
                flag = db.set_flag_status(args.flag_id, _ACTION_STATUS[action], args.note.strip())
            except KeyError as exc:
                raise CliError(f"{exc.args[0]}; `prisonwatch flags` lists the flag IDs") from exc
        if args.format == "json":
            print(json.dumps(flag, ensure_ascii=False, indent=2))
        else:
            print(f"{flag['id']}: {flag['status']} ({flag['note']})")
        return EXIT_OK
    with open_db(settings, read_only=True) as db:
        flags = db.flags(status=args.status, metric=args.metric, flag_type=args.flag_type)
    if args.format == "json":
        print(json.dumps(flags, ensure_ascii=False, indent=2))
    elif args.format == "text":
        print("\n\n".join(flag_text(f) for f in report.ranked_flags(flags)) if flags else "no flags")
    else:
        rows = [
            {**f, "type": flag_type_label(f["type"]), "metric": metric_label(f["metric"]), "corr": f["corroborations"]}
            for f in report.ranked_flags(flags)
        ]
        print(table(rows, ["id", "type", "metric", "severity", "status", "corr", "reason"]) if rows else "no flags")
    return EXIT_OK


def _evidence_lines(label: str, evidence: dict[str, Any]) -> list[str]:
    from prisonwatch.vocab import metric_label, source_label

    value = evidence.get("value_text") or evidence.get("value_low")
    who = evidence.get("source_text") or source_label(evidence.get("source") or "")
    metric, as_of = metric_label(evidence.get("metric") or ""), evidence.get("as_of")
    lines = [f"  {label}: {source_label(evidence.get('source') or '')} ({who}): {metric} {value}, as of {as_of}"]
    lines.append(f"      \u201c{evidence.get('sentence', '')}\u201d")
    title = evidence.get("article_title") or ""
    outlet, url = report.article_origin(
        str(evidence.get("article_url") or ""), str(evidence.get("outlet") or ""), report.resolve_labels()
    )
    where = f"<{url}>" if url else f"({outlet})"
    lines.append(f"      {title} {where}".replace("       <", "      <"))
    return lines


def flag_text(flag: dict[str, Any]) -> str:
    """One flag as an analyst reads it: the reason, then each side's sentence and where it came from."""
    metric = metric_label(flag.get("metric") or (flag.get("new") or {}).get("metric") or "")
    head = f"[{flag_type_label(flag['type'])}] {metric}, {flag['severity']}, {flag['status']}  {flag['id']}"
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
    if not args.metric and not args.review:
        raise CliError("figures: give --metric, or --review for the figures held for review", EXIT_USAGE)
    settings = settings_from_args(args)
    below = settings.flags.min_confidence if args.review else None
    with open_db(settings, read_only=True) as db:
        rows = db.figures(metric=args.metric, source=args.source, below_confidence=below)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(figures_csv(rows))
    else:
        cols = ["as_of", "source", "value_text", "value_low", "value_high", "qualifier", "scope_kind", "article_url"]
        cols = ["figure_id", "metric", *cols, "confidence"] if args.review else cols
        what = "figures held for review" if args.review else f"{args.metric} figures"
        print(table(rows, cols) if rows else f"no {what}")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    with open_db(settings, read_only=False) as db:
        try:
            figure = db.set_figure_verdict(args.figure_id, args.verdict, " ".join(args.note.split()))
        except KeyError as exc:
            raise CliError(f"{exc.args[0]}; `prisonwatch figures --review` lists the figures held for review") from exc
    print(f"{figure['figure_id']}: {figure['review_verdict']} ({figure['metric']} {figure['value_text']})")
    return EXIT_OK
