"""Time figure extraction per article on the seed corpus (prints timings; no assertions).

Run: .venv/bin/python bench/bench_figures.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from prisonwatch.config import SEED_CORPUS_DIR
from prisonwatch.figures import extract_figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEED_CORPUS_DIR.glob("*.txt"))]
    extract_figures(texts[0], language="en")  # load the lexicon once, as a worker would
    for path_text in texts:
        words = len(path_text.split())
        samples = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            extract_figures(path_text, language="en", published="2026-02-21")
            samples.append((time.perf_counter() - t0) * 1000)
        print(f"{words:5d} words: median {statistics.median(samples):.2f} ms, max {max(samples):.2f} ms")
    total_words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for t in texts:
            extract_figures(t, language="en")
    per_word = (time.perf_counter() - t0) * 1000 / (args.repeat * total_words)
    print(f"~{per_word * 800:.2f} ms per 800-word article")


if __name__ == "__main__":
    main()
