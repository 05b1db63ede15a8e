"""The Flags view (prisonwatch.ui.webui) through FastAPI's TestClient, mounted as the api-server mounts it.

The corpus (tests/fixtures/webui/corpus.yaml) is stored through Store.ingest_batch and carries hostile
markup in a title and in sentences. The busy-store tests hold the DuckDB lock from another process, as a
DAG task does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from prisonwatch import cli, report, store
from prisonwatch.collect.articles import content_hash
from prisonwatch.config import FeedConfig, Settings
from prisonwatch.models import Article, Figure, PollResult
from prisonwatch.ui import webui, webui_queue

CORPUS = yaml.safe_load((Path(__file__).parent / "fixtures" / "webui" / "corpus.yaml").read_text(encoding="utf-8"))
ORIGIN = "http://testserver"
PREFIX = webui.URL_PREFIX

# Holds a read-write DuckDB connection (the lock) until its stdin closes, like a running DAG task.
LOCK_HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.read()
con.close()
"""


@dataclass
class FakeUser:
    """Stands in for the auth manager's user once Airflow's own check has passed."""

    name: str

    def get_name(self) -> str:
        return self.name


def corpus_pairs() -> list[tuple[Article, list[Figure]]]:
    pairs = []
    for k, item in enumerate(CORPUS["articles"]):
        # Distinct filler per article, so the store does not take them for near-duplicates of each other.
        text = " ".join(f["sentence"] for f in item["figures"]) + " " + " ".join(f"a{k}w{i}" for i in range(60))
        article = Article(
            url=item["url"],
            canonical_url=item["url"],
            title=item["title"],
            text=text,
            content_hash=content_hash(text),
            published=item["published"],
            language=item["language"],
            outlet=item["outlet"],
        )
        figures = []
        for f in item["figures"]:
            start = text.index(f["value_text"])
            figures.append(
                Figure(
                    metric=f["metric"],
                    value_low=f["value_low"],
                    value_high=f["value_high"],
                    qualifier=f["qualifier"],
                    source=f["source"],
                    source_text=f["source_text"],
                    scope="",
                    scope_kind=f["scope_kind"],
                    sentence=f["sentence"],
                    start=start,
                    end=start + len(f["value_text"]),
                    as_of=item["published"],
                    value_text=f["value_text"],
                )
            )
        pairs.append((article, figures))
    return pairs


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Settings whose database holds the corpus; the feeds are the corpus's feeds."""
    settings = Settings(feeds=[FeedConfig(name=f["name"], url=f["url"]) for f in CORPUS["feeds"]])
    settings.home = str(tmp_path)
    settings.store.db_path = str(tmp_path / "pw.duckdb")
    polls = [
        PollResult(
            feed_name=f["name"],
            feed_url=f["url"],
            status=f["status"],
            error=f.get("error"),
            error_class=f.get("error_class"),
        )
        for f in CORPUS["feeds"]
    ]
    with store.open_store(settings.db_path, settings=settings) as db:
        db.ingest_batch("run-1", polls=polls, articles=corpus_pairs(), errors=[], settings=settings)
    return settings


def mounted(app: FastAPI) -> TestClient:
    """The app under the same prefix the plugin mounts it at, inside a parent app like the api-server."""
    parent = FastAPI()
    parent.mount(PREFIX, app)
    return TestClient(parent, base_url=ORIGIN, follow_redirects=False)


@pytest.fixture()
def client(settings: Settings) -> TestClient:
    app = webui.create_app(lambda: settings)
    app.dependency_overrides[webui.airflow_user] = lambda: FakeUser("ana")
    return mounted(app)


def stored_flags(settings: Settings, **filters: Any) -> list[dict[str, Any]]:
    with store.open_store(settings.db_path, read_only=True, settings=settings) as db:
        return db.flags(**filters)


def flag_ids_on(html: str) -> list[str]:
    """The flags a page shows, in page order (each card is an <article id=...>)."""
    return re.findall(r'<article class="flag [^"]*" id="([^"]+)"', html)


