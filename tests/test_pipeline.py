"""Pipeline steps without Airflow: choosing new entries, staging, and failure isolation."""

from __future__ import annotations

import pytest

from prisonwatch.config import load_settings
from prisonwatch.models import FeedEntry, PollResult
from prisonwatch.run import pipeline


def entry(feed: str, url: str, published: str) -> FeedEntry:
    return FeedEntry(feed_name=feed, feed_url=f"https://{feed}.example/feed", url=url, title=url, published=published)


def test_new_entries_skip_known_urls_and_duplicates_across_feeds():
    polls = [
        PollResult(
            "a",
            "https://a.example/feed",
            "ok",
            entries=[
                entry("a", "https://news.example/one?utm_source=rss", "2026-02-02T10:00:00+00:00"),
                entry("a", "https://news.example/old", "2026-01-01T10:00:00+00:00"),
            ],
        ),
        PollResult(
            "b",
            "https://b.example/feed",
            "ok",
            entries=[
                entry("b", "https://news.example/one", "2026-02-02T11:00:00+00:00"),
                entry("b", "https://news.example/two", "2026-02-01T09:00:00+00:00"),
            ],
        ),
        PollResult("c", "https://c.example/feed", "failed", error="boom", error_class="http_500"),
    ]
    batches, deferred = pipeline.choose_new_entries(polls, {"https://news.example/old"}, max_per_feed=10)
    assert deferred == 0
    assert [[e.url for e in b] for b in batches] == [
        ["https://news.example/one?utm_source=rss"],
        ["https://news.example/two"],
    ]


def test_per_feed_cap_keeps_the_newest_and_counts_the_rest():
    polls = [
        PollResult(
            "a",
            "https://a.example/feed",
            "ok",
            entries=[entry("a", f"https://news.example/{i}", f"2026-02-{i + 1:02d}T00:00:00+00:00") for i in range(5)],
        )
    ]
    batches, deferred = pipeline.choose_new_entries(polls, set(), max_per_feed=2)
    assert deferred == 3
    assert [e.url for e in batches[0]] == ["https://news.example/3", "https://news.example/4"]


def test_failed_poll_is_staged_then_raised(tmp_path, monkeypatch):
    monkeypatch.setenv("PRISONWATCH_HOME", str(tmp_path))
    settings = load_settings(env={"PRISONWATCH_HOME": str(tmp_path)})
    settings.fetch.retries = 0
    plan = {"name": "nowhere", "url": "http://127.0.0.1:9/feed.xml", "language": "es"}
    settings.fetch.allow_hosts = ["127.0.0.1"]
    with pytest.raises(pipeline.FeedPollFailed, match="nowhere"):
        pipeline.poll_feed(plan, settings, "run-1")
    staged = pipeline.staged_polls(settings, "run-1")
    assert [(p.feed_name, p.status) for p in staged] == [("nowhere", "failed")]
    assert pipeline.poll_errors(staged)[0].stage == "feed"


def test_run_dir_names_are_safe(tmp_path):
    settings = load_settings(env={"PRISONWATCH_HOME": str(tmp_path)})
    for run_id in ("manual__2026-02-01T10:00:00+00:00/../x", "..", "../../etc"):
        path = pipeline.run_dir(settings, run_id)
        assert path.parent == settings.staging_dir, run_id
        assert path.name not in {".", ".."}


def test_a_feed_that_keeps_failing_is_reported_unhealthy(tmp_path, caplog):
    from prisonwatch.config import FeedConfig

    settings = load_settings(env={"PRISONWATCH_HOME": str(tmp_path)})
    settings.feeds = [FeedConfig(name="gone", url="http://127.0.0.1:9/feed.xml")]
    settings.fetch.allow_hosts = ["127.0.0.1"]
    settings.fetch.retries = 0
    settings.flags.unhealthy_after_failures = 2
    first = pipeline.run_once(settings, "run-1", publish=False)
    assert first["feeds_failed"] == 1 and first["unhealthy_feeds"] == []
    assert first["failed_feeds"][0]["name"] == "gone"
    with caplog.at_level("WARNING", logger="prisonwatch.run.pipeline"):
        second = pipeline.run_once(settings, "run-2", publish=False)
    assert second["unhealthy_feeds"] == ["gone"]
    assert "unhealthy feeds (2 or more failed polls in a row): gone" in caplog.text


