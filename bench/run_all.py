"""prisonwatch benchmarks: how fast, how big, and how it grows. Prints figures; never fails on timing.

Every measurement runs on a generated corpus (bench/corpus.py) served from 127.0.0.1: no network.
Timings are medians over repeated runs; ratios compare with a floor measured in the same run
(bare ``trafilatura.extract`` on the same pages), so a busy machine shifts both sides alike.

    .venv/bin/python bench/run_all.py                      # everything (several minutes)
    .venv/bin/python bench/run_all.py --quick              # smaller corpus, fewer repeats
    .venv/bin/python bench/run_all.py --sections pipeline,figures --markdown out.md

Sections: corpus, pages, pipeline, figures, store, poll, dagparse, memory, dagtest.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import corpus  # noqa: E402  (bench/ is not a package)

SECTIONS = ("corpus", "pages", "pipeline", "figures", "store", "poll", "dagparse", "memory", "dagtest")
LIBRARIES = (
    "trafilatura",
    "lxml",
    "feedparser",
    "httpx",
    "duckdb",
    "pyarrow",
    "numpy",
    "apache-airflow",
    "py3langid",
)
HEAVY_MODULES = (
    "trafilatura",
    "duckdb",
    "feedparser",
    "lxml",
    "httpx",
    "prisonwatch.run.pipeline",
    "prisonwatch.store",
    "prisonwatch.collect.articles",
    "prisonwatch.figures",
    "prisonwatch.run.tasks",
)


# ------------------------------------------------------------------ results
@dataclass
class Row:
    """One line of the table: a measured value, its spread, and what it is compared with."""

    section: str
    name: str
    value: float | str
    unit: str = ""
    spread: str = ""
    compare: str = ""

    def cells(self) -> list[str]:
        if isinstance(self.value, float):
            value = f"{self.value:,.3f}" if abs(self.value) < 10 else f"{self.value:,.1f}"
        else:
            value = str(self.value)
        return [self.section, self.name, value, self.unit, self.spread, self.compare]


@dataclass
class Bench:
    quick: bool
    workdir: Path
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, *args: Any, **kwargs: Any) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        cells = row.cells()
        print(f"  {cells[1]}: {cells[2]} {cells[3]} {cells[4]} {cells[5]}".rstrip(), flush=True)
        return row


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def spread(samples: list[float], scale: float = 1.0, unit: str = "") -> str:
    if len(samples) < 2:
        return f"n={len(samples)}"
    return f"{min(samples) * scale:.3g}–{max(samples) * scale:.3g}{unit} (n={len(samples)})"


def target(ok: bool, text: str) -> str:
    return f"{text}: {'met' if ok else 'MISSED'}"


# ------------------------------------------------------------------ machine
def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = int(line.split()[1]) / 1024 / 1024
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = "-"
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "load_start": [round(x, 2) for x in os.getloadavg()],
    }


# ------------------------------------------------------------------ local site and configuration
def site_handler(site_dir: Path) -> type:
    """demo's site handler (``{{BASE_URL}}`` substitution, ETag/304) with a switch for conditional GETs
    and a request log; the class attributes are per server."""
    from prisonwatch.run.demo import _SiteHandler

    class Handler(_SiteHandler):
        conditional = True
        # Keep-alive with TCP_NODELAY, as news sites serve (nginx's default): otherwise the body, written
        # after the headers, waits for the client's delayed ACK (~40 ms) on a reused connection.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            if not type(self).conditional:
                del self.headers["If-None-Match"]
                del self.headers["If-Modified-Since"]
            super().do_GET()

        def _send(self, status: int, body: bytes, ctype: str | None, etag: str | None = None) -> None:
            super()._send(status, body, ctype, etag if type(self).conditional else None)

    Handler.site_dir = Path(site_dir)
    Handler.requests_seen = []
    return Handler


@contextlib.contextmanager
def serve(site_dir: Path) -> Iterator[tuple[str, type]]:
    """Serve a generated site on 127.0.0.1; yields (base URL, handler class with ``requests_seen``)."""
    handler = site_handler(site_dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="bench-site", daemon=True)
    thread.start()
    try:
        yield handler.base_url, handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serve_elsewhere(site_dir: Path) -> Iterator[str]:
    """Serve a generated site from a separate process (``bench/site_server.py``); yields its base URL.

    Used where the pipeline is timed: a news site's work is not done by the monitor's process, and a
    server thread inside it would compete with the pipeline for the interpreter lock."""
    proc = subprocess.Popen(
        [sys.executable, str(BENCH_DIR / "site_server.py"), str(site_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = (proc.stdout.readline() if proc.stdout else "").strip()
        if not base_url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"site server did not start (said {base_url!r})")
        yield base_url
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def write_config(folder: Path, feeds: list[dict[str, str]], db_name: str = "pw.duckdb") -> Path:
    """The bundled configuration pointed at a local site: 127.0.0.1 allowed, no per-host delay, no cap."""
    from prisonwatch.config import DEFAULT_CONFIG_PATH

    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    config["feeds"] = feeds
    config["fetch"].update(
        allow_hosts=["127.0.0.1"],
        per_host_delay_seconds=0.0,
        retries=1,
        backoff_base_seconds=0.2,
        max_articles_per_feed=1000,
    )
    config["store"].update(db_path=str(folder / db_name), staging_dir=str(folder / "staging"))
    config["report"]["out_dir"] = str(folder / "reports")
    path = folder / "prisonwatch.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def site(bench: Bench, articles: int, feeds: int = 20, seed: int = 7) -> Path:
    """A generated site, made once per size and reused by the sections that need it."""
    folder = bench.workdir / f"site-{articles}-{feeds}-{seed}"
    if not (folder / "manifest.json").exists():
        corpus.generate_site(folder, articles=articles, feeds=feeds, seed=seed)
    return folder


def served_pages(site_dir: Path, base_url: str) -> list[tuple[str, bytes]]:
    """(URL, bytes as the server sends them) of every generated article."""
    manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
    return [
        (
            f"{base_url}/{a['path']}",
            (site_dir / a["path"]).read_bytes().replace(b"{{BASE_URL}}", base_url.encode()),
        )
        for a in manifest["articles"]
    ]


# ------------------------------------------------------------------ the monitoring steps, timed
STEPS = ("plan_polls", "poll_feeds", "select_new", "fetch_articles", "extract_figures", "store_and_match")


def worker_cpu_seconds() -> float:
    """CPU seconds used so far by the current extraction worker (0 when there is none)."""
    from prisonwatch.collect import articles

    pid = articles._WORKER.pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if pid else 0.0


def run_steps(settings: Any, run_id: str) -> tuple[dict[str, float], dict[str, Any]]:
    """The monitoring run as ``pipeline.run_once`` does it (without the report), each step timed."""
    from prisonwatch.run import pipeline

    times: dict[str, float] = {}
    times["plan_polls"], plans = timed(lambda: pipeline.plan_polls_db(settings))

    def poll_all() -> None:
        for plan in plans:
            with contextlib.suppress(pipeline.FeedPollFailed):
                pipeline.poll_feed(plan, settings, run_id)

    times["poll_feeds"], _ = timed(poll_all)
    times["select_new"], batches = timed(lambda: pipeline.select_new_entries_db(settings, run_id))
    times["fetch_articles"], _ = timed(lambda: [pipeline.fetch_articles(b, settings, run_id) for b in batches])
    times["extract_figures"], _ = timed(lambda: pipeline.extract_figures_step(settings, run_id))
    times["store_and_match"], summary = timed(
        lambda: pipeline.store_and_match_db(settings, run_id, expected_feeds=[p["name"] for p in plans])
    )
    return times, summary


def seeded_db(bench: Bench) -> Path:
    """A database holding only the seed corpus, copied for each run so every run starts alike."""
    path = bench.workdir / "seeded.duckdb"
    if not path.exists():
        from prisonwatch import store
        from prisonwatch.config import Settings
        from prisonwatch.run import seed

        with store.open_store(path) as db:
            seed.load_seed_corpus(db, Settings())
    return path


def settings_for(config: Path, home: Path) -> Any:
    from prisonwatch.config import load_settings

    return load_settings(config, env={"PRISONWATCH_HOME": str(home)})


# ------------------------------------------------------------------ sections
def section_corpus(bench: Bench) -> None:
    n = 60 if bench.quick else 200
    elapsed, _ = timed(lambda: site(bench, n))
    manifest = json.loads((site(bench, n) / "manifest.json").read_text(encoding="utf-8"))
    arts = manifest["articles"]
    words = sorted(a["words"] for a in arts)
    sizes = sorted((site(bench, n) / a["path"]).stat().st_size for a in arts)
    bench.add(
        "corpus",
        "articles generated",
        f"{len(arts)} ({sum(a['relevant'] for a in arts)} relevant, {sum(a['language'] == 'es' for a in arts)} es)",
        "",
        f"in {elapsed:.2f} s",
    )
    bench.add(
        "corpus",
        "words per article (median)",
        float(statistics.median(words)),
        "words",
        f"{words[0]}–{words[-1]}",
    )
    bench.add(
        "corpus",
        "page size (median)",
        statistics.median(sizes) / 1000,
        "kB",
        f"{sizes[0] / 1000:.0f}–{sizes[-1] / 1000:.0f} kB",
    )
    bench.add(
        "corpus",
        "figures stated per relevant article (mean)",
        sum(len(a["figures"]) for a in arts) / max(1, sum(a["relevant"] for a in arts)),
        "figures",
    )


# Real news articles among the peer pages (../shared/peer/html: trafilatura's evaluation set), by file name.
PEER_HTML = REPO.parent / "shared" / "peer" / "html" / "pages"
PEER_NEWS = (
    "dw.com", "vancouversun", "phys.org", "lanouvellerepublique", "spektrum.de", "clarin.com", "correiobraziliense",
    "edition.cnn.com", "elmostrador", "elnuevodia", "elpais.com.uy", "guardian.co.tt", "hoy.com", "independent.co.uk",
    "japantimes", "lopinion.fr", "miamitodaynews", "nymag", "pagina12", "paginasiete", "sciencesetavenir",
    "thelocal.se", "trome.pe", "ultimasnoticias.com.ve", "world.kbs.co.kr", "badische-zeitung", "automobilwoche",
    "kyffhaeuser-nachrichten", "nnz-online", "winfuture", "teslamag", "laola1", "francais.radio.cz", "lapresse.tn",
    "uusisuomi", "sportnews.bz", "boingboing", "rp.pl",
)  # fmt: skip


def section_pages(bench: Bench) -> None:
    """Are the generated pages like real news pages? Size, elements, text share; the floor on both sets."""
    import lxml.html
    import trafilatura

    from prisonwatch.collect import articles

    site_dir = site(bench, 60 if bench.quick else 200)
    manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
    sets = {"generated": [(f"https://bench.example/{a['path']}", (site_dir / a["path"]).read_bytes())
                          for a in manifest["articles"]]}  # fmt: skip
    peer = sorted(p for p in PEER_HTML.glob("*.html") if any(name in p.name for name in PEER_NEWS))
    if peer:
        sets["peer news"] = [(f"https://peer.example/{p.name}", p.read_bytes()) for p in peer]
    else:
        bench.add("pages", "peer news pages", "not found", "", str(PEER_HTML))
    repeats = 2 if bench.quick else 3
    trafilatura.extract("<html><body><p>" + "warm up " * 50 + "</p></body></html>")
    articles.extract_page("<html><body><p>" + "warm up " * 50 + "</p></body></html>", None, budget=20.0)
    for label, pages in sets.items():
        sizes, elements, shares, bare, worker = [], [], [], [], []
        for url, body in pages:
            text = trafilatura.extract(body, url=url) or ""
            sizes.append(len(body))
            elements.append(sum(1 for _ in lxml.html.document_fromstring(body).iter()))
            shares.append(len(text.encode("utf-8")) / max(1, len(body)))
        html = [(url, articles.decode_html(body)[0]) for url, body in pages]
        for _ in range(repeats):
            bare.append([timed(lambda b=b, u=u: trafilatura.extract(b, url=u))[0] for u, b in pages])
            worker.append([timed(lambda h=h, u=u: articles.extract_page(h, u, budget=20.0))[0] for u, h in html])
        per_page_bare = [statistics.median(col) for col in zip(*bare, strict=True)]
        per_page_worker = [statistics.median(col) for col in zip(*worker, strict=True)]
        total = sum(per_page_bare)
        bench.add(
            "pages",
            f"{label}: {len(pages)} pages, size / elements / text share (medians)",
            f"{statistics.median(sizes) / 1000:.1f} kB / {statistics.median(elements):.0f} / "
            f"{statistics.median(shares) * 100:.1f}%",
            "",
            f"size {min(sizes) / 1000:.0f}–{max(sizes) / 1000:.0f} kB; elements {min(elements)}–{max(elements)}",
        )
        bench.add(
            "pages",
            f"{label}: floor, bare trafilatura.extract",
            len(pages) / total,
            "pages/s",
            f"median page {statistics.median(per_page_bare) * 1000:.1f} ms, p90 "
            f"{sorted(per_page_bare)[int(len(pages) * 0.9)] * 1000:.1f} ms",
        )
        bench.add(
            "pages",
            f"{label}: articles.extract_page (worker: checks, metadata, text)",
            sum(per_page_worker) / len(pages) * 1000,
            "ms/page",
            f"median page {statistics.median(per_page_worker) * 1000:.1f} ms",
            f"{sum(per_page_worker) / total:.2f}× bare",
        )


def section_pipeline(bench: Bench) -> None:
    import trafilatura

    from prisonwatch.collect import articles

    n = 60 if bench.quick else 200
    repeats = 2 if bench.quick else 3
    site_dir = site(bench, n)
    base_db = seeded_db(bench)
    folder = bench.workdir / "pipeline"
    with serve_elsewhere(site_dir) as base_url:
        pages = served_pages(site_dir, base_url)
        feeds = corpus.feed_configs(base_url, site_dir)
        articles.extract_page("<html><body><p>" + "warm up " * 50 + "</p></body></html>", None, budget=20.0)
        trafilatura.extract("<html><body><p>" + "warm up " * 50 + "</p></body></html>")

        def floor() -> None:
            for url, body in pages:
                trafilatura.extract(body, url=url)

        def pipeline_run(i: int) -> tuple[dict[str, float], dict[str, Any]]:
            run_folder = folder / f"run{i}"
            shutil.rmtree(run_folder, ignore_errors=True)
            config = write_config(run_folder, feeds)
            shutil.copy(base_db, run_folder / "pw.duckdb")
            settings = settings_for(config, run_folder)
            articles.stop_extraction_worker()  # a fresh worker per run: its CPU time is the run's alone
            cpu_before = time.process_time(), worker_cpu_seconds()
            result = run_steps(settings, f"bench_{i}")
            cpus.append(time.process_time() - cpu_before[0] + worker_cpu_seconds() - cpu_before[1])
            return result

        cpus: list[float] = []
        pipeline_run(-1)  # warm-up: imports, lexicon, first connections
        cpus.clear()
        floors: list[float] = []
        totals: list[float] = []
        per_step: dict[str, list[float]] = {s: [] for s in STEPS}
        summary: dict[str, Any] = {}
        for i in range(repeats):  # interleaved, so load changes hit both sides alike
            floors.append(timed(floor)[0])
            steps, summary = pipeline_run(i)
            totals.append(sum(steps.values()))
            for name, seconds in steps.items():
                per_step[name].append(seconds)
        # the pieces of article extraction, on the same pages (warm)
        texts = [articles.decode_html(body)[0] for _, body in pages]
        pairs = list(zip(texts, [u for u, _ in pages], strict=True))
        inline = [timed(lambda t=t, u=u: articles._extract_inline(t, u))[0] for t, u in pairs]
        bounded = [timed(lambda t=t, u=u: articles.extract_page(t, u, budget=20.0))[0] for t, u in pairs]
        bare = [timed(lambda b=b, u=u: trafilatura.extract(b, url=u))[0] for u, b in pages]
    floor_s, total_s = statistics.median(floors), statistics.median(totals)
    ratio = total_s / floor_s
    bench.details["pipeline_summary"] = {
        k: summary.get(k)
        for k in (
            "articles_new",
            "articles_duplicate",
            "articles_near_duplicate",
            "articles_irrelevant",
            "articles_failed",
            "figures_new",
            "flags_new",
            "flags_corroborated",
        )
    }
    bench.add(
        "pipeline",
        f"floor: bare trafilatura.extract, {n} pages",
        n / floor_s,
        "pages/s",
        spread(floors, 1, " s total"),
    )
    bench.add(
        "pipeline",
        "whole pipeline (poll→fetch→extract→figures→store→match)",
        n / total_s,
        "articles/s",
        spread(totals, 1, " s total"),
        target(ratio <= 1.3, f"{ratio:.2f}× the floor (target ≤ 1.3×)"),
    )
    cpu_s = statistics.median(cpus)
    bench.add(
        "pipeline",
        "  CPU time of the run (this process + extraction worker, both cores)",
        cpu_s * 1000 / n,
        "ms/article",
        spread(cpus, 1, " s"),
        f"{cpu_s / floor_s:.2f}× floor",
    )
    for name in STEPS:
        share = statistics.median(per_step[name])
        bench.add(
            "pipeline",
            f"  step {name}",
            share * 1000 / n,
            "ms/article",
            spread(per_step[name], 1, " s"),
            f"{share / floor_s:.2f}× floor",
        )
    s = bench.details["pipeline_summary"]
    bench.add(
        "pipeline",
        "  run outcome",
        f"{s['articles_new']} new, {s['articles_irrelevant']} irrelevant, "
        f"{s['articles_near_duplicate']} near-dup, {s['articles_failed']} failed, {s['figures_new']} figures, "
        f"{s['flags_new']} flags",
    )
    bench.add("pipeline", "  per page: bare trafilatura.extract", statistics.median(bare) * 1000, "ms", "median")
    bench.add(
        "pipeline",
        "  per page: trafilatura with metadata (inline)",
        statistics.median(inline) * 1000,
        "ms",
        "median",
        f"{statistics.median(inline) / statistics.median(bare):.2f}× bare",
    )
    bench.add(
        "pipeline",
        "  per page: articles.extract_page (checks + bounded)",
        statistics.median(bounded) * 1000,
        "ms",
        "median",
        f"{statistics.median(bounded) / statistics.median(bare):.2f}× bare",
    )
    needed = n * statistics.median(inline)
    bench.add(
        "pipeline",
        "  whole pipeline vs the extraction it needs (text + title/date/site)",
        total_s / needed,
        "×",
        f"{needed:.2f} s of extraction with metadata for {n} pages",
    )


def section_figures(bench: Bench) -> None:
    import trafilatura

    from prisonwatch.figures import extract_figures, split_sentences

    n = 60 if bench.quick else 200
    repeats = 3 if bench.quick else 7
    site_dir = site(bench, n)
    manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
    arts = [a for a in manifest["articles"] if a["relevant"]]
    trafilatura.extract("<html><body><p>" + "warm up " * 50 + "</p></body></html>")
    extracted = []
    for a in arts:
        body = (site_dir / a["path"]).read_bytes()
        extracted.append((a, body, trafilatura.extract(body) or ""))
    extract_figures("Foro Penal contabiliza 800 presos políticos.", language="es")  # compile the lexicon
    for language in ("es", "en"):
        texts = [(t, a["published"]) for a, _, t in extracted if a["language"] == language]
        sentences = sum(len(split_sentences(p)) for t, _ in texts for p in t.split("\n"))

        def run(texts: list[tuple[str, str]] = texts, language: str = language) -> None:
            for text, day in texts:
                extract_figures(text, language=language, published=day)

        samples = [timed(run)[0] for _ in range(repeats)]
        found = sum(len(extract_figures(t, language=language, published=d)) for t, d in texts)
        bench.add(
            "figures",
            f"figure extraction, {language} ({len(texts)} articles, {sentences} sentences)",
            sentences / statistics.median(samples),
            "sentences/s",
            spread(samples, 1, " s"),
            f"{found} figures found",
        )
    a, body, text = min(extracted, key=lambda x: abs(x[0]["words"] - 800))
    fig = [
        timed(lambda: extract_figures(text, language=a["language"], published=a["published"]))[0]
        for _ in range(repeats * 3)
    ]
    traf = [timed(lambda: trafilatura.extract(body))[0] for _ in range(repeats * 3)]
    bench.add(
        "figures",
        f"one {a['words']}-word article ({a['language']}): figures",
        statistics.median(fig) * 1000,
        "ms",
        spread(fig, 1000, " ms"),
    )
    ratio = statistics.median(fig) / statistics.median(traf)
    bench.add(
        "figures",
        "  same article: trafilatura.extract",
        statistics.median(traf) * 1000,
        "ms",
        spread(traf, 1000, " ms"),
        f"figures = {ratio:.2f}× extraction",
    )
    load = []
    for _ in range(3):  # in a fresh process each time, as a task would pay it
        probe = "import time; t = time.perf_counter(); from prisonwatch.figures.model import load_models; "
        probe += "load_models(); print(time.perf_counter() - t)"
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        load.append(float(out.stdout.strip()))
    bench.add("figures", "scorer load (import + model file, fresh process)", statistics.median(load) * 1000, "ms",
              spread(load, 1000, " ms"), "target ≤ 500 ms")  # fmt: skip


def section_store(bench: Bench) -> None:
    import bench_store

    sizes = [10_000, 100_000] if bench.quick else [10_000, 100_000, 1_000_000]
    repeats = 5 if bench.quick else 15
    folder = bench.workdir / "store"
    folder.mkdir(exist_ok=True)
    for size in sizes:
        result = bench_store.bench(size, repeats, folder)
        ms = result["median_ms"]
        compare = target(ms < 10, "target < 10 ms at 1M") if size >= 1_000_000 else ""
        extra = ", ".join(f"{k} {result[k]:.1f}" for k in ("store_ms", "match_ms") if k in result)
        bench.add(
            "store",
            f"store+match one article at {result.get('figures', size):,} figures",
            ms,
            "ms",
            f"p90 {result.get('p90_ms', float('nan')):.1f} ms; {extra}".rstrip("; "),
            compare,
        )
        bench.add(
            "store",
            f"  database file at {size:,} figures",
            result.get("size_mb", float("nan")),
            "MB",
            f"built in {result.get('build_s', float('nan')):.1f} s",
        )
        for path in folder.glob("*.duckdb*"):
            path.unlink()


def section_poll(bench: Bench) -> None:
    repeats = 3 if bench.quick else 7
    site_dir = site(bench, 60 if bench.quick else 200)
    folder = bench.workdir / "poll"
    shutil.rmtree(folder, ignore_errors=True)
    with serve(site_dir) as (base_url, handler):
        feeds = corpus.feed_configs(base_url, site_dir)
        config = write_config(folder, feeds)
        shutil.copy(seeded_db(bench), folder / "pw.duckdb")
        settings = settings_for(config, folder)
        run_steps(settings, "poll_initial")  # stores every article and each feed's ETag
        for conditional, label in ((True, "304 Not Modified"), (False, "200, unchanged entries")):
            handler.conditional = conditional
            walls: list[float] = []
            poll_walls: list[float] = []
            requests: list[int] = []
            page_requests: list[int] = []
            for i in range(repeats):
                handler.requests_seen.clear()
                steps, summary = run_steps(settings, f"poll_{conditional}_{i}")
                walls.append(sum(steps.values()))
                poll_walls.append(steps["poll_feeds"])
                requests.append(len(handler.requests_seen))
                page_requests.append(sum(not p.startswith("/feeds/") for p in handler.requests_seen))
            wall = statistics.median(walls)
            bench.add(
                "poll",
                f"{len(feeds)} feeds answering {label}: whole run",
                wall,
                "s",
                spread(walls, 1, " s"),
                target(wall < 2, "target < 2 s"),
            )
            bench.add(
                "poll",
                "  of which polling the feeds",
                statistics.median(poll_walls),
                "s",
                spread(poll_walls, 1, " s"),
            )
            bench.add(
                "poll",
                "  requests at the server per run",
                f"{max(requests)} ({max(page_requests)} for pages)",
                "",
                f"articles_new={summary.get('articles_new')}",
            )


DAGPARSE_CHILD = r"""
import importlib.util, json, statistics, sys, time
from datetime import datetime
# A process that has already imported Airflow and built a DAG, as the DAG processor has.
from airflow.sdk import DAG, Asset, dag, task
@dag(dag_id="bench_warm_up", schedule=None, start_date=datetime(2026, 1, 1))
def bench_warm_up():
    @task(outlets=[Asset("bench://warm")])
    def one() -> int:
        return 1
    one()
