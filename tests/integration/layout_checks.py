"""What a page must satisfy at a given width, measured in the browser from the DOM and the SVG, never by eye."""

from __future__ import annotations

from typing import Any

MIN_CHART_TEXT_PX = 11.0

# Returns the page's overflow, the tables that stick out of their box, and the smallest chart text as shown.
LAYOUT_JS = """
() => {
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  const cutTables = [];
  for (const table of document.querySelectorAll('table')) {
    const box = table.parentElement.getBoundingClientRect();
    const rect = table.getBoundingClientRect();
    if (rect.width === 0) continue;
    if (rect.right > Math.min(width, box.right) + 1 || table.scrollWidth > table.clientWidth + 1) {
      cutTables.push((table.className || 'table') + ' ' + Math.round(rect.width) + 'px');
    }
  }
  let smallest = null, charts = 0;
  for (const svg of document.querySelectorAll('svg.chart-svg')) {
    if (getComputedStyle(svg).display === 'none') continue;
    charts += 1;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      const shown = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (smallest === null || shown < smallest) smallest = shown;
    }
  }
  return {width, page, cutTables, smallest, charts};
}
"""


def check_layout(page: Any, *, expect_charts: bool = True) -> dict[str, Any]:
    """Measure the page and assert: no sideways overflow, no table cut off, chart text at least 11 px."""
    found = page.evaluate(LAYOUT_JS)
    assert found["page"] <= found["width"] + 1, f"the page is wider than the screen: {found}"
    assert found["cutTables"] == [], f"tables cut off at {found['width']} px: {found['cutTables']}"
    if expect_charts:
        assert found["charts"] > 0, "no chart is shown"
        assert found["smallest"] >= MIN_CHART_TEXT_PX, f"chart text {found['smallest']:.1f} px at {found['width']} px"
    return found
