"""The corpus in DuckDB: articles, figures, flags, feed health, runs and errors.

One process at a time may open the file (DuckDB's lock), so every opener goes through the 1-slot
Airflow pool ``duckdb``; :func:`open_store` still retries a few times when another process holds
the lock. Migrations in ``sql/NNNN_name.sql`` are applied in order when the store opens and are
recorded in ``schema_migrations``. Rows are written one statement per table (never row by row:
~1,000 rows/s in DuckDB), and :meth:`Store.ingest_batch` writes one run in one transaction; matching
reads only what the batch needs, with selective statements DuckDB answers from a few row groups
(``storereads``), because every DAG run opens the file afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from prisonwatch import match, neardup, storereads
from prisonwatch.config import FlagSettings, Settings
from prisonwatch.models import EVIDENCE_KEYS, FLAG_STATUSES, Article, FetchErrorRecord, Figure, PollResult

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent / "sql"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")
_LOCK_MESSAGES = ("Conflicting lock", "Could not set lock")


class StoreError(RuntimeError):
    """The database cannot be used (locked by another process, or a newer schema than this code)."""


class StoreLockedError(StoreError):
    """Another process held the database lock through every attempt."""


# ---------------------------------------------------------------------- helpers
def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(*parts: Any) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def article_id_for(canonical_url: str) -> str:
    return "a_" + _digest(canonical_url)


def figure_id_for(article_id: str, figure: Figure) -> str:
    return "fig_" + _digest(article_id, figure.start, figure.end, figure.metric, figure.source)


def _date_part(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _article_day(article: Article, now: str) -> date:
    """The date an article's figures default to: published, else fetched, else today."""
    return _date_part(article.published) or _date_part(article.fetched_at) or _date_part(now)  # type: ignore[return-value]


def _marks(values: list[Any]) -> str:
    """Placeholders for a literal IN list."""
    return ", ".join("?" * len(values))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


