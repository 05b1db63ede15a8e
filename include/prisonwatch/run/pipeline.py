"""The monitoring run, one function per step; the DAG tasks and ``prisonwatch run`` call the same functions.

Steps hand each other small dicts (safe for XCom) and files in a per-run staging folder: article
bodies never travel through XCom. Only the steps named ``*_db`` open DuckDB (one process at a time:
in Airflow they run in the 1-slot ``duckdb`` pool).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prisonwatch.config import FeedConfig, Settings
from prisonwatch.figures.analysis import figures_for_article
from prisonwatch.models import Article, FeedEntry, FetchErrorRecord, Figure, PollResult

log = logging.getLogger(__name__)

POLLS_DIR = "polls"
ARTICLES_DIR = "articles"
FIGURES_FILE = "figures.jsonl"
FIGURES_DIR = "figures"  # per feed, written by fetch_articles
ERRORS_DIR = "errors"


class FeedPollFailed(RuntimeError):
    """A feed could not be polled; its failure is already recorded for the store step."""


# ------------------------------------------------------------------ staging files
def run_dir(settings: Settings, run_id: str) -> Path:
    """The staging folder of one run (shared by all of its tasks)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("._") or "run"
    path = settings.staging_dir / safe
    path.mkdir(parents=True, exist_ok=True)
    return path


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "feed"


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    tmp.replace(path)
    return n


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ------------------------------------------------------------------ steps
def plan_polls_db(settings: Settings) -> list[dict[str, Any]]:
    """One entry per enabled feed with its stored ETag/Last-Modified; seeds an empty database first."""
    from prisonwatch import store
    from prisonwatch.run import seed

    with store.open_store(settings.db_path) as db:
        if db.is_empty():
            seed.load_seed_corpus(db, settings)
        states = db.feed_states()
    plans = []
    for feed in settings.enabled_feeds():
        state = states.get(feed.name) or {}
        plans.append(
            {
                "name": feed.name,
                "url": feed.url,
                "language": feed.language,
                "etag": state.get("etag"),
                "last_modified": state.get("last_modified"),
            }
        )
    return plans


def poll_feed(plan: dict[str, Any], settings: Settings, run_id: str) -> dict[str, Any]:
    """Poll one feed, stage its entries, and return a small summary.

    A failed poll is staged too (the store step records it against the feed's health) and then
    raised as :class:`FeedPollFailed`, so the feed's own task shows red while the others go on.
    """
    from prisonwatch.collect import feeds
    from prisonwatch.collect.fetch import HttpClient

    feed = FeedConfig(name=plan["name"], url=plan["url"], language=plan.get("language") or "")
    client = HttpClient(settings.fetch)
    try:
        result = feeds.poll_feed(feed, etag=plan.get("etag"), last_modified=plan.get("last_modified"), client=client)
    except Exception as exc:  # a bug or an unexpected library error: still the feed's failure alone
        log.exception("feed %s: unexpected error while polling", feed.name)
        result = PollResult(
            feed_name=feed.name,
            feed_url=feed.url,
            status="failed",
            error=f"{type(exc).__name__}: {exc}",
            error_class="internal_error",
        )
    finally:
        client.close()
    _write_json(run_dir(settings, run_id) / POLLS_DIR / f"{_safe_name(feed.name)}.json", result.to_dict())
    summary = {
        "feed": feed.name,
        "status": result.status,
        "entries": len(result.entries),
        "error": result.error,
        "error_class": result.error_class,
    }
    if result.status == "failed":
        log.error("feed %s failed: %s (%s)", feed.name, result.error, result.error_class)
        raise FeedPollFailed(f"feed {feed.name} ({feed.url}) failed: {result.error_class}: {result.error}")
    log.info("feed %s: %s, %d entries", feed.name, result.status, len(result.entries))
    return summary


