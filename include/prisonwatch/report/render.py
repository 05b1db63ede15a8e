"""Rendering a view: HTML (autoescaped), Markdown (escaped by a finalizer), text, and the JSON document."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2

from prisonwatch.models import EVIDENCE_KEYS
from prisonwatch.report import charts as charts_module

if TYPE_CHECKING:
    pass

from prisonwatch.report.view import (
    LABELS,
    build_view,
    failing_feeds,
    flag_rank,
    format_count,
    headline,
    resolve_labels,
    safe_url,
)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


SCHEMA_PATH = TEMPLATES_DIR / "report.schema.json"


SCHEMA_ID = "prisonwatch.report"


SCHEMA_VERSION = 1


# ------------------------------------------------------------------------------------------ rendering
class _MarkdownSafe(str):
    """Text already in Markdown syntax (built by a filter from escaped parts): the finalizer leaves it alone."""


_MD_INLINE = re.compile(r"([\\`*_\[\]{}|~])")


_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md_escape(value: Any) -> str:
    """Make untrusted text inert in Markdown: HTML characters become entities, syntax characters are escaped."""
    if isinstance(value, _MarkdownSafe):
        return value
    if value is None:
        return ""
    text = re.sub(r"\s+", " ", str(value))  # one line: no block structure can be smuggled in
    text = html.escape(text, quote=False)
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _md_link(text: Any, url: Any) -> _MarkdownSafe:
    """[text](url) for http(s) URLs; otherwise the escaped text followed by the URL as plain text."""
    label = md_escape(text)
    checked = safe_url(url)
    if checked is None:
        return _MarkdownSafe(f"{label} ({md_escape(url)})" if url else label)
    # Percent-encode anything that could close the link destination.
    target = quote(checked, safe=":/?#@!$&'*+,;=%~-._[]")
    target = target.replace("[", "%5B").replace("]", "%5D")
    return _MarkdownSafe(f"[{label}]({target})")


def _md_mark(segments: list[tuple[str, bool]]) -> _MarkdownSafe:
    return _MarkdownSafe("".join(f"**{md_escape(t)}**" if marked else md_escape(t) for t, marked in segments))


def _md_raw(value: Any) -> _MarkdownSafe:
    """Output of a template macro: its values were escaped when the macro rendered them."""
    return _MarkdownSafe(value)


def _md_cell(value: Any) -> _MarkdownSafe:
    return _MarkdownSafe(md_escape(value) or " ")


def _environment(fmt: str) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(TEMPLATES_DIR))
    if fmt == "html":
        env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    elif fmt == "md":
        env = jinja2.Environment(
            loader=loader,
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            finalize=md_escape,
            keep_trailing_newline=True,
        )
        env.filters.update(md_link=_md_link, md_mark=_md_mark, md_cell=_md_cell, md_raw=_md_raw)
    else:  # plain text for the mail alternative: shown verbatim by mail clients, nothing to escape
        env = jinja2.Environment(
            loader=loader, autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
    env.filters["count"] = format_count
    return env


_ENVIRONMENTS: dict[str, jinja2.Environment] = {}


def _template(name: str, fmt: str) -> jinja2.Template:
    if fmt not in _ENVIRONMENTS:
        _ENVIRONMENTS[fmt] = _environment(fmt)
    return _ENVIRONMENTS[fmt].get_template(name)


def render_html(
    data: dict[str, Any],
    *,
    kind: str = "run",
    labels: dict[str, Any] | None = None,
    chart_sources: dict[str, str] | None = None,
    since: str | None = None,
) -> str:
    """The self-contained HTML report. Charts are inline SVG, wide and narrow, shown by the page's width (their
    text stays readable on a phone); ``chart_sources`` (metric -> cid: for mail) puts images there instead."""
    labels = resolve_labels(labels)
    svgs = None
    if chart_sources is None:
        svgs = charts_module.timeline_svgs(
            data.get("timeline") or [], metric_labels=labels["metrics"], source_labels=labels["sources"]
        )
    view = build_view(data, kind=kind, labels=labels, chart_sources=chart_sources, chart_svgs=svgs, since=since)
    return _template("report.html.j2", "html").render(**view)


def render_markdown(
    data: dict[str, Any], *, kind: str = "run", labels: dict[str, Any] | None = None, since: str | None = None
) -> str:
    """The Markdown report; ``write_report`` appends links to the chart files."""
    view = build_view(data, kind=kind, labels=labels, since=since)
    return _template("report.md.j2", "md").render(**view)


def render_text(
    data: dict[str, Any], *, kind: str = "run", labels: dict[str, Any] | None = None, since: str | None = None
) -> str:
    """Plain text: the mail's text/plain alternative."""
    view = build_view(data, kind=kind, labels=labels, since=since)
    return _template("report.txt.j2", "text").render(**view)


