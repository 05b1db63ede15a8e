"""Figure extraction: the counts of people an article states, what they count, who claims them, how sure we are.

Rules find what rules are right for (numbers, hedges, ranges, claimant names); the decisions — is this a count
of people in this story, which metric, who claims it — are made by small linear scorers trained from labelled
articles (``make train-figures``) and shipped in ``model.json``. Each language is one module under
``languages/``.
"""

from __future__ import annotations

from prisonwatch.figures.extract import extract_figures, vague_quantities
from prisonwatch.figures.numbers import parse_number_words
from prisonwatch.figures.text import split_sentences

__all__ = ["extract_figures", "vague_quantities", "split_sentences", "parse_number_words"]
