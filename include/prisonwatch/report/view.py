"""The report's view model: labels, formatted values, ranked flags and every value a template lays out, precomputed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from markupsafe import Markup

from prisonwatch import vocab
from prisonwatch.models import METRICS

if TYPE_CHECKING:
    pass


ReportKind = Literal["run", "digest"]


REPORT_KINDS = ("run", "digest")


MAX_ERRORS_SHOWN = 20


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


def evidence_view(evidence: dict[str, Any], labels: dict[str, Any]) -> dict[str, Any]:
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
        "new": evidence_view(flag.get("new") or {}, labels),
        "previous": [evidence_view(p, labels) for p in flag.get("previous") or []],
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
        "review": [evidence_view(r, labels) for r in data.get("review") or []],
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
