"""In-memory windows over the stored corpus, so matching one article needs no scan of a million figures.

Matching reads three things for each batch: the stored figures whose as-of dates fall within
``flags.window_days`` of the new ones, the articles published in that window (near-duplicate
originals), and what each source has stated per metric (``source_values``). Scanning them in SQL
costs 10–25 ms each at a million stored figures; held in memory they cost well under a millisecond.

The windows are loaded on demand, a date interval at a time, from committed rows only (the store
loads them before it writes anything in a transaction), and the store adds a batch's rows only after
its COMMIT, so a rolled-back run leaves no trace here. :class:`CorpusCache` remembers how many articles
and figures the database held when it was last in step; the store checks those counts at every ingest
and starts afresh when something else wrote to the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import duckdb
import numpy as np

from prisonwatch import match, neardup
from prisonwatch.config import ToleranceSettings

# Loading more than this many days of one window starts it afresh (bounds memory when batches jump in time).
MAX_CACHED_DAYS = 730
# A window that must grow may load this many days further ahead, so a long-lived store whose news moves
# on day by day loads less often (later rows arrive through ``add``). Zero: a DAG run opens the store
# for one batch, and every day loaded ahead is paid on every run (31 days ahead cost ~55 ms at 1M figures).
LOAD_AHEAD_DAYS = 0


class DayIntervals:
    """The date intervals (inclusive day ordinals) a window has loaded."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def covers(self, day: int) -> bool:
        return any(lo <= day <= hi for lo, hi in self.spans)

    def missing(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The parts of [lo, hi] not loaded yet."""
        gaps, cursor = [], lo
        for s_lo, s_hi in sorted(self.spans):
            if s_hi < cursor:
                continue
            if s_lo > hi:
                break
            if s_lo > cursor:
                gaps.append((cursor, s_lo - 1))
            cursor = max(cursor, s_hi + 1)
        if cursor <= hi:
            gaps.append((cursor, hi))
        return gaps

    def add(self, lo: int, hi: int) -> None:
        merged: list[tuple[int, int]] = []
        for s_lo, s_hi in sorted([*self.spans, (lo, hi)]):
            if merged and s_lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], s_hi))
            else:
                merged.append((s_lo, s_hi))
        self.spans = merged

    def days(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self.spans)


def _ensure(intervals: DayIntervals, lo: date, hi: date, load: Callable[[date, date], None], reset: Callable) -> None:
    """Load the parts of [lo, hi] the window lacks; start afresh when it would grow past MAX_CACHED_DAYS."""
    a, b = lo.toordinal(), hi.toordinal()
    gaps = intervals.missing(a, b)
    if not gaps:
        return
    b += LOAD_AHEAD_DAYS
    gaps = intervals.missing(a, b)
    if intervals.days() + sum(g_hi - g_lo + 1 for g_lo, g_hi in gaps) > MAX_CACHED_DAYS:
        reset()
        gaps = [(a, b)]
    for g_lo, g_hi in gaps:
        load(date.fromordinal(g_lo), date.fromordinal(g_hi))
        intervals.add(g_lo, g_hi)


# ---------------------------------------------------------------------- stored figures by as-of date
_FIGURE_FIELDS = (
    "id",
    "article_id",
    "metric",
    "value_low",
    "value_high",
    "qualifier",
    "source",
    "scope_kind",
    "as_of",
    "scope",
    "value_text",
    "start_pos",
)
_FIGURE_SQL = f"""
SELECT {", ".join(_FIGURE_FIELDS)}, date_diff('day', DATE '0001-01-01', as_of) + 1 AS day
FROM figures WHERE as_of BETWEEN ? AND ? AND NOT vague
"""


def hedged_bounds(
    qualifier: np.ndarray, low: np.ndarray, high: np.ndarray, tol: ToleranceSettings
) -> tuple[np.ndarray, np.ndarray]:
    """``match.hedged_interval`` over numpy columns (the same float arithmetic, row by row)."""
    lo, hi = low.astype(float), high.astype(float)
    q = {name: qualifier == name for name in ("about", "nearly", "more_than", "at_least", "fewer_than", "at_most")}
    down = q["fewer_than"] | q["at_most"]
    lower = np.select(
        [q["about"], q["nearly"], q["more_than"] | q["at_least"], down],
        [lo * (1 - tol.about), lo * (1 - tol.nearly), lo, lo * (1 - tol.fewer_than_lower)],
        lo * (1 - tol.exact),
    )
    upper = np.select(
        [q["about"], q["more_than"], q["at_least"], q["nearly"] | down],
        [hi * (1 + tol.about), hi * (1 + tol.more_than_upper), hi * (1 + tol.at_least_upper), hi],
        hi * (1 + tol.exact),
    )
    return lower, upper


class _FigureGroup:
    """The cached figures of one metric and scope kind as numpy columns, in chunks joined when queried."""

    def __init__(self) -> None:
        self.chunks: list[dict[str, np.ndarray]] = []
        self.joined: dict[str, np.ndarray] | None = None

    def add(self, chunk: dict[str, np.ndarray]) -> None:
        self.chunks.append(chunk)
        self.joined = None

    def columns(self) -> dict[str, np.ndarray]:
        if self.joined is None:
            self.joined = {k: np.concatenate([c[k] for c in self.chunks]) for k in self.chunks[0]}
            self.chunks = [self.joined]
        return self.joined


class FigureWindow:
    """Non-vague stored figures with an as-of date, grouped by metric and scope kind."""

    def __init__(self, tol: ToleranceSettings) -> None:
        self.tol = tol
        self.reset()

    def reset(self) -> None:
        self.loaded = DayIntervals()
        self.groups: dict[tuple[str, str], _FigureGroup] = {}

    def ensure(self, con: duckdb.DuckDBPyConnection, lo: date, hi: date) -> None:
        def load(a: date, b: date) -> None:
            table = con.sql(_FIGURE_SQL, params=[a, b]).to_arrow_table()
            if table.num_rows:
                self._add_columns({name: table.column(name).to_numpy() for name in table.column_names})

        _ensure(self.loaded, lo, hi, load, self.reset)

    def _add_columns(self, cols: dict[str, np.ndarray]) -> None:
        cols = {k: np.asarray(v, dtype=object) if v.dtype.kind in "OUS" else v for k, v in cols.items()}
        cols["day"] = cols["day"].astype(np.int64)
        cols["hedged_low"], cols["hedged_high"] = hedged_bounds(
            cols["qualifier"], cols["value_low"], cols["value_high"], self.tol
        )
        groups = cols["metric"] + "\x1f" + cols["scope_kind"]
        for key in np.unique(groups):
            rows = np.flatnonzero(groups == key)
            metric, kind = str(key).split("\x1f")
            self.groups.setdefault((metric, kind), _FigureGroup()).add({k: v[rows] for k, v in cols.items()})

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Committed figure rows (as the store writes them); those outside the loaded days load later."""
        kept = [
            f for f in rows if not f["vague"] and f["as_of"] is not None and self.loaded.covers(f["as_of"].toordinal())
        ]
        if not kept:
            return
        cols = {k: np.array([f[k] for f in kept], dtype=object) for k in _FIGURE_FIELDS}
        cols["value_low"] = cols["value_low"].astype(np.int64)
        cols["value_high"] = cols["value_high"].astype(np.int64)
        cols["day"] = np.array([f["as_of"].toordinal() for f in kept], dtype=np.int64)
        self._add_columns(cols)

    def candidates(self, claim: match.Claim, window_days: int, per_source: int) -> list[match.Claim]:
        """Stored figures a new one is compared with: same metric and scope kind, as-of within the window,
        that disagree with it or come from its own source; per source the ``per_source`` nearest in date
        (ties by figure id)."""
        group = self.groups.get((claim.metric, claim.scope_kind))
        if group is None:
            return []
        c = group.columns()
        day = claim.as_of.toordinal()  # type: ignore[union-attr]
        lo, hi = match.hedged_interval(claim, self.tol)
        distance = np.abs(c["day"] - day)
        mask = (distance <= window_days) & (
            (c["source"] == claim.source) | (c["hedged_high"] < lo) | (c["hedged_low"] > hi)
        )
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return []
        order = idx[np.lexsort((c["id"][idx].astype(str), distance[idx], c["source"][idx].astype(str)))]
        out: list[match.Claim] = []
        taken: dict[str, int] = {}
        for i in order.tolist():
            src = c["source"][i]
            if taken.get(src, 0) >= per_source:
                continue
            taken[src] = taken.get(src, 0) + 1
            out.append(
                match.Claim(
                    figure_id=c["id"][i],
                    article_id=c["article_id"][i],
                    metric=claim.metric,
                    value_low=int(c["value_low"][i]),
                    value_high=int(c["value_high"][i]),
                    qualifier=c["qualifier"][i] or "exact",
                    source=src or "unattributed",
                    scope_kind=claim.scope_kind,
                    as_of=date.fromordinal(int(c["day"][i])),
                    scope=c["scope"][i] or "",
                    value_text=c["value_text"][i] or "",
                    position=int(c["start_pos"][i] or 0),
                )
            )
        return out


# ---------------------------------------------------------------------- near-duplicate originals
_ORIGINALS_SQL = """
SELECT id, title, minhash, title_words, title_numbers, published_date FROM articles
WHERE relevant AND near_duplicate_of IS NULL AND published_date BETWEEN ? AND ?
"""


class OriginalsWindow:
    """Relevant articles that are not near-duplicates themselves, by published date, with signatures."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.loaded = DayIntervals()
        self.rows: list[dict[str, Any]] = []
        self.signatures: list[np.ndarray] = []
        self.arrays: tuple[np.ndarray, np.ndarray] | None = None

    def ensure(self, con: duckdb.DuckDBPyConnection, lo: date, hi: date) -> None:
        def load(a: date, b: date) -> None:
            table = con.sql(_ORIGINALS_SQL, params=[a, b]).to_arrow_table()
            if not table.num_rows:
                return
            minhash = table.column("minhash").combine_chunks()
            flat = minhash.flatten().to_numpy()
            if minhash.null_count == 0 and flat.size == table.num_rows * neardup.NUM_PERM:
                signatures = flat.reshape(table.num_rows, neardup.NUM_PERM).astype(np.uint64)
            else:  # a missing or odd-sized signature (not written by this code): row by row
                signatures = np.vstack([self._signature(m) for m in minhash.to_pylist()])
            rest = table.drop(["minhash"]).to_pydict()
            for i, row in enumerate(zip(*rest.values(), strict=True)):
                self._add(dict(zip(rest.keys(), row, strict=True)), signatures[i])

        _ensure(self.loaded, lo, hi, load, self.reset)

    @staticmethod
    def _signature(values: list[int] | None) -> np.ndarray:
        sig = np.asarray(values if values else np.zeros(neardup.NUM_PERM), dtype=np.uint64)
        return sig if sig.shape == (neardup.NUM_PERM,) else np.zeros(neardup.NUM_PERM, dtype=np.uint64)

    def _add(self, row: dict[str, Any], sig: np.ndarray) -> None:
        row["title_words"] = set(row.get("title_words") or [])
        self.rows.append(row)
        self.signatures.append(sig)

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Committed article rows; only originals (relevant, not near-duplicates) in the loaded days."""
        for r in rows:
            if not r["relevant"] or r["near_duplicate_of"] or not self.loaded.covers(r["published_date"].toordinal()):
                continue
            self._add(
                {k: r[k] for k in ("id", "title", "title_words", "title_numbers", "published_date")}, r["minhash"]
            )

    def candidates(
        self, row: dict[str, Any], window_days: int, body_threshold: float, title_threshold: float
    ) -> list[dict[str, Any]]:
        """Originals within the window whose signature or headline passes a threshold (id, title, minhash)."""
        if not self.rows:
            return []
        have = 0 if self.arrays is None else len(self.arrays[0])
        if have < len(self.rows):  # stack only the rows added since the last query
            days = np.fromiter(
                (r["published_date"].toordinal() for r in self.rows[have:]), np.int64, len(self.rows) - have
            )
            stacked = np.vstack(self.signatures[have:])
            self.arrays = (
                (days, stacked)
                if self.arrays is None
                else (np.concatenate([self.arrays[0], days]), np.concatenate([self.arrays[1], stacked]))
            )
        days, signatures = self.arrays
        near = np.flatnonzero(np.abs(days - row["published_date"].toordinal()) <= window_days)
        if near.size == 0:
            return []
        own = np.asarray(row["minhash"], dtype=np.uint64)
        body = (signatures[near] == own).sum(axis=1) >= body_threshold * neardup.NUM_PERM
        words = set(row["title_words"] or [])
        out = []
        for i, passed in zip(near.tolist(), body.tolist(), strict=True):
            cand = self.rows[i]
            if not passed:
                theirs = cand["title_words"]
                if (
                    cand["title_numbers"] != row["title_numbers"]
                    or len(theirs) < neardup.MIN_TITLE_WORDS
                    or len(theirs & words) < title_threshold * len(theirs | words)
                ):
                    continue
            out.append({"id": cand["id"], "title": cand["title"], "minhash": signatures[i].tolist()})
        return out


# ---------------------------------------------------------------------- values each source has stated
class SourceValues:
    """``source_values`` in memory: per (metric, source, scope kind), each value and its latest figure."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str, str], dict[tuple[int, int], dict[str, Any]]] = {}

    def ensure(self, con: duckdb.DuckDBPyConnection, keys: Iterable[tuple[str, str, str]]) -> None:
        """Load the values of the (metric, source, scope kind) keys not loaded yet."""
        missing = sorted(set(keys) - set(self.by_key))
        if not missing:
            return
        for key in missing:
            self.by_key[key] = {}
        rows = con.sql(
            "SELECT * FROM source_values WHERE metric || chr(31) || source || chr(31) || scope_kind "
            "IN (SELECT unnest(?::VARCHAR[]))",
            params=[["\x1f".join(k) for k in missing]],
        ).to_arrow_table()
        for r in rows.to_pylist():
            self.by_key[(r["metric"], r["source"], r["scope_kind"])][(r["value_low"], r["value_high"])] = r

    def held(self, key: tuple[str, str, str], value: tuple[int, int]) -> dict[str, Any] | None:
        """The stored row of a value, or None (only asked about keys loaded with :meth:`ensure`)."""
        return self.by_key.get(key, {}).get(value)

    def history(self, claim: match.Claim) -> dict[str, Any]:
        """Did the source state this value before, and its latest earlier other value (as a Claim)."""
        values = self.by_key.get((claim.metric, claim.source, claim.scope_kind), {})
        own = (claim.value_low, claim.value_high)
        best: dict[str, Any] | None = None
        for key, r in values.items():
            if key == own or r["last_as_of"] > claim.as_of:
                continue
            if best is None or (r["last_as_of"], r["figure_id"]) > (best["last_as_of"], best["figure_id"]):
                best = r
        previous = None
        if best is not None:
            previous = match.Claim(
                figure_id=best["figure_id"],
                article_id=best["article_id"],
                metric=claim.metric,
                value_low=int(best["value_low"]),
                value_high=int(best["value_high"]),
                qualifier=best["qualifier"] or "exact",
                source=claim.source,
                scope_kind=claim.scope_kind,
                as_of=best["last_as_of"],
                scope=best["scope"] or "",
                value_text=best["value_text"] or "",
            )
        return {"seen": own in values, "previous": previous}

    def upsert(self, rows: list[dict[str, Any]]) -> None:
        """Apply committed ``source_values`` rows the way the store's upsert does (loaded keys only)."""
        for r in rows:
            values = self.by_key.get((r["metric"], r["source"], r["scope_kind"]))
            if values is None:
                continue
            held = values.get((r["value_low"], r["value_high"]))
            if held is None:
                values[(r["value_low"], r["value_high"])] = dict(r)
                continue
            newer = r["last_as_of"] >= held["last_as_of"]
            held["first_as_of"] = min(held["first_as_of"], r["first_as_of"])
            held["last_as_of"] = max(held["last_as_of"], r["last_as_of"])
            if newer:
                held.update({k: r[k] for k in ("figure_id", "article_id", "qualifier", "value_text", "scope")})


class CorpusCache:
    """The three windows, and the article and figure counts they were last in step with."""

    def __init__(self, tol: ToleranceSettings) -> None:
        self.tol = tol
        self.figures = FigureWindow(tol)
        self.originals = OriginalsWindow()
        self.source_values = SourceValues()
        self.counts: tuple[int, int] | None = None

    def in_step(self, counts: tuple[int, int], tol: ToleranceSettings) -> bool:
        return self.counts == counts and self.tol == tol
