"""Train the figure scorers from labelled articles and sentences; write ``model.json``.

``python -m prisonwatch.figures.train [--corpus DIR] [--out PATH]`` (``make train-figures``). The training
data are the project's own labelled fixtures (``tests/fixtures/figures``: sentences in es/en/pt and the seed
articles) and, where ``../shared/corpus`` is present, the articles of its tuning outlets only
(:data:`TUNING_OUTLETS`); the other outlets are never read here, so they stay an honest test. Training is
deterministic (fixed solver, no shuffling): the same data give the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from prisonwatch.config import INCLUDE_DIR
from prisonwatch.evaluation.fixtures import load_article_cases
from prisonwatch.figures.extract import NumberCase, analyse_text
from prisonwatch.figures.model import MODEL_PATH, NONE, FigureModels, LinearModel
from prisonwatch.figures.splits import TUNING_OUTLETS, TUNING_WRITER_FOLDS
from prisonwatch.vocab import SCORED_METRICS

FIXTURES = INCLUDE_DIR.parent / "tests" / "fixtures" / "figures"
DEFAULT_CORPUS = INCLUDE_DIR.parent.parent / "shared" / "corpus"
TRAIN_FIXTURE_FILES = ("sentences_es.yaml", "sentences_en.yaml", "sentences_pt.yaml")
CORPUS_WEIGHT = 1.0  # an article by another hand counts as much as one of our own sentences


@dataclass
class Document:
    """A labelled text: an article or one sentence, with the figures an analyst records from it."""

    name: str
    text: str
    language: str
    expect: list[dict[str, Any]]
    weight: float = 1.0


def fixture_documents(fixtures: Path = FIXTURES) -> list[Document]:
    """The project's own labelled sentences and seed articles."""
    docs: list[Document] = []
    for name in TRAIN_FIXTURE_FILES:
        path = fixtures / name
        if not path.exists():
            continue
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            docs.append(
                Document(f"{name}#{i}", case["text"], case.get("language", name[10:12]), case.get("expect") or [])
            )
    seed_dir = INCLUDE_DIR / "seed_corpus"
    for path in sorted((fixtures / "seeds").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = (seed_dir / case["file"]).read_text(encoding="utf-8")
        docs.append(Document(path.name, text, case.get("language", "en"), case.get("expect") or []))
    for case in load_article_cases(fixtures / "articles", holdout=False):
        docs.append(Document(case.name, case.text, case.language, case.expect))
    return docs


def corpus_documents(corpus: Path, outlets: tuple[str, ...] | None) -> list[Document]:
    """Articles of the shared corpus, of the given outlets only (None: every outlet)."""
    docs = []
    for path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if outlets is not None and gold["outlet"] not in outlets:
            continue
        text = (corpus / "text" / f"{gold['id']}.txt").read_text(encoding="utf-8")
        docs.append(
            Document(
                gold["id"], text, gold["language"], gold["figures"] if gold.get("relevant", True) else [], CORPUS_WEIGHT
            )
        )
    return docs


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def label_cases(doc: Document) -> list[tuple[NumberCase, str | None, str | None]]:
    """(case, metric label or None to skip, gold source) for every candidate of a document."""
    cases, _ = analyse_text(doc.text, doc.language)
    expected = list(doc.expect)
    used: set[int] = set()
    out: list[tuple[NumberCase, str | None, str | None]] = []
    scored_values = {(e["value_low"], e["value_high"]) for e in expected if e["metric"] in SCORED_METRICS}
    for case in cases:
        c = case.candidate
        match = None
        for i, e in enumerate(expected):
            if i in used or (e["value_low"], e["value_high"]) != (c.value_low, c.value_high):
                continue
            if e.get("sentence") and _norm(e["sentence"]) != _norm(case.view.text):
                continue
            match = i
            break
        if match is not None:
            used.add(match)
            e = expected[match]
            metric = e["metric"] if e["metric"] in SCORED_METRICS else NONE
            out.append((case, metric, e.get("source")))
        elif (c.value_low, c.value_high) in scored_values:
            out.append((case, None, None))  # a restatement of a labelled figure: neither positive nor negative
        else:
            out.append((case, NONE, None))
    return out


def train(docs: list[Document], c_metric: float = 0.5, c_claimant: float = 1.0) -> dict[str, Any]:
    """Fit both scorers; return the model file's content."""
    return fit([(doc, label_cases(doc)) for doc in docs], c_metric, c_claimant)


def fit(labelled: list[tuple[Document, list[tuple[NumberCase, str | None, str | None]]]], c_metric: float = 0.5,
        c_claimant: float = 1.0) -> dict[str, Any]:  # fmt: skip
    """Fit both scorers on labelled cases."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    docs = [doc for doc, _ in labelled]
    xm, ym, wm, xc, yc, wc = [], [], [], [], [], []
    for doc, cases in labelled:
        for case, metric, source in cases:
            if metric is None:
                continue
            xm.append(case.features)
            ym.append(metric)
            wm.append(doc.weight)
            if metric != NONE and source:
                for option in case.options:
                    option_source = option.mention.source if option.mention else "unattributed"
                    xc.append(option.features)
                    yc.append(int(option_source == source))
                    wc.append(doc.weight)
    vm = DictVectorizer()
    metric_model = LogisticRegression(C=c_metric, max_iter=3000, solver="lbfgs")
    metric_model.fit(vm.fit_transform(xm), ym, sample_weight=wm)
    vc = DictVectorizer()
    claimant_model = LogisticRegression(C=c_claimant, max_iter=3000, solver="lbfgs")
    claimant_model.fit(vc.fit_transform(xc), yc, sample_weight=wc)
    metric = _export(vm, metric_model)
    claimant = _export(vc, claimant_model)
    return {
        "metric": metric.to_dict(),
        "claimant": claimant.to_dict(),
        "threshold": 0.5,
        "meta": {
            "metric_examples": dict(sorted(Counter(ym).items())),
            "claimant_examples": len(yc),
            "documents": len(docs),
            "data_sha256": hashlib.sha256("\n".join(sorted(d.name for d in docs)).encode()).hexdigest()[:16],
            "tuning_outlets": list(TUNING_OUTLETS),
        },
    }


def writer_fold_results(labelled: list[tuple[Document, list]], corpus: Path) -> list[Any]:
    """For each tuning writer, the scored predictions (corpus_eval.ArticleResult) of scorers trained without it,
    made by the same analysis the pipeline runs (corpus_eval.predict)."""
    from prisonwatch.config import load_settings
    from prisonwatch.evaluation.corpus_eval import predict, score_article

    settings = load_settings()
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (corpus / "gold").glob("*.json")}
    results = []
    for fold in TUNING_WRITER_FOLDS:
        rest = [(d, c) for d, c in labelled if not (d.name in golds and golds[d.name]["outlet"] in fold)]
        models = FigureModels.from_dict(fit(rest))
        for gold in sorted(golds.values(), key=lambda g: g["id"]):
            if gold["outlet"] in fold:
                results.append(score_article(gold, *predict(corpus, gold, settings, models)))
    return results


def calibrate(labelled: list[tuple[Document, list]], corpus: Path, model: dict[str, Any]) -> list[float]:
    """Platt scaling (a, b) of the metric probability, fitted on predictions for text the scorers did not learn from.

    For each tuning writer, scorers are fitted without that writer's articles and run on them; the labelled
    articles never trained on are added, scored by ``model`` (the scorers fitted on everything). Whether each
    prediction is right (metric and value) is set against its raw probability.
    """
    import math

    from sklearn.linear_model import LogisticRegression

    pairs: list[tuple[float, bool]] = [p for r in writer_fold_results(labelled, corpus) for p in r.correct]
    pairs += _held_out_article_pairs(FigureModels.from_dict(model))
    x = [[math.log(max(p, 1e-6) / max(1 - p, 1e-6))] for p, _ in pairs]
    y = [int(ok) for _, ok in pairs]
    if len(set(y)) < 2:
        return [1.0, 0.0]
    platt = LogisticRegression(C=10.0).fit(x, y)
    return [round(float(platt.coef_[0][0]), 5), round(float(platt.intercept_[0]), 5)]


def _held_out_article_pairs(models: FigureModels) -> list[tuple[float, bool]]:
    """(raw probability, right) for the labelled articles never trained on. Whole articles only: the short
    held-out sentences are easier than prose by other hands, and calibrating on them made the scorers look surer
    than they are on writers they never saw."""
    from prisonwatch.figures.extract import extract_figures

    pairs = []
    for case in load_article_cases(FIXTURES / "articles", holdout=True):
        wanted = [(e["metric"], e["value_low"], e["value_high"]) for e in case.expect]
        for f in extract_figures(case.text, language=case.language, models=models):
            key = (f.metric, f.value_low, f.value_high)
            pairs.append((f.confidence, key in wanted))
            if key in wanted:
                wanted.remove(key)
    return pairs


def _export(vectorizer: Any, model: Any) -> LinearModel:
    names = vectorizer.get_feature_names_out()
    coef = model.coef_
    classes = tuple(str(c) for c in model.classes_)
    if coef.shape[0] == 1:  # binary
        classes = (classes[1],)
    weights = {}
    for j, name in enumerate(names):
        column = tuple(round(float(coef[i, j]), 5) for i in range(coef.shape[0]))
        if any(abs(w) > 1e-4 for w in column):
            weights[str(name)] = column
    return LinearModel(classes, tuple(round(float(b), 5) for b in model.intercept_), weights)


def dump_model(model: dict[str, Any]) -> str:
    """The model file: one line per feature, so a retrained model reads as a diff of the weights that moved."""
    lines = ["{"]
    for i, key in enumerate(sorted(model)):
        comma = "," if i < len(model) - 1 else ""
        value = model[key]
        if key in ("metric", "claimant"):
            weights = value["weights"]
            head = f'"classes": {json.dumps(value["classes"])}, "intercept": {json.dumps(value["intercept"])}'
            lines.append(f'"{key}": {{{head}, "weights": {{')
            items = [f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(w)}" for name, w in sorted(weights.items())]
            lines += [item + ("," if j < len(items) - 1 else "") for j, item in enumerate(items)]
            lines.append("}}" + comma)
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared labelled corpus (its tuning outlets only)"
    )
    parser.add_argument("--no-corpus", action="store_true", help="train on the project's fixtures alone")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model file")
    parser.add_argument(
        "--cv", action="store_true", help="print leave-one-writer-out scores on the tuning outlets; write nothing"
    )
    parser.add_argument("--errors", action="store_true", help="with --cv: list each fold's errors")
    args = parser.parse_args(argv)
    docs = fixture_documents()
    with_corpus = not args.no_corpus and (args.corpus / "gold").is_dir()
    if with_corpus:
        docs += corpus_documents(args.corpus, TUNING_OUTLETS)
    elif not args.no_corpus:
        print(f"no corpus at {args.corpus}: training on the project's fixtures alone, uncalibrated", file=sys.stderr)
    labelled = [(doc, label_cases(doc)) for doc in docs]
    if args.cv:
        if not with_corpus:
            print("--cv needs the shared corpus", file=sys.stderr)
            return 2
        from prisonwatch.evaluation.corpus_eval import Tally

        total = Tally()
        for result in writer_fold_results(labelled, args.corpus):
            total.add(result.tally)
            if args.errors and result.errors:
                print(result.gold["id"], result.gold["outlet"], *result.errors, sep="\n  ")
        print("leave-one-writer-out on the tuning outlets:", json.dumps(total.scores()))
        return 0
    model = fit(labelled)
    if with_corpus:
        model["calibration"] = calibrate(labelled, args.corpus, model)
    args.out.write_text(dump_model(model), encoding="utf-8")
    meta = model["meta"]
    print(f"wrote {args.out}: {meta['documents']} documents, metric examples {meta['metric_examples']}, "
          f"claimant examples {meta['claimant_examples']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