def contradiction(settings: Settings) -> dict[str, Any]:
    found = stored_flags(settings, flag_type="contradiction")
    assert len(found) == 1
    return found[0]


@contextmanager
def lock_held(path: Path) -> Iterator[None]:
    proc = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=20)


def post_decision(client: TestClient, flag_id: str, action: str, note: str, **extra: Any) -> Any:
    headers = extra.pop("headers", {"Origin": ORIGIN})
    return client.post(
        f"{PREFIX}/flags/{flag_id}/decision", data={"action": action, "note": note, **extra}, headers=headers
    )


# ------------------------------------------------------------------------------------------ auth
def test_every_route_needs_an_airflow_login(settings: Settings) -> None:
    client = mounted(webui.create_app(lambda: settings))  # Airflow's real user check, no override
    flag_id = contradiction(settings)["id"]
    for path in ("/", "/board", "/feeds", "/review", f"/flags/{flag_id}", "/icon.svg"):
        response = client.get(PREFIX + path)
        assert response.status_code == 401, path
        assert "Log in to Airflow" in response.text
    response = post_decision(client, flag_id, "dismiss", "not a real contradiction")
    assert response.status_code == 401
    assert contradiction(settings)["status"] == "open"
    # The generated API docs would not be behind the login, so they are not served at all.
    for path in ("/docs", "/openapi.json", "/redoc"):
        assert client.get(PREFIX + path).status_code == 404


def test_a_token_airflow_rejects_is_refused(settings: Settings) -> None:
    from airflow.api_fastapi.app import create_auth_manager

    create_auth_manager()
    client = mounted(webui.create_app(lambda: settings))
    assert client.get(PREFIX + "/", headers={"Authorization": "Bearer not.a.token"}).status_code == 403
    client.cookies.set("_token", "not.a.token")
    assert client.get(PREFIX + "/").status_code == 403


# ------------------------------------------------------------------------------------------ pages
def test_open_flags_list_contradictions_first_with_both_sides(client: TestClient, settings: Settings) -> None:
    response = client.get(PREFIX + "/")
    assert response.status_code == 200
    html = response.text
    shown = flag_ids_on(html)
    expected = stored_flags(settings, status="open")
    assert sorted(shown) == sorted(f["id"] for f in expected)
    contradictions = [f["id"] for f in expected if f["type"] == "contradiction"]
    assert len(contradictions) == len(CORPUS["expect"]["contradictions"])
    assert shown[: len(contradictions)] == contradictions
    assert html.index("<h2>Contradictions") < html.index("<h2>New figures")
    card = html[html.index(f'id="{contradictions[0]}"') :]
    card = card[: card.index("</article>")]
    # Both sides: the highlighted numbers, the sources, the dates and the article links.
    assert "<mark>808</mark>" in card and "<mark>302</mark>" in card
    assert "Government" in card and "Foro Penal" in card
    assert "2026-01-30" in card
    assert 'href="https://news.example/gob-808"' in card and 'href="https://news.example/foro-302"' in card
    assert unescape(contradiction(settings)["reason"]) in unescape(card)
    assert f'action="{PREFIX}/flags/{contradictions[0]}/decision"' in card


def test_filters_by_metric_source_type_and_status(client: TestClient, settings: Settings) -> None:
    def shown(query: str) -> set[str]:
        response = client.get(f"{PREFIX}/?{query}")
        assert response.status_code == 200
        return set(flag_ids_on(response.text))

    every = stored_flags(settings)
    by_metric = {f["id"] for f in every if f["metric"] == "still_detained"}
    assert by_metric and shown("metric=still_detained") == by_metric
    involving_foro = {f["id"] for f in every if "foro_penal" in {e["source"] for e in [f["new"], *f["previous"]]}}
    assert len(involving_foro) == 2  # the contradiction and Foro Penal's new figure
    assert shown("source=foro_penal") == involving_foro
    assert shown("type=contradiction") == {f["id"] for f in every if f["type"] == "contradiction"}
    assert shown("type=new_figure&source=provea") == {
        f["id"] for f in every if f["type"] == "new_figure" and f["new"]["source"] == "provea"
    }
    assert shown("status=acknowledged") == set()
    assert shown("status=all") == {f["id"] for f in every}
    response = client.get(f"{PREFIX}/?metric=bogus")
    assert "Filter ignored" in response.text and set(flag_ids_on(response.text)) == {
        f["id"] for f in every if f["status"] == "open"
    }


