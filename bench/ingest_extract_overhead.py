"""Cost of bounded extraction: trafilatura inline vs. in a forked child, plus the markup pre-check.

    .venv/bin/python bench/ingest_extract_overhead.py [N_PAGES]

Reads the peer page corpus beside the checkout (../shared/peer/html) and prints per-page timings.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from prisonwatch.collect import articles

PEER = Path(__file__).resolve().parents[1] / ".." / "shared" / "peer" / "html"


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    manifest = json.loads((PEER / "manifest.json").read_text(encoding="utf-8"))[:limit]
    pages = [(articles.decode_html((PEER / m["file"]).read_bytes())[0], m["url"]) for m in manifest]
    articles._warm_up()
    runs = {
        "trafilatura inline": lambda h, u: articles._extract_inline(h, u),
        "trafilatura forked": lambda h, u: articles.run_with_budget(articles._extract_inline, (h, u), 30),
        "markup pre-check": lambda h, u: articles.markup_problem(articles.parse_markup(h)),
        "fork round trip only": lambda h, u: articles.run_with_budget(len, (h,), 30),
    }
    for name, fn in runs.items():
        times = []
        for html, url in pages:
            start = time.perf_counter()
            fn(html, url)
            times.append(time.perf_counter() - start)
        print(
            f"{name:22s} pages={len(times)} median={statistics.median(times) * 1000:6.1f} ms "
            f"mean={statistics.mean(times) * 1000:6.1f} ms total={sum(times):5.2f} s"
        )


if __name__ == "__main__":
    main()
