"""Reports: what analysts see (HTML, Markdown, JSON), that article text stays text, and publishing rules."""

from __future__ import annotations

import copy
import json
import threading
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest
from factories import FakeStore, settings_for

from prisonwatch import report

FIXTURES = Path(__file__).parent / "fixtures" / "report"
SCHEMA = json.loads(report.SCHEMA_PATH.read_text(encoding="utf-8"))


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def data() -> dict:
    return load("run_report.json")


@pytest.fixture
def expect() -> dict:
    return load("run_report.expect.json")


class Page(HTMLParser):
    """The parts of an HTML page the tests look at: elements, attributes, visible text, marks, links."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.marks: dict[str, list[str]] = {}
        self.links: list[tuple[str, str]] = []
        self.flag_order: list[str] = []
        self.strong: list[str] = []
        self._strong: str | None = None
        self._flag = ""
        self._in_mark = False
        self._in_link: str | None = None
        self._mark_text = ""
        self._link_text = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        classes = (attributes.get("class") or "").split()
        if tag == "div" and "flag" in classes:
            self._flag = attributes.get("id") or ""
            self.flag_order.append(self._flag)
        if tag == "mark":
            self._in_mark, self._mark_text = True, ""
        if tag == "a":
            self._in_link, self._link_text = attributes.get("href") or "", ""
        if tag == "strong":
            self._strong = ""

    def handle_endtag(self, tag):
        if tag == "mark" and self._in_mark:
            self.marks.setdefault(self._flag, []).append(self._mark_text)
            self._in_mark = False
        if tag == "a" and self._in_link is not None:
            self.links.append((self._in_link, self._link_text))
            self._in_link = None
        if tag == "strong" and self._strong is not None:
            self.strong.append(self._strong)
            self._strong = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self._mark_text += data
        if self._in_link is not None:
            self._link_text += data
        if self._strong is not None:
            self._strong += data

    @property
    def visible(self) -> str:
        return "".join(self.text)


SVG_PARTS = {"svg", "g", "path", "defs", "clippath", "use", "text", "style", "rect", "metadata", "rdf:rdf",
             "cc:work", "dc:type", "dc:format", "dc:date", "dc:creator", "cc:agent", "dc:title", "title"}  # fmt: skip


def assert_inert(page: Page) -> None:
    """No script or frame element, no event-handler attribute, no link or image outside http(s) (and our PNGs);
    SVG only as the charts drawn here (class chart-svg), whose references stay inside the page."""
    in_chart = False
    for tag, attrs in page.tags:
        if tag == "svg":
            in_chart = "chart-svg" in (attrs.get("class") or "")
            assert in_chart, "an <svg> that is not one of the report's charts"
        if in_chart and tag in SVG_PARTS:
            for name, value in attrs.items():
                assert not name.startswith("on"), f"event handler on <{tag}>: {name}={value}"
                if name.endswith("href"):
                    assert (value or "").startswith("#"), f"a chart refers outside itself: {value}"
            continue
        assert tag not in ("script", "iframe", "svg", "object", "embed", "style") or (tag == "style" and not attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler on <{tag}>: {name}={value}"
            if name in ("href", "src") and value:
                assert value.startswith(("http://", "https://", "data:image/png;base64,", "cid:")) or (
                    tag == "a" and not value.split("/")[0].count(":")
                ), f"unsafe {name} on <{tag}>: {value}"


# ------------------------------------------------------------------------------------------ helpers
def test_headline_and_run_summary_line(data, expect):
    assert report.headline(data) == expect["headline"]
    assert report.run_summary_line(data["run"]) == expect["run_summary_line"]
    quiet = {"feeds_ok": 12, "articles_new": 1, "figures_new": 0, "flags_new": 1}
    assert report.run_summary_line(quiet) == (
        "feeds 12 ok / 0 failed · articles 1 new, 0 duplicate, 0 irrelevant, 0 failed · 0 figures · 1 flag"
    )
    digest = dict(data, run=None, feeds=[])
    assert report.headline(digest) == "2 contradictions, 2 new figures"


def test_run_summary_line_names_unhealthy_feeds():
    line = report.run_summary_line({"feeds_ok": 3, "feeds_failed": 1, "unhealthy_feeds": ["gnews_foro_penal"]})
    assert line.startswith("feeds 3 ok / 1 failed (1 unhealthy: gnews_foro_penal)")


@pytest.mark.parametrize("case", load("highlight_cases.json")["cases"], ids=lambda c: c["sentence"][:30] or "empty")
def test_highlight_segments(case):
    segments = report.highlight_segments(case["sentence"], case["value_text"], case["value_low"])
    marked = [text for text, is_number in segments if is_number]
    assert marked == ([case["marked"]] if case["marked"] else [])
    assert "".join(text for text, _ in segments) == case["sentence"]  # nothing lost or reordered


@pytest.mark.parametrize(
    ("figure", "shown"),
    [
        ({"value_low": 600, "value_high": 600, "qualifier": "more_than"}, "more than 600"),
        ({"value_low": 1000, "value_high": 1000, "qualifier": "about"}, "about 1,000"),
        ({"value_low": 120, "value_high": 150, "qualifier": "range"}, "120–150"),
        ({"value_low": 50, "value_high": 50, "qualifier": "fewer_than"}, "fewer than 50"),
        ({"value_low": 379, "value_high": 379, "qualifier": "exact"}, "379"),
        ({"value_low": None, "value_high": None, "qualifier": "exact"}, "?"),
    ],
)
def test_format_value(figure, shown):
    assert report.format_value(figure, report.resolve_labels()) == shown


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://noticias.example.net/a", True),
        ("http://example.org/b?x=1", True),
        ("javascript:alert(1)", False),
        (" JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("https://exa\nmple.org", False),
        ("ftp://example.org/file", False),
        (None, False),
    ],
)
def test_safe_url(url, allowed):
    assert (report.safe_url(url) is not None) is allowed


def test_labels_are_overridable_one_level_deep(data):
    labels = report.resolve_labels({"sources": {"government": "Ejecutivo"}, "contradictions": "Conflicts"})
    assert labels["sources"]["government"] == "Ejecutivo"
    assert labels["sources"]["foro_penal"] == "Foro Penal"  # untouched neighbours survive
    html = report.render_html(data, labels={"sources": {"government": "Ejecutivo"}, "contradictions": "Conflicts"})
    assert "Ejecutivo" in Page(html).visible and "Conflicts (2)" in Page(html).visible
    assert report.LABELS["sources"]["government"] == "Government"  # defaults not mutated


# ------------------------------------------------------------------------------------------ HTML
def test_html_puts_contradictions_first_and_marks_each_number(data, expect):
    page = Page(report.render_html(data))
    assert page.flag_order == expect["flag_order"]
    assert page.marks == expect["marked"]
    visible = page.visible
    assert visible.index("Contradictions (2)") < visible.index("New figures (2)") < visible.index("Figures board")
    for label in expect["source_labels"] + expect["values"] + expect["failing_feeds"]:
        assert label in visible
    assert expect["headline"] in visible
    for flag in data["flags"]:
        assert flag["reason"] in visible
    # Every article is linked, with its title as the link text.
    links = dict((text, href) for href, text in page.links)
    for flag in data["flags"]:
        for side in [flag["new"], *flag["previous"]]:
            assert links[side["article_title"]] == side["article_url"]
    assert_inert(page)


def test_html_shows_status_note_and_feed_health(data):
    page = Page(report.render_html(data))
    visible = page.visible
    assert "Status: acknowledged" in visible
    assert "Checking whether JEP counts people under house arrest." in visible
    assert "unhealthy" in visible and "connect timeout after 5.0 s" in visible
    assert "HTTP 503 Service Unavailable" in visible
    healthy = dict(data, feeds=[dict(f, consecutive_failures=0, healthy=True) for f in data["feeds"]], errors=[])
    assert "All feeds answered on their last poll." in Page(report.render_html(healthy)).visible


def test_html_embeds_charts_so_the_file_needs_nothing_else(tmp_path, data):
    written = report.write_report(data, tmp_path, kind="run", now=datetime(2026, 2, 3, 10, 0, tzinfo=UTC))
    page = Page(Path(written["html"]).read_text(encoding="utf-8"))
    charts = [attrs["class"] for tag, attrs in page.tags if tag == "svg"]
    assert (
        len(written["charts"]) == 3 and charts == ["chart-svg wide", "chart-svg narrow"] * 3
    )  # one of each per metric
    # No other resource is fetched: no external stylesheet, script or image.
    assert not [t for t, a in page.tags if t in ("link", "img")]
    assert_inert(page)


def test_empty_report_says_so(data):
    empty = dict(data, flags=[], board=[], timeline=[])
    visible = Page(report.render_html(empty)).visible
    assert "No new flags in this report." in visible
    assert "0 contradictions, 0 new figures" in visible


# ------------------------------------------------------------------------------------------ hostile text
def test_hostile_article_text_is_shown_as_text_in_html():
    hostile = load("hostile_report.json")
    page = Page(report.render_html(hostile["data"], chart_sources={}))
    assert_inert(page)
    for text in hostile["expect"]["visible_text"]:
        assert text in page.visible
    assert page.marks["f_9d04e61b2c55"] == hostile["expect"]["marked"]["f_9d04e61b2c55"]
    # The javascript: URL is printed, never linked; the http(s) ones still are.
    hrefs = [href for href, _ in page.links]
    assert not any("alert" in href for href in hrefs)
    assert "https://noticias.example.net/venezuela/medidas-cautelares" in hrefs


def test_hostile_article_text_is_shown_as_text_in_markdown():
    markdown_it = pytest.importorskip("markdown_it")
    hostile = load("hostile_report.json")
    markdown = report.render_markdown(hostile["data"])
    # Render as a permissive Markdown viewer would (raw HTML allowed) and inspect the result.
    rendered = markdown_it.MarkdownIt("commonmark", {"html": True}).render(markdown)
    page = Page(rendered)
    assert_inert(page)
    for text in hostile["expect"]["visible_text"]:
        assert text in page.visible, text
    assert not any("alert" in href or "evil" in href for href, _ in page.links)
    assert not [a for t, a in page.tags if t == "img"]  # ![x](...) in a title is not an image
    headings = [t for t, _ in page.tags if t in ("h1", "h2", "h3", "h4")]
    plain_headings = [
        t
        for t, _ in Page(
            markdown_it.MarkdownIt("commonmark").render(report.render_markdown(load("run_report.json")))
        ).tags
        if t in ("h1", "h2", "h3", "h4")
    ]
    assert headings == plain_headings  # '# heading' inside a sentence made no heading


def test_markdown_of_the_fixture_reads_well(data, expect):
    markdown_it = pytest.importorskip("markdown_it")
    markdown = report.render_markdown(data)
    page = Page(markdown_it.MarkdownIt("commonmark").enable("table").render(markdown))
    visible = page.visible
    assert expect["headline"] in visible
    for flag in data["flags"]:
        assert flag["reason"] in visible
    strong = set(page.strong)
    for phrases in expect["marked"].values():
        assert set(phrases) <= strong
    assert {href for href, _ in page.links} >= {f["new"]["article_url"] for f in data["flags"]}
    assert visible.index("Contradictions") < visible.index("New figures")


# ------------------------------------------------------------------------------------------ JSON
@pytest.mark.parametrize("variant", ["run", "digest", "hostile", "empty", "review"])
def test_json_validates_against_the_published_schema(data, variant):
    if variant == "digest":
        data = dict(data, run=None)
    if variant == "review":  # a figure held for review is a FigureEvidence like a flag's side
        data = dict(data, review=[dict(data["flags"][0]["new"], confidence=0.55, source_confidence=0.8)])
    if variant == "hostile":
        data = load("hostile_report.json")["data"]
    if variant == "empty":
        data = {
            "generated_at": "2026-02-03T10:00:00+00:00",
            "run": None,
            "flags": [],
            "board": [],
            "timeline": [],
            "feeds": [],
            "errors": [],
            "counts": {},
        }
    document = json.loads(report.render_json(data, kind="digest" if variant == "digest" else "run"))
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_json_keeps_only_documented_keys_and_the_schema_bites(data):
    extra = copy.deepcopy(data)
    extra["flags"][0]["internal_score"] = 0.93
    extra["flags"][0]["new"]["start"] = 12
    document = json.loads(report.render_json(extra))
    assert "internal_score" not in document["flags"][0] and "start" not in document["flags"][0]["new"]
    assert document["summary"] == {
        "contradictions": 2,
        "stock_mismatches": 0,
        "revisions": 0,
        "new_figures": 2,
        "articles_read": 14,
        "feeds_failing": 2,
        "feeds_unhealthy": 1,
    }
    broken = dict(document)
    del broken["flags"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft202012Validator)
    wrong = copy.deepcopy(document)
    wrong["flags"][0]["type"] = "rumour"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, SCHEMA, cls=jsonschema.Draft202012Validator)


# ------------------------------------------------------------------------------------------ files
def test_write_report_writes_all_formats_and_an_index_newest_first(tmp_path, data, expect):
    first = report.write_report(data, tmp_path, kind="run", now=datetime(2026, 2, 3, 10, 0, tzinfo=UTC))
    digest = report.write_report(
        dict(data, run=None), tmp_path, kind="digest", since="2026-02-02", now=datetime(2026, 2, 4, 7, 0, tzinfo=UTC)
    )
    assert first["report_id"] == "20260203T100000Z_run"
    assert digest["report_id"] == "20260204T070000Z_digest"
    for written in (first, digest):
        for key in ("html", "markdown", "json"):
            assert Path(written[key]).is_file()
        assert sorted(Path(p).name for p in written["charts"].values()) == sorted(
            f"{m}.png" for m in expect["chart_metrics"]
        )
    document = json.loads(Path(first["json"]).read_text(encoding="utf-8"))
    assert document["report_id"] == first["report_id"] and document["flag_ids"] == first["flag_ids"]
    assert [c["file"] for c in document["charts"]] == [f"charts/{m}.png" for m in expect["chart_metrics"]]
    assert "charts/released.png" in Path(first["markdown"]).read_text(encoding="utf-8")
    index = Page(Path(first["index"]).read_text(encoding="utf-8"))
    report_links = [href for href, _ in index.links if href.endswith("report.html")]
    assert report_links == [f"{digest['report_id']}/report.html", f"{first['report_id']}/report.html"]
    assert not list(tmp_path.glob(".tmp-*"))


def test_write_report_never_overwrites_and_checks_its_arguments(tmp_path, data):
    now = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
    a = report.write_report(data, tmp_path, kind="run", now=now)
    b = report.write_report(data, tmp_path, kind="run", now=now)
    assert a["report_id"] != b["report_id"] and Path(a["html"]).is_file() and Path(b["html"]).is_file()
    with pytest.raises(FileExistsError):
        report.write_report(data, tmp_path, kind="run", report_id=a["report_id"])
    with pytest.raises(ValueError):
        report.write_report(data, tmp_path, kind="weekly")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        report.write_report(data, tmp_path, kind="run", report_id="../escape")


# ------------------------------------------------------------------------------------------ publishing


def test_publish_without_channels_writes_marks_and_never_repeats(tmp_path, data):
    store = FakeStore(data)
    settings = settings_for(tmp_path)
    first = report.publish_unreported(settings, store_opener=store.opener(), now=datetime(2026, 2, 3, 10, tzinfo=UTC))
    assert first["flags"] == 4 and first["delivered"] == []
    assert {rid for rid, _ in store.reported.values()} == {first["report_id"]}
    assert {channel for _, channel in store.reported.values()} == {"file"}
    again = report.publish_unreported(settings, store_opener=store.opener())
    assert again["report_id"] is None and again["flags"] == 0
    assert len(report.list_reports(settings.reports_dir)) == 1


def test_publish_preview_marks_nothing(tmp_path, data):
    store = FakeStore(data)
    summary = report.publish_unreported(settings_for(tmp_path), store_opener=store.opener(), send=False)
    assert Path(summary["paths"]["html"]).is_file()
    assert store.reported == {}


def test_marking_failure_after_delivery_is_recovered_without_sending_again(tmp_path, data, webhook):
    url, received, _ = webhook
    store = FakeStore(data, fail_marking=1)
    settings = settings_for(tmp_path, webhook_url=url, base_url="https://reports.example.org/pw")
    with pytest.raises(RuntimeError, match="database is locked"):
        report.publish_unreported(settings, store_opener=store.opener())
    assert len(received) == 1 and store.reported == {}
    summary = report.publish_unreported(settings, store_opener=store.opener())
    assert len(received) == 1  # the webhook was not called a second time
    assert summary["report_id"] is None and len(summary["recovered"]) == 1
    assert set(store.reported) == {f["id"] for f in data["flags"]}


# ------------------------------------------------------------------------------------------ webhook
@pytest.fixture
def webhook():
    """A local Slack-compatible endpoint: yields (url, received bodies, status to answer with)."""
    received: list[dict] = []
    status = {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            self.send_response(status["code"])
            self.end_headers()
            self.wfile.write(b"ok")
            if status["code"] == 200:
                received.append(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received, status
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_gets_headline_and_link(tmp_path, data, webhook, expect):
    url, received, _ = webhook
    store = FakeStore(data)
    settings = settings_for(tmp_path, webhook_url=url, base_url="https://reports.example.org/pw/")
    summary = report.publish_unreported(settings, store_opener=store.opener())
    assert summary["delivered"] == ["webhook"]
    assert received == [
        {"text": f"{expect['headline']}\nhttps://reports.example.org/pw/{summary['report_id']}/report.html"}
    ]
    assert {channel for _, channel in store.reported.values()} == {"webhook"}


def test_failed_webhook_leaves_flags_for_the_next_report(tmp_path, data, webhook):
    url, received, status = webhook
    store = FakeStore(data)
    settings = settings_for(tmp_path, webhook_url=url)
    status["code"] = 500
    with pytest.raises(report.DeliveryFailed, match="HTTP 500"):
        report.publish_unreported(settings, store_opener=store.opener())
    assert store.reported == {}
    failed = report.list_reports(settings.reports_dir)
    assert [r["delivery"] for r in failed] == ["failed"]
    status["code"] = 200
    summary = report.publish_unreported(settings, store_opener=store.opener())
    assert summary["flags"] == 4 and len(received) == 1
    assert set(store.reported) == {f["id"] for f in data["flags"]}


# ------------------------------------------------------------------------------------------ digest, on demand, CLI
def test_digest_marks_nothing_and_is_not_sent_twice(tmp_path, data, webhook):
    url, received, _ = webhook
    store = FakeStore(data)
    settings = settings_for(tmp_path, webhook_url=url)
    now = datetime(2026, 2, 4, 7, 0, tzinfo=UTC)
    first = report.publish_digest(settings, since="2026-02-03T00:00:00+00:00", now=now, store_opener=store.opener())
    assert first["flags"] == 4 and first["delivered"] == ["webhook"] and store.reported == {}
    assert "since='2026-02-03T00:00:00+00:00'" in store.calls[-1]
    again = report.publish_digest(settings, since="2026-02-03T00:00:00+00:00", now=now, store_opener=store.opener())
    assert again["skipped"] == "already delivered" and len(received) == 1


def test_render_on_demand_formats(data):
    store = FakeStore(data)
    as_json = json.loads(report.render_on_demand("unused.duckdb", "2026-02-03", "json", store_opener=store.opener()))
    assert as_json["kind"] == "digest" and as_json["since"] == "2026-02-03"
    assert report.render_on_demand("x", None, "md", store_opener=store.opener()).startswith("# prisonwatch")
    html = report.render_on_demand("x", None, "html", store_opener=store.opener())
    assert '<svg class="chart-svg wide"' in html and '<svg class="chart-svg narrow"' in html
    with pytest.raises(ValueError):
        report.render_on_demand("x", None, "pdf", store_opener=store.opener())


def test_digest_default_window_repeats_for_a_retry_in_the_same_hour(tmp_path, data, webhook):
    url, received, status = webhook
    store = FakeStore(data)
    settings = settings_for(tmp_path, webhook_url=url)
    status["code"] = 503
    with pytest.raises(report.DeliveryFailed):
        report.publish_digest(settings, now=datetime(2026, 2, 4, 7, 0, 5, tzinfo=UTC), store_opener=store.opener())
    status["code"] = 200
    first = report.publish_digest(settings, now=datetime(2026, 2, 4, 7, 2, tzinfo=UTC), store_opener=store.opener())
    retry = report.publish_digest(settings, now=datetime(2026, 2, 4, 7, 9, tzinfo=UTC), store_opener=store.opener())
    assert first["delivered"] == ["webhook"] and retry.get("skipped") == "already delivered"
    assert len(received) == 1
    document = json.loads(Path(first["paths"]["json"]).read_text(encoding="utf-8"))
    assert document["since"] == "2026-02-03T07:00:00+00:00" and document["kind"] == "digest"
