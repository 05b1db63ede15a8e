"""The one analysis of an article every path runs: relevance, then the figures of a relevant article.

The pipeline, ``prisonwatch extract``, the demo and the evaluation all call :func:`analyse_article`, so what
is measured is what runs.
"""

from __future__ import annotations

from typing import Any

from prisonwatch.config import Settings
from prisonwatch.models import Article, Figure


def analyse_article(article: Article, settings: Settings, models: Any = None) -> list[Figure]:
    """Set the article's relevance (and its reason) and return its figures; an irrelevant one yields none.

    ``models`` (``figures.model.FigureModels``) replaces the shipped scorers, for training and evaluation.
    """
    judge_relevance(article, settings)
    return figures_for_article(article, settings, models)


def judge_relevance(article: Article, settings: Settings) -> bool:
    """Set (and return) whether the article is about the story, with the reason in plain words."""
    from prisonwatch.figures.relevance import assess_relevance

    article.relevant, article.relevance_reason = assess_relevance(
        article.title, article.text, article.language, settings.relevance
    )
    return article.relevant


def figures_for_article(article: Article, settings: Settings, models: Any = None) -> list[Figure]:
    """The figures of one article whose relevance is already decided; irrelevant articles never yield figures."""
    from prisonwatch.figures import extract_figures

    if not article.relevant:
        return []
    published = (article.published or "")[:10] or None
    return extract_figures(
        article.text, language=article.language or None, published=published, lexicon=settings.lexicon, models=models
    )
