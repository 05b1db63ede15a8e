"""Google News links: offline decoding, the opt-in online step (against hand-written responses in
Google's format, served locally), caching and the publisher/title split."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from hostile.conftest import fast_fetch_settings, hostile_server, static  # noqa: F401

from prisonwatch.collect import articles, googlenews
from prisonwatch.collect.fetch import HostThrottle, HttpClient
from prisonwatch.config import load_settings
from prisonwatch.models import FeedEntry

RECORDED = Path(__file__).resolve().parent / "fixtures" / "feeds" / "googlenews"


def _old_style_id(url: str) -> str:
    raw = b'\x08\x13"' + bytes([len(url)]) + url.encode() + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_offline_decoding_of_old_style_ids() -> None:
    url = "https://elpitazo.net/politica/excarcelan-50-presos-politicos/"
    gn_id = _old_style_id(url)
    assert googlenews.decode_offline(gn_id) == url
    assert googlenews.resolve(f"https://news.google.com/rss/articles/{gn_id}?oc=5", client=None) == url


def test_current_ids_are_not_decodable_offline_and_nothing_is_fetched() -> None:
    gn_id = base64.urlsafe_b64encode(b'\x08\x13"\x20AU_yqLsomethingopaque0123456789ab').decode().rstrip("=")
    assert googlenews.decode_offline(gn_id) is None
    assert googlenews.resolve(f"https://news.google.com/rss/articles/{gn_id}", client=None) is None
    assert googlenews.decode_offline("!!!not base64") is None


def test_title_and_host_helpers() -> None:
    assert googlenews.strip_publisher("Excarcelan a 50 presos - El Pitazo", "El Pitazo") == "Excarcelan a 50 presos"
    assert googlenews.strip_publisher("Sin sufijo", "El Pitazo") == "Sin sufijo"
    assert googlenews.is_google_news_url("https://news.google.com/rss/articles/X")
    assert not googlenews.is_google_news_url("https://google.com.evil.example/news.google.com")
    assert googlenews.article_id("https://news.google.com/rss/articles/CBMiX?oc=5") == "CBMiX"


def test_online_step_only_when_allowed_and_cached(hostile_server, tmp_path: Path) -> None:  # noqa: F811
    page = (RECORDED / "article_page.html").read_bytes()
    answer = (RECORDED / "batchexecute.txt").read_bytes()
    hostile_server.add("/rss/articles/AU_yqLTestId123", static(page, headers={"Content-Type": "text/html"}))
    hostile_server.add("/_/DotsSplashUi/data/batchexecute", static(answer))
    client = HttpClient(fast_fetch_settings(), throttle=HostThrottle())
    link = "https://news.google.com/rss/articles/AU_yqLTestId123?oc=5"
    cache = googlenews.DecodeCache(tmp_path / "gn.json")

    assert googlenews.resolve(link, client, cache, allowed=False, base=hostile_server.base) is None
    assert sum(hostile_server.hits.values()) == 0 and "AU_yqLTestId123" not in cache

    expected = "https://efectococuyo.com/politica/foro-penal-800-presos/"
    assert googlenews.resolve(link, client, cache, allowed=True, base=hostile_server.base) == expected
    assert hostile_server.hits["/_/DotsSplashUi/data/batchexecute"] == 1
    assert json.loads((tmp_path / "gn.json").read_text())["AU_yqLTestId123"] == expected

    again = googlenews.DecodeCache(tmp_path / "gn.json")  # a later run reads the file
    assert googlenews.resolve(link, client, again, allowed=True, base=hostile_server.base) == expected
    assert hostile_server.hits["/rss/articles/AU_yqLTestId123"] == 1


def test_online_failure_is_not_cached(hostile_server, tmp_path: Path) -> None:  # noqa: F811
    client = HttpClient(fast_fetch_settings(retries=0), throttle=HostThrottle())
    cache = googlenews.DecodeCache()
    link = "https://news.google.com/rss/articles/AU_yqLMissing"
    assert googlenews.resolve(link, client, cache, allowed=True, base=hostile_server.base) is None
    assert "AU_yqLMissing" not in cache


def test_batchexecute_without_a_url() -> None:
    assert googlenews.parse_batchexecute(')]}\'\n\n[["er",null]]') is None
    assert googlenews.parse_batchexecute("garbage") is None


def _gn_entry(gn_id: str) -> FeedEntry:
    return FeedEntry(
        feed_name="gnews",
        feed_url="https://news.google.com/rss/search?q=x",
        title="Foro Penal: 344 excarcelados",
        url=f"https://news.google.com/rss/articles/{gn_id}?oc=5",
        summary="Foro Penal contabiliza 344 excarcelados.",
        publisher="El Pitazo",
        link_resolvable=False,
    )


def test_entries_with_old_style_ids_point_at_the_publisher(tmp_path: Path) -> None:
    settings = load_settings(env={"PRISONWATCH_HOME": str(tmp_path)})
    entry = _gn_entry(_old_style_id("https://elpitazo.net/politica/foro-penal-344/"))
    resolved = articles.resolve_entry(entry, client=None, settings=settings)
    assert resolved.link_resolvable and resolved.url == "https://elpitazo.net/politica/foro-penal-344/"
    assert resolved.title == entry.title and resolved.publisher == "El Pitazo"


def test_current_ids_stay_snippets_unless_decoding_is_allowed(tmp_path: Path) -> None:
    settings = load_settings(env={"PRISONWATCH_HOME": str(tmp_path)})
    assert settings.fetch.google_news_decode is False
    gn_id = base64.urlsafe_b64encode(b'\x08\x13"\x20AU_yqLsomethingopaque0123456789ab').decode().rstrip("=")
    entry = _gn_entry(gn_id)
    assert articles.resolve_entry(entry, client=None, settings=settings) is entry  # nothing asked of Google
    article = articles.fetch_article(entry, client=None, settings=settings)
    assert article.text_source == "feed_snippet" and "344" in article.text
