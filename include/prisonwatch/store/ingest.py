"""Ingest: one run's polls, errors, articles and figures planned and written in one transaction."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from prisonwatch.config import FlagSettings, Settings
from prisonwatch.matching import match, neardup
from prisonwatch.models import Article, FetchErrorRecord, Figure, PollResult
from prisonwatch.store import reads as storereads
from prisonwatch.store.base import (
    _ARTICLE_COLUMNS,
    _FIGURE_COLUMNS,
    _RUN_COUNTS,
    _article_day,
    _date_part,
    _digest,
    _marks,
    article_id_for,
    figure_id_for,
)
from prisonwatch.store.schema import _now


class IngestWrites:
    """Writes of one run: feed states, errors, new articles and figures, the run's summary."""

    # -------------------------------------------------------------- ingest
    def ingest_batch(
        self,
        run_id: str,
        *,
        polls: list[PollResult],
        articles: list[tuple[Article, list[Figure]]],
        errors: list[FetchErrorRecord],
        settings: Settings,
    ) -> dict[str, Any]:
        """Store one run in one transaction: feed state, errors, articles, figures, flags, run summary.

        Idempotent: the same input twice, or a re-run with the same ``run_id``, changes nothing and
        returns the same summary. A failure anywhere rolls the whole run back. Everything the run
        decides is read first (one lookup statement, then what matching compares with, and the flags
        it may touch); the writes follow, one statement per table.
        """
        started = time.perf_counter()
        self.flag_settings = settings.flags
        self.last_match_ms = 0.0
        self.last_phases = {}
        # No ``SET threads = 1`` around the batch: pinning the thread count and resetting it afterwards
        # cost more (~1.5 ms, the reset alone ~1 ms) than the hand-over between threads it saved.
        self.con.execute("BEGIN TRANSACTION")
        try:
            summary = self._ingest(run_id, polls, articles, errors, settings)
            summary["store_ms"] = round((time.perf_counter() - started) * 1000, 1)
            summary["match_ms"] = self.last_match_ms
            self._record_run(run_id, summary)
            committing = time.perf_counter()
            self.con.execute("COMMIT")
            self._phase("commit", committing)
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return summary

    def _phase(self, name: str, since: float) -> None:
        self.last_phases[name] = round(self.last_phases.get(name, 0.0) + (time.perf_counter() - since) * 1000, 2)

    def _ingest(
        self,
        run_id: str,
        polls: list[PollResult],
        articles: list[tuple[Article, list[Figure]]],
        errors: list[FetchErrorRecord],
        settings: Settings,
    ) -> dict[str, Any]:
        now = _now()
        self._tally = {"errors": [], "outcomes": [], "actions": [], "corroborated": []}
        t = time.perf_counter()
        known = self._lookup(run_id, articles, now, settings.flags)
        self._run_row = known["run"]
        self._known_flags = known["flags"]
        self._phase("lookup", t)
        plan = self._plan_articles(run_id, articles, settings, now, known)
        t = time.perf_counter()
        self._update_feed_states(run_id, polls, now)
        feed_errors = [
            FetchErrorRecord(
                url=p.feed_url,
                stage="feed",
                error_class=p.error_class or "feed_failed",
                message=p.error or "",
                feed=p.feed_name,
            )
            for p in polls
            if p.status == "failed"
        ]
        self._store_errors(run_id, feed_errors + list(errors), now)
        self._write_articles(run_id, plan, now)
        self._phase("write", t)
        if self._run_row is not None:  # a re-run: what the run stored is the truth
            return self._run_counts(run_id, polls, settings)
        return self._fresh_run_counts(run_id, polls, settings)

    def _lookup(
        self, run_id: str, articles: list[tuple[Article, list[Figure]]], now: str, cfg: FlagSettings
    ) -> dict[str, Any]:
        """One statement: the run's earlier record, which articles and texts are stored, and the flags
        the batch's figures may join (asked for every figure given: an article that turns out to be
        stored already only adds flags no other figure can match); a second one, for a re-run only,
        lists what the run already accounted for. URLs and hashes are asked as literal lists, which
        DuckDB answers through the indexes instead of scanning every article."""
        urls = sorted({a.canonical_url for a, _ in articles})
        hashes = sorted({a.content_hash for a, _ in articles if a.relevant})
        sql = ["SELECT 'run' AS kind, run_id AS k, to_json(r)::VARCHAR AS v FROM runs r WHERE run_id = ?"]
        params: list[Any] = [run_id]
        hints = [
            match.Claim(
                figure_id="",
                article_id="",
                metric=f.metric,
                value_low=int(f.value_low),
                value_high=int(f.value_high),
                qualifier=f.qualifier,
                source=f.source or "unattributed",
                scope_kind=f.scope_kind,
                as_of=_date_part(f.as_of) or _article_day(a, now),
                scope=f.scope,
            )
            for a, figs in articles
            if a.relevant
            for f in figs
            if not f.vague
        ]
        if hints:
            keys = sorted({k for c in hints for k in match.value_flag_keys(c)})
            metrics = sorted({c.metric for c in hints})
            window = timedelta(days=2 * cfg.window_days)
            sql.append(
                "SELECT 'flag', rowid::VARCHAR, to_json(struct_pack(id, type, metric, scope_kind, source_a, source_b, "
                "anchor_as_of, signature, status, dedupe_key))::VARCHAR FROM flags "
                f"WHERE dedupe_key IN ({_marks(keys)}) OR (type = 'contradiction' AND metric IN ({_marks(metrics)}) "
                "AND anchor_as_of BETWEEN ? AND ?)"
            )
            params += [*keys, *metrics, min(c.as_of for c in hints) - window, max(c.as_of for c in hints) + window]
        if urls:
            sql.append(f"SELECT 'stored', canonical_url, id FROM articles WHERE canonical_url IN ({_marks(urls)})")
            params += urls
        if hashes:
            sql.append(
                "SELECT 'hash', content_hash, min(id) FROM articles "
                f"WHERE content_hash IN ({_marks(hashes)}) GROUP BY content_hash"
            )
            params += hashes
        known: dict[str, Any] = {"run": None, "replayed": set(), "stored": {}, "hash": {}}
        flags: dict[int, dict[str, Any]] = {}
        for kind, key, value in self.con.execute(" UNION ALL ".join(sql), params).fetchall():
            if kind == "run":
                known["run"] = json.loads(value)
            elif kind == "flag":
                flags[int(key)] = json.loads(value)
            else:
                known[kind][key] = value
        known["flags"] = [flags[k] for k in sorted(flags)]  # in the order they were stored
        if known["run"] is not None:  # the run's articles are written with its record, never without
            known["replayed"] = {
                r[0]
                for r in self.con.execute(
                    "SELECT canonical_url FROM run_articles WHERE run_id = ?", [run_id]
                ).fetchall()
            }
        return known

    def _update_feed_states(self, run_id: str, polls: list[PollResult], now: str) -> None:
        if not polls:
            return
        current = {
            r["name"]: r
            for r in self._rows(
                "SELECT * FROM feed_state WHERE name IN (SELECT unnest(?))", [[p.feed_name for p in polls]]
            )
        }
        rows = []
        for p in polls:
            old = current.get(p.feed_name) or {"consecutive_failures": 0}
            if old.get("last_run_id") == run_id:
                continue  # this run was already applied to this feed
            row = {
                "name": p.feed_name,
                "url": p.feed_url or old.get("url") or "",
                "etag": old.get("etag"),
                "last_modified": old.get("last_modified"),
                "last_success": old.get("last_success"),
                "last_error": old.get("last_error"),
                "last_error_at": old.get("last_error_at"),
                "consecutive_failures": old.get("consecutive_failures") or 0,
                "last_run_id": run_id,
            }
            if p.status == "failed":
                row["last_error"] = f"{p.error_class or 'failed'}: {p.error or ''}".strip()
                row["last_error_at"] = now
                row["consecutive_failures"] += 1
            else:
                row["last_success"] = now
                row["consecutive_failures"] = 0
                if p.status == "ok" or p.etag or p.last_modified:
                    row["etag"] = p.etag
                    row["last_modified"] = p.last_modified
            rows.append(row)
        cols = (
            "name",
            "url",
            "etag",
            "last_modified",
            "last_success",
            "last_error",
            "last_error_at",
            "consecutive_failures",
            "last_run_id",
        )
        self._append(
            "feed_state",
            rows,
            cols,
            "ON CONFLICT (name) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "name"),
        )

    def _store_errors(self, run_id: str, errors: list[FetchErrorRecord], now: str) -> None:
        rows = [
            {
                "id": "e_" + _digest(run_id, e.url, e.stage, e.error_class, e.attempt, e.feed),
                "url": e.url,
                "stage": e.stage,
                "error_class": e.error_class,
                "message": e.message,
                "attempt": e.attempt,
                "feed": e.feed,
                "error_at": e.at or now,
                "run_id": run_id,
            }
            for e in errors
        ]
        unique = list({r["id"]: r for r in rows}.values())
        self._tally["errors"] = unique
        self._append(
            "fetch_errors",
            unique,
            ("id", "url", "stage", "error_class", "message", "attempt", "feed", "error_at", "run_id"),
            "ON CONFLICT DO NOTHING",
        )

    # ---- articles, near-duplicates and figures
    def _plan_articles(
        self,
        run_id: str,
        articles: list[tuple[Article, list[Figure]]],
        settings: Settings,
        now: str,
        known: dict[str, Any],
    ) -> dict[str, Any]:
        """Decide, without writing, what the batch stores: outcomes, article and figure rows, flag actions."""
        flags_cfg = settings.flags
        window = timedelta(days=flags_cfg.window_days)
        stored: dict[str, str] = known["stored"]
        replayed: set[str] = known["replayed"]
        outcomes: list[dict[str, Any]] = []
        fresh: list[tuple[Article, list[Figure], dict[str, Any]]] = []
        seen_in_batch: set[str] = set()
        for article, figs in articles:
            key = article.canonical_url
            if key in replayed or key in seen_in_batch:
                continue  # already accounted for in this run
            seen_in_batch.add(key)
            if key in stored:
                outcomes.append(
                    {
                        "run_id": run_id,
                        "canonical_url": key,
                        "article_id": stored[key],
                        "outcome": "duplicate",
                        "figures": 0,
                    }
                )
                continue
            day = _article_day(article, now)
            row = {
                "id": article_id_for(key),
                "canonical_url": key,
                "url": article.url,
                "content_hash": article.content_hash,
                "title": article.title,
                "outlet": article.outlet,
                "feed": article.feed,
                "published": article.published,
                "published_date": day,
                "fetched_at": article.fetched_at,
                "language": article.language,
                "relevant": article.relevant,
                "relevance_reason": article.relevance_reason,
                "text": article.text,
                "text_source": article.text_source,
                "origin": article.origin,
                "first_run_id": run_id,
                "stored_at": now,
                "near_duplicate_of": None,
                "near_duplicate_similarity": None,
                "signature": neardup.minhash(article.text) if article.relevant else None,
                "title_words": neardup.title_words(article.title),
                "title_numbers": neardup.title_numbers(article.title),
            }
            fresh.append((article, figs, row))
        plan: dict[str, Any] = {"outcomes": outcomes, "articles": [], "figures": [], "actions": [], "values": []}
        if not fresh:
            return plan

        # near-duplicates: earlier originals published within the window, and earlier articles of this batch
        t = time.perf_counter()
        relevant = [r for _, _, r in fresh if r["relevant"]]
        pools = storereads.near_duplicate_pools(
            self.con,
            [r for r in relevant if r["content_hash"] not in known["hash"]],
            flags_cfg.window_days,
            flags_cfg.near_duplicate_threshold,
            flags_cfg.near_duplicate_title_threshold,
        )
        by_hash: dict[str, str] = dict(known["hash"])
        batch_originals: list[dict[str, Any]] = []
        figure_rows: list[dict[str, Any]] = []
        for _article, figs, row in fresh:
            outcome = "new" if row["relevant"] else "irrelevant"
            if row["relevant"]:
                original = by_hash.get(row["content_hash"])
                if original:
                    row["near_duplicate_of"], row["near_duplicate_similarity"] = original, 1.0
                else:
                    pool = pools.get(row["id"], []) + [
                        {"id": b["id"], "title": b["title"], "minhash": b["signature"]}
                        for b in batch_originals
                        if abs(b["published_date"] - row["published_date"]) <= window
                    ]
                    found = neardup.find_near_duplicate(
                        row["title"],
                        row["signature"],
                        pool,
                        body_threshold=flags_cfg.near_duplicate_threshold,
                        title_threshold=flags_cfg.near_duplicate_title_threshold,
                    )
                    if found:
                        row["near_duplicate_of"], row["near_duplicate_similarity"] = found.article_id, found.similarity
                if row["near_duplicate_of"]:
                    outcome = "near_duplicate"
                else:
                    batch_originals.append(row)
                by_hash.setdefault(row["content_hash"], row["near_duplicate_of"] or row["id"])
                for fig in figs:
                    figure_rows.append(
                        {
                            "id": figure_id_for(row["id"], fig),
                            "article_id": row["id"],
                            "metric": fig.metric,
                            "value_low": int(fig.value_low),
                            "value_high": int(fig.value_high),
                            "qualifier": fig.qualifier,
                            "source": fig.source or "unattributed",
                            "source_text": fig.source_text,
                            "scope": fig.scope,
                            "scope_kind": fig.scope_kind,
                            "sentence": fig.sentence,
                            "start_pos": fig.start,
                            "end_pos": fig.end,
                            "as_of": _date_part(fig.as_of) or row["published_date"],
                            "vague": bool(fig.vague),
                            "value_text": fig.value_text,
                            "confidence": float(fig.confidence),
                            "source_confidence": float(fig.source_confidence),
                            "evidence": json.dumps(fig.evidence, ensure_ascii=False),
                            "run_id": run_id,
                            "stored_at": now,
                        }
                    )
            outcomes.append(
                {
                    "run_id": run_id,
                    "canonical_url": row["canonical_url"],
                    "article_id": row["id"],
                    "outcome": outcome,
                    "figures": sum(1 for f in figure_rows if f["article_id"] == row["id"]),
                }
            )
        self._phase("near_duplicates", t)
        plan["articles"] = [r for _, _, r in fresh]
        plan["figures"] = list({f["id"]: f for f in figure_rows}.values())
        self._match(run_id, relevant, plan, flags_cfg)
        return plan

    def _write_articles(self, run_id: str, plan: dict[str, Any], now: str) -> None:
        """The batch's rows: articles, figures, what the run did with each article, then flags and values."""
        self._append("articles", plan["articles"], _ARTICLE_COLUMNS)
        self._append("figures", plan["figures"], _FIGURE_COLUMNS)
        self._tally["outcomes"] = plan["outcomes"]
        self._append("run_articles", plan["outcomes"], ("run_id", "canonical_url", "article_id", "outcome", "figures"))
        self._tally["actions"] = plan["actions"]
        if plan["actions"]:
            self._batch_figures = plan["figures"]
            self._apply_actions(run_id, plan["actions"], now)
        self._write_source_values(plan["values"], plan.get("held_values", {}))

    # ---- run summary
    def _fresh_run_counts(self, run_id: str, polls: list[PollResult], settings: Settings) -> dict[str, Any]:
        """The summary of a first run, from what this call wrote (equal to what :meth:`_run_counts` reads)."""
        statuses = [p.status for p in polls]
        outcomes = [o["outcome"] for o in self._tally["outcomes"]]
        actions = self._tally["actions"]
        errors = self._tally["errors"]
        unhealthy: list[str] = []
        if polls:
            unhealthy = [
                r[0]
                for r in self.con.execute(
                    "SELECT name FROM feed_state WHERE consecutive_failures >= ? ORDER BY name",
                    [settings.flags.unhealthy_after_failures],
                ).fetchall()
            ]
        return {
            "run_id": run_id,
            "feeds_ok": statuses.count("ok"),
            "feeds_not_modified": statuses.count("not_modified"),
            "feeds_failed": statuses.count("failed"),
            "unhealthy_feeds": unhealthy,
            "articles_new": outcomes.count("new"),
            "articles_duplicate": outcomes.count("duplicate"),
            "articles_near_duplicate": outcomes.count("near_duplicate"),
            "articles_irrelevant": outcomes.count("irrelevant"),
            "articles_failed": sum(1 for e in errors if e["stage"] != "feed"),
            "figures_new": sum(o["figures"] for o in self._tally["outcomes"]),
            "flags_new": len({a["flag_id"] for a in actions if a["action"] == "raise"}),
            "flags_corroborated": len(self._tally.get("corroborated", [])),
            "errors_recorded": len(errors),
        }

    def _run_counts(self, run_id: str, polls: list[PollResult], settings: Settings) -> dict[str, Any]:
        """The run's summary, read back from what it stored (so a re-run reports the same)."""
        statuses = [p.status for p in polls]
        row = self.con.execute(
            """
            WITH ra AS (SELECT outcome, figures FROM run_articles WHERE run_id = $run)
            SELECT (SELECT count(*) FROM ra WHERE outcome = 'new'),
                   (SELECT count(*) FROM ra WHERE outcome = 'duplicate'),
                   (SELECT count(*) FROM ra WHERE outcome = 'near_duplicate'),
                   (SELECT count(*) FROM ra WHERE outcome = 'irrelevant'),
                   (SELECT coalesce(sum(figures), 0) FROM ra),
                   (SELECT count(*) FROM fetch_errors WHERE run_id = $run AND stage <> 'feed'),
                   (SELECT count(*) FROM flags WHERE run_id = $run),
                   (SELECT count(DISTINCT flag_id) FROM flag_evidence WHERE run_id = $run AND role = 'corroboration'),
                   (SELECT coalesce(list(name ORDER BY name), []) FROM feed_state
                    WHERE consecutive_failures >= $threshold),
                   (SELECT count(*) FROM fetch_errors WHERE run_id = $run)
            """,
            {"run": run_id, "threshold": settings.flags.unhealthy_after_failures},
        ).fetchall()[0]
        new, duplicate, near, irrelevant, figures_new, failed, flags_new, corroborated, unhealthy, errors = row
        return {
            "run_id": run_id,
            "feeds_ok": statuses.count("ok"),
            "feeds_not_modified": statuses.count("not_modified"),
            "feeds_failed": statuses.count("failed"),
            "unhealthy_feeds": list(unhealthy) if polls else [],
            "articles_new": new,
            "articles_duplicate": duplicate,
            "articles_near_duplicate": near,
            "articles_irrelevant": irrelevant,
            "articles_failed": failed,
            "figures_new": int(figures_new),
            "flags_new": flags_new,
            "flags_corroborated": corroborated,
            "errors_recorded": errors,
        }

    def _record_run(self, run_id: str, summary: dict[str, Any]) -> None:
        existing = [self._run_row] if self._run_row else []
        counts = {k: summary[k] for k in _RUN_COUNTS}
        if existing and all(existing[0][k] == v for k, v in counts.items()):
            return  # a re-run that changed nothing leaves the record as it was
        now = _now()
        errors = summary["errors_recorded"]
        row = {
            "run_id": run_id,
            "started_at": existing[0]["started_at"] if existing else now,
            "finished_at": now,
            **counts,
            "errors": errors,
            "store_ms": summary.get("store_ms", 0.0),
            "summary": json.dumps(
                {k: v for k, v in summary.items() if k not in ("store_ms", "match_ms")}, ensure_ascii=False
            ),
        }
        cols = ("run_id", "started_at", "finished_at", *_RUN_COUNTS, "errors", "store_ms", "summary")
        self._append(
            "runs",
            [row],
            cols,
            (
                "ON CONFLICT (run_id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in cols if c not in ("run_id", "started_at"))
            )
            if existing
            else "",  # the lookup read the run inside this transaction: a first run cannot conflict
        )