def test_fetch_pipelines_pages_keeps_feed_order_and_stages_figures(site_config, demo_site):
    """Pages are extracted while the next is fetched and the last analysed: order, errors and figures hold."""
    import shutil

    base_url, _ = demo_site
    settings = load_settings(site_config)
    paths = [
        "es/foro-penal-balance-excarcelaciones.html",
        "missing.html",
        "en/assembly-900-released.html",
        "es/exportaciones-petroleras-enero.html",
    ]
    entries = [entry("demo", f"{base_url}/{p}", f"2026-01-0{i + 1}") for i, p in enumerate(paths)]
    batch = {"feed": "demo", "entries": [e.to_dict() for e in entries]}
    summary = pipeline.fetch_articles(batch, settings, "run-o")
    staged = pipeline.staged_articles(settings, "run-o")
    assert [a.url for a in staged] == [entries[i].url for i in (0, 2, 3)]
    assert [e.url for e in pipeline.staged_errors(settings, "run-o")] == [entries[1].url]
    assert summary["fetched"] == 3 and summary["failed"] == 1
    relevant = [a for a in staged if a.relevant]
    assert relevant and summary["figures"] > 0

    folder = pipeline.run_dir(settings, "run-o")
    figures_file = folder / pipeline.FIGURES_FILE
    done_in_fetch = pipeline.extract_figures_step(settings, "run-o")
    assert done_in_fetch["extracted_here"] == 0 and done_in_fetch["figures"] == summary["figures"]
    staged_figures = figures_file.read_text(encoding="utf-8")

    shutil.rmtree(folder / pipeline.FIGURES_DIR)  # e.g. staged by a fetch task that did not extract figures
    filled = pipeline.extract_figures_step(settings, "run-o")
    assert filled["extracted_here"] == len(staged)
    assert figures_file.read_text(encoding="utf-8") == staged_figures


def test_staged_figures_are_used_only_for_the_text_they_came_from(site_config, demo_site):
    import json

    base_url, _ = demo_site
    settings = load_settings(site_config)
    url = f"{base_url}/es/foro-penal-balance-excarcelaciones.html"
    pipeline.fetch_articles(
        {"feed": "demo", "entries": [entry("demo", url, "2026-01-01").to_dict()]}, settings, "run-h"
    )
    figures_dir = pipeline.run_dir(settings, "run-h") / pipeline.FIGURES_DIR
    path = next(figures_dir.glob("*.jsonl"))
    row = json.loads(path.read_text(encoding="utf-8"))
    assert row["figures"]
    path.write_text(json.dumps({**row, "content_hash": "another text", "figures": []}) + "\n", encoding="utf-8")
    result = pipeline.extract_figures_step(settings, "run-h")
    assert result["extracted_here"] == 1 and result["figures"] == len(row["figures"])


def test_an_analysis_bug_on_one_article_is_recorded_and_the_others_go_on(demo_site, tmp_path, monkeypatch):
    from prisonwatch.figures import relevance

    base_url, _ = demo_site
    settings = load_settings(env={"PRISONWATCH_HOME": str(tmp_path)})
    settings.fetch.allow_hosts = ["127.0.0.1"]
    settings.fetch.per_host_delay_seconds = 0.0
    real = relevance.assess_relevance

    def flaky(title, text, language, config):
        if "900" in title:
            raise ValueError("analysis bug")
        return real(title, text, language, config)

    monkeypatch.setattr(relevance, "assess_relevance", flaky)
    pages = ["en/assembly-900-released.html", "es/foro-penal-balance-excarcelaciones.html"]
    batch = {
        "feed": "demo",
        "entries": [entry("demo", f"{base_url}/{p}", "2026-02-02T00:00:00+00:00").to_dict() for p in pages],
    }
    summary = pipeline.fetch_articles(batch, settings, "run-bug")
    assert summary["articles"] == 1 and summary["failed"] == 1
    (error,) = pipeline.staged_errors(settings, "run-bug")
    assert error.error_class == "ValueError" and error.url.endswith("assembly-900-released.html")
    (article,) = pipeline.staged_articles(settings, "run-bug")
    assert "foro-penal" in article.url


def test_articles_are_matched_in_publication_order_across_time_zones() -> None:
    from prisonwatch.run.pipeline import publication_order

    stamps = [
        ("2026-01-14T15:05:00-03:00", "https://b.example/1"),  # 18:05 UTC
        ("2026-01-14T17:00:00+00:00", "https://a.example/2"),
        (None, "https://c.example/3"),
        ("2026-01-14T17:00:00Z", "https://a.example/1"),
    ]
    ordered = sorted(stamps, key=lambda s: publication_order(*s))
    assert [u for _p, u in ordered] == ["https://a.example/1", "https://a.example/2", "https://b.example/1",
                                        "https://c.example/3"]  # fmt: skip
