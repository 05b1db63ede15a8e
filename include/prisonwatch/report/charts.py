"""Timeline charts for reports: one chart per metric, one line per source, as PNG (mail, files) or inline SVG.

Charts are drawn with matplotlib's Agg backend on a private Figure (no pyplot state), so they can be
made inside a worker process or a thread without a display. The PNG bytes are returned rather than
written so the same image can be embedded as a data: URI in the HTML file and as an inline CID part in
mail.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from prisonwatch.models import METRICS, SOURCES

# One colour per source, stable across charts so a reader learns them once.
SOURCE_COLOURS: dict[str, str] = {
    "government": "#c0392b",
    "foro_penal": "#1f5fa8",
    "jep": "#2e8b57",
    "provea": "#8e44ad",
    "clippve": "#d35400",
    "ngo": "#16a085",
    "opposition": "#b7950b",
    "un": "#2c3e50",
    "us_government": "#7f8c8d",
    "unattributed": "#95a5a6",
}

CHART_WIDTH_INCHES = 7.0
CHART_HEIGHT_INCHES = 3.4
# Free days drawn either side of the data, so a lone point is not pinned to the frame.
MIN_SPAN_DAYS = 14
CHART_DPI = 100


def _parse_date(value: Any) -> date | None:
    """The date part of an ISO date or date-time; None when missing or unreadable."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _points_by_metric(timeline: list[dict[str, Any]]) -> dict[str, dict[str, list[tuple[date, int, int]]]]:
    """Group timeline points by metric then source, dropping points without a usable date or value."""
    grouped: dict[str, dict[str, list[tuple[date, int, int]]]] = defaultdict(lambda: defaultdict(list))
    for point in timeline:
        day = _parse_date(point.get("as_of"))
        low, high = point.get("value_low"), point.get("value_high")
        if day is None or not isinstance(low, int) or isinstance(low, bool):
            continue
        if not isinstance(high, int) or isinstance(high, bool) or high < low:
            high = low
        grouped[str(point.get("metric") or "other")][str(point.get("source") or "unattributed")].append(
            (day, low, high)
        )
    return grouped


def _metric_order(metric: str) -> tuple[int, str]:
    return (METRICS.index(metric) if metric in METRICS else len(METRICS), metric)


def _source_order(source: str) -> tuple[int, str]:
    return (SOURCES.index(source) if source in SOURCES else len(SOURCES), source)


# Chart sizes (inches, base font points): 'wide' for desktop pages and mail, 'narrow' for phones. Inline SVG is
# scaled to its box: the narrow chart's viewBox is about a phone's width, so its text stays about 11-12 px there.
CHART_SIZES: dict[str, tuple[float, float, float]] = {
    "wide": (CHART_WIDTH_INCHES, CHART_HEIGHT_INCHES, 10.0),
    "narrow": (5.0, 3.6, 11.5),
}


def _draw(
    metric: str,
    series: dict[str, list[tuple[date, int, int]]],
    size: str,
    metric_labels: dict[str, str],
    source_labels: dict[str, str],
) -> Any:
    """One metric's timeline as a matplotlib Figure (no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    width, height, font = CHART_SIZES[size]
    fig = Figure(figsize=(width, height), dpi=CHART_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    all_days = [p[0] for points in series.values() for p in points]
    for source in sorted(series, key=_source_order):
        points = sorted(series[source])
        colour = SOURCE_COLOURS.get(source, "#555555")
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", linewidth=1.8, color=colour,
                label=source_labels.get(source, source))  # fmt: skip
        for day, low, high in points:
            if high > low:
                ax.vlines(day, low, high, colors=colour, linewidth=4, alpha=0.5)
    first, last = min(all_days), max(all_days)
    pad = max(timedelta(days=2), (timedelta(days=MIN_SPAN_DAYS) - (last - first)) / 2, (last - first) / 20)
    ax.set_xlim(first - pad, last + pad)
    locator = AutoDateLocator(minticks=3, maxticks=6 if size == "wide" else 4)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.tick_params(labelsize=font)
    ax.xaxis.get_offset_text().set_fontsize(font)
    ax.set_title(metric_labels.get(metric, metric), loc="left", fontsize=font + 2)
    ax.set_ylabel("people", fontsize=font)
    ax.set_ylim(bottom=0, top=max(p[2] for points in series.values() for p in points) * 1.12 + 1)
    ax.grid(True, axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    # Legend under the plot: it never hides a point.
    columns = min(len(series), 3 if size == "wide" else 2)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=columns, fontsize=font, frameon=False)
    fig.tight_layout()
    return fig


def timeline_charts(
    timeline: list[dict[str, Any]],
    *,
    metric_labels: dict[str, str] | None = None,
    source_labels: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """Draw one timeline PNG per metric that has dated points; returns metric -> PNG bytes in metric order.

    A figure stated as a range ('between 120 and 150') is drawn at its low value with a bar up to its high
    value, so hedged figures are visible as such instead of being averaged away.
    """
    grouped = _points_by_metric(timeline)
    charts: dict[str, bytes] = {}
    for metric in sorted(grouped, key=_metric_order):
        fig = _draw(metric, grouped[metric], "wide", metric_labels or {}, source_labels or {})
        buffer = io.BytesIO()
        # No software/date metadata: the same data gives the same bytes.
        fig.savefig(buffer, format="png", metadata={"Software": None})
        charts[metric] = buffer.getvalue()
    return charts


def timeline_svgs(
    timeline: list[dict[str, Any]],
    *,
    metric_labels: dict[str, str] | None = None,
    source_labels: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """The same charts as inline SVG (text kept as text), wide and narrow: metric -> {'wide': svg, 'narrow': svg}.

    A page shows one or the other by its width; each scales to its box through its viewBox.
    """
    import matplotlib

    grouped = _points_by_metric(timeline)
    out: dict[str, dict[str, str]] = {}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "prisonwatch"}):
        for metric in sorted(grouped, key=_metric_order):
            out[metric] = {}
            for size in CHART_SIZES:
                fig = _draw(metric, grouped[metric], size, metric_labels or {}, source_labels or {})
                buffer = io.StringIO()
                fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
                svg = buffer.getvalue()
                svg = svg[svg.index("<svg") :]  # no XML prolog or doctype inside an HTML page
                svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
                out[metric][size] = svg.replace("<svg", f'<svg class="chart-svg {size}" role="img"', 1)
    return out


def write_charts(charts: dict[str, bytes], directory: Path) -> dict[str, Path]:
    """Write each chart as ``<metric>.png`` under ``directory``; returns metric -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for metric, png in charts.items():
        safe_name = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in metric) or "metric"
        path = directory / f"{safe_name}.png"
        path.write_bytes(png)
        paths[metric] = path
    return paths
