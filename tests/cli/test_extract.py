"""The command line: `prisonwatch extract` prints the documented JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prisonwatch import cli
from prisonwatch.models import METRICS, QUALIFIERS, SOURCES

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "include" / "seed_corpus" / "001_40f95721a5dfc3b1.txt"
PAGE = REPO / "include" / "demo" / "site" / "es" / "foro-penal-balance-excarcelaciones.html"
FIGURE_KEYS = {"metric", "value_low", "value_high", "qualifier", "source", "source_text", "scope", "sentence"}


def run_extract(capsys, *args: str) -> dict:
    assert cli.main(["extract", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def check_shape(result: dict) -> None:
    assert {"url", "title", "published", "language", "relevant", "figures"} <= set(result)
    for fig in result["figures"]:
        assert set(fig) >= FIGURE_KEYS
        assert fig["metric"] in METRICS and fig["qualifier"] in QUALIFIERS and fig["source"] in SOURCES
        assert fig["value_low"] <= fig["value_high"]
        assert fig["sentence"]


def test_extract_plain_text_seed(capsys):
    result = run_extract(capsys, str(SEED), "--url", "https://example.org/seed-001")
    check_shape(result)
    assert result["relevant"] is True and result["language"] == "en"
    released = {(f["value_low"], f["qualifier"], f["source"]) for f in result["figures"] if f["metric"] == "released"}
    assert (600, "more_than", "government") in released
    assert any(low == 302 for low, _, _ in released)


def test_extract_html_page(capsys):
    result = run_extract(capsys, str(PAGE), "--url", "https://example.org/es/balance")
    check_shape(result)
    assert result["language"] == "es"
    assert result["published"] and result["published"].startswith("2026-02-02")
    got = {(f["metric"], f["value_low"], f["source"]) for f in result["figures"]}
    assert ("released", 344, "foro_penal") in got
    assert ("still_detained", 687, "foro_penal") in got
    assert all(f["value_low"] != 30 for f in result["figures"])  # '30 días' is a time length
    assert all(f["value_low"] != 2026 for f in result["figures"])


def test_extract_missing_file_is_a_clear_error(capsys, tmp_path):
    assert cli.main(["extract", str(tmp_path / "missing.html")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_configuration_exits_with_the_key_named(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("fetch: {read_timeout: soon}\n", encoding="utf-8")
    assert cli.main(["--config", str(bad), "extract", str(SEED)]) == 2
    assert "fetch.read_timeout" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["https://www.example.org/feed/", "https://example.org/feed/"])
def test_feed_names_are_unique_and_readable(url):
    taken: set[str] = set()
    first = cli.feed_name_for(url, taken)
    second = cli.feed_name_for(url, taken)
    assert first == "example.org_feed" and second == "example.org_feed_2"
