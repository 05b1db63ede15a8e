"""The quality gate: extraction must stay above the floors pinned in tests/fixtures/figures/baseline.json."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from prisonwatch.evaluation import fixtures as evaluation
from prisonwatch.evaluation.fixtures import FixtureError, evaluate, load_baseline, main, match_figures

FIXTURES = Path(__file__).parent / "fixtures" / "figures"


def test_extraction_stays_above_the_pinned_floors() -> None:
    scores = evaluate(FIXTURES)
    floors = {k: v for k, v in load_baseline(FIXTURES).items() if not k.startswith("corpus_")}
    failures = evaluation.below_floors(scores, floors)
    assert failures == [], "\n".join(failures)


def test_held_out_outlets_of_the_shared_corpus_stay_above_their_floors() -> None:
    from prisonwatch.evaluation.corpus_eval import DEFAULT_CORPUS, evaluate_corpus

    if not (DEFAULT_CORPUS / "gold").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the shared corpus is missing at {DEFAULT_CORPUS}")
        pytest.skip(f"no shared corpus at {DEFAULT_CORPUS}")
    result = evaluate_corpus(DEFAULT_CORPUS)
    failures = evaluation.below_corpus_floors(evaluation.corpus_rows(result), load_baseline(FIXTURES))
    assert failures == [], "\n".join(failures)
    assert result["split"]["all"]["irrelevant_fp"] == 0  # nothing from off-topic articles
    assert set(result["held_out_lang"]) == {"es", "en", "pt"}


def test_labelled_set_is_large_and_balanced() -> None:
    groups = evaluation.load_groups(FIXTURES)
    es = len(groups["es"]) + len(groups["holdout_es"])
    en = len(groups["en"]) + len(groups["holdout_en"])
    assert es >= 75 and en >= 75
    assert sum(1 for c in groups["es"] + groups["en"] if not c.expect) >= 30  # negatives
    assert len(groups["seeds"]) == 5


def test_matching_is_one_to_one_and_prefers_the_same_source() -> None:
    exp = [{"metric": "released", "value_low": 3, "value_high": 3, "qualifier": "exact", "source": s} for s in "ab"]
    pred = [dict(exp[1]), dict(exp[1])]
    assert match_figures(pred, exp) == (2, 1)
    assert match_figures(pred[:1], exp) == (1, 1)
    assert match_figures([], exp) == (0, 0)


def test_gate_exits_non_zero_below_a_floor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES, tmp_path / "figures")
    baseline = tmp_path / "figures" / "baseline.json"
    data = json.loads(baseline.read_text())
    data["floors"]["es"]["f1"] = 1.01  # unreachable
    baseline.write_text(json.dumps(data))
    assert main(["--fixtures", str(tmp_path / "figures")]) == 1
    assert "es: f1" in capsys.readouterr().err


def test_gate_passes_and_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--fixtures", str(FIXTURES), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"es", "en", "pt", "seeds", "holdout_es", "holdout_en", "constructions"} <= set(out)
    assert out["failures"] == []


def test_malformed_case_is_named(tmp_path: Path) -> None:
    (tmp_path / "sentences_es.yaml").write_text("- {text: 'Hay 800 presos.', language: es, expect: [{metric: x}]}\n")
    with pytest.raises(FixtureError, match=r"sentences_es.yaml\[0\].*value_low"):
        evaluate(tmp_path)
