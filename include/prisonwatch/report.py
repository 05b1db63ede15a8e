"""Reports for analysts: flagged figures rendered as HTML, Markdown and JSON, written to disk and delivered.

The input is the ReportData dict that ``Store.report_data`` returns (documented in docs/report-schema.md).
Everything that came from an article or a feed (titles, sentences, source names, URLs, error messages) is
untrusted: the HTML is rendered by Jinja2 with autoescape on, the Markdown through an escaping finalizer,
and links are emitted only for http/https URLs.

A run report covers flags not yet reported; it is marked reported only after it was delivered (or when no
delivery channel is configured), so a failed send leaves the flags for the next report. Delivered reports
leave a ``delivery.json`` receipt beside them; when marking the flags failed after a successful send, the
receipt lets the next call mark them without sending them again.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from prisonwatch import charts as charts_module
from prisonwatch import vocab
from prisonwatch.models import EVIDENCE_KEYS, METRICS

if TYPE_CHECKING:
    from prisonwatch.config import Settings

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SCHEMA_PATH = TEMPLATES_DIR / "report.schema.json"
SCHEMA_ID = "prisonwatch.report"
SCHEMA_VERSION = 1
ReportKind = Literal["run", "digest"]
REPORT_KINDS = ("run", "digest")
MAX_ERRORS_SHOWN = 20
_REPORT_DIR_RE = re.compile(r"^\d{8}T\d{6}Z_(run|digest)(-\d+)?$")

# ------------------------------------------------------------------------------------------ labels
# The report's own words. Override any of them with ``labels={...}`` (nested dicts merge one level).
LABELS: dict[str, Any] = {
    "title_run": "prisonwatch: flagged figures",
    "title_digest": "prisonwatch: daily digest",
    "contradictions": "Contradictions",
    "new_figures": "New figures",
    "arithmetic": "Stocks that do not add up, totals revised down",
    "no_flags": "No new flags in this report.",
    "seed_outlet": "Seed corpus",
    "notice_all_feeds_failed": (
        "No feed could be read in this run ({failed} of {failed} failed), so no article was read: the flags "
        "shown are the stored baseline (the seed corpus and earlier runs), not news from this run."
    ),
    "board": "Figures board",
    "board_help": "Latest figure per metric and source, with the figure before it.",
    "timeline": "Timelines",
    "footer": "Run and feed health",
    "run_statistics": "Run statistics",
    "feed_health": "Feed health",
    "all_feeds_healthy": "All feeds answered on their last poll.",
    "recent_errors": "Recent errors",
    "new_side": "New",
    "previous_side": "Earlier",
    "reason": "Why flagged",
    "status": "Status",
    "severity": "Severity",
    "note": "Analyst note",
    "corroborations": "Corroborated by",
    "as_of": "as of",
    "published": "published",
    "said_by": "said by",
    "confidence": "confidence",
    "review": "Held for review",
    "review_help": "Figures the extractor is less sure of (confidence below flags.min_confidence): stored, never "
    "flagged. Check them against their sentence; prisonwatch figures --review lists them all.",
    "review_side": "Figure",
    "open_article": "article",
    "metric": "Metric",
    "source": "Source",
    "value": "Latest",
    "date": "Date",
    "previous": "Before",
    "trend": "Trend",
    "feed": "Feed",
    "last_success": "Last success",
    "last_error": "Last error",
    "failures": "Failed polls in a row",
    "stage": "Stage",
    "error": "Error",
    "at": "When",
    "generated": "Generated",
    "since": "Flags since",
    "totals": "Totals",
    "vague": "vague wording",
    "reports_index": "prisonwatch reports",
    "no_reports": "No reports yet.",
    "sources": dict(vocab.SOURCE_LABELS),
    "metrics": dict(vocab.METRIC_LABELS),
    "qualifiers": {
        "exact": "",
        "at_least": "at least",
        "more_than": "more than",
        "about": "about",
        "fewer_than": "fewer than",
        "at_most": "at most",
        "range": "",
    },
    "trends": {"up": "▲ up", "down": "▼ down", "flat": "= flat", "new": "● new"},
    "statuses": {"open": "open", "acknowledged": "acknowledged", "dismissed": "dismissed"},
    "flag_types": {"contradiction": "Contradiction", "new_figure": "New figure"},
    "run_fields": {
        "run_id": "Run",
        "started_at": "Started",
        "finished_at": "Finished",
        "feeds_ok": "Feeds polled",
        "feeds_not_modified": "Feeds unchanged",
        "feeds_failed": "Feeds failed",
        "articles_new": "New articles",
        "articles_duplicate": "Duplicates",
        "articles_near_duplicate": "Near-duplicates",
        "articles_irrelevant": "Off-topic",
        "articles_failed": "Articles failed",
        "figures_new": "New figures",
        "flags_new": "New flags",
        "flags_corroborated": "Corroborations",
    },
    "count_fields": {
        "articles_total": "Articles stored",
        "figures_total": "Figures stored",
        "flags_open": "Open flags",
        "figures_for_review": "Figures held for review (below the confidence threshold; prisonwatch figures --review)",
    },
}


def resolve_labels(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The default labels with ``overrides`` applied; nested dicts (sources, metrics, ...) merge key by key."""
    labels = {k: dict(v) if isinstance(v, dict) else v for k, v in LABELS.items()}
    labels["sources"] = {**vocab.SOURCE_LABELS, **labels["sources"]}  # with the sources the settings added
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(labels.get(key), dict):
            labels[key].update(value)
        else:
            labels[key] = value
    return labels


