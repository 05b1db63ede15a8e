"""The HTML report in headless Chromium at phone and desktop widths: nothing cut off, chart text readable.

Screenshots are kept under ``test-output/report-browser/``. Chromium is Debian's (/usr/bin/chromium).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from layout_checks import check_layout
from test_webui_browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

from prisonwatch import report

pytestmark = [pytest.mark.integration, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output" / "report-browser"
DATA = REPO / "tests" / "fixtures" / "report" / "run_report.json"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_chromium()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    written = report.write_report(data, tmp_path_factory.mktemp("reports"), now=datetime(2026, 2, 3, 10, tzinfo=UTC))
    return Path(written["html"])


@pytest.mark.parametrize("size", SIZES)
def test_the_report_reads_on_a_phone_and_a_desktop(report_file: Path, size: str) -> None:
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=2)
            page.goto(report_file.as_uri())
            page.locator("svg.chart-svg").first.wait_for(state="attached")
            found = check_layout(page)
            page.screenshot(path=str(OUTPUT / f"report-{size}.png"), full_page=True)
        finally:
            browser.close()
    assert found["width"] == width
