"""The benchmark harness works: the generated corpus is what it claims, and a quick run prints its rows.

No timing is asserted: benchmarks print figures, tests check behaviour.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import run_all  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    corpus.generate_site(folder, articles=40, feeds=4, seed=3)
    return folder


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_the_corpus_is_deterministic_for_a_seed(site: Path, tmp_path: Path) -> None:
    corpus.generate_site(tmp_path / "again", articles=40, feeds=4, seed=3)
    corpus.generate_site(tmp_path / "other", articles=40, feeds=4, seed=4)
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file())
    assert all((site / f).read_bytes() == (tmp_path / "again" / f).read_bytes() for f in files)
    assert manifest(site)["articles"] != manifest(tmp_path / "other")["articles"]


def test_the_corpus_mixes_languages_lengths_and_topics(site: Path) -> None:
    articles = manifest(site)["articles"]
    assert {a["language"] for a in articles} == {"es", "en"}
    assert any(not a["relevant"] for a in articles) and sum(a["relevant"] for a in articles) > len(articles) / 2
    for a in articles:
        page = (site / a["path"]).read_text(encoding="utf-8")
        body = page.split("<article>", 1)[1].split("</article>", 1)[0]
        story = " ".join(re.findall(r"<p>([^<]*)</p>", body))
        assert corpus.MIN_WORDS <= len(story.split()) <= corpus.MAX_WORDS + 200, a["slug"]
        for marker in ("<nav", "<footer", 'class="related"', "article:published_time", "{{BASE_URL}}"):
            assert marker in page, (a["slug"], marker)
        assert bool(a["figures"]) == a["relevant"]


def test_every_stated_figure_is_in_its_page_with_its_source(site: Path) -> None:
    names = {
        "foro_penal": "Foro Penal",
        "government": ("gobierno", "government", "Saab", "Delcy"),
        "jep": "Justicia, Encuentro y Perdón",
        "provea": "Provea",
        "clippve": "Clippve",
    }
    for a in manifest(site)["articles"]:
        page = (site / a["path"]).read_text(encoding="utf-8")
        for fig in a["figures"]:
            number = f"{fig['value']:,}".replace(",", "." if a["language"] == "es" else ",")
            sentences = [s for s in re.split(r"(?<=[.])\s", page) if re.search(rf"(?<![\d.,]){re.escape(number)}", s)]
            wanted = names[fig["source"]]
            assert any(any(w in s for w in ((wanted,) if isinstance(wanted, str) else wanted)) for s in sentences), (
                a["slug"],
                fig,
            )


def test_feeds_list_every_article_once(site: Path) -> None:
    data = manifest(site)
    listed = []
    for feed in data["feeds"]:
        listed += re.findall(r"<link>\{\{BASE_URL\}\}/(articles/[^<]+)</link>", (site / feed["path"]).read_text())
    assert sorted(listed) == sorted(a["path"] for a in data["articles"])


def _get(base_url: str, path: str, etag: str | None = None) -> tuple[int, str | None]:
    parts = urlsplit(base_url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        con.request("GET", path, headers={"If-None-Match": etag} if etag else {})
        response = con.getresponse()
        response.read()
        return response.status, response.getheader("ETag")
    finally:
        con.close()


def test_the_bench_server_counts_requests_and_can_stop_answering_304(site: Path) -> None:
    with run_all.serve(site) as (base_url, handler):
        path = "/" + manifest(site)["feeds"][0]["path"]
        status, etag = _get(base_url, path)
        assert status == 200 and etag
        assert _get(base_url, path, etag)[0] == 304
        handler.conditional = False
        assert _get(base_url, path, etag) == (200, None)
        assert handler.requests_seen == [path] * 3
        page = run_all.served_pages(site, base_url)[0][1]
        assert b"{{BASE_URL}}" not in page and base_url.encode() in page


def test_a_quick_run_prints_a_row_per_measurement(tmp_path: Path, capsys) -> None:
    out = tmp_path / "rows.json"
    md = tmp_path / "table.md"
    assert run_all.main(["--quick", "--sections", "corpus,figures", "--json", str(out), "--markdown", str(md)]) == 0
    result = json.loads(out.read_text())
    rows = result["rows"]
    assert {r["section"] for r in rows} == {"corpus", "figures"}
    assert not [r for r in rows if r["value"] == "ERROR"], rows
    rates = [r for r in rows if r["unit"] == "sentences/s"]
    assert len(rates) == 2 and all(r["value"] > 0 for r in rates)
    assert result["machine"]["cores"] and result["machine"]["versions"]["trafilatura"] != "-"
    table = md.read_text()
    assert "| section | measurement |" in table and "load average" in table
    assert "| figures |" in capsys.readouterr().out


def test_an_unknown_section_is_refused() -> None:
    with pytest.raises(SystemExit) as info:
        run_all.main(["--sections", "corpus,nonsense"])
    assert info.value.code == 2
