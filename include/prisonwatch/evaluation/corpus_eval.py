"""Score figure extraction on a labelled corpus written by other hands (``../shared/corpus``), split by outlet.

The corpus is read in place and never copied: its gold files and plain texts are opened by path. Every article
goes through :func:`prisonwatch.figures.analysis.analyse_article`, the same analysis the pipeline runs. Matching follows
the corpus's own scorer: a prediction matches a gold figure when metric, value_low and value_high agree; each gold
figure takes at most one prediction; ``other`` is ignored on both sides; every scored figure of an off-topic
article is a false positive. The outlets the scorers were tuned on (:data:`TUNING_OUTLETS`) are reported apart
from the held-out ones, which are the honest estimate.

Calibration: each predicted figure carries a confidence; over the held-out predictions, the share that is right
in each confidence band is set against the band's mean confidence (expected calibration error, ECE).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prisonwatch.config import INCLUDE_DIR, Settings, load_settings
from prisonwatch.figures.splits import TUNING_OUTLETS
from prisonwatch.vocab import SCORED_METRICS

DEFAULT_CORPUS = INCLUDE_DIR.parent.parent / "shared" / "corpus"
BANDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


@dataclass
class Tally:
    """Counts of one row: language, outlet or split."""

    tp: int = 0
    pred: int = 0
    gold: int = 0
    source_ok: int = 0
    irrelevant_fp: int = 0
    relevance_ok: int = 0
    articles: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def scores(self) -> dict[str, float]:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f1, 3),
            "attribution": round(self.source_ok / self.tp, 3) if self.tp else 0.0,
            "relevance": round(self.relevance_ok / self.articles, 3) if self.articles else 0.0,
            "tp": self.tp,
            "pred": self.pred,
            "gold": self.gold,
            "irrelevant_fp": self.irrelevant_fp,
        }


@dataclass
class ArticleResult:
    gold: dict[str, Any]
    relevant: bool
    figures: list[dict[str, Any]]
    tally: Tally = field(default_factory=Tally)
    correct: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right) per prediction
    errors: list[str] = field(default_factory=list)


def predict(
    corpus: Path, gold: dict[str, Any], settings: Settings, models: Any = None
) -> tuple[bool, list[dict[str, Any]]]:
    """Run the project's analysis on one corpus article (its plain text), with the shipped scorers or ``models``."""
    from prisonwatch.collect import articles
    from prisonwatch.figures.analysis import analyse_article

    text = (corpus / "text" / f"{gold['id']}.txt").read_text(encoding="utf-8")
    article = articles.article_from_text(text, url="http://127.0.0.1:8000" + gold["url"], origin="feed")
    figures = analyse_article(article, settings, models)
    return article.relevant, [f.to_public_dict() for f in figures]


def score_article(gold: dict[str, Any], relevant: bool, figures: list[dict[str, Any]]) -> ArticleResult:
    """Match one article's predictions to its gold figures (the corpus scorer's rules)."""
    result = ArticleResult(gold, relevant, figures)
    t = result.tally
    t.articles = 1
    t.relevance_ok = int(bool(relevant) == bool(gold["relevant"]))
    predicted = [f for f in figures if f["metric"] in SCORED_METRICS]
    t.pred = len(predicted)
    if not gold["relevant"]:
        t.irrelevant_fp = len(predicted)
        result.correct = [(f.get("confidence", 1.0), False) for f in predicted]
        result.errors = [f"FP(off-topic) {f['metric']} {f['value_low']}" for f in predicted]
        return result
    pool = list(predicted)
    wanted = [g for g in gold["figures"] if g["metric"] in SCORED_METRICS]
    t.gold = len(wanted)
    for g in wanted:
        key = (g["metric"], g["value_low"], g["value_high"])
        hit = next((p for p in pool if (p["metric"], p["value_low"], p["value_high"]) == key), None)
        if hit is None:
            result.errors.append(f"FN {g['metric']} {g['value_low']}-{g['value_high']} {g['source']}")
            continue
        pool.remove(hit)
        t.tp += 1
        result.correct.append((hit.get("confidence", 1.0), True))
        if hit["source"] == g["source"]:
            t.source_ok += 1
        else:
            result.errors.append(f"ATTR {g['metric']} {g['value_low']} gold {g['source']} got {hit['source']}")
    for p in pool:
        result.correct.append((p.get("confidence", 1.0), False))
        result.errors.append(f"FP {p['metric']} {p['value_low']}-{p['value_high']} {p['source']}")
    return result


