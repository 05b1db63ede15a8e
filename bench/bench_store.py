"""Benchmark: store and match one new article against 10k, 100k and 1M stored figures.

Generates a database per size with Arrow bulk inserts (articles with real-sized MinHash signatures,
SHA-256 content hashes and news-length URLs, one run record per day and one run-article row per
article; figures spread over six years: each source's weekly count, repeated by many articles, near a
trend, with 1% outliers), then times ``Store.ingest_batch`` for one new article with five figures (four
in line with the stored data, one that contradicts it; every value new, so each article raises flags):

- ``cold`` (the headline): what every monitoring DAG run pays. Open the store, ingest one article dated
  day after day from the end of the stored span, close it; the ingest is split into its phases (the
  lookup statement, near-duplicate check, matching, writes, COMMIT). Open and close (DuckDB writes a
  checkpoint on close) are reported beside it. The file sits in the OS page cache, as it does between
  DAG runs; DuckDB's own cache starts empty at every open.
- ``monitor``: the store kept open, articles day after day (median and p90, after two warm-up runs).
- ``past``: the store kept open, each article dated in another part of the six years.

``bench()`` returns ``median_ms``/``p90_ms`` for the cold ingest (what ``bench/run_all.py`` reports).

    .venv/bin/python bench/bench_store.py [--sizes 10000 100000 1000000] [--repeats 15]
        [--modes cold monitor past]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from prisonwatch import store
from prisonwatch.config import Settings
from prisonwatch.matching import neardup
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
    urls = [
        f"https://www.noticias{i % 40}.example/politica/{d.isoformat()}/excarcelaciones-presos-politicos-{i}"
        for i, d in enumerate(pub)
    ]
    signatures = rng.integers(0, 2**32, size=(n_articles, neardup.NUM_PERM), dtype=np.uint32)
    signature = pa.FixedSizeListArray.from_arrays(pa.array(signatures.ravel(), pa.uint32()), neardup.NUM_PERM)
    articles = pa.table(
        {
            "id": art_ids,
            "canonical_url": urls,
            "url": urls,
            "content_hash": [hashlib.sha256(f"gen{i}".encode()).hexdigest() for i in range(n_articles)],
            "title": [f"Generated report {i}" for i in range(n_articles)],
            "published": [d.isoformat() for d in pub],
            "published_date": pub,
            "relevant": np.ones(n_articles, dtype=bool),
            "origin": ["feed"] * n_articles,
            "first_run_id": ["gen"] * n_articles,
            "stored_at": ["2026-01-01T00:00:00+00:00"] * n_articles,
            "signature": signature,
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
    run_days = sorted(set(pub))
    runs = pa.table(
        {
            "run_id": [f"scheduled__{d.isoformat()}" for d in run_days],
            "started_at": [f"{d.isoformat()}T06:00:00+00:00" for d in run_days],
            "finished_at": [f"{d.isoformat()}T06:00:01+00:00" for d in run_days],
        }
    )
    run_articles = pa.table(
        {
            "run_id": [f"scheduled__{d.isoformat()}" for d in pub],
            "canonical_url": urls,
            "article_id": art_ids,
            "outcome": ["new"] * n_articles,
            "figures": np.bincount(idx, minlength=n_articles).astype(np.int32),
        }
    )
    for name, table in (("articles", articles), ("figures", figures), ("runs", runs), ("run_articles", run_articles)):
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
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
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


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def _medians(phases: list[dict[str, float]]) -> dict[str, float]:
    names = {n for p in phases for n in p}
    return {n: statistics.median(p.get(n, 0.0) for p in phases) for n in names}


MODES = ("cold", "monitor", "past")


def bench(n_figures: int, repeats: int, folder: Path, modes: tuple[str, ...] = MODES) -> dict[str, Any]:
    """Build a database of ``n_figures`` and time the modes; ``median_ms``/``p90_ms`` are the cold ingest."""
    path = folder / f"bench_{n_figures}.duckdb"
    settings = Settings()
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    with store.open_store(path, settings=settings) as db:
        generate(db, n_figures, rng)
    build_s = time.perf_counter() - started
    end = START + timedelta(days=SPAN_DAYS)
    serial = iter(range(10**6))
    day = iter(range(10**6))
    out: dict[str, Any] = {"build_s": build_s, "size_mb": path.stat().st_size / 1e6}
    if "cold" in modes:  # a DAG run: open, ingest one article, close
        opens, ingests, closes, phases = [], [], [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            db = store.open_store(path, settings=settings)
            t1 = time.perf_counter()
            ms, phase, _ = _ingest(db, next(serial), end + timedelta(days=next(day)), settings)
            t2 = time.perf_counter()
            db.close()
            opens.append((t1 - t0) * 1000)
            ingests.append(ms)
            closes.append((time.perf_counter() - t2) * 1000)
            phases.append(phase)
        out.update(
            cold_ms=statistics.median(ingests),
            cold_p90_ms=_p90(ingests),
            open_ms=statistics.median(opens),
            close_ms=statistics.median(closes),
            cold_total_ms=statistics.median(o + i + c for o, i, c in zip(opens, ingests, closes, strict=True)),
            cold_phases=_medians(phases),
            median_ms=statistics.median(ingests),
            p90_ms=_p90(ingests),
        )
    with store.open_store(path, settings=settings) as db:
        if "monitor" in modes:
            monitor: list[float] = []
            phases, flags = [], []
            for i in range(repeats + 2):
                ms, phase, raised = _ingest(db, next(serial), end + timedelta(days=next(day)), settings)
                if i >= 2:  # the first runs warm DuckDB's cache
                    monitor.append(ms)
                    flags.append(raised)
                    phases.append(phase)
            out.update(
                monitor_ms=statistics.median(monitor),
                monitor_p90_ms=_p90(monitor),
                monitor_phases=_medians(phases),
                flags=statistics.median(flags),
            )
        if "past" in modes:
            past = []
            for i in range(repeats):
                when = START + timedelta(days=int(SPAN_DAYS * (0.3 + 0.6 * i / repeats)))
                past.append(_ingest(db, next(serial), when, settings)[0])
            out["past_ms"] = statistics.median(past)
        out["figures"] = db.con.execute("SELECT count(*) FROM figures").fetchall()[0][0]
    out.setdefault("median_ms", out.get("monitor_ms", float("nan")))
    out.setdefault("p90_ms", out.get("monitor_p90_ms", float("nan")))
    return out


PHASES = ("lookup", "near_duplicates", "match", "write", "commit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args()
    modes = tuple(args.modes)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; medians of {args.repeats} runs; ms")
    with tempfile.TemporaryDirectory(prefix="pw-bench-") as tmp:
        print(
            f"{'stored figures':>15} {'build s':>7} {'db MB':>6} | {'open':>5} {'ingest':>6} {'p90':>5} {'close':>5} "
            f"{'total':>6} | {'monitor':>7} {'p90':>5} | {'past':>5} | cold ingest phases: " + " / ".join(PHASES)
        )
        for size in args.sizes:
            r = bench(size, args.repeats, Path(tmp), modes)
            nan = float("nan")
            print(
                f"{r['figures']:>15,} {r['build_s']:>7.1f} {r['size_mb']:>6.1f} | {r.get('open_ms', nan):>5.1f} "
                f"{r.get('cold_ms', nan):>6.1f} {r.get('cold_p90_ms', nan):>5.1f} {r.get('close_ms', nan):>5.1f} "
                f"{r.get('cold_total_ms', nan):>6.1f} | {r.get('monitor_ms', nan):>7.1f} "
                f"{r.get('monitor_p90_ms', nan):>5.1f} | {r.get('past_ms', nan):>5.1f} | "
                + " / ".join(f"{r.get('cold_phases', {}).get(n, nan):.1f}" for n in PHASES)
            )
            for leftover in Path(tmp).glob("*.duckdb*"):
                leftover.unlink()


if __name__ == "__main__":
    main()
