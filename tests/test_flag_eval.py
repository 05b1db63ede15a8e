"""The flag gate: the whole pipeline over the shared corpus stream stays above the pinned flag floors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prisonwatch.evaluation.corpus_eval import DEFAULT_CORPUS
from prisonwatch.evaluation.fixtures import load_baseline
from prisonwatch.evaluation.flag_eval import below_flag_floors, evaluate_flags, flag_rows

FIXTURES = Path(__file__).parent / "fixtures" / "figures"


@pytest.fixture(scope="module")
def stream_scores() -> dict:
    if not (DEFAULT_CORPUS / "gold").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the shared corpus is missing at {DEFAULT_CORPUS}")
        pytest.skip(f"no shared corpus at {DEFAULT_CORPUS}")
    return evaluate_flags(DEFAULT_CORPUS)


def test_flags_over_the_corpus_stream_stay_above_their_floors(stream_scores: dict) -> None:
    assert below_flag_floors(stream_scores, load_baseline(FIXTURES)) == []


def test_no_flag_comes_from_an_off_topic_article_or_a_figure_held_for_review(stream_scores: dict) -> None:
    assert stream_scores["all"]["flags_from_irrelevant"] == 0
    assert stream_scores["flags_below_confidence"] == 0


def test_a_floor_above_the_score_fails_the_gate(stream_scores: dict) -> None:
    floors = {row: {"precision": 1.01} for row in flag_rows(stream_scores)}
    assert len(below_flag_floors(stream_scores, floors)) == 2