def staged_polls(settings: Settings, run_id: str) -> list[PollResult]:
    """Every poll result staged in this run, failed ones included."""
    folder = run_dir(settings, run_id) / POLLS_DIR
    return [PollResult.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


def choose_new_entries(
    polls: list[PollResult], known: set[str], max_per_feed: int
) -> tuple[list[list[FeedEntry]], int]:
    """New entries, deduplicated across feeds by canonical URL, grouped per feed, oldest first.

    Returns the per-feed batches and how many entries were left for a later run by the cap.
    """
    from prisonwatch.collect.articles import canonical_url

    seen = set(known)
    batches: list[list[FeedEntry]] = []
    deferred = 0
    for poll in polls:
        fresh: list[FeedEntry] = []
        for entry in poll.entries:
            key = canonical_url(entry.url)
            if key in seen:
                continue
            seen.add(key)
            fresh.append(entry)
        fresh.sort(key=lambda e: e.published or "")
        if len(fresh) > max_per_feed:
            deferred += len(fresh) - max_per_feed
            fresh = fresh[-max_per_feed:]  # the newest; older ones wait for a later run
        if fresh:
            batches.append(fresh)
    return batches, deferred


def select_new_entries_db(settings: Settings, run_id: str) -> list[dict[str, Any]]:
    """Drop entries already stored; return one batch descriptor per feed for the fetch step."""
    from prisonwatch import store
    from prisonwatch.collect.articles import canonical_url

    polls = staged_polls(settings, run_id)
    urls = [canonical_url(e.url) for p in polls for e in p.entries]
    with store.open_store(settings.db_path) as db:
        known = db.known_canonical_urls(urls)
    batches, deferred = choose_new_entries(polls, known, settings.fetch.max_articles_per_feed)
    if deferred:
        log.warning("%d new entries over fetch.max_articles_per_feed wait for a later run", deferred)
    return [{"feed": b[0].feed_name, "entries": [e.to_dict() for e in b]} for b in batches]


def fetch_articles(batch: dict[str, Any], settings: Settings, run_id: str) -> dict[str, Any]:
    """Fetch, extract and analyse one feed's new articles; every failure is staged as an error record.

    Pages are pipelined over two processes: while the extraction worker extracts page N, this process
    downloads page N+1 and analyses article N-1 (language, relevance, and the figures of a relevant
    article, staged for :func:`extract_figures_step`). Each page keeps its own time budget.
    """
    from prisonwatch.collect import articles
    from prisonwatch.collect.fetch import FetchError, HttpClient
    from prisonwatch.figures.analysis import judge_relevance

    feed_name = batch["feed"]
    entries = [FeedEntry.from_dict(e) for e in batch["entries"]]
    folder = run_dir(settings, run_id)
    out: list[dict[str, Any]] = []
    figure_rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    counts = {"fetched": 0, "snippets": 0, "skipped": 0, "failed": 0, "irrelevant": 0, "figures": 0}
    client = HttpClient(settings.fetch)

    def record_failure(entry: FeedEntry, exc: Exception) -> None:
        if isinstance(exc, articles.ArticleSkipped):
            counts["skipped"] += 1
            errors.append(_error(entry, "extract", exc.error_class, exc.reason))
        elif isinstance(exc, FetchError):
            counts["failed"] += 1
            errors.append(_error(entry, "page", exc.error_class, exc.message))
        else:  # one bad page never fails the batch
            log.error("article %s: unexpected error", entry.url, exc_info=exc)
            counts["failed"] += 1
            errors.append(_error(entry, "page", type(exc).__name__, str(exc)))

    def analyse(article: Article) -> None:
        counts["snippets" if article.text_source == "feed_snippet" else "fetched"] += 1
        counts["irrelevant"] += 0 if judge_relevance(article, settings) else 1
        out.append(article.to_dict())
        try:
            figs = figures_for_article(article, settings)
        except Exception:  # left to extract_figures_step, which records the failure
            log.exception("figures failed for %s; extract_figures will retry", article.url)
            return
        counts["figures"] += len(figs)
        figure_rows.append(_figure_row(article, figs))

    in_worker: tuple[FeedEntry, articles.ArticleExtraction] | None = None
    try:
        for entry in [*entries, None]:
            page: articles.PageInHand | None = None
            snippet: Article | None = None
            if entry is not None:
                try:
                    entry = articles.resolve_entry(entry, client, settings)  # Google News links, where possible
                    if entry.link_resolvable:
                        page = articles.download_page(entry, client, settings)
                    else:
                        snippet = articles.article_from_entry(entry)  # a link that can't be read: the feed's text
                except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
                    record_failure(entry, exc)
            finished: Article | None = None
            previous_entry = entry
            if in_worker is not None:
                previous, extraction = in_worker
                previous_entry = previous
                in_worker = None
                try:
                    finished = extraction.article()
                except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
                    record_failure(previous, exc)
            if page is not None and entry is not None:
                in_worker = (entry, articles.start_extraction(page, settings))  # extracts while we analyse
            for article, source in ((finished, previous_entry), (snippet, entry)):  # feed order
                if article is not None:
                    try:
                        analyse(article)
                    except Exception as exc:  # noqa: BLE001 - a bug on one text never loses the batch
                        record_failure(source, exc)
    finally:
        client.close()
        if in_worker is not None:  # only after an unexpected error above: free the worker
            in_worker[1].cancel()
    name = _safe_name(feed_name)
    _write_jsonl(folder / ARTICLES_DIR / f"{name}.jsonl", out)
    _write_jsonl(folder / FIGURES_DIR / f"{name}.jsonl", figure_rows)
    _write_jsonl(folder / ERRORS_DIR / f"{name}.jsonl", errors)
    log.info("feed %s: %s", feed_name, ", ".join(f"{v} {k}" for k, v in counts.items()))
    return {"feed": feed_name, "articles": len(out), "errors": len(errors), **counts}


def _figure_row(article: Article, figures: list[Figure]) -> dict[str, Any]:
    """A staged line of figures, tied to the exact text they were read from."""
    return {
        "canonical_url": article.canonical_url,
        "content_hash": article.content_hash,
        "figures": [f.to_dict() for f in figures],
    }


def _error(entry: FeedEntry, stage: str, error_class: str, message: str) -> dict[str, Any]:
    return FetchErrorRecord(
        url=entry.url, stage=stage, error_class=error_class, message=message, feed=entry.feed_name, at=_now()
    ).to_dict()


def staged_articles(settings: Settings, run_id: str) -> list[Article]:
    folder = run_dir(settings, run_id) / ARTICLES_DIR
    return [Article.from_dict(row) for p in sorted(folder.glob("*.jsonl")) for row in _read_jsonl(p)]


def extract_figures_step(settings: Settings, run_id: str) -> dict[str, Any]:
    """Gather the figures of every staged article into one staged file keyed by canonical URL.

    ``fetch_articles`` already extracted them for the articles it analysed (staged per feed, tied to the
    text's hash); this step extracts only what is missing (a batch staged without figures, an extraction
    that failed there) and records what still fails.
    """
    folder = run_dir(settings, run_id)
    staged: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path in sorted((folder / FIGURES_DIR).glob("*.jsonl")):
        for row in _read_jsonl(path):
            staged[(row["canonical_url"], row.get("content_hash", ""))] = row["figures"]
    rows = []
    errors = []
    n_figures = 0
    filled = 0
    for article in staged_articles(settings, run_id):
        figures = staged.get((article.canonical_url, article.content_hash))
        if figures is None:
            try:
                figures = [f.to_dict() for f in figures_for_article(article, settings)]
            except Exception as exc:  # a bug on one text must not lose the others
                log.exception("figures failed for %s", article.url)
                errors.append(
                    FetchErrorRecord(
                        article.url, "figures", type(exc).__name__, str(exc), feed=article.feed, at=_now()
                    ).to_dict()
                )
                continue
            filled += 1
        n_figures += len(figures)
        rows.append({"canonical_url": article.canonical_url, "figures": figures})
    _write_jsonl(folder / FIGURES_FILE, rows)
    _write_jsonl(folder / ERRORS_DIR / "_figures.jsonl", errors)
    return {"articles": len(rows), "figures": n_figures, "errors": len(errors), "extracted_here": filled}


def staged_errors(settings: Settings, run_id: str) -> list[FetchErrorRecord]:
    folder = run_dir(settings, run_id) / ERRORS_DIR
    return [FetchErrorRecord.from_dict(r) for p in sorted(folder.glob("*.jsonl")) for r in _read_jsonl(p)]


def poll_errors(polls: list[PollResult]) -> list[FetchErrorRecord]:
    """Failed polls as error records (the feed's health is updated from the poll results themselves)."""
    return [
        FetchErrorRecord(
            url=p.feed_url,
            stage="feed",
            error_class=p.error_class or "error",
            message=p.error or "",
            feed=p.feed_name,
            at=_now(),
        )
        for p in polls
        if p.status == "failed"
    ]


def publication_order(published: str | None, url: str) -> tuple[str, str]:
    """Sort key: the publication time in UTC (offsets differ between outlets), then the URL, so every run matches
    the same articles in the same order; an article without a date goes last."""
    if not published:
        return ("9999", url)
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return (published, url)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment.isoformat(), url)


