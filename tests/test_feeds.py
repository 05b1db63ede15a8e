"""Feed parsing without the network: refusal checks, entry shaping and the peer-runner entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from prisonwatch.collect.feeds import ENTITY_REFUSAL, FeedRefused, parse_entries, parse_feed, refusal_reason

FEEDS = Path(__file__).resolve().parent / "fixtures" / "feeds"


@pytest.mark.parametrize(
    "data,error_class",
    [
        (b'<!DOCTYPE r [<!ENTITY a "b">]><rss/>', "xml_entities"),
        (b'<!doctype r [\n<!entity a SYSTEM "file:///etc/passwd">]><rss/>', "xml_entities"),
        ('<!DOCTYPE r [<!ENTITY a "b">]><rss/>'.encode("utf-16-le"), "xml_entities"),
        ('<!DOCTYPE r [<!ENTITY a "b">]><rss/>'.encode("utf-32"), "xml_entities"),
        (b'<?xml version="1.0" encoding="UTF-7"?><rss/>', "unsupported_encoding"),
    ],
)
def test_refusal_reason(data: bytes, error_class: str) -> None:
    reason = refusal_reason(data)
    assert reason is not None and reason[0] == error_class


def test_plain_feeds_and_entity_references_are_not_refused() -> None:
    assert refusal_reason((FEEDS / "good_rss.xml").read_bytes()) is None
    assert refusal_reason(b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss>&amp;</rss>') is None


def test_entity_refusal_message() -> None:
    with pytest.raises(FeedRefused) as info:
        parse_feed((FEEDS / "billion_laughs.xml").read_bytes())
    assert info.value.message == ENTITY_REFUSAL


@pytest.mark.parametrize("data", [b"", b"   \n", b"/dev/zero", b"\x00\x01\x02", b"{}", b"<html></html>"])
def test_not_feeds_are_refused(data: bytes) -> None:
    with pytest.raises(FeedRefused):
        parse_feed(data)


def test_parse_entries_shape() -> None:
    entries = parse_entries((FEEDS / "good_rss.xml").read_bytes())
    assert [e["url"] for e in entries] == [
        "https://noticias.example/2026/11/nota-reciente",  # relative link resolved against the channel link
        "https://noticias.example/2026/11/excarcelados?utm_source=rss&utm_medium=feed",
    ]
    assert entries[1]["summary"] == "La ONG Foro Penal contó 120 excarcelaciones."
    assert entries[1]["publisher"] == "redaccion@noticias.example (Redacción)"
    assert parse_entries((FEEDS / "billion_laughs.xml").read_bytes()) == []


def test_google_news_items_are_marked_unresolvable() -> None:
    parsed = parse_feed((FEEDS / "google_news.xml").read_bytes(), feed_name="gn", language="es")
    assert [e.link_resolvable for e in parsed.entries] == [False, False]
    assert parsed.entries[0].publisher == "El Pitazo"
    assert parsed.entries[0].published == "2026-11-19T14:00:00+00:00"


def test_harmless_bozo_is_kept_with_its_reason() -> None:
    parsed = parse_feed((FEEDS / "cp1252_undeclared.xml").read_bytes())
    assert len(parsed.entries) == 1 and parsed.bozo_reason