# The documented keys of each object in the JSON document (evidence: models.EVIDENCE_KEYS); anything else
# the store adds is left out so the JSON stays stable for tools.
_FLAG_KEYS = (
    "id",
    "type",
    "metric",
    "severity",
    "status",
    "note",
    "reason",
    "created_at",
    "updated_at",
    "corroborations",
)


_RUN_KEYS = tuple(LABELS["run_fields"])


_BOARD_KEYS = (
    "metric",
    "source",
    "value_low",
    "value_high",
    "qualifier",
    "value_text",
    "as_of",
    "article_url",
    "previous_value_low",
    "previous_value_high",
    "previous_qualifier",
    "previous_value_text",
    "previous_as_of",
    "trend",
)


_TIMELINE_KEYS = ("metric", "source", "as_of", "value_low", "value_high", "qualifier")


_FEED_KEYS = ("name", "url", "last_success", "last_error", "last_error_at", "consecutive_failures", "healthy")


_ERROR_KEYS = ("url", "stage", "error_class", "message", "feed", "at")


_COUNT_KEYS = ("articles_total", "figures_total", "flags_open", "figures_for_review")


def _pick(obj: dict[str, Any] | None, keys: tuple[str, ...]) -> dict[str, Any]:
    obj = obj or {}
    return {k: obj.get(k) for k in keys}


def report_document(
    data: dict[str, Any],
    *,
    report_id: str,
    kind: str,
    since: str | None = None,
    chart_files: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON report (schema in templates/report.schema.json, described in docs/report-schema.md)."""
    flags = data.get("flags") or []
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "report_id": report_id,
        "kind": kind,
        "generated_at": data.get("generated_at"),
        "since": since,
        "headline": headline(data),
        "summary": {
            "contradictions": sum(1 for f in flags if f.get("type") == "contradiction"),
            "stock_mismatches": sum(1 for f in flags if f.get("type") == "stock_mismatch"),
            "revisions": sum(1 for f in flags if f.get("type") == "revised_down"),
            "new_figures": sum(1 for f in flags if f.get("type") == "new_figure"),
            "articles_read": int((data.get("run") or {}).get("articles_new") or 0) if data.get("run") else None,
            "feeds_failing": len(failing_feeds(data)),
            "feeds_unhealthy": sum(1 for f in data.get("feeds") or [] if f.get("healthy") is False),
        },
        "flag_ids": [str(f.get("id")) for f in flags],
        "charts": [{"metric": m, "file": path} for m, path in (chart_files or {}).items()],
        "run": _pick(data["run"], _RUN_KEYS) if data.get("run") else None,
        "flags": [
            {
                **_pick(f, _FLAG_KEYS),
                "rank": flag_rank(f),
                "new": _pick(f.get("new"), EVIDENCE_KEYS),
                "previous": [_pick(p, EVIDENCE_KEYS) for p in f.get("previous") or []],
            }
            for f in flags
        ],
        "review": [_pick(r, EVIDENCE_KEYS) for r in data.get("review") or []],
        "board": [_pick(r, _BOARD_KEYS) for r in data.get("board") or []],
        "timeline": [_pick(t, _TIMELINE_KEYS) for t in data.get("timeline") or []],
        "feeds": [_pick(f, _FEED_KEYS) for f in data.get("feeds") or []],
        "errors": [_pick(e, _ERROR_KEYS) for e in data.get("errors") or []],
        "counts": _pick(data.get("counts"), _COUNT_KEYS),
    }


def render_json(
    data: dict[str, Any], *, report_id: str = "on-demand", kind: str = "run", since: str | None = None
) -> str:
    """The JSON report as text (UTF-8, non-ASCII kept readable)."""
    document = report_document(data, report_id=report_id, kind=kind, since=since)
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
