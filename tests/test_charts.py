"""Timeline charts: one PNG per metric with dated points, drawn without a display."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from prisonwatch.report import charts

FIXTURES = Path(__file__).parent / "fixtures" / "report"


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _timeline() -> list[dict]:
    return json.loads((FIXTURES / "run_report.json").read_text(encoding="utf-8"))["timeline"]


def test_one_png_per_metric_in_metric_order():
    expected = json.loads((FIXTURES / "run_report.expect.json").read_text(encoding="utf-8"))["chart_metrics"]
    pngs = charts.timeline_charts(_timeline())
    assert list(pngs) == expected
    for png in pngs.values():
        width, height = _png_size(png)
        assert (width, height) == (
            int(charts.CHART_WIDTH_INCHES * charts.CHART_DPI),
            int(charts.CHART_HEIGHT_INCHES * charts.CHART_DPI),
        )


def test_points_without_a_usable_date_or_value_are_left_out():
    timeline = [
        {"metric": "arrested", "source": "provea", "as_of": None, "value_low": 10, "value_high": 10},
        {"metric": "arrested", "source": "provea", "as_of": "not a date", "value_low": 10, "value_high": 10},
        {"metric": "arrested", "source": "provea", "as_of": "2026-01-05", "value_low": None, "value_high": None},
        {"metric": "released", "source": "un", "as_of": "2026-01-05T10:00:00+00:00", "value_low": 5, "value_high": 2},
    ]
    pngs = charts.timeline_charts(timeline)
    assert list(pngs) == ["released"]
    assert charts.timeline_charts([]) == {}


def test_same_data_gives_same_bytes_and_different_data_differs():
    first = charts.timeline_charts(_timeline())
    again = charts.timeline_charts(_timeline())
    assert first == again
    changed = [dict(p, value_low=p["value_low"] + 50) for p in _timeline()]
    assert charts.timeline_charts(changed)["released"] != first["released"]


def test_write_charts_names_files_after_metrics(tmp_path):
    pngs = charts.timeline_charts(_timeline())
    paths = charts.write_charts(pngs, tmp_path / "charts")
    assert sorted(p.name for p in paths.values()) == sorted(f"{m}.png" for m in pngs)
    assert all(paths[m].read_bytes() == pngs[m] for m in pngs)


def test_inline_svg_charts_keep_their_text_as_text_and_are_reproducible() -> None:
    first = charts.timeline_svgs(_timeline())
    assert set(first) == set(charts.timeline_charts(_timeline()))
    for sizes in first.values():
        assert set(sizes) == {"wide", "narrow"}
        for size, svg in sizes.items():
            assert svg.startswith(f'<svg class="chart-svg {size}" role="img"') and "<text" in svg
            assert "<?xml" not in svg and "<script" not in svg and 'width="' not in svg.split(">", 1)[0]
    assert charts.timeline_svgs(_timeline()) == first
    assert charts.timeline_svgs([]) == {}