# ------------------------------------------------------------------------------------------ helpers
def safe_url(url: Any) -> str | None:
    """The URL when it is an absolute http(s) URL, else None (it is then shown as text, never linked)."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if any(ch in candidate for ch in "\x00\r\n\t") or any(ord(ch) < 32 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def format_count(value: Any) -> str:
    """A count with thousands separators ('1,000'); '?' when missing."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "?"
    return f"{value:,}"


def format_value(figure: dict[str, Any], labels: dict[str, Any]) -> str:
    """The figure's value in the report's words: 'more than 600', '120–150', '379'."""
    low, high = figure.get("value_low"), figure.get("value_high")
    qualifier = figure.get("qualifier") or "exact"
    if qualifier == "range" or (qualifier == "exact" and isinstance(high, int) and high != low):
        return f"{format_count(low)}–{format_count(high)}"
    words = labels["qualifiers"].get(qualifier, qualifier.replace("_", " "))
    # Hedged figures keep the number as stated ('more than 600' -> 600); bounds are applied when comparing.
    number = high if qualifier in ("fewer_than", "at_most") and isinstance(high, int) else low
    return f"{words} {format_count(number)}".strip()


def _comparable(text: str) -> str:
    return re.sub(r"(?<=\d)[.,\s](?=\d{3})", "", text).casefold().strip()


def format_stated(figure: dict[str, Any], labels: dict[str, Any], prefix: str = "") -> str:
    """The normalised value with the words the article used beside it when they differ: 'more than 600
    ("más de 600")', 'about 300 ("just over 300")' never hides the hedge as written. ``prefix`` selects
    the 'previous_' keys of a board row."""
    value = format_value(
        {
            "value_low": figure.get(prefix + "value_low"),
            "value_high": figure.get(prefix + "value_high"),
            "qualifier": figure.get(prefix + "qualifier"),
        },
        labels,
    )
    words = str(figure.get(prefix + "value_text") or "").strip()
    if words and _comparable(words) != _comparable(value):
        return f"{value} (\u201c{words}\u201d)"
    return value


