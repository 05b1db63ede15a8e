"""What every part of the store shares: ids, column lists, the connection, the plain reads of what is stored."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Self

import duckdb
import pyarrow as pa

from prisonwatch.config import FlagSettings
from prisonwatch.models import EVIDENCE_KEYS, Article, Figure
from prisonwatch.store import reads as storereads
from prisonwatch.store.schema import schema_version

# ---------------------------------------------------------------------- helpers


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


class StoreBase:
    """An open database: the connection, bulk appends and the plain reads of what is stored."""

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

    def __enter__(self) -> Self:
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
