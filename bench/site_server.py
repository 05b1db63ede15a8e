"""Serve a generated site from its own process (``python bench/site_server.py SITE_DIR``): prints the base
URL on one line, then serves until stdin closes. Keeps the server's CPU out of the measured process, as a
remote news site's would be."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import run_all  # noqa: E402  (bench/ is not a package)


def main() -> None:
    with run_all.serve(Path(sys.argv[1])) as (base_url, _handler):
        print(base_url, flush=True)
        threading.Thread(target=sys.stdin.read, daemon=True).start()
        sys.stdin.read()


if __name__ == "__main__":
    main()
