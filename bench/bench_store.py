"""Benchmark: store and match one new article against 10k, 100k and 1M stored figures.

Generates a database per size with Arrow bulk inserts (articles with real-sized MinHash signatures,
figures spread over six years: each source's weekly count, repeated by many articles, near a trend,
with 1% outliers), then times ``Store.ingest_batch`` for one new article with five figures (four in
line with the stored data, one that contradicts it; every value new, so each article raises flags):

- ``monitor``: articles dated day after day from the end of the stored span, as the monitoring DAG
  sees them (median and p90 of repeated runs, each a new article, after two warm-up runs);
- ``cold``: open the store and ingest one article (what one DAG run pays: the first ingest loads the
  in-memory windows of the stored corpus around the article's dates);
- ``past``: each article dated in another part of the six years (every ingest loads a new window).

Phases (median, monitor runs): the lookup statement, near-duplicate check, matching (candidates and
decisions), writes, COMMIT.

    .venv/bin/python bench/bench_store.py [--sizes 10000 100000 1000000] [--repeats 15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from prisonwatch import neardup, store
from prisonwatch.config import Settings
from prisonwatch.models import SOURCES, Article, Figure

METRICS = ["released", "still_detained", "amnesty_granted", "arrested", "under_court_measures", "other"]
KINDS = ["stock", "cumulative", "event"]
QUALIFIERS = ["exact", "more_than", "about", "at_least"]
START = date(2020, 1, 1)
SPAN_DAYS = 6 * 365
FIGURES_PER_ARTICLE = 4


def generate(db: store.Store, n_figures: int, rng: np.random.Generator) -> None:
    """Bulk-insert ``n_figures`` figures and their articles, in date order (as they would arrive)."""
    n_articles = n_figures // FIGURES_PER_ARTICLE
    days = np.sort(rng.integers(0, SPAN_DAYS, n_articles))
    pub = [START + timedelta(days=int(d)) for d in days]
    art_ids = [f"a_gen{i}" for i in range(n_articles)]
    signatures = rng.integers(0, 2**32, size=(n_articles, neardup.NUM_PERM), dtype=np.uint64)
    minhash = pa.FixedSizeListArray.from_arrays(pa.array(signatures.ravel(), pa.uint64()), neardup.NUM_PERM)
    articles = pa.table(
        {
            "id": art_ids,
            "canonical_url": [f"https://gen.example/{i}" for i in range(n_articles)],
            "url": [f"https://gen.example/{i}" for i in range(n_articles)],
            "content_hash": [f"h{i}" for i in range(n_articles)],
            "title": [f"Generated report {i}" for i in range(n_articles)],
            "published": [d.isoformat() for d in pub],
            "published_date": pub,
            "relevant": np.ones(n_articles, dtype=bool),
            "origin": ["feed"] * n_articles,
            "first_run_id": ["gen"] * n_articles,
            "stored_at": ["2026-01-01T00:00:00+00:00"] * n_articles,
            "minhash": minhash.cast(pa.list_(pa.uint64())),
            "title_words": [["generated", "report", str(i)] for i in range(n_articles)],
            "title_numbers": [str(i) for i in range(n_articles)],
        }
    )
    idx = np.repeat(np.arange(n_articles), FIGURES_PER_ARTICLE)[:n_figures]
    metric_i = rng.integers(0, len(METRICS), n_figures)
    source_i = rng.integers(0, len(SOURCES), n_figures)
    # Each source publishes one count per metric and week, which many articles then repeat; sources
    # differ by a few percent, and 1% of figures are outliers (misreadings, other scopes).
    week = days[idx] // 7
    bias = rng.normal(1.0, 0.02, (len(METRICS), len(SOURCES), SPAN_DAYS // 7 + 1))
    trend = 300 + 100 * metric_i + (days[idx] / SPAN_DAYS) * 700  # a slowly moving level per metric
    values = np.round(trend * bias[metric_i, source_i, week]).astype(np.int64)
    outliers = rng.random(n_figures) < 0.01
    values[outliers] = np.round(values[outliers] * rng.uniform(0.3, 2.5, int(outliers.sum()))).astype(np.int64)
    figures = pa.table(
        {
            "id": [f"fig_gen{i}" for i in range(n_figures)],
            "article_id": [art_ids[i] for i in idx],
            "metric": np.array(METRICS)[metric_i],
            "value_low": values,
            "value_high": values,
            "qualifier": np.array(QUALIFIERS)[rng.integers(0, len(QUALIFIERS), n_figures)],
            "source": np.array(SOURCES)[source_i],
            "scope_kind": np.array(KINDS)[rng.integers(0, len(KINDS), n_figures)],
            "start_pos": np.zeros(n_figures, dtype=np.int32),
            "end_pos": np.full(n_figures, 3, dtype=np.int32),
            "as_of": [pub[i] for i in idx],
            "vague": rng.random(n_figures) < 0.05,
            "run_id": ["gen"] * n_figures,
            "stored_at": ["2026-01-01T00:00:00+00:00"] * n_figures,
        }
    )
    for name, table in (("articles", articles), ("figures", figures)):
        db.con.register("_gen", table)
        cols = ", ".join(table.column_names)
        db.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _gen")
        db.con.unregister("_gen")
    db.rebuild_source_values()
    db.con.execute("CHECKPOINT")


def level(metric: str, day: date) -> float:
    """The generated data's level for a metric on a day (see ``generate``)."""
    return 300 + 100 * METRICS.index(metric) + ((day - START).days / SPAN_DAYS) * 700


