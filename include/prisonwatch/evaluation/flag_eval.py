"""Score the flags of the whole pipeline over the shared corpus stream (``../shared/corpus``), seed corpus first.

The corpus site is served on 127.0.0.1 and every outlet's feed is polled, as an operator's run would; the run
writes to a throw-away database and publishes nothing. The flags it raises are matched to the expected flags of
the corpus's gold files by the corpus's own scorer (``score.py``, loaded by path and never copied): per article,
by type, metric and value range. Precision and recall are printed overall and per flag type; flags on off-topic
articles are counted apart. ``python -m prisonwatch.evaluation.flag_eval [--corpus DIR] [--json] [--errors]``.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from prisonwatch.config import load_settings
from prisonwatch.evaluation.corpus_eval import DEFAULT_CORPUS
from prisonwatch.vocab import FLAG_TYPES

# The flag types the corpus's gold lists; the others (stock_mismatch, revised_down) count against 'all' only.
GOLD_TYPES = ("new_figure", "contradiction")


def load_scorer(corpus: Path) -> ModuleType:
    """The corpus's own scorer, imported from its file."""
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(corpus / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_stream(corpus: Path, workdir: Path) -> list[dict[str, Any]]:
    """Every flag the pipeline raises reading the corpus site after the seed corpus (read → run → flags)."""
    from prisonwatch import store
    from prisonwatch.config import FeedConfig, load_settings
    from prisonwatch.run import pipeline, seed
    from prisonwatch.run.demo import serve_site

    settings = load_settings()
    settings.home = str(workdir)
    settings.store.db_path = str(workdir / "stream.duckdb")
    settings.store.staging_dir = str(workdir / "staging")
    settings.report.out_dir = str(workdir / "reports")
    settings.report.recipients, settings.report.webhook_url = [], ""
    settings.fetch.per_host_delay_seconds = 0.0  # our own local server: no politeness delay needed
    if "127.0.0.1" not in settings.fetch.allow_hosts:
        settings.fetch.allow_hosts.append("127.0.0.1")
    outlets = sorted(p.name for p in (corpus / "site").iterdir() if (p / "feed.xml").is_file())
    with serve_site(corpus / "site") as (base_url, _seen):
        settings.feeds = [FeedConfig(name=o, url=f"{base_url}/{o}/feed.xml") for o in outlets]
        with store.open_store(settings.db_path, settings=settings) as db:
            seed.load_seed_corpus(db, settings)
        pipeline.run_once(settings, publish=False)
    with store.open_store(settings.db_path, read_only=True, settings=settings) as db:
        return db.flags()


def score_stream(flags: list[dict[str, Any]], corpus: Path, workdir: Path) -> dict[str, Any]:
    """Precision and recall of the flags, overall and per flag type, by the corpus's scorer."""
    scorer = load_scorer(corpus)
    gold = scorer.load_gold(str(corpus / "gold"))
    out: dict[str, Any] = {}
    for flag_type in (None, GOLD_TYPES, *FLAG_TYPES):
        wanted = {flag_type} if isinstance(flag_type, str) else set(flag_type or FLAG_TYPES)
        chosen = [f for f in flags if f.get("type") in wanted]
        gold_of_type = copy.deepcopy(gold)
        for g in gold_of_type.values():
            g["expected_flags"] = [e for e in g.get("expected_flags", []) if e["type"] in wanted]
        name = _row_name(flag_type)
        path = workdir / f"flags-{name}.json"
        path.write_text(json.dumps(chosen, ensure_ascii=False, default=str), encoding="utf-8")
        out[name] = scorer.score_flags(str(path), gold_of_type)
    return out


def _row_name(flag_type: str | tuple[str, ...] | None) -> str:
    return "all" if flag_type is None else "gold_types" if isinstance(flag_type, tuple) else flag_type


def evaluate_flags(corpus: Path = DEFAULT_CORPUS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="prisonwatch-flag-eval-") as tmp:
        workdir = Path(tmp)
        flags = run_stream(corpus, workdir)
        scores = score_stream(flags, corpus, workdir)
    scores["flags_by_type"] = {
        t: sum(1 for f in flags if f.get("type") == t) for t in sorted({f["type"] for f in flags})
    }
    floor = load_settings().flags.min_confidence
    scores["flags_below_confidence"] = sum(
        1 for f in flags for side in [f.get("new") or {}] if float(side.get("confidence", 1.0)) < floor
    )
    return scores


def flag_rows(scores: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The rows with floors: every flag, and the gold's two types together."""
    return {f"corpus_flags{'' if k == 'all' else '_' + k}": scores[k] for k in ("all", "gold_types")}


def below_flag_floors(scores: dict[str, Any], floors: dict[str, dict[str, float]]) -> list[str]:
    failures = []
    for row, s in flag_rows(scores).items():
        for measure, floor in floors.get(row, {}).items():
            if s[measure] < floor:
                failures.append(f"{row}: {measure} {s[measure]:.3f} is below the floor {floor:.3f}")
    if scores["all"]["flags_from_irrelevant"]:
        failures.append(f"corpus_flags: {scores['all']['flags_from_irrelevant']} flags from off-topic articles")
    if scores["flags_below_confidence"]:
        failures.append(f"corpus_flags: {scores['flags_below_confidence']} flags from figures below min_confidence")
    return failures


def format_report(scores: dict[str, Any]) -> str:
    lines = [
        "flags over the corpus stream (seed corpus first)",
        f"{'':16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'rep':>6}{'exp':>6}{'irrel':>7}",
    ]
    for key in ("all", "gold_types", *FLAG_TYPES):
        s = scores[key]
        lines.append(
            f"{key:16}{s['precision']:7.3f}{s['recall']:7.3f}{s['f1']:7.3f}{s['tp']:6d}{s['reported']:6d}"
            f"{s['expected']:6d}{s['flags_from_irrelevant']:7d}"
        )
    lines.append("raised, by type: " + ", ".join(f"{t} {n}" for t, n in scores["flags_by_type"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--errors", action="store_true", help="list the missed and the extra flags of the tuning outlets' articles"
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "gold").is_dir():
        print(f"no shared corpus at {args.corpus}", file=sys.stderr)
        return 2
    scores = evaluate_flags(args.corpus)
    if args.json:
        rows = {k: {kk: vv for kk, vv in v.items() if kk not in ("missed", "extra")} if isinstance(v, dict) else v
                for k, v in scores.items()}  # fmt: skip
        print(json.dumps(rows, indent=2))
    else:
        print(format_report(scores))
    if args.errors:
        from prisonwatch.figures.splits import TUNING_OUTLETS

        gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (args.corpus / "gold").glob("*.json")}
        tuning = {gid for gid, g in gold.items() if g["outlet"] in TUNING_OUTLETS}
        scores["all"]["missed"] = [(gid, ef) for gid, ef in scores["all"]["missed"] if gid in tuning]
        scores["all"]["extra"] = [(gid, fl) for gid, fl in scores["all"]["extra"] if gid in tuning]
        for gid, ef in scores["all"]["missed"]:
            what = f"{ef['type']} {ef['metric']} {ef['value_low']}-{ef['value_high']} {ef['source']}"
            print(f"MISSED {gid} {what}: {ef.get('why', '')}")
        for gid, fl in scores["all"]["extra"]:
            what = (
                f"{fl.get('type')} {fl.get('metric')} {fl.get('value_low')}-{fl.get('value_high')} {fl.get('source')}"
            )
            print(f"EXTRA  {gid} {what}: {fl.get('reason', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