def calibration(pairs: list[tuple[float, bool]]) -> dict[str, Any]:
    """Reliability by confidence band, and the expected calibration error."""
    rows = []
    ece = 0.0
    for lo, hi in zip(BANDS, BANDS[1:], strict=False):
        band = [(c, ok) for c, ok in pairs if lo <= c < hi]
        if not band:
            continue
        mean_conf = sum(c for c, _ in band) / len(band)
        accuracy = sum(ok for _, ok in band) / len(band)
        ece += abs(mean_conf - accuracy) * len(band) / len(pairs)
        rows.append(
            {
                "band": f"{lo:.1f}-{min(hi, 1.0):.1f}",
                "n": len(band),
                "confidence": round(mean_conf, 3),
                "right": round(accuracy, 3),
            }
        )
    return {"bands": rows, "ece": round(ece, 3), "n": len(pairs)}


def evaluate_corpus(corpus: Path = DEFAULT_CORPUS, settings: Settings | None = None) -> dict[str, Any]:
    """Scores per split (tuning / held-out), language and outlet, with calibration, for one corpus."""
    settings = settings or load_settings()
    rows: dict[str, dict[str, Tally]] = {"split": defaultdict(Tally), "held_out_lang": defaultdict(Tally),
                                         "tuning_lang": defaultdict(Tally), "outlet": defaultdict(Tally)}  # fmt: skip
    pairs: dict[str, list[tuple[float, bool]]] = {"held_out": [], "tuning": []}
    errors: dict[str, list[str]] = {}
    for path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        relevant, figures = predict(corpus, gold, settings)
        result = score_article(gold, relevant, figures)
        split = "tuning" if gold["outlet"] in TUNING_OUTLETS else "held_out"
        for table, key in (("split", split), (f"{split}_lang", gold["language"]), ("outlet", gold["outlet"])):
            rows[table][key].add(result.tally)
        rows["split"]["all"].add(result.tally)
        pairs[split].extend(result.correct)
        if split == "tuning" and result.errors:
            errors[gold["id"]] = result.errors  # held-out errors are not listed: they are not to be tuned on
    return {
        "corpus": str(corpus),
        "tuning_outlets": list(TUNING_OUTLETS),
        **{table: {k: t.scores() for k, t in sorted(v.items())} for table, v in rows.items()},
        "calibration": {split: calibration(p) for split, p in pairs.items()},
        "tuning_errors": errors,
    }


def format_report(result: dict[str, Any]) -> str:
    """The corpus scores as plain-text tables."""
    lines = [f"corpus: {result['corpus']}", f"tuning outlets: {', '.join(result['tuning_outlets'])}"]
    header = f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'attr':>7}{'relev':>7}{'tp':>5}{'pred':>5}{'gold':>5}{'irrel':>6}"
    for table, title in (("split", "split"), ("held_out_lang", "held-out outlets, by language"),
                         ("tuning_lang", "tuning outlets, by language"), ("outlet", "by outlet")):  # fmt: skip
        lines += ["", title, header]
        for key, s in result[table].items():
            lines.append(
                f"{key:24}{s['precision']:7.3f}{s['recall']:7.3f}{s['f1']:7.3f}{s['attribution']:7.3f}"
                f"{s['relevance']:7.3f}{s['tp']:5}{s['pred']:5}{s['gold']:5}{s['irrelevant_fp']:6}"
            )
    for split, cal in result["calibration"].items():
        lines += ["", f"calibration ({split}, {cal['n']} predictions): ECE {cal['ece']:.3f}"]
        lines += [
            f"  {b['band']}: n={b['n']:3}  mean confidence {b['confidence']:.3f}  right {b['right']:.3f}"
            for b in cal["bands"]
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Score figure extraction on the shared labelled corpus.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list the errors on the tuning outlets")
    args = parser.parse_args()
    res = evaluate_corpus(args.corpus)
    print(json.dumps(res, indent=2) if args.json else format_report(res))
    if args.errors:
        for gid, errs in res["tuning_errors"].items():
            print(gid, *errs, sep="\n  ")
