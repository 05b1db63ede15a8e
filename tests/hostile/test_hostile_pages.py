"""Pages served over HTTP become Articles, or a recorded reason why not; no page stalls the run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from prisonwatch.collect import articles
from prisonwatch.collect.articles import ArticleSkipped, fetch_article
from prisonwatch.collect.fetch import FetchError
from prisonwatch.models import FeedEntry

from .conftest import HostileServer, static

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
ENTRY_PUBLISHED = "2026-11-16T12:00:00+00:00"


def _entry(url: str, **kw) -> FeedEntry:
    return FeedEntry(
        feed_name="test",
        feed_url="http://localhost/feed",
        url=url,
        title=kw.pop("title", "Entry title"),
        published=ENTRY_PUBLISHED,
        language=kw.pop("language", "es"),
        **kw,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_page_fixture_outcomes(hostile_server: HostileServer, client, settings, case: str) -> None:
    spec = CASES[case]
    body = (FIXTURES / spec.get("file", case)).read_bytes()
    url = hostile_server.add(f"/{case}?utm_source=feed", static(body, headers={"Content-Type": spec["content_type"]}))
    settings = dataclasses.replace(settings, extract=dataclasses.replace(settings.extract, date_horizon_days=36_500))
    if "skipped" in spec:
        with pytest.raises(ArticleSkipped) as info:
            fetch_article(_entry(url), client, settings)
        assert info.value.error_class == spec["skipped"]
        return
    article = fetch_article(_entry(url, language="en" if spec["language"] == "en" else "es"), client, settings)
    for phrase in spec.get("text_contains", []):
        assert phrase in article.text
    for phrase in spec.get("text_excludes", []):
        assert phrase not in article.text
    assert article.language == spec["language"]
    assert article.content_hash == articles.content_hash(article.text)
    assert article.text_source == "page" and article.feed == "test"
    if "title" in spec:
        assert article.title == spec["title"]
    if "outlet" in spec:
        assert article.outlet == spec["outlet"]
    if "canonical_url" in spec:
        expected = spec["canonical_url"].replace("SERVED_URL", hostile_server.url(f"/{case}"))
        expected = expected.replace("SERVED_BASE", hostile_server.base)
        assert article.canonical_url == expected
    if "published" in spec:
        assert article.published == (ENTRY_PUBLISHED if spec["published"] == "ENTRY_PUBLISHED" else spec["published"])


def test_same_article_under_two_tracking_urls(hostile_server: HostileServer, client, settings) -> None:
    body = (FIXTURES / "article_en_offsite_canonical.html").read_bytes()
    hostile_server.add("/story?utm_source=twitter&fbclid=1", static(body, headers={"Content-Type": "text/html"}))
    hostile_server.add("/story/?gclid=2&utm_medium=social", static(body, headers={"Content-Type": "text/html"}))
    a = fetch_article(_entry(hostile_server.url("/story?utm_source=twitter&fbclid=1")), client, settings)
    b = fetch_article(_entry(hostile_server.url("/story/?gclid=2&utm_medium=social")), client, settings)
    assert a.url != b.url
    assert a.canonical_url == b.canonical_url == hostile_server.url("/story")
    assert a.content_hash == b.content_hash


def test_table_row_with_100000_cells_is_refused_quickly(hostile_server: HostileServer, client, settings) -> None:
    row = "<td>x</td>" * 100_000
    page = f"<html><body><article><p>{'Texto. ' * 50}</p><table><tr>{row}</tr></table></article></body></html>"
    url = hostile_server.add("/wide", static(page, headers={"Content-Type": "text/html"}))
    with pytest.raises(ArticleSkipped) as info:
        fetch_article(_entry(url), client, settings)
    assert info.value.error_class == "too_complex" and "100000 cells" in info.value.reason


def test_extraction_over_budget_is_killed(monkeypatch, settings) -> None:
    """With the markup check off, trafilatura itself is stopped when the time budget runs out."""
    monkeypatch.setattr(articles, "MAX_ROW_CELLS", 10**9)
    row = "<td>x</td>" * 100_000
    page = f"<html><body><article><p>{'Texto. ' * 50}</p><table><tr>{row}</tr></table></article></body></html>"
    settings = dataclasses.replace(settings, extract=dataclasses.replace(settings.extract, time_budget_seconds=1.0))
    with pytest.raises(ArticleSkipped) as info:
        articles.article_from_html(page.encode(), url="https://wide.example/a", settings=settings)
    assert info.value.error_class == "extract_timeout"


def test_empty_200_page(hostile_server: HostileServer, client, settings) -> None:
    url = hostile_server.add("/empty", static(b"", headers={"Content-Type": "text/html"}))
    with pytest.raises(ArticleSkipped) as info:
        fetch_article(_entry(url), client, settings)
    assert info.value.error_class == "no_text"


def test_page_over_max_html_bytes_is_refused_while_streaming(hostile_server: HostileServer, client, settings) -> None:
    big = b"<html><body>" + b"<p>relleno</p>" * 200_000 + b"</body></html>"  # 2.8 MB > 1.5 MB limit
    url = hostile_server.add("/big", static(big, headers={"Content-Type": "text/html"}))
    with pytest.raises(FetchError) as info:
        fetch_article(_entry(url), client, settings)
    assert info.value.error_class == "too_large"


def test_not_a_web_page(hostile_server: HostileServer, client, settings) -> None:
    url = hostile_server.add("/pdf", static(b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"}))
    with pytest.raises(ArticleSkipped) as info:
        fetch_article(_entry(url), client, settings)
    assert info.value.error_class == "not_html"


def test_google_news_entry_becomes_a_snippet_article(client, settings) -> None:
    entry = _entry(
        "https://news.google.com/rss/articles/AU_yqLx?oc=5",
        title="Excarcelan a 50 presos políticos",
        summary="Foro Penal confirmó 50 excarcelaciones en Caracas.",
        publisher="El Pitazo",
        link_resolvable=False,
    )
    article = fetch_article(entry, client, settings)
    assert article.text_source == "feed_snippet" and article.outlet == "El Pitazo"
    assert "50 excarcelaciones" in article.text and article.language == "es"
    assert client.attempts == []  # nothing was fetched
