"""URL canonicalisation, hashing, charset decoding, language, dates and bounded extraction."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
import yaml

from prisonwatch.collect import articles
from prisonwatch.collect.articles import (
    ArticleSkipped,
    ExtractTimeout,
    article_from_entry,
    article_from_text,
    canonical_url,
    content_hash,
    decode_html,
    detect_language,
    plain_text,
    run_with_budget,
)
from prisonwatch.models import FeedEntry

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
URL_CASES = yaml.safe_load((PAGES / "canonical_urls.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("raw,expected", URL_CASES)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected
    assert canonical_url(expected) == expected  # idempotent


def test_content_hash_ignores_spacing_and_case() -> None:
    assert content_hash("Foro Penal:  120\n presos") == content_hash("foro penal: 120 PRESOS")
    assert content_hash("120 presos") != content_hash("121 presos")


TEXT = "Excarcelación de presos políticos: año, niños, señal — «comillas» y €."


@pytest.mark.parametrize(
    "body,content_type,expected_source",
    [
        (TEXT.encode("utf-8"), "", "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "BOM"),
        (TEXT.encode("utf-16"), "", "BOM"),
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", "http"),
        (TEXT.encode("cp1252"), "text/html; charset=ISO-8859-1", "http"),
        (b'<meta charset="windows-1252">' + TEXT.encode("cp1252"), "", "meta"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=latin1">' + TEXT.encode("cp1252"), "", "meta"),
        (TEXT.encode("cp1252"), "text/html", "fallback"),
        (b'<meta charset="iso-8859-1">' + TEXT.encode("utf-8"), "", "mis-declared"),
        (b'<meta charset="utf-16">' + TEXT.encode("utf-8"), "", "utf-8"),
        (b'<meta charset="no-such-charset">' + TEXT.encode("cp1252"), "", "fallback"),
    ],
)
def test_decode_html(body: bytes, content_type: str, expected_source: str) -> None:
    text, source = decode_html(body, content_type)
    assert TEXT in text
    assert expected_source in source


@pytest.mark.parametrize(
    "text,hint,expected",
    [
        ("Foro Penal informó que 120 presos políticos fueron excarcelados esta semana en Caracas.", "", "es"),
        ("Foro Penal said 120 political prisoners were released this week in Caracas, Venezuela.", "", "en"),
        ("Foro Penal said 120 political prisoners were released this week in Caracas.", "es", "en"),
        ("O governo disse que trezentos presos políticos foram libertados hoje na Venezuela, segundo a ONG.", "", "pt"),
        ("Maduro", "es", "es"),
        ("", "en", "en"),
    ],
)
def test_detect_language(text: str, hint: str, expected: str) -> None:
    assert detect_language(text, hint) == expected


def test_plain_text_drops_markup_and_scripts() -> None:
    html = '<p>Hola <b>mundo</b> &amp; amigos</p><script>alert("x")</script><img src=x onerror=alert(1)>fin'
    assert plain_text(html) == "Hola mundo & amigos fin"


def test_plausible_date() -> None:
    today = date(2026, 11, 21)
    assert articles._plausible_date("2026-11-17T09:30:00-04:00", 730, today) == "2026-11-17"
    assert articles._plausible_date("2999-01-01", 730, today) is None
    assert articles._plausible_date("2019-01-01", 730, today) is None
    assert articles._plausible_date("not a date", 730, today) is None


@pytest.mark.parametrize(
    "page,link,expected",
    [
        ("https://www.elpais.com/a?utm_source=x", "https://elpais.com/a/", "https://elpais.com/a"),
        ("https://elpais.com/a", "/b", "https://elpais.com/b"),
        ("https://noticias.com.ve/a", "https://otro.com.ve/a", "https://noticias.com.ve/a"),
        ("https://site.example/a", "https://aggregator.example/a", "https://site.example/a"),
        ("https://site.example/a", "javascript:alert(1)", "https://site.example/a"),
    ],
)
def test_canonical_link_only_on_the_same_site(page: str, link: str, expected: str) -> None:
    assert articles._choose_canonical(page, link) == expected


def test_run_with_budget_returns_and_kills() -> None:
    assert run_with_budget(sum, ([1, 2, 3],), 5.0) == 6
    started = time.monotonic()
    with pytest.raises(ExtractTimeout):
        run_with_budget(time.sleep, (30,), 0.3)
    assert time.monotonic() - started < 10  # the child was killed, not waited for


def test_run_with_budget_reports_child_errors() -> None:
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        run_with_budget(divmod, (1, 0), 5.0)


def test_markup_problem_counts_row_width() -> None:
    wide = articles.parse_markup("<table><tr>" + "<td>x</td>" * 3000 + "</tr></table>")
    assert "3000 cells" in articles.markup_problem(wide)
    assert articles.markup_problem(articles.parse_markup("<p>ok</p>")) is None


def test_extract_text_on_a_fixture_page() -> None:
    html, _ = decode_html((PAGES / "article_es_utf8.html").read_bytes())
    text = articles.extract_text(html, "https://noticias.example/a")
    assert text and "al menos 120 presos políticos" in text
    assert articles.extract_text("<html><body></body></html>", None) is None


def test_article_from_text_is_a_seed() -> None:
    art = article_from_text(
        "  Foro Penal contabilizó 800 presos políticos en Venezuela este lunes.  ",
        url="https://www.efectococuyo.com/nota/?utm_source=x",
        title="Seed",
        published="2026-01-05",
    )
    assert art.origin == "seed" and art.text_source == "seed" and art.language == "es"
    assert art.canonical_url == "https://www.efectococuyo.com/nota" and art.outlet == "efectococuyo.com"
    assert art.text.startswith("Foro Penal") and art.content_hash == content_hash(art.text)


def test_article_from_entry_uses_the_snippet() -> None:
    entry = FeedEntry(
        feed_name="gn",
        feed_url="u",
        url="https://news.google.com/rss/articles/X",
        title="Title",
        summary="Venezuela released 150 political prisoners, the government said.",
        publisher="Reuters",
        language="en",
        link_resolvable=False,
        published="2026-11-19T14:00:00+00:00",
    )
    art = article_from_entry(entry)
    assert art.text_source == "feed_snippet" and art.outlet == "Reuters" and art.language == "en"
    assert art.published == entry.published and "150 political prisoners" in art.text


def test_article_from_html_refuses_oversized_input() -> None:
    from prisonwatch.config import Settings

    settings = Settings()
    settings.extract.max_html_bytes = 100
    with pytest.raises(ArticleSkipped) as info:
        articles.article_from_html(b"<p>" + b"x" * 200 + b"</p>", url="https://a.example/", settings=settings)
    assert info.value.error_class == "too_large"
