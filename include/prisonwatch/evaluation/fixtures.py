"""Measure figure extraction against the labelled set and enforce the pinned quality floors.

Run ``python -m prisonwatch.evaluation [--fixtures DIR] [--json] [--details]``. It scores three groups:
the Spanish and English sentences (``sentences_es.yaml``, ``sentences_en.yaml``), the held-out sentences
written after the rules were frozen (``holdout_es.yaml``, ``holdout_en.yaml``) and the fully annotated seed
articles (``seeds/*.yaml``), and exits 1 when any group's F1 or attribution accuracy is below
the floor pinned in ``baseline.json``.

Matching rule: a predicted figure matches an expected one when metric, value_low, value_high and qualifier
all agree; each expected figure matches at most one prediction (pairs with the same source are taken first).
Precision = matched / predicted, recall = matched / expected. Attribution accuracy = share of matched
figures whose source is also right.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prisonwatch.config import INCLUDE_DIR, SEED_CORPUS_DIR
from prisonwatch.evaluation.corpus_eval import DEFAULT_CORPUS
from prisonwatch.figures import extract_figures

DEFAULT_FIXTURES = INCLUDE_DIR.parent / "tests" / "fixtures" / "figures"
GROUP_FILES = {
    # the scorers' training sentences: their scores measure fit, not generalisation
    "es": "sentences_es.yaml",
    "en": "sentences_en.yaml",
    "pt": "sentences_pt.yaml",
    # never trained on: sentences written apart from the training set, and one construction per sentence
    "holdout_es": "holdout_es.yaml",
    "holdout_en": "holdout_en.yaml",
    "constructions": "constructions.yaml",
}
KEY_FIELDS = ("metric", "value_low", "value_high", "qualifier")


class FixtureError(ValueError):
    """A labelled case is malformed; the message names the file and the case."""


@dataclass
class Case:
    """One unit of evaluation: a text and the figures an analyst expects from it."""

    name: str
    text: str
    language: str
    expect: list[dict[str, Any]]
    published: str | None = None


@dataclass
class GroupScore:
    """Counts for one group of cases, and the cases that went wrong (for --details)."""

    cases: int = 0
    predicted: int = 0
    expected: int = 0
    matched: int = 0
    source_right: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def attribution(self) -> float:
        return self.source_right / self.matched if self.matched else 1.0

    def summary(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "expected": self.expected,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "attribution": round(self.attribution, 4),
        }


# ----------------------------------------------------------------------------- loading
def _check_expect(items: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise FixtureError(f"{where}: 'expect' must be a list")
    for item in items:
        missing = [k for k in (*KEY_FIELDS, "source") if k not in item]
        if missing:
            raise FixtureError(f"{where}: expected figure lacks {', '.join(missing)}")
    return items


def load_sentence_cases(path: Path) -> list[Case]:
    """Cases from one sentences_*.yaml file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cases = []
    for i, item in enumerate(raw):
        where = f"{path.name}[{i}]"
        language = item.get("language") or _file_language(path) if isinstance(item, dict) else None
        if not isinstance(item, dict) or "text" not in item or not language:
            raise FixtureError(f"{where}: needs text, language (or a file named sentences_<language>.yaml) and expect")
        cases.append(Case(where, item["text"], language, _check_expect(item.get("expect"), where)))
    return cases


def _file_language(path: Path) -> str:
    m = re.fullmatch(r"(?:sentences|holdout)_([a-z]{2})\.yaml", path.name)
    return m.group(1) if m else ""