def test_article_text_is_escaped_everywhere(client: TestClient, settings: Settings) -> None:
    flag_id = contradiction(settings)["id"]
    for path in ("/?status=all", f"/flags/{flag_id}", "/board"):
        response = client.get(PREFIX + path)
        assert response.status_code == 200
        html = response.text
        assert "<script" not in html.lower(), path
        assert "<img src=x" not in html, path
        csp = response.headers["content-security-policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp
    listing = client.get(PREFIX + "/").text
    assert "&lt;script&gt;alert(&#39;sentence&#39;)&lt;/script&gt;" in listing
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in listing


def test_detail_page_shows_corroborations(client: TestClient, settings: Settings) -> None:
    flag = contradiction(settings)
    html = client.get(f"{PREFIX}/flags/{flag['id']}").text
    expected_urls = CORPUS["expect"]["contradictions"][0]["corroborated_by"]
    section = html[html.index("Corroborated by") : html.index("<h2>Decision")]
    assert [u for u in expected_urls if f'href="{u}"' in section] == expected_urls
    assert "<mark>808</mark>" in section
    assert client.get(f"{PREFIX}/flags/f_doesnotexist").status_code == 404


def test_board_and_charts(client: TestClient, settings: Settings) -> None:
    html = client.get(PREFIX + "/board").text
    with store.open_store(settings.db_path, read_only=True) as db:
        data = db.report_data(flag_ids=[])
    assert data["board"]
    rows = re.findall(r'<tr>\s*<td data-label="[^"]*">([^<]+)</td>\s*<td data-label="[^"]*">([^<]+)</td>', html)
    labels = report.resolve_labels()
    assert sorted(rows) == sorted(
        (labels["metrics"][r["metric"]], labels["sources"][r["source"]]) for r in data["board"]
    )
    metrics = {p["metric"] for p in data["timeline"]}
    charts = re.findall(r'<figure class="chart" aria-label="([^"]+)"><svg class="chart-svg wide"', html)
    assert len(charts) == len(metrics) and metrics and html.count('<svg class="chart-svg narrow"') == len(metrics)


def test_feed_health_for_operators(client: TestClient) -> None:
    html = client.get(PREFIX + "/feeds").text
    broken = html[html.index("<strong>broken_feed</strong>") :]
    broken = broken[: broken.index("</tr>")]
    failed = next(f for f in CORPUS["feeds"] if f["status"] == "failed")
    assert failed["error"] in broken and 'class="num bad">1</td>' in broken
    good = html[html.index("<strong>good_feed</strong>") :]
    good = good[: good.index("</tr>")]
    assert 'class="num">0</td>' in good and "never" not in good
    assert "1 feed failed on the last poll" in html


# ------------------------------------------------------------------------------------------ decisions
def test_acknowledge_and_dismiss_reach_the_store_the_cli_and_the_report(
    client: TestClient, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    flag = contradiction(settings)
    response = post_decision(client, flag["id"], "acknowledge", "  checked with  Foro Penal  ", return_to="detail")
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{PREFIX}/flags/{flag['id']}?done=acknowledged")
    page = client.get(response.headers["location"]).text
    assert "Saved: the flag is acknowledged." in page
    after = contradiction(settings)
    assert after["status"] == "acknowledged" and after["note"] == "checked with Foro Penal [ana]"

    assert cli.main(["flags", "--db", str(settings.db_path), "--status", "acknowledged", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["note"]) for f in listed] == [(flag["id"], "checked with Foro Penal [ana]")]
    with store.open_store(settings.db_path, read_only=True) as db:
        html = report.render_html(db.report_data(flag_ids=[flag["id"]]))
    assert "checked with Foro Penal [ana]" in html and "acknowledged" in html

    other = next(f for f in stored_flags(settings, status="open") if f["metric"] == "still_detained")
    response = post_decision(
        client,
        other["id"],
        "dismiss",
        "a stock, not news",
        return_to="list",
        return_query="metric=still_detained&bogus=1",
    )
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"{PREFIX}/?metric=still_detained&done=dismissed&flag={other['id']}#{other['id']}"
    )
    assert stored_flags(settings, status="dismissed")[0]["id"] == other["id"]
    # Re-opening needs no note; the open list shows the flag again.
    assert post_decision(client, other["id"], "reopen", "").status_code == 303
    assert other["id"] in flag_ids_on(client.get(PREFIX + "/").text)


def test_decisions_are_checked(client: TestClient, settings: Settings) -> None:
    flag_id = contradiction(settings)["id"]
    assert post_decision(client, flag_id, "acknowledge", "   ").status_code == 400
    assert post_decision(client, flag_id, "delete", "why").status_code == 400
    assert post_decision(client, flag_id, "dismiss", "x" * (webui.MAX_NOTE_CHARS + 1)).status_code == 400
    assert post_decision(client, "f_doesnotexist", "dismiss", "why").status_code == 404
    # Forged from another site, or with no origin at all: refused.
    for headers in (
        {"Origin": "https://evil.example"},
        {},
        {"Origin": "null"},
        {"Origin": ORIGIN, "Sec-Fetch-Site": "cross-site"},
    ):
        response = post_decision(client, flag_id, "dismiss", "forged", headers=headers)
        assert response.status_code == 403, headers
    assert contradiction(settings)["status"] == "open"
    # A same-site Referer is accepted when a browser sends no Origin; a Bearer token needs no origin.
    assert (
        post_decision(client, flag_id, "dismiss", "by referer", headers={"Referer": f"{ORIGIN}{PREFIX}/"}).status_code
        == 303
    )
    assert post_decision(client, flag_id, "reopen", "", headers={"Authorization": "Bearer x"}).status_code == 303
    assert contradiction(settings)["status"] == "open"


# ------------------------------------------------------------------------------------------ busy store
def test_read_pages_say_store_busy_while_a_task_holds_the_lock(client: TestClient, settings: Settings) -> None:
    flag_id = contradiction(settings)["id"]
    with lock_held(settings.db_path):
        for path in ("/", "/board", "/feeds", f"/flags/{flag_id}"):
            response = client.get(PREFIX + path)
            assert response.status_code == 503, path
            assert "Store busy" in response.text and response.headers["retry-after"] == "5"
    assert client.get(PREFIX + "/").status_code == 200


def test_decision_is_queued_while_locked_then_applied_by_the_pipeline(client: TestClient, settings: Settings) -> None:
    flag_id = contradiction(settings)["id"]
    with lock_held(settings.db_path):
        response = post_decision(client, flag_id, "acknowledge", "same story, checked")
        assert response.status_code == 202
        assert "Queued, will apply when the store is free" in response.text
    # Nothing reached DuckDB yet; the decision waits on disk and the pages say so.
    assert contradiction(settings)["status"] == "open"
    pending = webui_queue.decisions(settings.db_path)
    assert [(d.flag_id, d.status, d.note, d.user) for d in pending] == [
        (flag_id, "acknowledged", "same story, checked [ana]", "ana")
    ]
    assert "1 decision is queued" in client.get(PREFIX + "/").text
    assert (
        "Queued, will apply when the store is free: acknowledged by ana" in client.get(f"{PREFIX}/flags/{flag_id}").text
    )
    # The pipeline's store step applies the queue first.
    with store.open_store(settings.db_path, settings=settings) as db:
        summary = webui_queue.apply_pending(db)
    assert summary == {"applied": 1, "superseded": 0, "failed": 0, "pending": 0}
    after = contradiction(settings)
    assert after["status"] == "acknowledged" and after["note"] == "same story, checked [ana]"
    assert webui_queue.decisions(settings.db_path) == []
    assert "1 decision is queued" not in client.get(PREFIX + "/").text


def test_queued_decisions_apply_before_a_new_one_from_the_view(client: TestClient, settings: Settings) -> None:
    flag_id = contradiction(settings)["id"]
    with lock_held(settings.db_path):
        assert post_decision(client, flag_id, "acknowledge", "first look").status_code == 202
    assert post_decision(client, flag_id, "dismiss", "second look").status_code == 303
    assert contradiction(settings)["note"] == "second look [ana]"
    history = webui_queue.decisions(settings.db_path, state=None)
    assert [(d.status, d.state) for d in history] == [("acknowledged", "applied")]


def test_no_database_yet_is_explained_and_not_created(tmp_path: Path) -> None:
    settings = Settings()
    settings.store.db_path = str(tmp_path / "missing.duckdb")
    app = webui.create_app(lambda: settings)
    app.dependency_overrides[webui.airflow_user] = lambda: FakeUser("ana")
    client = mounted(app)
    response = client.get(PREFIX + "/")
    assert response.status_code == 503 and "No database yet" in response.text
    assert post_decision(client, "f_x", "dismiss", "why").status_code == 503
    assert not (tmp_path / "missing.duckdb").exists()


def test_plugin_is_wired_for_the_api_server_and_the_nav() -> None:
    from airflow import plugins_manager

    apps, _ = plugins_manager.get_fastapi_plugins()
    ours = [a for a in apps if a.get("url_prefix") == PREFIX]
    assert len(ours) == 1 and isinstance(ours[0]["app"], FastAPI)
    views = [v for p in plugins_manager.get_plugin_info() for v in p.get("external_views") or []]
    flags_view = next(v for v in views if v.get("name") == "Flags")
    assert flags_view["destination"] == "nav" and flags_view["href"].endswith(PREFIX + "/")
    assert flags_view["url_route"] == webui.NAV_URL_ROUTE


# ------------------------------------------------------------------------------------------ review
def test_a_figure_held_for_review_is_judged_in_one_click(client: TestClient, settings: Settings) -> None:
    with store.open_store(settings.db_path, settings=settings) as db:
        (figure_id,) = db.con.execute("SELECT id FROM figures WHERE NOT vague ORDER BY id LIMIT 1").fetchone()
        db.con.execute("UPDATE figures SET confidence = 0.3 WHERE id = ?", [figure_id])
    listing = client.get(f"{PREFIX}/")
    assert "held for review" in listing.text
    page = client.get(f"{PREFIX}/review")
    assert page.status_code == 200 and f'id="{figure_id}"' in page.text and "This is right" in page.text
    refused = client.post(f"{PREFIX}/review/{figure_id}", data={"verdict": "right"}, headers={"Origin": "http://evil"})
    assert refused.status_code == 403
    done = client.post(
        f"{PREFIX}/review/{figure_id}", data={"verdict": "right", "note": "checked"}, headers={"Origin": ORIGIN},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].endswith("/review?done=right")
    assert f'id="{figure_id}"' not in client.get(f"{PREFIX}/review").text
    with store.open_store(settings.db_path, read_only=True, settings=settings) as db:
        verdict, note = db.con.execute(
            "SELECT review_verdict, review_note FROM figures WHERE id = ?", [figure_id]
        ).fetchone()
    assert verdict == "right" and note == "checked [ana]"
    assert (
        client.post(f"{PREFIX}/review/{figure_id}", data={"verdict": "maybe"}, headers={"Origin": ORIGIN}).status_code
        == 400
    )