def format_when(value: Any) -> str:
    """An ISO date or date-time for people: '2026-02-03' or '2026-02-03 09:31 UTC'; '' when missing."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if len(value) <= 10:
        return parsed.date().isoformat()
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%d %H:%M UTC")


def _number_variants(value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return []
    plain = str(value)
    return [f"{value:,}", f"{value:,}".replace(",", "."), f"{value:,}".replace(",", " "), plain]


def highlight_segments(sentence: str, value_text: str, value_low: Any = None) -> list[tuple[str, bool]]:
    """Split a sentence into (text, is_number) pieces so templates can <mark> the number phrase safely.

    The stated phrase ('más de 600') is searched case-insensitively; failing that, the bare number in its
    common spellings (1.000 / 1,000 / 1000). Nothing is marked when neither is found.
    """
    sentence = sentence or ""
    candidates = [value_text.strip()] if value_text and value_text.strip() else []
    candidates += _number_variants(value_low)
    lowered = sentence.casefold()
    for candidate in candidates:
        if not candidate:
            continue
        start = lowered.find(candidate.casefold())
        if candidate.isdigit() or candidate.replace(",", "").replace(".", "").replace(" ", "").isdigit():
            # A bare number must not match inside a longer one (60 inside 600).
            for match in re.finditer(re.escape(candidate), sentence):
                before = sentence[match.start() - 1] if match.start() else " "
                after = sentence[match.end()] if match.end() < len(sentence) else " "
                if not before.isdigit() and not after.isdigit():
                    start = match.start()
                    break
            else:
                start = -1
        if start >= 0:
            end = start + len(candidate)
            pieces = [(sentence[:start], False), (sentence[start:end], True), (sentence[end:], False)]
            return [piece for piece in pieces if piece[0]]
    return [(sentence, False)] if sentence else []


def _source_label(source: Any, labels: dict[str, Any]) -> str:
    key = str(source or "unattributed")
    return labels["sources"].get(key, key.replace("_", " ").capitalize())


def _metric_label(metric: Any, labels: dict[str, Any]) -> str:
    key = str(metric or "other")
    return labels["metrics"].get(key, key.replace("_", " ").capitalize())


def article_origin(url: str, outlet: str, labels: dict[str, Any]) -> tuple[str, str]:
    """(outlet, address) as a reader should see them: a seed article is 'Seed corpus' (with its outlet when the
    seed names one) and has no address to show; anything else is shown as stored."""
    if not url.startswith("seed://"):
        return outlet, url
    known = outlet and not outlet.lower().startswith("unknown")
    return (f"{labels['seed_outlet']} \u00b7 {outlet}" if known else labels["seed_outlet"]), ""


def _evidence_view(evidence: dict[str, Any], labels: dict[str, Any]) -> dict[str, Any]:
    outlet, url = article_origin(str(evidence.get("article_url") or ""), str(evidence.get("outlet") or ""), labels)
    return {
        "source": _source_label(evidence.get("source"), labels),
        "source_text": str(evidence.get("source_text") or ""),
        "value": format_stated(evidence, labels),
        "value_text": str(evidence.get("value_text") or ""),
        "vague": bool(evidence.get("vague")),
        "scope": str(evidence.get("scope") or ""),
        "as_of": format_when(evidence.get("as_of")),
        "published": format_when(evidence.get("published")),
        "segments": highlight_segments(
            str(evidence.get("sentence") or ""), str(evidence.get("value_text") or ""), evidence.get("value_low")
        ),
        "sentence": str(evidence.get("sentence") or ""),
        "title": str(evidence.get("article_title") or "") or str(url) or "(untitled)",
        "url": safe_url(url),
        "url_text": str(url),
        "outlet": outlet,
        "language": str(evidence.get("language") or ""),
        "confidence": _percent(evidence.get("confidence")),
    }


def _percent(value: Any) -> str:
    """'87%' for a probability, '' when there is none."""
    try:
        return f"{round(float(value) * 100):d}%" if value is not None else ""
    except (TypeError, ValueError):
        return ""


_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _flag_view(flag: dict[str, Any], labels: dict[str, Any]) -> dict[str, Any]:
    status = str(flag.get("status") or "open")
    return {
        "id": str(flag.get("id") or ""),
        "type": str(flag.get("type") or ""),
        "type_label": labels["flag_types"].get(str(flag.get("type")), str(flag.get("type"))),
        "metric": _metric_label(flag.get("metric"), labels),
        "severity": str(flag.get("severity") or "low"),
        "status": status,
        "status_label": labels["statuses"].get(status, status),
        "note": str(flag.get("note") or ""),
        "reason": str(flag.get("reason") or ""),
        "created_at": format_when(flag.get("created_at")),
        "corroborations": int(flag.get("corroborations") or 0),
        "new": _evidence_view(flag.get("new") or {}, labels),
        "previous": [_evidence_view(p, labels) for p in flag.get("previous") or []],
    }


_NGO_SOURCES = frozenset(vocab.ORG_SOURCES - {"un"})


def flag_rank(flag: dict[str, Any]) -> int:
    """What matters first: government against NGO counts, other contradictions, stock arithmetic, revisions,
    then new figures."""
    kind = flag.get("type")
    if kind == "contradiction":
        sides = {str((side or {}).get("source")) for side in [flag.get("new"), *(flag.get("previous") or [])]}
        return 0 if "government" in sides and sides & _NGO_SOURCES else 1
    return {"stock_mismatch": 2, "revised_down": 3}.get(str(kind), 4)


def ranked_flags(flags: list[dict[str, Any]], types: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Flags of these types by :func:`flag_rank`, each rank newest first."""
    chosen = [f for f in flags if types is None or f.get("type") in types]
    chosen.sort(key=lambda f: str(f.get("created_at") or ""), reverse=True)
    chosen.sort(key=flag_rank)
    return chosen