def store_and_match_db(settings: Settings, run_id: str, expected_feeds: list[str] | None = None) -> dict[str, Any]:
    """Store the run's articles and figures, match them and raise flags: one transaction.

    ``expected_feeds`` names the feeds planned for this run; a feed whose poll left no staged
    result (its task died before staging) is recorded as failed rather than forgotten.
    """
    from prisonwatch import store
    from prisonwatch.ui import webui_queue

    started = time.monotonic()
    folder = run_dir(settings, run_id)
    polls = staged_polls(settings, run_id)
    polled = {p.feed_name for p in polls}
    feed_urls = {f.name: f.url for f in settings.feeds}
    for name in expected_feeds or []:
        if name not in polled:
            polls.append(
                PollResult(
                    feed_name=name,
                    feed_url=feed_urls.get(name, ""),
                    status="failed",
                    error="the poll task ended without a result",
                    error_class="task_failed",
                )
            )
    figures_by_url = {
        row["canonical_url"]: [Figure.from_dict(f) for f in row["figures"]]
        for row in _read_jsonl(folder / FIGURES_FILE)
    }
    pairs = [(a, figures_by_url.get(a.canonical_url, [])) for a in staged_articles(settings, run_id)]
    pairs.sort(key=lambda pair: publication_order(pair[0].published, pair[0].canonical_url))
    errors = poll_errors(polls) + staged_errors(settings, run_id)
    with store.open_store(settings.db_path) as db:
        # Analysts' decisions made in the Flags view while the store was busy are applied first, in order.
        decisions = webui_queue.apply_pending(db)
        summary = db.ingest_batch(run_id, polls=polls, articles=pairs, errors=errors, settings=settings)
    summary["queued_decisions"] = decisions
    if summary.get("unhealthy_feeds"):
        log.warning(
            "unhealthy feeds (%d or more failed polls in a row): %s",
            settings.flags.unhealthy_after_failures,
            ", ".join(summary["unhealthy_feeds"]),
        )
    summary["failed_feeds"] = [
        {"name": p.feed_name, "url": p.feed_url, "error_class": p.error_class, "error": p.error}
        for p in polls
        if p.status == "failed"
    ]
    summary["seconds"] = round(time.monotonic() - started, 3)
    return summary


def run_summary_line(summary: dict[str, Any]) -> str:
    """The one line an operator reads in the task log."""
    from prisonwatch.report import run_summary_line as line

    return line(summary)


# ------------------------------------------------------------------ whole run, without Airflow
def run_once(settings: Settings, run_id: str | None = None, *, publish: bool = True) -> dict[str, Any]:
    """The monitoring run in-process, in the same steps as the DAG (``prisonwatch run``)."""
    run_id = run_id or "cli__" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    plans = plan_polls_db(settings)
    for plan in plans:
        try:
            poll_feed(plan, settings, run_id)
        except FeedPollFailed as exc:
            log.warning("%s", exc)
    batches = select_new_entries_db(settings, run_id)
    for batch in batches:
        fetch_articles(batch, settings, run_id)
    extract_figures_step(settings, run_id)
    summary = store_and_match_db(settings, run_id, expected_feeds=[p["name"] for p in plans])
    if publish:
        from prisonwatch import report

        summary["report"] = report.publish_unreported(settings)
    return summary