def one_article(i: int, day: date) -> tuple[Article, list[Figure]]:
    """A new article: four figures in line with what is stored, and one that disagrees with it."""
    words = np.random.default_rng(i).integers(0, 50_000, 400)  # unrelated texts: no near-duplicates
    text = f"Bench article {i}. " + " ".join(f"word{w}" for w in words)
    art = Article(
        url=f"https://bench.example/{i}",
        canonical_url=f"https://bench.example/{i}",
        title=f"Bench story number {i} about releases",
        text=text,
        content_hash=f"bench{i}",
        published=day.isoformat(),
        language="en",
    )
    released, detained = level("released", day), level("still_detained", day)
    specs = [
        ("released", round(released * 0.98) + i, "more_than", "government", "cumulative"),
        ("released", round(released) + i, "exact", "foro_penal", "cumulative"),
        ("still_detained", round(detained) + i, "exact", "foro_penal", "stock"),
        ("still_detained", round(detained * 1.01) + i, "about", "jep", "stock"),
        ("released", round(released * 0.4) + i, "exact", "ngo", "cumulative"),
    ]
    figs = [
        Figure(
            metric=m,
            value_low=v,
            value_high=v,
            qualifier=q,
            source=s,
            source_text=s,
            scope="",
            scope_kind=k,
            sentence=f"{s} {v}",
            start=j * 80,
            end=j * 80 + 3,
            value_text=str(v),
        )
        for j, (m, v, q, s, k) in enumerate(specs)
    ]
    return art, figs


def _ingest(db: store.Store, i: int, day: date, settings: Settings) -> tuple[float, dict[str, float], int]:
    t0 = time.perf_counter()
    summary = db.ingest_batch(f"bench-{i}", polls=[], articles=[one_article(i, day)], errors=[], settings=settings)
    return (time.perf_counter() - t0) * 1000, dict(db.last_phases), summary["flags_new"]


def bench(n_figures: int, repeats: int, folder: Path) -> dict[str, Any]:
    path = folder / f"bench_{n_figures}.duckdb"
    settings = Settings()
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    with store.open_store(path, settings=settings) as db:
        generate(db, n_figures, rng)
    build_s = time.perf_counter() - started
    end = START + timedelta(days=SPAN_DAYS)
    serial = iter(range(10**6))
    cold: list[float] = []
    for k in range(3):  # a DAG run: open, ingest one article, close
        t0 = time.perf_counter()
        with store.open_store(path, settings=settings) as db:
            _ingest(db, next(serial), end - timedelta(days=200 * (k + 1)), settings)
        cold.append((time.perf_counter() - t0) * 1000)
    monitor: list[float] = []
    phases: dict[str, list[float]] = {}
    flags: list[int] = []
    past: list[float] = []
    with store.open_store(path, settings=settings) as db:
        for i in range(repeats + 2):
            ms, phase, raised = _ingest(db, next(serial), end + timedelta(days=i), settings)
            if i >= 2:  # the first runs load the windows and warm caches
                monitor.append(ms)
                flags.append(raised)
                for name, value in phase.items():
                    phases.setdefault(name, []).append(value)
        for i in range(repeats):
            day = START + timedelta(days=int(SPAN_DAYS * (0.3 + 0.6 * i / repeats)))
            past.append(_ingest(db, next(serial), day, settings)[0])
        stored = db.con.execute("SELECT count(*) FROM figures").fetchall()[0][0]
    return {
        "figures": stored,
        "build_s": build_s,
        "cold_ms": statistics.median(cold),
        "median_ms": statistics.median(monitor),
        "p90_ms": sorted(monitor)[int(0.9 * (len(monitor) - 1))],
        "past_ms": statistics.median(past),
        "flags": statistics.median(flags),
        "phases": {name: statistics.median(v) for name, v in phases.items()},
        "size_mb": path.stat().st_size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    phase_names = ("lookup", "near_duplicates", "match", "write", "commit")
    with tempfile.TemporaryDirectory(prefix="pw-bench-") as tmp:
        print(
            f"{'stored figures':>15} {'build s':>8} {'monitor ms':>11} {'p90 ms':>7} {'cold ms':>8} {'past ms':>8} "
            f"{'flags/art':>9} {'db MB':>7}  phases ms: " + " / ".join(phase_names)
        )
        for size in args.sizes:
            r = bench(size, args.repeats, Path(tmp))
            print(
                f"{r['figures']:>15,} {r['build_s']:>8.1f} {r['median_ms']:>11.1f} {r['p90_ms']:>7.1f} "
                f"{r['cold_ms']:>8.1f} {r['past_ms']:>8.1f} {r['flags']:>9.0f} {r['size_mb']:>7.1f}  "
                + " / ".join(f"{r['phases'].get(n, 0.0):.1f}" for n in phase_names)
            )


if __name__ == "__main__":
    main()