bench_warm_up()
path = sys.argv[1]
before = set(sys.modules)
def load(name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    started = time.perf_counter()
    spec.loader.exec_module(module)
    return time.perf_counter() - started
first = load("bench_dag_first")
added = set(sys.modules) - before
again = [load(f"bench_dag_{i}") for i in range(7)]
heavy = [m for m in json.loads(sys.argv[2]) if m in added]
print(json.dumps({"first": first, "again": statistics.median(again), "again_all": again, "heavy": heavy,
                  "new_modules": len(added)}))
"""


def airflow_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"),
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        PYTHONWARNINGS="ignore",
    )
    env.update(extra or {})
    return env


def section_dagparse(bench: Bench) -> None:
    home = bench.workdir / "airflow-parse"
    home.mkdir(exist_ok=True)
    for path in sorted((REPO / "dags").glob("*.py")):
        proc = subprocess.run(
            [sys.executable, "-c", DAGPARSE_CHILD, str(path), json.dumps(HEAVY_MODULES)],
            env=airflow_env(home),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            bench.add("dagparse", path.name, "ERROR", "", proc.stderr.strip().splitlines()[-1][:120])
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        bench.add(
            "dagparse",
            f"{path.name}: first import (Airflow already imported)",
            r["first"],
            "s",
            f"re-parse median {r['again']:.4f} s; {spread(r['again_all'], 1, ' s')}",
            target(r["first"] < 0.2, "target < 0.2 s"),
        )
        bench.add(
            "dagparse",
            f"  {path.name}: heavy modules the file loads",
            ", ".join(r["heavy"]) or "none",
            "",
            f"{r['new_modules']} new modules on first import",
            "trafilatura/duckdb/pipeline: " + ("LOADED" if r["heavy"] else "none"),
        )


MEMORY_CHILD = r"""
import json, resource, sys
from pathlib import Path
from prisonwatch.collect import articles
from prisonwatch.run import pipeline
from prisonwatch.config import load_settings
settings = load_settings(sys.argv[1], env={"PRISONWATCH_HOME": sys.argv[2]})
summary = pipeline.run_once(settings, "bench_memory")
articles.stop_extraction_worker()
# VmHWM, not ru_maxrss: Linux carries the launching process's peak into ru_maxrss across exec.
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
self_kb = int(status["VmHWM"].split()[0]) if "VmHWM" in status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"self_kb": self_kb, "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "articles_new": summary.get("articles_new"), "figures_new": summary.get("figures_new")}))
"""


def section_memory(bench: Bench) -> None:
    n = 100 if bench.quick else 500
    site_dir = site(bench, n, seed=11)
    folder = bench.workdir / "memory"
    shutil.rmtree(folder, ignore_errors=True)
    with serve(site_dir) as (base_url, _handler):
        config = write_config(folder, corpus.feed_configs(base_url, site_dir))
        shutil.copy(seeded_db(bench), folder / "pw.duckdb")
        wall, proc = timed(
            lambda: subprocess.run(
                [sys.executable, "-c", MEMORY_CHILD, str(config), str(folder)],
                capture_output=True,
                text=True,
                timeout=1800,
                env=dict(os.environ, PYTHONWARNINGS="ignore"),
            )
        )
    if proc.returncode != 0:
        bench.add("memory", f"monitoring run over {n} new articles", "ERROR", "", proc.stderr.strip()[-200:])
        return
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    main_mb, child_mb = r["self_kb"] / 1024, r["children_kb"] / 1024
    bench.add(
        "memory",
        f"monitoring run over {n} new articles: peak RSS, main process",
        main_mb,
        "MB",
        f"wall {wall:.1f} s, {r['articles_new']} stored, {r['figures_new']} figures",
        target(main_mb + child_mb < 500, "main + extraction worker < 500 MB"),
    )
    bench.add(
        "memory",
        "  peak RSS, largest child (extraction worker)",
        child_mb,
        "MB",
        "shares most pages with the main process (fork)",
    )


DAGTEST_CHILD = r"""
import json, sys, time
started = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
dagbag = DagBag(dag_folder=sys.argv[1])
imported = time.perf_counter() - started
dag = dagbag.dags["prisonwatch_monitor"]
t0 = time.perf_counter()
run = dag.test()
wall = time.perf_counter() - t0
tis = [{"task_id": ti.task_id, "map_index": ti.map_index, "state": str(ti.state),
        "seconds": (ti.end_date - ti.start_date).total_seconds() if ti.start_date and ti.end_date else None}
       for ti in run.get_task_instances()]
print("BENCH_RESULT " + json.dumps({"import_s": imported, "wall_s": wall, "state": str(run.state), "tis": tis}))
"""


def section_dagtest(bench: Bench) -> None:
    n = 40 if bench.quick else 200
    site_dir = site(bench, n, seed=13)
    folder = bench.workdir / "dagtest"
    shutil.rmtree(folder, ignore_errors=True)
    home = folder / "airflow"
    home.mkdir(parents=True)
    airflow = str(Path(sys.executable).parent / "airflow")
    with serve(site_dir) as (base_url, _handler):
        config = write_config(folder, corpus.feed_configs(base_url, site_dir))
        shutil.copy(seeded_db(bench), folder / "pw.duckdb")
        # As for every one-off local run: dag.test() of a DAG with a deadline alert fails in Airflow 3.3.2.
        extra = {"PRISONWATCH_CONFIG": str(config), "PRISONWATCH_HOME": str(folder), "PRISONWATCH_NO_DEADLINE": "1"}
        env = airflow_env(home, extra)
        migrate_s, proc = timed(
            lambda: subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True, timeout=600)
        )
        if proc.returncode != 0:
            bench.add("dagtest", "airflow db migrate", "ERROR", "", proc.stderr.strip()[-200:])
            return
        subprocess.run(
            [airflow, "pools", "import", str(REPO / "include" / "config" / "pools.json")],
            env=env,
            capture_output=True,
            check=True,
            timeout=300,
        )
        wall, proc = timed(
            lambda: subprocess.run(
                [sys.executable, "-c", DAGTEST_CHILD, str(REPO / "dags")],
                env=env,
                capture_output=True,
                text=True,
                timeout=1800,
            )
        )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_RESULT ")]
    if proc.returncode != 0 or not lines:
        bench.add("dagtest", f"dag.test() over {n} articles", "ERROR", "", (proc.stderr or proc.stdout)[-200:])
        return
    r = json.loads(lines[-1].split(" ", 1)[1])
    bench.add("dagtest", "airflow db migrate (SQLite, once)", migrate_s, "s")
    bench.add(
        "dagtest",
        f"dag.test() of prisonwatch_monitor over {n} new articles",
        r["wall_s"],
        "s",
        f"process {wall:.1f} s incl. Airflow import + DagBag {r['import_s']:.1f} s",
        f"run {r['state']}",
    )
    by_task: dict[str, list[float]] = {}
    states: dict[str, set[str]] = {}
    for ti in r["tis"]:
        by_task.setdefault(ti["task_id"], []).append(ti["seconds"] or 0.0)
        states.setdefault(ti["task_id"], set()).add(ti["state"].split(".")[-1].lower())
    task_sum = sum(sum(v) for v in by_task.values())
    for task_id, secs in by_task.items():
        label = f"{len(secs)} mapped, max {max(secs):.2f} s" if len(secs) > 1 else ""
        bench.add("dagtest", f"  task {task_id}", sum(secs), "s", label, "/".join(sorted(states[task_id])))
    bench.add(
        "dagtest",
        "  Airflow overhead (wall − task time)",
        r["wall_s"] - task_sum,
        "s",
        "",
        f"{(r['wall_s'] - task_sum) / r['wall_s']:.0%} of the run",
    )


# ------------------------------------------------------------------ output
def table(rows: list[Row]) -> str:
    header = ["section", "measurement", "median", "unit", "spread / detail", "vs floor / target"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def machine_lines(info: dict[str, Any]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return (
        f"- machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; {info['platform']}\n"
        f"- Python {info['python']}; {versions}\n"
        f"- load average (1/5/15 min) at start {info['load_start']}, at end {info.get('load_end')}\n"
        f"- run: {info.get('command')}; {info.get('started')}; took {info.get('took_s')} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller corpus and fewer repeats")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    parser.add_argument("--markdown", type=Path, help="also write the table (with the machine) to this file")
    parser.add_argument("--json", type=Path, help="also write every row as JSON to this file")
    parser.add_argument("--workdir", type=Path, help="keep generated sites and databases here (default: a temp dir)")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)} (choose from {', '.join(SECTIONS)})")
    info = machine()
    info["command"] = "bench/run_all.py " + " ".join(argv if argv is not None else sys.argv[1:])
    info["started"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=True)
            workdir = args.workdir
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pw-bench-")))
        bench = Bench(quick=args.quick, workdir=workdir)
        for name in SECTIONS:
            if name not in chosen:
                continue
            print(f"[{name}]", flush=True)
            try:
                globals()[f"section_{name}"](bench)
            except Exception as exc:  # one broken section must not hide the others' figures
                import traceback

                traceback.print_exc()
                bench.add(name, "section failed", "ERROR", "", f"{type(exc).__name__}: {exc}"[:160])
    info["load_end"] = [round(x, 2) for x in os.getloadavg()]
    info["took_s"] = round(time.perf_counter() - started, 1)
    text = machine_lines(info) + "\n\n" + table(bench.rows)
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": info, "rows": [r.__dict__ for r in bench.rows], "details": bench.details},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