# ---------------------------------------------------------------------- migrations
@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(sql_dir: Path = SQL_DIR) -> list[Migration]:
    """The migration files in version order; a gap or a duplicate version is an error."""
    found = []
    for path in sorted(sql_dir.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if m:
            found.append(Migration(int(m[1]), m[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations in {sql_dir} must be numbered 0001, 0002, ... without gaps: {versions}")
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration (0 for an empty database). Asked directly: a lookup in
    ``information_schema`` costs ~10 ms, and every DAG run opens the database."""
    try:
        return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0]
    except duckdb.CatalogException:
        return 0


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply pending migrations up to ``target`` (default: all), each in its own transaction."""
    current = schema_version(con)
    if current == 0:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)"
        )
    known = migrations()
    if current > len(known):
        raise StoreError(f"database schema version {current} is newer than this code ({len(known)})")
    applied = []
    for mig in known:
        if mig.version <= current or (target is not None and mig.version > target):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(mig.sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [mig.version, mig.name, _now()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(mig.version)
        log.info("applied migration %04d_%s", mig.version, mig.name)
    return applied


def _connect(path: str, read_only: bool, attempts: int, backoff_seconds: float) -> duckdb.DuckDBPyConnection:
    delay = backoff_seconds
    for attempt in range(1, attempts + 1):
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if not any(m in str(exc) for m in _LOCK_MESSAGES):
                raise
            if attempt == attempts:
                raise StoreLockedError(
                    f"{path}: another process holds the database lock; gave up after {attempts} attempts "
                    f"(every task that opens the database must run in the 1-slot 'duckdb' pool): {exc}"
                ) from exc
            log.warning(
                "%s is locked by another process (attempt %d/%d); retrying in %.2fs", path, attempt, attempts, delay
            )
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def open_store(
    path: Path | str,
    *,
    read_only: bool = False,
    settings: Settings | None = None,
    attempts: int = 6,
    backoff_seconds: float = 0.25,
) -> Store:
    """Open (and migrate) the database; use as a context manager. Retries while another process locks it."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(str(path), read_only, attempts, backoff_seconds)
    try:
        if read_only:
            version = schema_version(con)
            if version < len(migrations()):
                raise StoreError(f"{path}: schema version {version} needs migrating; open it read-write once")
        else:
            migrate(con)
    except Exception:
        con.close()
        raise
    return Store(con, path, read_only=read_only, flag_settings=settings.flags if settings else None)


# ---------------------------------------------------------------------- the store
_FIGURE_COLUMNS = (
    "id",
    "article_id",
    "metric",
    "value_low",
    "value_high",
    "qualifier",
    "source",
    "source_text",
    "scope",
    "scope_kind",
    "sentence",
    "start_pos",
    "end_pos",
    "as_of",
    "vague",
    "value_text",
    "run_id",
    "stored_at",
    "confidence",
    "source_confidence",
    "evidence",
    "review_reason",
)
_ARTICLE_COLUMNS = (
    "id",
    "canonical_url",
    "url",
    "content_hash",
    "title",
    "outlet",
    "feed",
    "published",
    "published_date",
    "fetched_at",
    "language",
    "relevant",
    "relevance_reason",
    "text",
    "text_source",
    "origin",
    "first_run_id",
    "stored_at",
    "near_duplicate_of",
    "near_duplicate_similarity",
    "signature",
    "title_words",
    "title_numbers",
)
_FLAG_COLUMNS = (
    "id",
    "dedupe_key",
    "type",
    "metric",
    "scope_kind",
    "source_a",
    "source_b",
    "anchor_as_of",
    "signature",
    "severity",
    "status",
    "note",
    "reason",
    "new_figure_id",
    "corroborations",
    "created_at",
    "updated_at",
    "changed_at",
    "reported_at",
    "report_id",
    "run_id",
)
_SOURCE_VALUE_COLUMNS = (
    "metric",
    "source",
    "scope_kind",
    "value_low",
    "value_high",
    "first_as_of",
    "last_as_of",
    "figure_id",
    "article_id",
    "qualifier",
    "value_text",
    "scope",
)
# Up to this many values go in as one list parameter per column (~0.5 ms a statement); more go as an
# Arrow batch (registering one costs ~0.8 ms, but it scales to any size).
_VALUES_MAX_PARAMS = 2000
# The FigureEvidence columns of v_figures (alias v), in EVIDENCE_KEYS order.
_EVIDENCE_COLUMNS = ", ".join("v.id AS figure_id" if k == "figure_id" else f"v.{k}" for k in EVIDENCE_KEYS)
_EVIDENCE_SQL = f"""
SELECT e.flag_id, e.role, e.added_at, {_EVIDENCE_COLUMNS}
FROM flag_evidence e JOIN v_figures v ON v.id = e.figure_id
"""


# Figures held for review (confidence below flags.min_confidence), newest first, as FigureEvidence.
_REVIEW_SQL = f"SELECT {_EVIDENCE_COLUMNS} FROM v_figures v WHERE {storereads.held_for_review_sql('?', 'v')} "
REVIEW_VERDICTS = ("right", "wrong")
REVIEW_SHOWN = 20  # a report lists at most this many figures held for review (the count shows them all)


def _evidence(row: dict[str, Any]) -> dict[str, Any]:
    """A FigureEvidence dict (see the ReportData shape)."""
    return {k: row.get(k) for k in EVIDENCE_KEYS}


# Without a ``since``, a report's timeline covers this many days before the newest stored date (and
# reaches back to the oldest figure its flags cite): a chart of recent months, not of all history.
TIMELINE_DAYS = 180

# Stored figures compared with each new figure, per source: the nearest in date among those that
# disagree with it (or come from its own source). Enough to raise and explain a flag; bounds the work.
CANDIDATES_PER_SOURCE = 3

_RUN_COUNTS = (
    "feeds_ok",
    "feeds_not_modified",
    "feeds_failed",
    "articles_new",
    "articles_duplicate",
    "articles_near_duplicate",
    "articles_irrelevant",
    "articles_failed",
    "figures_new",
    "flags_new",
    "flags_corroborated",
)


class Store:
    """An open database. Methods take and return plain data (records from models.py, dicts)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        *,
        read_only: bool = False,
        flag_settings: FlagSettings | None = None,
    ) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self.flag_settings = flag_settings or FlagSettings()
        self.last_match_ms = 0.0  # candidate selection and decisions of the last ingest
        self.last_phases: dict[str, float] = {}  # ms per phase of the last ingest (lookup, match, write, commit)
        self._batch_figures: list[dict[str, Any]] = []
        self._known_flags: list[dict[str, Any]] = []  # flags the batch may join, read by the lookup
        self._run_row: dict[str, Any] | None = None
        self._tally: dict[str, list[dict[str, Any]]] = {"errors": [], "outcomes": [], "actions": []}

    # -------------------------------------------------------------- lifecycle
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Iterable[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params) if params is not None else None)
        names = [d[0] for d in cur.description]
        return [{k: _iso(v) for k, v in zip(names, row, strict=True)} for row in cur.fetchall()]

    def _append(self, table: str, rows: list[dict[str, Any]], columns: tuple[str, ...], conflict: str = "") -> None:
        """Insert rows in one statement (``conflict`` e.g. 'ON CONFLICT DO NOTHING'): one list parameter
        per column, unnested, for the few rows of a typical run (binding a list per column costs less
        than a parameter per value), an Arrow batch for large ones."""
        if not rows:
            return
        cols = ", ".join(columns)
        if len(rows) * len(columns) <= _VALUES_MAX_PARAMS:
            self.con.execute(
                f"INSERT INTO {table} ({cols}) SELECT {', '.join(f'unnest(${i + 1})' for i in range(len(columns)))} "
                + conflict,
                [[r.get(c) for r in rows] for c in columns],
            )
            return
        data = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
        self.con.register("_batch", data)
        try:
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _batch {conflict}")
        finally:
            with contextlib.suppress(duckdb.Error):  # keep the original error when the transaction aborted
                self.con.unregister("_batch")

    # -------------------------------------------------------------- simple reads
    def schema_version(self) -> int:
        return schema_version(self.con)

    def is_empty(self) -> bool:
        """No articles yet (the seed corpus has not been loaded)."""
        return self.con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 0

    def feed_states(self) -> dict[str, dict[str, Any]]:
        rows = self._rows(
            "SELECT name, url, etag, last_modified, last_success, last_error, last_error_at, "
            "consecutive_failures FROM feed_state ORDER BY name"
        )
        return {r.pop("name"): r for r in rows}

    def known_canonical_urls(self, urls: list[str]) -> set[str]:
        if not urls:
            return set()
        found = self.con.execute(
            "SELECT canonical_url FROM articles WHERE canonical_url IN (SELECT unnest(?))", [list(set(urls))]
        ).fetchall()
        return {r[0] for r in found}

    def article_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchall()[0][0]

    def articles(self) -> list[dict[str, Any]]:
        """Every stored article without its text and signature (for analysts and tests)."""
        return self._rows(
            "SELECT id, canonical_url, title, outlet, published, language, origin, relevant, "
            "near_duplicate_of, near_duplicate_similarity, first_run_id FROM articles ORDER BY published_date, id"
        )

    def figures(
        self, metric: str | None = None, source: str | None = None, below_confidence: float | None = None
    ) -> list[dict[str, Any]]:
        """Stored figures with their article, oldest first (the analysts' ``figures`` command); with
        ``below_confidence``, only the figures held for review (confidence below it)."""
        where, params = ["TRUE"], []
        if below_confidence is not None:
            where.append(storereads.held_for_review_sql("?"))
            params.append(below_confidence)
        if metric:
            where.append("metric = ?")
            params.append(metric)
        if source:
            where.append("source = ?")
            params.append(source)
        return self._rows(
            "SELECT id AS figure_id, metric, value_low, value_high, qualifier, value_text, vague, source, "
            "source_text, scope, scope_kind, as_of, sentence, article_url, article_title, outlet, language, "
            "published, from_near_duplicate, confidence, source_confidence, evidence, review_reason "
            f"FROM v_figures WHERE {' AND '.join(where)} "
            "ORDER BY as_of NULLS LAST, article_url, start_pos",
            params,
        )

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

    # ---- matching
    def _match(
        self,
        run_id: str,
        articles: list[dict[str, Any]],
        plan: dict[str, Any],
        cfg: FlagSettings,
    ) -> None:
        """Candidates read for the batch, decisions in Python (match.decide); nothing written yet."""
        started = time.perf_counter()
        try:
            self._match_figures(articles, plan, cfg)
        finally:
            self.last_match_ms = round((time.perf_counter() - started) * 1000, 2)
            self.last_phases["match"] = self.last_match_ms

    def _match_figures(self, articles: list[dict[str, Any]], plan: dict[str, Any], cfg: FlagSettings) -> None:
        usable = [
            f
            for f in plan["figures"]
            if not f["vague"] and f["as_of"] is not None and f.get("confidence", 1.0) >= cfg.min_confidence
        ]
        if not usable:
            return
        seq = {a["id"]: i for i, a in enumerate(articles)}
        claims = {
            f["id"]: match.Claim.from_dict({**f, "figure_id": f["id"], "position": f["start_pos"]}) for f in usable
        }
        flags_state = [match.FlagState.from_dict(r) for r in self._known_flags]
        stored = storereads.figure_candidates(
            self.con, list(claims.values()), cfg.tolerance, cfg.window_days, CANDIDATES_PER_SOURCE, cfg.min_confidence
        )
        candidates: dict[str, dict[tuple[Any, ...], match.Claim]] = {}
        for nid, claim in claims.items():  # one stored figure per distinct claim, the nearest in date
            for cand in stored.get(nid, []):
                key = cand.claim_key
                held = candidates.setdefault(nid, {}).get(key)
                near = abs((cand.as_of - claim.as_of).days)  # type: ignore[operator]
                if held is None or (near, cand.figure_id) < (abs((held.as_of - claim.as_of).days), held.figure_id):  # type: ignore[operator]
                    candidates[nid][key] = cand
        history = storereads.source_histories(self.con, list(claims.values()))

        actions: list[dict[str, Any]] = []
        for art in articles:
            own = [claims[f["id"]] for f in usable if f["article_id"] == art["id"]]
            if not own:
                continue
            earlier = [c for c in claims.values() if seq[c.article_id] < seq[art["id"]]]
            cands = [c for claim in own for c in candidates.get(claim.figure_id, {}).values()]
            cands += [
                c
                for c in earlier
                if any(
                    c.metric == claim.metric
                    and c.scope_kind == claim.scope_kind
                    and abs((c.as_of - claim.as_of).days) <= cfg.window_days
                    for claim in own
                )
            ]  # type: ignore[operator]
            own_history = {c.figure_id: self._with_batch_history(c, history[c.figure_id], earlier) for c in own}
            actions += match.decide(
                own,
                list({c.figure_id: c for c in cands}.values()),
                own_history,
                flags_state,
                cfg,
                near_duplicate=bool(art["near_duplicate_of"]),
                flows=self._flows(own, own_history, earlier, cfg),
            )
        plan["actions"] = actions
        held = {a["figure_id"]: a["reason"] for a in actions if a["action"] == "hold"}
        for f in plan["figures"]:  # held for review: written with its reason, and no value of its source
            if f["id"] in held:
                f["review_reason"] = held[f["id"]]
        plan["values"] = self._source_value_rows([c for fid, c in claims.items() if fid not in held])
        plan["held_values"] = {
            (c.metric, c.source, c.scope_kind, c.value_low, c.value_high): history[fid]["held"]
            for fid, c in claims.items()
            if history[fid]["held"]
        }

    def _flows(
        self, own: list[match.Claim], history: dict[str, dict[str, Any]], earlier: list[match.Claim], cfg: FlagSettings
    ) -> dict[str, dict[str, list[match.Claim]]]:
        """Release and arrest counts around each new stock's previous value: stored ones and this batch's earlier."""
        stocks = [(c, history[c.figure_id]["previous"]) for c in own if c.metric == "still_detained"]
        stocks = [(c, p) for c, p in stocks if p is not None]
        if not stocks:
            return {}
        flows = storereads.source_flows(self.con, stocks, cfg.min_confidence)
        for claim, _previous in stocks:
            mine = flows.setdefault(claim.figure_id, {"released": [], "arrested": []})
            for c in earlier:
                if c.source == claim.source and c.metric in mine and c.as_of <= claim.as_of:  # type: ignore[operator]
                    mine[c.metric].append(c)
        return flows

    @staticmethod
    def _with_batch_history(claim: match.Claim, stored: dict[str, Any], earlier: list[match.Claim]) -> dict[str, Any]:
        """Add what the source stated in earlier articles of this same batch to its stored history."""
        seen, previous = stored["seen"], stored["previous"]
        for c in earlier:
            if (c.metric, c.source, c.scope_kind) != (claim.metric, claim.source, claim.scope_kind):
                continue
            if (c.value_low, c.value_high) == (claim.value_low, claim.value_high):
                seen = True
            elif c.as_of <= claim.as_of and (previous is None or c.as_of >= previous.as_of):  # type: ignore[operator]
                previous = c
        return {"seen": seen, "previous": previous}

    def rebuild_source_values(self) -> int:
        """Recompute ``source_values`` from every stored figure (after a bulk load outside ingest_batch):
        one version per value."""
        sql = (SQL_DIR / "0003_source_values.sql").read_text(encoding="utf-8")
        backfill = sql[sql.index("INSERT INTO source_values") :]
        self.con.execute("DELETE FROM source_values")
        self.con.execute(backfill)
        return self.con.execute("SELECT count(*) FROM source_values").fetchall()[0][0]

    @staticmethod
    def _source_value_rows(claims: list[match.Claim]) -> list[dict[str, Any]]:
        """Each value a named source stated (stocks and cumulative counts), latest figure wins."""
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for c in claims:
            if c.source == "unattributed" or c.scope_kind == "event":
                continue
            key = (c.metric, c.source, c.scope_kind, c.value_low, c.value_high)
            row = latest.get(key)
            if row is None:
                latest[key] = row = {"first_as_of": c.as_of, "last_as_of": c.as_of, "claim": c}
            row["first_as_of"] = min(row["first_as_of"], c.as_of)
            if c.as_of >= row["last_as_of"]:
                row["last_as_of"], row["claim"] = c.as_of, c
        return [
            {
                "metric": k[0],
                "source": k[1],
                "scope_kind": k[2],
                "value_low": k[3],
                "value_high": k[4],
                "first_as_of": r["first_as_of"],
                "last_as_of": r["last_as_of"],
                "figure_id": r["claim"].figure_id,
                "article_id": r["claim"].article_id,
                "qualifier": r["claim"].qualifier,
                "value_text": r["claim"].value_text,
                "scope": r["claim"].scope,
            }
            for k, r in latest.items()
        ]

    def _write_source_values(self, rows: list[dict[str, Any]], held: dict[tuple[Any, ...], tuple[date, date]]) -> None:
        """Values in one insert: ``source_values`` is append-only, so a value stated again adds a version
        row (``v_source_values`` folds them) instead of an update (3–7 ms each). ``held`` (first and last
        as-of of the stored values, read with the batch's history) tells which versions would change
        nothing: stated again within the dates already held, they are left out."""
        changed = []
        for r in rows:
            stored = held.get(tuple(r[c] for c in _SOURCE_VALUE_COLUMNS[:5]))
            if stored is None or r["last_as_of"] >= stored[1] or r["first_as_of"] < stored[0]:
                changed.append(r)
        self._append("source_values", changed, _SOURCE_VALUE_COLUMNS)

    def _apply_actions(self, run_id: str, actions: list[dict[str, Any]], now: str) -> None:
        """Write the flag decisions: new flags in one insert, changes to stored flags in one update,
        evidence in one insert. A flag raised and then moved or extended in the same batch is stored as
        it ends up."""
        actions = [a for a in actions if a["action"] != "hold"]  # written with the figures (_match_figures)
        raised: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}  # stored flags: new values, moved?, corroborating articles
        evidence: list[dict[str, Any]] = []
        for act in actions:
            fid = act["flag_id"]
            if act["action"] == "raise":
                raised[fid] = {
                    "id": fid,
                    "dedupe_key": act["dedupe_key"],
                    "type": act["type"],
                    "metric": act["metric"],
                    "scope_kind": act["scope_kind"],
                    "source_a": act["source_a"],
                    "source_b": act["source_b"],
                    "anchor_as_of": act["anchor_as_of"],
                    "signature": act["signature"],
                    "severity": act["severity"],
                    "status": "open",
                    "note": "",
                    "reason": act["reason"],
                    "new_figure_id": act["new_figure_id"],
                    "corroborations": 0,
                    "created_at": now,
                    "updated_at": now,
                    "changed_at": now,
                    "reported_at": None,
                    "report_id": None,
                    "run_id": run_id,
                }
            elif act["action"] in ("move", "extend"):
                target = raised.get(fid) or changed.setdefault(fid, {"id": fid, "moved": False, "articles": set()})
                target["signature"] = act["signature"]
                if act["action"] == "move":
                    target.update(
                        severity=act["severity"],
                        reason=act["reason"],
                        new_figure_id=act["new_figure_id"],
                        status="open",
                        moved=True,
                    )
            if act["action"] in ("raise", "move", "extend"):
                evidence.append(
                    {
                        "flag_id": fid,
                        "figure_id": act["new_figure_id"],
                        "role": "new",
                        "added_at": now,
                        "run_id": run_id,
                    }
                )
                evidence += [
                    {"flag_id": fid, "figure_id": p, "role": "previous", "added_at": now, "run_id": run_id}
                    for p in act["previous_figure_ids"]
                ]
            else:
                evidence.append(
                    {
                        "flag_id": fid,
                        "figure_id": act["figure_id"],
                        "role": "corroboration",
                        "added_at": now,
                        "run_id": run_id,
                    }
                )
        first_role: dict[tuple[str, str], dict[str, Any]] = {}
        for e in evidence:  # a figure keeps the first role it was given (new before corroboration)
            first_role.setdefault((e["flag_id"], e["figure_id"]), e)
        # A new or corroborating figure is the batch's own, and a flag raised now holds nothing yet: only
        # the earlier figures a stored flag gains when it moves or extends may be held already.
        maybe_held = [k for k, e in first_role.items() if e["role"] == "previous" and k[0] not in raised]
        held: set[tuple[str, str]] = set()
        if maybe_held:
            held = {
                (r[0], r[1])
                for r in self.con.execute(
                    "SELECT flag_id, figure_id FROM flag_evidence "
                    f"WHERE flag_id IN ({_marks(maybe_held)}) AND figure_id IN ({_marks(maybe_held)})",
                    [k[0] for k in maybe_held] + [k[1] for k in maybe_held],
                ).fetchall()
            }
        unique = [e for k, e in first_role.items() if k not in held]
        article_of = {f["id"]: f["article_id"] for f in self._batch_figures}
        for e in unique:
            if e["role"] != "corroboration":
                continue
            target = raised.get(e["flag_id"]) or changed.setdefault(
                e["flag_id"], {"id": e["flag_id"], "moved": False, "articles": set()}
            )
            target.setdefault("articles", set()).add(article_of.get(e["figure_id"], e["figure_id"]))
        for row in raised.values():
            row["corroborations"] = len(row.pop("articles", ()))
            row.pop("moved", None)
        self._tally["corroborated"] = [
            {"flag_id": f} for f in sorted({e["flag_id"] for e in unique if e["role"] == "corroboration"})
        ]
        self._append("flags", list(raised.values()), _FLAG_COLUMNS)
        # Most stored flags only gain corroborations: a plain update by id (~1 ms) does for them; a flag
        # whose values moved or grew takes the full update (a join, ~3 ms).
        corroborated: dict[int, list[str]] = {}
        for c in list(changed.values()):
            if not c["moved"] and c.get("signature") is None:
                del changed[c["id"]]
                if c.get("articles"):
                    corroborated.setdefault(len(c["articles"]), []).append(c["id"])
        for count, ids in sorted(corroborated.items()):
            self.con.execute(
                f"UPDATE flags SET corroborations = corroborations + ? WHERE id IN ({_marks(ids)})", [count, *ids]
            )
        if changed:
            row_sql = "(" + ", ".join(["CAST(? AS VARCHAR)"] * 6 + ["CAST(? AS BOOLEAN)", "CAST(? AS INTEGER)"]) + ")"
            params: list[Any] = []
            for c in changed.values():
                params += [
                    c["id"],
                    c.get("signature"),
                    c.get("severity"),
                    c.get("reason"),
                    c.get("new_figure_id"),
                    now,
                    c["moved"],
                    len(c.get("articles", ())),
                ]
            self.con.execute(
                f"""
                UPDATE flags SET signature = coalesce(u.signature, flags.signature),
                       severity = coalesce(u.severity, flags.severity), reason = coalesce(u.reason, flags.reason),
                       new_figure_id = coalesce(u.new_figure_id, flags.new_figure_id),
                       status = CASE WHEN u.moved THEN 'open' ELSE flags.status END,
                       updated_at = CASE WHEN u.moved THEN u.now ELSE flags.updated_at END,
                       changed_at = CASE WHEN u.moved THEN u.now ELSE flags.changed_at END,
                       corroborations = flags.corroborations + u.articles
                FROM (VALUES {", ".join([row_sql] * len(changed))})
                     AS u(id, signature, severity, reason, new_figure_id, now, moved, articles)
                WHERE flags.id = u.id
                """,
                params,
            )
        self._append("flag_evidence", unique, ("flag_id", "figure_id", "role", "added_at", "run_id"))

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

    def last_run(self, include_seed: bool = False) -> dict[str, Any] | None:
        """The newest monitoring run's summary, with the feeds that failed in it."""
        row = self.con.execute(
            "SELECT run_id, started_at, finished_at, summary FROM runs "
            + ("" if include_seed else "WHERE run_id <> 'seed-corpus' ")
            + "ORDER BY finished_at DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        run_id, started_at, finished_at, summary = row
        out = json.loads(summary) if summary else {}
        out.update(run_id=run_id, started_at=started_at, finished_at=finished_at)
        out["failed_feeds"] = [
            {"name": feed, "url": url, "error_class": cls, "error": message}
            for feed, url, cls, message in self.con.execute(
                "SELECT feed, url, error_class, message FROM fetch_errors WHERE run_id = ? AND stage = 'feed' "
                "ORDER BY feed",
                [run_id],
            ).fetchall()
        ]
        return out

    def last_report_id(self) -> str | None:
        """The newest report written from this database (its folder name under ``report.out_dir``)."""
        row = self.con.execute("SELECT report_id FROM report_deliveries ORDER BY delivered_at DESC LIMIT 1").fetchone()
        return row[0] if row else None

    # -------------------------------------------------------------- flags for analysts
    def _flag_dicts(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        flags = self._rows(
            "SELECT id, type, metric, severity, status, note, reason, created_at, updated_at, corroborations, "
            f"new_figure_id, reported_at, report_id FROM flags WHERE {where} ORDER BY created_at, id",
            params,
        )
        if not flags:
            return []
        evidence: dict[str, list[dict[str, Any]]] = {}
        for r in self._rows(
            _EVIDENCE_SQL + " WHERE e.flag_id IN (SELECT unnest(?)) ORDER BY v.as_of, v.id", [[f["id"] for f in flags]]
        ):
            evidence.setdefault(r["flag_id"], []).append(r)
        out = []
        for f in flags:
            items = evidence.get(f["id"], [])
            new_id = f.pop("new_figure_id")
            new = next((_evidence(r) for r in items if r["figure_id"] == new_id), None)
            f["new"] = new
            f["previous"] = [
                _evidence(r) for r in items if r["role"] in ("previous", "new") and r["figure_id"] != new_id
            ]
            f["corroborated_by"] = [_evidence(r) for r in items if r["role"] == "corroboration"]
            out.append(f)
        return out

    def flags(
        self, status: str | None = None, metric: str | None = None, flag_type: str | None = None
    ) -> list[dict[str, Any]]:
        """Flags with their evidence, oldest first, filtered by status, metric and type."""
        where, params = ["TRUE"], []
        for col, value in (("status", status), ("metric", metric), ("type", flag_type)):
            if value:
                where.append(f"{col} = ?")
                params.append(value)
        return self._flag_dicts(" AND ".join(where), params)

    def flag(self, flag_id: str) -> dict[str, Any]:
        found = self._flag_dicts("id = ?", [flag_id])
        if not found:
            raise KeyError(f"no flag with id {flag_id!r}")
        return found[0]

    def review_count(self) -> int:
        """How many figures are held for review (the Flags view's heading)."""
        sql = f"SELECT count(*) FROM figures WHERE {storereads.held_for_review_sql('?')}"
        return int(self.con.execute(sql, [self.flag_settings.min_confidence]).fetchone()[0])

    def set_figure_verdict(self, figure_id: str, verdict: str, note: str = "") -> dict[str, Any]:
        """An analyst says a figure held for review is right (it joins later matching) or wrong (it never does)."""
        if verdict not in REVIEW_VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r} (one of {', '.join(REVIEW_VERDICTS)})")
        if not self.con.execute("SELECT 1 FROM figures WHERE id = ?", [figure_id]).fetchone():
            raise KeyError(f"no figure with id {figure_id!r}")
        self.con.execute(
            "UPDATE figures SET review_verdict = ?, review_note = ?, reviewed_at = ? WHERE id = ?",
            [verdict, note, _now(), figure_id],
        )
        (row,) = self._rows(
            "SELECT id AS figure_id, metric, value_low, value_high, value_text, source, review_verdict, review_note, "
            "reviewed_at FROM figures WHERE id = ?",
            [figure_id],
        )
        return row

    def set_flag_status(self, flag_id: str, status: str, note: str) -> dict[str, Any]:
        """An analyst acknowledges, dismisses or re-opens a flag, with a note saying why."""
        if status not in FLAG_STATUSES:
            raise ValueError(f"unknown flag status {status!r} (one of {', '.join(FLAG_STATUSES)})")
        self.flag(flag_id)
        self.con.execute(
            "UPDATE flags SET status = ?, note = ?, updated_at = ? WHERE id = ?", [status, note, _now(), flag_id]
        )
        return self.flag(flag_id)

    def unreported_flag_ids(self) -> list[str]:
        """Open flags raised, or whose values moved, since they were last reported."""
        return [
            r[0]
            for r in self.con.execute(
                "SELECT id FROM flags WHERE status = 'open' AND (reported_at IS NULL OR changed_at > reported_at) "
                "ORDER BY created_at, id"
            ).fetchall()
        ]

    def mark_reported(self, flag_ids: list[str], report_id: str, channel: str) -> None:
        """Record a delivery; the flags leave the unreported list (idempotent per report and channel)."""
        now = _now()
        self.con.execute("BEGIN TRANSACTION")
        try:
            if flag_ids:
                self.con.execute(
                    "UPDATE flags SET reported_at = ?, report_id = ? WHERE id IN (SELECT unnest(?))",
                    [now, report_id, list(flag_ids)],
                )
            self._append(
                "report_deliveries",
                [
                    {
                        "report_id": report_id,
                        "channel": channel,
                        "flag_ids": list(flag_ids),
                        "delivered_at": now,
                        "status": "sent",
                    }
                ],
                ("report_id", "channel", "flag_ids", "delivered_at", "status"),
                "ON CONFLICT DO NOTHING",
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    # -------------------------------------------------------------- report data
    def report_data(self, flag_ids: list[str] | None = None, since: str | None = None) -> dict[str, Any]:
        """Everything a report shows, as one JSON-able dict (the ReportData shape)."""
        if flag_ids is not None:
            flags = self._flag_dicts("id IN (SELECT unnest(?))", [list(flag_ids)])
        elif since:
            flags = self._flag_dicts("changed_at >= ? OR updated_at >= ?", [since, since])
        else:
            flags = self._flag_dicts("status = 'open'", [])
        run = self._rows(
            "SELECT run_id, started_at, finished_at, "
            + ", ".join(_RUN_COUNTS)
            + " FROM runs ORDER BY finished_at DESC, run_id DESC LIMIT 1"
        )
        timeline = self._timeline(flags, since)
        threshold = self.flag_settings.unhealthy_after_failures
        feeds = self._rows(
            "SELECT name, url, last_success, last_error, last_error_at, consecutive_failures "
            "FROM feed_state ORDER BY name"
        )
        for f in feeds:
            f["healthy"] = f["consecutive_failures"] < threshold
        last_run = run[0]["run_id"] if run else None
        errors = self._rows(
            "SELECT url, stage, error_class, message, feed, error_at AS at FROM fetch_errors "
            + ("WHERE error_at >= ? " if since else "WHERE run_id = ? ")
            + "ORDER BY error_at, url",
            [since] if since else [last_run],
        )
        counts = self.con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM figures), "
            "(SELECT count(*) FROM flags WHERE status = 'open'), "
            f"(SELECT count(*) FROM figures WHERE {storereads.held_for_review_sql('?')})",
            [self.flag_settings.min_confidence],
        ).fetchall()[0]
        review = self._rows(
            _REVIEW_SQL + ("AND v.stored_at >= ? " if since else "") + "ORDER BY v.stored_at DESC, v.id LIMIT ?",
            [self.flag_settings.min_confidence, *([since] if since else []), REVIEW_SHOWN],
        )
        return {
            "generated_at": _now(),
            "run": run[0] if run else None,
            "flags": flags,
            "review": [_evidence(r) for r in review],
            "board": self._board(),
            "timeline": timeline,
            "feeds": feeds,
            "errors": errors,
            "counts": {
                "articles_total": counts[0],
                "figures_total": counts[1],
                "flags_open": counts[2],
                "figures_for_review": counts[3],
            },
        }

    def _timeline(self, flags: list[dict[str, Any]], since: str | None) -> list[dict[str, Any]]:
        """The chart points: from ``since`` when given, else the last TIMELINE_DAYS before the newest
        stored date, reaching back far enough to show every figure the report's flags cite."""
        if since:
            start: date | None = date.fromisoformat(since[:10])
        else:
            newest = self.con.execute(
                "SELECT max(as_of) FROM figures WHERE NOT vague AND as_of IS NOT NULL"
            ).fetchone()[0]
            start = newest - timedelta(days=TIMELINE_DAYS) if newest else None
            cited = [
                date.fromisoformat(str(e["as_of"])[:10])
                for f in flags
                for e in [f.get("new"), *f.get("previous", [])]
                if e and e.get("as_of")
            ]
            if start and cited:
                start = min(start, *cited)
        return self._rows(
            "SELECT metric, source, as_of, value_low, value_high, qualifier FROM v_metric_timeline "
            "WHERE as_of >= ? ORDER BY metric, source, as_of, value_low",
            [start or date.min],
        )

    def _board(self) -> list[dict[str, Any]]:
        """Latest value per metric and source, with the value before it and the direction of change."""
        rows = self._rows("""
            WITH latest AS (SELECT * FROM v_latest_figures),
            prev AS (
                SELECT f.metric, f.source, f.value_low, f.value_high, f.qualifier, f.value_text, f.as_of FROM figures f
                JOIN latest l ON l.metric = f.metric AND l.source = f.source AND f.as_of < l.as_of
                WHERE NOT f.vague
                QUALIFY row_number() OVER (PARTITION BY f.metric, f.source ORDER BY f.as_of DESC, f.id DESC) = 1)
            SELECT l.metric, l.source, l.value_low, l.value_high, l.qualifier, l.value_text, l.as_of,
                   l.article_url, p.value_low AS previous_value_low, p.value_high AS previous_value_high,
                   p.qualifier AS previous_qualifier, p.value_text AS previous_value_text, p.as_of AS previous_as_of
            FROM latest l LEFT JOIN prev p ON p.metric = l.metric AND p.source = l.source
            ORDER BY l.metric, l.source""")
        for r in rows:
            if r["previous_value_low"] is None:
                r["trend"] = "new"
            else:
                now_mid = (r["value_low"] + r["value_high"]) / 2
                before = (r["previous_value_low"] + r["previous_value_high"]) / 2
                r["trend"] = "up" if now_mid > before else "down" if now_mid < before else "flat"
        return rows
