"""Hostile and broken feeds served over HTTP: each gets a recorded outcome and none harms the others."""

from __future__ import annotations

import gzip
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from prisonwatch.collect.articles import canonical_url
from prisonwatch.collect.feeds import poll_feed
from prisonwatch.config import FeedConfig

from .conftest import HostileServer, send, static

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
PEER = Path(__file__).resolve().parents[2] / ".." / "shared" / "peer"


def _poll(server: HostileServer, client, name: str, path: str, **kw):
    return poll_feed(
        FeedConfig(name=name, url=server.url(path), language=kw.pop("language", "")),
        etag=kw.get("etag"),
        last_modified=kw.get("last_modified"),
        client=client,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_feed_fixture_outcomes(hostile_server: HostileServer, client, case: str) -> None:
    spec = CASES[case]
    body = (FIXTURES / spec.get("file", case)).read_bytes()
    hostile_server.add(f"/{case}", static(body, headers={"Content-Type": spec["content_type"]}))
    result = _poll(hostile_server, client, case.replace(".", "_"), f"/{case}")
    assert result.status == spec["status"], (result.error_class, result.error)
    if spec["status"] == "failed":
        assert result.error_class == spec["error_class"]
        assert result.entries == []
        if "error" in spec:
            assert result.error == spec["error"]
        return
    if "urls" in spec:
        expected = [u.replace("FEED_BASE", hostile_server.base) for u in spec["urls"]]
        assert [e.url for e in result.entries] == expected
    assert [e.title for e in result.entries] == spec["titles"]
    if "published" in spec:
        assert [e.published for e in result.entries] == spec["published"]
    if "skipped_entries" in spec:
        assert result.skipped_entries == spec["skipped_entries"]
    if "language" in spec:
        assert {e.language for e in result.entries} == {spec["language"]}
    if "summary_contains" in spec:
        assert spec["summary_contains"] in result.entries[0].summary
    if "publishers" in spec:
        assert [e.publisher for e in result.entries] == spec["publishers"]
    if "link_resolvable" in spec:
        assert [e.link_resolvable for e in result.entries] == spec["link_resolvable"]
    for entry in result.entries:
        assert "<" not in entry.summary and "<" not in entry.title


def test_one_bad_feed_loses_nothing_else(hostile_server: HostileServer, client) -> None:
    """A batch of good and hostile feeds: the good ones come through whole, each bad one is recorded."""
    good = (FIXTURES / "good_rss.xml").read_bytes()
    hostile_server.add("/good1", static(good))
    hostile_server.add("/good2", static((FIXTURES / "atom_en.xml").read_bytes()))
    hostile_server.add("/laughs", static((FIXTURES / "billion_laughs.xml").read_bytes()))
    hostile_server.add("/empty", static(b""))
    hostile_server.add("/gone", static(b"gone", 410))
    hostile_server.add("/devzero", static(b"/dev/zero"))
    results = {
        p: _poll(hostile_server, client, p.strip("/"), p)
        for p in ("/good1", "/laughs", "/empty", "/gone", "/devzero", "/good2")
    }
    assert [r.status for r in results.values()] == ["ok", "failed", "failed", "failed", "failed", "ok"]
    assert len(results["/good1"].entries) == 2 and len(results["/good2"].entries) == 1
    assert results["/empty"].error == "empty response body"
    assert results["/gone"].error_class == "http_410"
    assert results["/devzero"].error_class == "parse_error"


@pytest.mark.parametrize("body", [b"/dev/zero", b"/etc/passwd", b"file:///etc/passwd", b"http://127.0.0.1:9/x"])
def test_body_that_is_a_path_or_url_is_never_opened(hostile_server: HostileServer, client, body: bytes) -> None:
    hostile_server.add("/pathbody", static(body, headers={"Content-Type": "application/rss+xml"}))
    result = _poll(hostile_server, client, "pathbody", "/pathbody")
    assert result.status == "failed" and result.error_class == "parse_error"
    assert "root:x:0:0" not in json.dumps(result.to_dict())


def test_external_entity_to_local_file_never_leaks(hostile_server: HostileServer, client, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-93417", encoding="utf-8")
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY s SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>&s;</title><item><title>&s;</title>'
        "<link>https://x.example/a</link><description>&s;</description></item></channel></rss>"
    )
    hostile_server.add("/xxe", static(feed))
    result = _poll(hostile_server, client, "xxe", "/xxe")
    assert result.error_class == "xml_entities"
    assert "TOP-SECRET-MARKER" not in json.dumps(result.to_dict())


def test_external_dtd_is_never_fetched(hostile_server: HostileServer, client) -> None:
    hostile_server.add("/evil.dtd", static(b'<!ENTITY x "CANARY">'))
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{hostile_server.url("/evil.dtd")}">'
        '<rss version="2.0"><channel><title>t</title><item><title>Item</title>'
        "<link>https://x.example/a</link></item></channel></rss>"
    )
    hostile_server.add("/dtd", static(feed))
    result = _poll(hostile_server, client, "dtd", "/dtd")
    assert result.status == "ok" and [e.title for e in result.entries] == ["Item"]
    assert hostile_server.hits["/evil.dtd"] == 0
    assert "CANARY" not in json.dumps(result.to_dict())


