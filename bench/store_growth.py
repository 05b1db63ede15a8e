"""How fast the DuckDB store grows: bytes per stored article and per stored figure, through the real ingest path.

Loads the seed corpus into a fresh database, then stores N synthetic articles in runs of 25 through
``Store.ingest_batch`` (the same call the monitoring DAG makes: near-duplicate signatures, figures,
matching, flags, run bookkeeping). Articles are made of sentences drawn at random from the seed corpus
with their numbers changed, so they are about the seeds' length and carry real extracted figures.
One series stores irrelevant articles (text, no figures); the other relevant ones (with figures).
File sizes are read after a CHECKPOINT.

    .venv/bin/python bench/store_growth.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
from pathlib import Path

from prisonwatch import store
from prisonwatch.collect.articles import article_from_text
from prisonwatch.config import SEED_CORPUS_DIR, load_settings
from prisonwatch.figures import extract_figures
from prisonwatch.run import seed

BATCH = 25


def seed_sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEED_CORPUS_DIR.glob("*.txt")))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 40]


def synthetic_text(sentences: list[str], rng: random.Random, chars: int) -> str:
    out: list[str] = []
    while sum(len(s) + 1 for s in out) < chars:
        sentence = rng.choice(sentences)
        out.append(re.sub(r"\d+", lambda m: str(rng.randint(1, 2000)), sentence))
    return " ".join(out)


def size_after_checkpoint(db: store.Store, path: Path) -> int:
    db.con.execute("CHECKPOINT")
    return path.stat().st_size


def used_bytes(db: store.Store) -> int:
    """Bytes in used blocks (the file also keeps freed blocks for reuse, so it grows in steps)."""
    db.con.execute("CHECKPOINT")
    block_size, used = db.con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchone()
    return int(block_size) * int(used)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares growth per unit: steadier than one difference when storage grows in blocks."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def grow(n: int, relevant: bool, folder: Path, rng: random.Random) -> dict[str, float]:
    settings = load_settings()
    path = folder / f"growth-{'relevant' if relevant else 'irrelevant'}.duckdb"
    sentences = seed_sentences()
    chars = sum(len(p.read_text(encoding="utf-8")) for p in SEED_CORPUS_DIR.glob("*.txt")) // 5
    with store.open_store(path) as db:
        empty = size_after_checkpoint(db, path)
        seed.load_seed_corpus(db, settings)
        seeded = size_after_checkpoint(db, path)
        figures_total = 0
        points: list[tuple[int, int, int]] = [(0, used_bytes(db), seeded)]
        for start in range(0, n, BATCH):
            pairs = []
            for i in range(start, min(n, start + BATCH)):
                text = synthetic_text(sentences, rng, chars)
                day = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
                article = article_from_text(
                    text,
                    url=f"https://news.example.org/{i}",
                    title=f"Story {i}",
                    published=day,
                    origin="feed",
                    outlet="example",
                    feed="synthetic",
                    language="es",
                )
                article.relevant = relevant
                figures = (
                    extract_figures(text, language="es", published=day, lexicon=settings.lexicon) if relevant else []
                )
                figures_total += len(figures)
                pairs.append((article, figures))
            db.ingest_batch(f"growth-{start}", polls=[], articles=pairs, errors=[], settings=settings)
            done = min(n, start + BATCH)
            if done % 250 == 0 or done == n:
                points.append((done, used_bytes(db), path.stat().st_size))
        grown = size_after_checkpoint(db, path)
        stored = db.con.execute("SELECT count(*) FROM articles WHERE origin = 'feed'").fetchone()[0]
        flags = db.con.execute("SELECT count(*) FROM flags").fetchone()[0]
    return {
        "empty": empty,
        "seeded": seeded,
        "grown": grown,
        "articles": stored,
        "figures": figures_total,
        "flags": flags,
        "chars": chars,
        "used_per_article": slope([p[0] for p in points], [p[1] for p in points]),
        "file_per_article": slope([p[0] for p in points], [p[2] for p in points]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = grow(args.articles, False, Path(tmp), random.Random(1))
        rich = grow(args.articles, True, Path(tmp), random.Random(1))
    per_figure_rate = rich["figures"] / max(1, rich["articles"])
    print(
        f"empty database (schema only): {plain['empty'] / 1e3:.0f} kB; with the seed corpus: "
        f"{plain['seeded'] / 1e3:.0f} kB"
    )
    for label, r in (("irrelevant (text, no figures)", plain), ("relevant (with figures)", rich)):
        print(
            f"{label}: {r['articles']} articles of {r['chars']} chars, {r['figures']} figures, {r['flags']} flags; "
            f"file {r['seeded'] / 1e6:.1f} -> {r['grown'] / 1e6:.1f} MB; per article: "
            f"{r['used_per_article'] / 1e3:.1f} kB in used blocks, {r['file_per_article'] / 1e3:.1f} kB of file"
        )
    for key, what in (("used_per_article", "used blocks"), ("file_per_article", "file")):
        per_figure = (rich[key] - plain[key]) / max(per_figure_rate, 1e-9)
        print(
            f"per figure ({per_figure_rate:.1f} per relevant article, with its flags), {what}: {per_figure:.0f} bytes"
        )


if __name__ == "__main__":
    main()