def load_seed_cases(seeds_dir: Path, corpus_dir: Path = SEED_CORPUS_DIR) -> list[Case]:
    """Cases from seeds/*.yaml: each names a seed article and lists every figure in it."""
    cases = []
    for path in sorted(seeds_dir.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        text_path = corpus_dir / str(raw.get("file", ""))
        if not text_path.is_file():
            raise FixtureError(f"{path.name}: seed article {text_path} not found")
        cases.append(
            Case(
                path.name,
                text_path.read_text(encoding="utf-8"),
                raw.get("language", ""),
                _check_expect(raw.get("expect"), path.name),
                published=raw.get("published"),
            )
        )
    return cases


def load_article_cases(articles_dir: Path, holdout: bool) -> list[Case]:
    """Cases from articles/*.yaml: whole articles written in the shapes of other outlets, every figure listed;
    those marked ``holdout: true`` are never trained on."""
    cases = []
    for path in sorted(articles_dir.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if bool(raw.get("holdout")) != holdout:
            continue
        if not raw.get("text") or not raw.get("language"):
            raise FixtureError(f"{path.name}: an article needs text and language")
        cases.append(
            Case(path.name, raw["text"], raw["language"], _check_expect(raw.get("expect"), path.name),
                 published=raw.get("published"))
        )  # fmt: skip
    return cases


def load_groups(fixtures: Path) -> dict[str, list[Case]]:
    """Every group present under ``fixtures``: the sentence files, the seed articles and the written articles."""
    groups: dict[str, list[Case]] = {}
    for group, filename in GROUP_FILES.items():
        if (fixtures / filename).is_file():
            groups[group] = load_sentence_cases(fixtures / filename)
    if (fixtures / "seeds").is_dir():
        groups["seeds"] = load_seed_cases(fixtures / "seeds")
    if (fixtures / "articles").is_dir():
        groups["articles"] = load_article_cases(fixtures / "articles", holdout=False)
        groups["holdout_articles"] = load_article_cases(fixtures / "articles", holdout=True)
    if not groups:
        raise FixtureError(f"no labelled cases under {fixtures}")
    return groups


# ----------------------------------------------------------------------------- scoring
def _key(item: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(item[k] for k in KEY_FIELDS)


def match_figures(predicted: list[dict[str, Any]], expected: list[dict[str, Any]]) -> tuple[int, int]:
    """(matched, matched with the right source) under the one-to-one matching rule in the module docstring."""
    remaining_pred = list(predicted)
    remaining_exp = list(expected)
    matched = right = 0
    for same_source in (True, False):
        for exp in list(remaining_exp):
            for pred in remaining_pred:
                if _key(pred) == _key(exp) and (not same_source or pred["source"] == exp["source"]):
                    matched += 1
                    right += same_source
                    remaining_pred.remove(pred)
                    remaining_exp.remove(exp)
                    break
    return matched, right


def score_cases(cases: list[Case]) -> GroupScore:
    score = GroupScore()
    for case in cases:
        figures = extract_figures(case.text, language=case.language or None, published=case.published)
        predicted = [f.to_dict() for f in figures]
        matched, right = match_figures(predicted, case.expect)
        score.cases += 1
        score.predicted += len(predicted)
        score.expected += len(case.expect)
        score.matched += matched
        score.source_right += right
        wrong_source = matched - right
        if matched < len(predicted) or matched < len(case.expect) or wrong_source:
            exp_keys = Counter(_key(e) + (e["source"],) for e in case.expect)
            pred_keys = Counter(_key(p) + (p["source"],) for p in predicted)
            score.misses.append(
                {
                    "case": case.name,
                    "text": case.text[:160],
                    "missing": [list(k) for k in (exp_keys - pred_keys).elements()],
                    "extra": [list(k) for k in (pred_keys - exp_keys).elements()],
                }
            )
    return score


def evaluate(fixtures: Path = DEFAULT_FIXTURES) -> dict[str, GroupScore]:
    return {group: score_cases(cases) for group, cases in load_groups(fixtures).items()}


def load_baseline(fixtures: Path) -> dict[str, dict[str, float]]:
    data = json.loads((fixtures / "baseline.json").read_text(encoding="utf-8"))
    return data["floors"]


def below_floors(scores: dict[str, GroupScore], floors: dict[str, dict[str, float]]) -> list[str]:
    """Plain-words failures: every group whose F1 or attribution accuracy is below its pinned floor."""
    failures = []
    for group, floor in floors.items():
        if group not in scores:
            failures.append(f"{group}: no labelled cases found")
            continue
        s = scores[group]
        for metric in ("f1", "attribution", "precision", "recall"):
            if metric in floor and getattr(s, metric) < floor[metric]:
                failures.append(f"{group}: {metric} {getattr(s, metric):.3f} is below the floor {floor[metric]:.3f}")
    return failures


@dataclass
class CorpusRow:
    """A row of the shared-corpus evaluation, checked against floors like a fixture group."""

    f1: float
    attribution: float
    precision: float
    recall: float
    irrelevant_fp: int


def corpus_rows(result: dict[str, Any]) -> dict[str, CorpusRow]:
    """The corpus rows that have floors: held-out outlets overall and per language, and the off-topic count."""
    rows = {}
    for key, s in [("corpus_held_out", result["split"]["held_out"])] + [
        (f"corpus_held_out_{lang}", s) for lang, s in result["held_out_lang"].items()
    ]:
        rows[key] = CorpusRow(s["f1"], s["attribution"], s["precision"], s["recall"], s["irrelevant_fp"])
    all_rows = result["split"]["all"]
    rows["corpus_off_topic"] = CorpusRow(1.0, 1.0, 1.0, 1.0, all_rows["irrelevant_fp"])
    return rows


def below_corpus_floors(rows: dict[str, CorpusRow], floors: dict[str, dict[str, float]]) -> list[str]:
    figure_floors = {k: v for k, v in floors.items() if k.startswith("corpus_") and not k.startswith("corpus_flags")}
    failures = below_floors(rows, figure_floors)  # type: ignore[arg-type]
    off_topic = rows.get("corpus_off_topic")
    limit = floors.get("corpus_off_topic", {}).get("max_figures")
    if off_topic is not None and limit is not None and off_topic.irrelevant_fp > limit:
        failures.append(
            f"corpus_off_topic: {off_topic.irrelevant_fp} figures from off-topic articles (at most {limit})"
        )
    return failures


def _table(scores: dict[str, GroupScore]) -> str:
    lines = [f"{'group':<10} {'cases':>5} {'exp':>4} {'pred':>4} {'match':>5} {'P':>6} {'R':>6} {'F1':>6} {'attr':>6}"]
    for group, s in scores.items():
        lines.append(
            f"{group:<10} {s.cases:>5} {s.expected:>4} {s.predicted:>4} {s.matched:>5} "
            f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} {s.attribution:>6.3f}"
        )
    return "\n".join(lines)


def _without_lists(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("missed", "extra")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prisonwatch.evaluation", description=__doc__.split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="folder with the labelled set")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--details", action="store_true", help="list every case that went wrong")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared labelled corpus, if present")
    parser.add_argument("--no-corpus", action="store_true", help="score the project's fixtures only")
    parser.add_argument("--no-flags", action="store_true", help="skip the pipeline run over the corpus stream")
    args = parser.parse_args(argv)
    flag_result = None
    try:
        scores = evaluate(args.fixtures)
        floors = load_baseline(args.fixtures)
    except (FixtureError, OSError, KeyError, json.JSONDecodeError, yaml.YAMLError) as exc:
        print(f"evaluation could not run: {exc}", file=sys.stderr)
        return 2
    failures = below_floors(scores, {k: v for k, v in floors.items() if not k.startswith("corpus_")})
    corpus_result = None
    if not args.no_corpus and (args.corpus / "gold").is_dir():
        from prisonwatch.evaluation.corpus_eval import evaluate_corpus

        corpus_result = evaluate_corpus(args.corpus)
        failures += below_corpus_floors(corpus_rows(corpus_result), floors)
        if not args.no_flags:
            from prisonwatch.evaluation.flag_eval import below_flag_floors, evaluate_flags

            flag_result = evaluate_flags(args.corpus)
            failures += below_flag_floors(flag_result, floors)
    elif not args.no_corpus:
        print(f"no shared corpus at {args.corpus}: its floors are not checked", file=sys.stderr)
    if args.json:
        out: dict[str, Any] = {g: s.summary() for g, s in scores.items()}
        out["failures"] = failures
        if args.details:
            out["misses"] = {g: s.misses for g, s in scores.items()}
        if corpus_result is not None:
            out["corpus"] = {k: v for k, v in corpus_result.items() if k != "tuning_errors"}
        if flag_result is not None:
            out["corpus_flags"] = {k: v for k, v in flag_result.items() if not isinstance(v, dict) or "missed" not in v}
            out["corpus_flags"].update(
                {k: _without_lists(v) for k, v in flag_result.items() if isinstance(v, dict) and "missed" in v}
            )
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(_table(scores))
        if corpus_result is not None:
            from prisonwatch.evaluation.corpus_eval import format_report

            print("\n" + format_report(corpus_result))
        if flag_result is not None:
            from prisonwatch.evaluation.flag_eval import format_report as format_flags

            print("\n" + format_flags(flag_result))
        if args.details:
            for group, s in scores.items():
                for miss in s.misses:
                    print(f"\n[{group}] {miss['case']}: {miss['text']}")
                    print(f"  missing: {miss['missing']}\n  extra:   {miss['extra']}")
        for failure in failures:
            print(f"BELOW FLOOR {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