def test_quadratic_blowup_is_refused(hostile_server: HostileServer, client) -> None:
    """One 20 KB entity referenced 3,000 times would expand to 60 MB in feedparser's fallback parser."""
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "x" * 20_000 + '">]>'
        '<rss version="2.0"><channel><title>q</title><item><title>'
        + "&a;" * 3_000
        + "</title><link>https://q.example/a</link></item></channel></rss>"
    )
    hostile_server.add("/quadratic", static(body))
    result = _poll(hostile_server, client, "quadratic", "/quadratic")
    assert result.error_class == "xml_entities"


def test_utf16_entity_declaration_is_refused(hostile_server: HostileServer, client) -> None:
    laughs = (FIXTURES / "billion_laughs.xml").read_text(encoding="utf-8").replace('<?xml version="1.0"?>', "")
    hostile_server.add("/utf16", static(laughs.encode("utf-16")))
    assert _poll(hostile_server, client, "utf16", "/utf16").error_class == "xml_entities"


def _big_feed(n: int, start: datetime) -> bytes:
    items = "".join(
        f"<item><title>Artículo {i}</title><link>https://big.example/a/{i}?utm_campaign=x</link>"
        f"<pubDate>{(start + timedelta(minutes=7 * ((i * 37) % n))).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        f"</pubDate><description>Resumen {i} &lt;b&gt;negrita&lt;/b&gt;</description></item>"
        for i in range(n)
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>'
    return f"{head}{items}</channel></rss>".encode()


def test_feed_with_2000_items_gzip_and_newest_first(hostile_server: HostileServer, client) -> None:
    body = gzip.compress(_big_feed(2_000, datetime(2026, 1, 1, tzinfo=UTC)))
    hostile_server.add("/big", static(body, headers={"Content-Encoding": "gzip"}))
    result = _poll(hostile_server, client, "big", "/big")
    assert result.status == "ok" and len(result.entries) == 2_000
    published = [e.published for e in result.entries]
    assert published == sorted(published, reverse=True)
    assert result.entries[0].summary.startswith("Resumen") and "<b>" not in result.entries[0].summary


def test_duplicate_items_across_two_feeds_share_a_canonical_url(hostile_server: HostileServer, client) -> None:
    """Cross-feed dedupe happens at storage time, on the canonical URL these entries agree on."""
    item = "<item><title>Misma nota</title><link>https://Dup.Example:443/nota/?{q}</link></item>"
    for name, q in (("a", "utm_source=a&amp;id=7"), ("b", "id=7&amp;fbclid=zz")):
        feed = f'<rss version="2.0"><channel><title>{name}</title>{item.format(q=q)}</channel></rss>'
        hostile_server.add(f"/dup-{name}", static(feed))
    a = _poll(hostile_server, client, "a", "/dup-a")
    b = _poll(hostile_server, client, "b", "/dup-b")
    assert a.entries[0].url != b.entries[0].url
    assert canonical_url(a.entries[0].url) == canonical_url(b.entries[0].url) == "https://dup.example/nota?id=7"


def test_conditional_get_returns_not_modified_without_parsing(hostile_server: HostileServer, client) -> None:
    def route(handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            send(handler, b"", 304, {"ETag": '"v1"'})
        else:
            send(
                handler,
                (FIXTURES / "good_rss.xml").read_bytes(),
                200,
                {"ETag": '"v1"', "Last-Modified": "Wed, 18 Nov 2026 08:30:00 GMT"},
            )

    hostile_server.add("/cond", route)
    first = _poll(hostile_server, client, "cond", "/cond")
    assert first.status == "ok" and first.etag == '"v1"'
    second = _poll(hostile_server, client, "cond", "/cond", etag=first.etag, last_modified=first.last_modified)
    assert second.status == "not_modified" and second.entries == [] and second.etag == '"v1"'
    assert hostile_server.headers["/cond"]["if-modified-since"] == "Wed, 18 Nov 2026 08:30:00 GMT"


def test_peer_feed_corpus_never_crashes() -> None:
    """feedparser's own ill-formed, encoding, entity and sanitizer cases through parse_entries."""
    from prisonwatch.collect.feeds import parse_entries

    corpus = (PEER / "feedparser").resolve()
    if not corpus.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"peer corpus missing in CI: {corpus}")
        pytest.skip(f"peer corpus not present at {corpus} (it sits beside the checkout)")
    files = [p for p in corpus.rglob("*") if p.is_file() and p.name not in ("LICENSE", "README") and p.suffix != ".md"]
    assert len(files) > 400
    crashes = []
    for path in files:
        try:
            entries = parse_entries(path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - counting is the point
            crashes.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        assert "root:x:0:0" not in json.dumps(entries)
    assert crashes == []