def _sorted_flags(flags: list[dict[str, Any]], *types: str) -> list[dict[str, Any]]:
    return ranked_flags(flags, types)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def failing_feeds(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Feeds whose last poll failed or that are unhealthy."""
    return [f for f in data.get("feeds") or [] if (f.get("consecutive_failures") or 0) > 0 or f.get("healthy") is False]


def headline(data: dict[str, Any]) -> str:
    """One line for a subject or a webhook: '2 contradictions, 3 new figures, 14 articles read, 1 feed failing'."""
    flags = data.get("flags") or []
    contradictions = sum(1 for f in flags if f.get("type") == "contradiction")
    new_figures = sum(1 for f in flags if f.get("type") == "new_figure")
    parts = [_plural(contradictions, "contradiction")]
    mismatches = sum(1 for f in flags if f.get("type") == "stock_mismatch")
    if mismatches:
        parts.append(_plural(mismatches, "stock that does not add up", "stocks that do not add up"))
    revisions = sum(1 for f in flags if f.get("type") == "revised_down")
    if revisions:
        parts.append(_plural(revisions, "total revised down", "totals revised down"))
    parts.append(_plural(new_figures, "new figure"))
    run = data.get("run")
    if run:
        parts.append(f"{_plural(int(run.get('articles_new') or 0), 'article')} read")
    failing = len(failing_feeds(data))
    if failing:
        parts.append(f"{_plural(failing, 'feed')} failing")
    return ", ".join(parts)


def run_summary_line(summary: dict[str, Any]) -> str:
    """The one-line summary of a pipeline run for logs and XCom.

    'feeds 11 ok / 1 failed · articles 14 new, 3 duplicate, 2 irrelevant, 1 failed · 9 figures · 2 flags'
    """

    def n(key: str) -> int:
        value = summary.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    ok = n("feeds_ok") + n("feeds_not_modified")
    feeds = f"feeds {ok} ok"
    if n("feeds_not_modified"):
        feeds += f" ({n('feeds_not_modified')} unchanged)"
    feeds += f" / {n('feeds_failed')} failed"
    unhealthy = summary.get("unhealthy_feeds") or []
    if unhealthy:
        feeds += f" ({len(unhealthy)} unhealthy: {', '.join(str(u) for u in unhealthy)})"
    articles = f"articles {n('articles_new')} new, {n('articles_duplicate')} duplicate"
    if n("articles_near_duplicate"):
        articles += f", {n('articles_near_duplicate')} near-duplicate"
    articles += f", {n('articles_irrelevant')} irrelevant, {n('articles_failed')} failed"
    flags = _plural(n("flags_new"), "flag")
    if n("flags_corroborated"):
        flags += f" ({n('flags_corroborated')} corroborated)"
    return f"{feeds} · {articles} · {_plural(n('figures_new'), 'figure')} · {flags}"


def run_notice(run: dict[str, Any] | None, labels: dict[str, Any]) -> str:
    """A warning above everything when the run read nothing because every feed failed; else empty."""
    if not run:
        return ""
    failed = int(run.get("feeds_failed") or 0)
    ok = int(run.get("feeds_ok") or 0) + int(run.get("feeds_not_modified") or 0)
    return labels["notice_all_feeds_failed"].format(failed=failed) if failed and not ok else ""


def build_view(
    data: dict[str, Any],
    *,
    kind: str = "run",
    labels: dict[str, Any] | None = None,
    chart_sources: dict[str, str] | None = None,
    chart_svgs: dict[str, dict[str, str]] | None = None,
    since: str | None = None,
) -> dict[str, Any]:
    """Everything a template shows, precomputed as plain text so the templates only lay it out."""
    labels = resolve_labels(labels)
    flags = data.get("flags") or []
    run = data.get("run") or None
    feeds = data.get("feeds") or []
    board = sorted(
        data.get("board") or [],
        key=lambda r: (
            METRICS.index(r.get("metric")) if r.get("metric") in METRICS else len(METRICS),
            _source_label(r.get("source"), labels),
        ),
    )
    return {
        "labels": labels,
        "kind": kind,
        "title": labels["title_digest"] if kind == "digest" else labels["title_run"],
        "headline": headline(data),
        "notice": run_notice(run, labels),
        "generated_at": format_when(data.get("generated_at")),
        "since": format_when(since) if since else "",
        "contradictions": [_flag_view(f, labels) for f in _sorted_flags(flags, "contradiction")],
        "arithmetic": [_flag_view(f, labels) for f in _sorted_flags(flags, "stock_mismatch", "revised_down")],
        "new_figures": [_flag_view(f, labels) for f in _sorted_flags(flags, "new_figure")],
        "review_count": int((data.get("counts") or {}).get("figures_for_review") or 0),
        "review": [_evidence_view(r, labels) for r in data.get("review") or []],
        "board": [
            {
                "metric": _metric_label(row.get("metric"), labels),
                "source": _source_label(row.get("source"), labels),
                "value": format_stated(row, labels),
                "value_text": str(row.get("value_text") or ""),
                "as_of": format_when(row.get("as_of")),
                "previous": format_stated(row, labels, "previous_")
                if row.get("previous_value_low") is not None
                else "",
                "previous_as_of": format_when(row.get("previous_as_of")),
                "trend": str(row.get("trend") or "new"),
                "trend_label": labels["trends"].get(str(row.get("trend")), str(row.get("trend") or "")),
                "url": safe_url(row.get("article_url")),
            }
            for row in board
        ],
        "charts": [
            {"metric": metric, "label": _metric_label(metric, labels), "src": src, "wide": "", "narrow": ""}
            for metric, src in (chart_sources or {}).items()
        ]
        + [
            {
                "metric": metric,
                "label": _metric_label(metric, labels),
                "src": "",
                "wide": Markup(svg["wide"]),  # noqa: S704 - drawn here by matplotlib, which escapes its text
                "narrow": Markup(svg["narrow"]),  # noqa: S704
            }
            for metric, svg in (chart_svgs or {}).items()
        ],
        "run": [
            (label, format_when(run.get(key)) if key.endswith("_at") else run.get(key))
            for key, label in labels["run_fields"].items()
            if run.get(key) is not None
        ]
        if run
        else [],
        "counts": [
            (label, format_count((data.get("counts") or {}).get(key))) for key, label in labels["count_fields"].items()
        ],
        "failing_feeds": [
            {
                "name": str(f.get("name") or ""),
                "url": str(f.get("url") or ""),
                "healthy": f.get("healthy") is not False,
                "last_success": format_when(f.get("last_success")) or "never",
                "last_error": str(f.get("last_error") or ""),
                "last_error_at": format_when(f.get("last_error_at")),
                "failures": int(f.get("consecutive_failures") or 0),
            }
            for f in sorted(failing_feeds(data), key=lambda f: -(f.get("consecutive_failures") or 0))
        ],
        "feeds_total": len(feeds),
        "errors": [
            {
                "url": str(e.get("url") or ""),
                "stage": str(e.get("stage") or ""),
                "error_class": str(e.get("error_class") or ""),
                "message": str(e.get("message") or ""),
                "feed": str(e.get("feed") or ""),
                "at": format_when(e.get("at")),
            }
            for e in sorted(data.get("errors") or [], key=lambda e: str(e.get("at") or ""), reverse=True)[
                :MAX_ERRORS_SHOWN
            ]
        ],
    }


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


# ------------------------------------------------------------------------------------------ writing
def _new_report_id(out_dir: Path, kind: str, now: datetime) -> str:
    base = f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}_{kind}"
    report_id, n = base, 1
    while (out_dir / report_id).exists():
        n += 1
        report_id = f"{base}-{n}"
    return report_id


def write_report(
    data: dict[str, Any],
    out_dir: Path,
    *,
    kind: ReportKind = "run",
    report_id: str | None = None,
    since: str | None = None,
    labels: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Write ``<out_dir>/<report_id>/report.{html,md,json}`` and ``charts/*.png``, then refresh the index.

    The folder is assembled under a temporary name and renamed into place, so the index never lists a
    half-written report. Returns report_id, kind, headline, flag_ids and the paths written.
    """
    if kind not in REPORT_KINDS:
        raise ValueError(f"kind must be one of {REPORT_KINDS}, got {kind!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report_id = report_id or _new_report_id(out_dir, kind, now or datetime.now(UTC))
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", report_id) or report_id.startswith("."):
        raise ValueError(f"report_id may hold only letters, digits, '.', '_' and '-': {report_id!r}")
    final_dir = out_dir / report_id
    if final_dir.exists():
        raise FileExistsError(f"report folder already exists: {final_dir}")
    labels = resolve_labels(labels)
    tmp_dir = out_dir / f".tmp-{report_id}-{os.getpid()}"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    try:
        pngs = charts_module.timeline_charts(
            data.get("timeline") or [], metric_labels=labels["metrics"], source_labels=labels["sources"]
        )
        chart_paths = charts_module.write_charts(pngs, tmp_dir / "charts")
        chart_files = {m: f"charts/{p.name}" for m, p in chart_paths.items()}
        (tmp_dir / "report.html").write_text(
            render_html(data, kind=kind, labels=labels, since=since),
            encoding="utf-8",
        )
        markdown = render_markdown(data, kind=kind, labels=labels, since=since)
        if chart_files:
            markdown += "\n## " + md_escape(labels["timeline"]) + "\n\n"
            markdown += "".join(
                f"![{md_escape(_metric_label(m, labels))}]({quote(path)})\n\n" for m, path in chart_files.items()
            )
        (tmp_dir / "report.md").write_text(markdown, encoding="utf-8")
        document = report_document(data, report_id=report_id, kind=kind, since=since, chart_files=chart_files)
        (tmp_dir / "report.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
        os.rename(tmp_dir, final_dir)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    index_path = write_index(out_dir, labels=labels)
    return {
        "report_id": report_id,
        "kind": kind,
        "headline": document["headline"],
        "flag_ids": document["flag_ids"],
        "dir": str(final_dir),
        "html": str(final_dir / "report.html"),
        "markdown": str(final_dir / "report.md"),
        "json": str(final_dir / "report.json"),
        "charts": {m: str(final_dir / path) for m, path in chart_files.items()},
        "index": str(index_path),
    }


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def list_reports(out_dir: Path) -> list[dict[str, Any]]:
    """Reports under ``out_dir``, newest first, with their headline and delivery status."""
    entries = []
    for child in Path(out_dir).iterdir() if Path(out_dir).is_dir() else []:
        if not child.is_dir() or not _REPORT_DIR_RE.match(child.name):
            continue
        document = _read_json(child / "report.json")
        if document is None:
            continue
        delivery = _read_json(child / "delivery.json") or {}
        entries.append(
            {
                "report_id": child.name,
                "kind": document.get("kind", ""),
                "headline": document.get("headline", ""),
                "generated_at": format_when(document.get("generated_at")),
                "flags": len(document.get("flag_ids") or []),
                "delivery": delivery.get("status", ""),
                "channels": ", ".join(delivery.get("channels") or []),
            }
        )
    entries.sort(key=lambda e: e["report_id"], reverse=True)
    return entries


def write_index(out_dir: Path, *, labels: dict[str, Any] | None = None) -> Path:
    """Regenerate ``<out_dir>/index.html`` listing every report, newest first (replaced atomically)."""
    out_dir = Path(out_dir)
    index_html = _template("index.html.j2", "html").render(labels=resolve_labels(labels), reports=list_reports(out_dir))
    tmp = out_dir / f".index.html.{os.getpid()}.tmp"
    tmp.write_text(index_html, encoding="utf-8")
    os.replace(tmp, out_dir / "index.html")
    return out_dir / "index.html"


# ------------------------------------------------------------------------------------------ publishing
class ReportStore(Protocol):
    """The four store methods publishing needs (``store.Store`` provides them)."""

    def unreported_flag_ids(self) -> list[str]: ...

    def report_data(self, flag_ids: list[str] | None = None, since: str | None = None) -> dict[str, Any]: ...

    def mark_reported(self, flag_ids: list[str], report_id: str, channel: str) -> None: ...


StoreOpener = Callable[..., AbstractContextManager[ReportStore]]


def _default_opener(
    path: Path | str, *, read_only: bool = False, settings: Settings | None = None
) -> AbstractContextManager[Any]:
    from prisonwatch import store

    return store.open_store(path, read_only=read_only, settings=settings)


def _write_receipt(report_dir: Path, receipt: dict[str, Any]) -> None:
    tmp = report_dir / ".delivery.json.tmp"
    tmp.write_text(json.dumps(receipt, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, report_dir / "delivery.json")


def _unmarked_receipts(out_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Delivered run reports whose flags were never marked reported (marking failed after sending)."""
    found = []
    for child in sorted(Path(out_dir).glob("*_run*")) if Path(out_dir).is_dir() else []:
        receipt = _read_json(child / "delivery.json")
        if receipt and receipt.get("status") in ("delivered", "written") and not receipt.get("marked"):
            found.append((child, receipt))
    return found


def _channels(settings: Settings) -> list[str]:
    channels = []
    if settings.report.recipients:
        channels.append("email")
    if settings.report.webhook_url:
        channels.append("webhook")
    return channels


def report_link(settings: Settings, report_id: str) -> str:
    """Where a reader opens the report: under ``report.base_url`` when set, else the local file path."""
    if settings.report.base_url:
        return settings.report.base_url.rstrip("/") + f"/{report_id}/report.html"
    return str(settings.reports_dir / report_id / "report.html")


def deliver(written: dict[str, Any], data: dict[str, Any], settings: Settings, *, kind: str) -> dict[str, Any]:
    """Send a written report on every configured channel; returns {delivered: [...], failed: {channel: error}}.

    Mail goes first: if it fails nothing was sent and the caller raises. The webhook is a pointer to the
    report; when it fails after the mail went out, the failure is recorded and logged, not retried, so the
    mail is never sent twice.
    """
    from prisonwatch import notify

    delivered: list[str] = []
    failed: dict[str, str] = {}
    if settings.report.recipients:
        pngs = {m: Path(p).read_bytes() for m, p in written["charts"].items()}
        message = report_message(
            data,
            pngs,
            settings,
            settings.report.recipients,
            subject=f"[prisonwatch] {written['headline']}",
            link=report_link(settings, written["report_id"]),
            kind=kind,
        )
        try:
            notify.send_email(message, smtp_conn_id=settings.report.smtp_conn_id)
            delivered.append("email")
        except Exception as exc:  # any send failure: nothing delivered, retry later
            failed["email"] = f"{type(exc).__name__}: {exc}"
            return {"delivered": delivered, "failed": failed}
    if settings.report.webhook_url:
        try:
            notify.post_webhook(
                settings.report.webhook_url,
                f"{written['headline']}\n{report_link(settings, written['report_id'])}",
            )
            delivered.append("webhook")
        except Exception as exc:
            failed["webhook"] = f"{type(exc).__name__}: {exc}"
            log.error("webhook delivery of report %s failed: %s", written["report_id"], failed["webhook"])
    return {"delivered": delivered, "failed": failed}


def report_message(
    data: dict[str, Any],
    pngs: dict[str, bytes],
    settings: Settings,
    to: list[str],
    *,
    subject: str,
    link: str | None,
    kind: ReportKind = "run",
) -> Any:
    """The report as a mail: a text part and an HTML part whose charts are inline images (``cid:``)."""
    from prisonwatch import notify

    cids = {m: f"chart-{m}@prisonwatch" for m in pngs}
    html_body = render_html(data, kind=kind, chart_sources={m: f"cid:{cid}" for m, cid in cids.items()})
    text_body = render_text(data, kind=kind) + (f"\nFull report: {link}\n" if link else "")
    return notify.build_message(
        subject=subject,
        html_body=html_body,
        text_body=text_body,
        images={cids[m]: png for m, png in pngs.items()},
        from_email=settings.report.from_email,
        to=to,
    )


def send_report_mail(
    settings: Settings,
    to: list[str],
    *,
    subject_prefix: str = "[prisonwatch] ",
    store_opener: StoreOpener | None = None,
) -> dict[str, Any]:
    """Mail a report of every stored flag to ``to`` now, through ``report.smtp_conn_id``; marks nothing reported.

    ``prisonwatch mail-test`` uses it to prove the mail path; raises notify.DeliveryError when sending fails.
    """
    from prisonwatch import notify

    with (store_opener or _default_opener)(settings.db_path, read_only=True) as store:
        data = store.report_data(None, since=None)
    pngs = charts_module.timeline_charts(
        data.get("timeline") or [], metric_labels=LABELS["metrics"], source_labels=LABELS["sources"]
    )
    subject = subject_prefix + headline(data)
    message = report_message(data, pngs, settings, to, subject=subject, link=None, kind="digest")
    notify.send_email(message, smtp_conn_id=settings.report.smtp_conn_id)
    return {"subject": subject, "to": to}


class DeliveryFailed(RuntimeError):
    """No channel delivered the report; its flags stay unreported and go out with the next report."""


def publish_unreported(
    settings: Settings,
    *,
    now: datetime | None = None,
    send: bool = True,
    store_opener: StoreOpener | None = None,
) -> dict[str, Any]:
    """Write and deliver one report of every flag not yet reported; mark them reported once delivered.

    Raises DeliveryFailed when every configured channel failed, so Airflow retries the task; the flags stay
    unreported until a delivery succeeds. With ``send=False`` the report is written but neither sent nor
    marked (a preview). The store is opened twice, briefly, so the DuckDB lock is not held while mailing.
    """
    opener = store_opener or functools.partial(_default_opener, settings=settings)
    out_dir = settings.reports_dir
    now = now or datetime.now(UTC)

    with opener(settings.db_path) as store:
        # A report delivered earlier whose flags could not be marked: mark them now, never send again.
        recovered = []
        for report_dir, receipt in _unmarked_receipts(out_dir):
            store.mark_reported(list(receipt.get("flag_ids") or []), report_dir.name, receipt.get("channel") or "")
            _write_receipt(report_dir, {**receipt, "marked": True})
            recovered.append(report_dir.name)
        flag_ids = list(store.unreported_flag_ids())
        data = store.report_data(flag_ids) if flag_ids else None
    if not flag_ids or data is None:
        return {
            "report_id": None,
            "flags": 0,
            "paths": {},
            "delivered": [],
            "recovered": recovered,
            "message": "no new flags to report",
        }

    written = write_report(data, out_dir, kind="run", now=now)
    report_dir = Path(written["dir"])
    summary = {
        "report_id": written["report_id"],
        "flags": len(flag_ids),
        "headline": written["headline"],
        "paths": {k: written[k] for k in ("html", "markdown", "json", "index")},
        "delivered": [],
        "recovered": recovered,
    }
    if not send:
        _write_receipt(report_dir, {"status": "preview", "flag_ids": flag_ids, "marked": False})
        write_index(out_dir)
        return summary

    channels = _channels(settings)
    outcome = deliver(written, data, settings, kind="run") if channels else {"delivered": [], "failed": {}}
    if channels and not outcome["delivered"]:
        _write_receipt(report_dir, {"status": "failed", "flag_ids": flag_ids, "errors": outcome["failed"]})
        write_index(out_dir)
        raise DeliveryFailed(
            f"report {written['report_id']} was not delivered ({'; '.join(outcome['failed'].values())}); "
            f"its {len(flag_ids)} flags stay unreported"
        )
    channel = ",".join(outcome["delivered"]) or "file"
    receipt = {
        "status": "delivered" if outcome["delivered"] else "written",
        "flag_ids": flag_ids,
        "channels": outcome["delivered"],
        "channel": channel,
        "errors": outcome["failed"],
        "at": now.astimezone(UTC).isoformat(),
        "marked": False,
    }
    _write_receipt(report_dir, receipt)  # before marking: a crash here is recovered, not re-sent
    with opener(settings.db_path) as store:
        store.mark_reported(flag_ids, written["report_id"], channel)
    _write_receipt(report_dir, {**receipt, "marked": True})
    write_index(out_dir)
    summary["delivered"] = outcome["delivered"]
    summary["delivery_errors"] = outcome["failed"]
    return summary


def publish_digest(
    settings: Settings,
    *,
    since: str | datetime | None = None,
    now: datetime | None = None,
    send: bool = True,
    store_opener: StoreOpener | None = None,
) -> dict[str, Any]:
    """Write and deliver the daily digest of flags since ``since``.

    A digest is a recap: it marks nothing. A digest already delivered for the same ``since`` is not sent
    again (a retried task finds the receipt), so callers should pass a ``since`` that a retry repeats, such
    as the DAG run's data interval start. The default, 24 hours before the start of ``now``'s hour, repeats
    for retries within the same hour.
    """
    now = now or datetime.now(UTC)
    if since is None:
        since = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    since_text = since.astimezone(UTC).isoformat() if isinstance(since, datetime) else str(since)
    out_dir = settings.reports_dir
    for child in sorted(out_dir.glob("*_digest*")) if out_dir.is_dir() else []:
        receipt = _read_json(child / "delivery.json") or {}
        if receipt.get("since") == since_text and receipt.get("status") in ("delivered", "written"):
            return {"report_id": child.name, "skipped": "already delivered", "delivered": receipt.get("channels", [])}
    opener = store_opener or functools.partial(_default_opener, settings=settings)
    with opener(settings.db_path, read_only=True) as store:
        data = store.report_data(None, since=since_text)
    written = write_report(data, out_dir, kind="digest", since=since_text, now=now)
    report_dir = Path(written["dir"])
    summary = {
        "report_id": written["report_id"],
        "flags": len(written["flag_ids"]),
        "headline": written["headline"],
        "paths": {k: written[k] for k in ("html", "markdown", "json", "index")},
        "delivered": [],
    }
    if not send:
        return summary
    channels = _channels(settings)
    outcome = deliver(written, data, settings, kind="digest") if channels else {"delivered": [], "failed": {}}
    status = "delivered" if outcome["delivered"] else ("failed" if channels else "written")
    _write_receipt(
        report_dir,
        {"status": status, "since": since_text, "channels": outcome["delivered"], "errors": outcome["failed"]},
    )
    write_index(out_dir)
    if status == "failed":
        raise DeliveryFailed(f"digest {written['report_id']} was not delivered: {outcome['failed']}")
    summary["delivered"] = outcome["delivered"]
    summary["delivery_errors"] = outcome["failed"]
    return summary


def render_on_demand(
    db_path: Path | str,
    since: str | None = None,
    fmt: str = "html",
    *,
    store_opener: StoreOpener | None = None,
) -> str:
    """One report of the flags since ``since`` (all flags when None), as html, md or json text."""
    if fmt not in ("html", "md", "json"):
        raise ValueError(f"format must be html, md or json, got {fmt!r}")
    opener = store_opener or _default_opener
    with opener(db_path, read_only=True) as store:
        data = store.report_data(None, since=since)
    kind = "digest" if since else "run"
    if fmt == "json":
        return render_json(data, kind=kind, since=since)
    if fmt == "md":
        return render_markdown(data, kind=kind, since=since)
    return render_html(data, kind=kind, since=since)


__all__ = [
    "LABELS",
    "DeliveryFailed",
    "build_view",
    "headline",
    "highlight_segments",
    "md_escape",
    "publish_digest",
    "publish_unreported",
    "render_html",
    "render_json",
    "render_markdown",
    "render_on_demand",
    "render_text",
    "report_document",
    "report_message",
    "resolve_labels",
    "run_summary_line",
    "send_report_mail",
    "safe_url",
    "write_index",
    "write_report",
]
