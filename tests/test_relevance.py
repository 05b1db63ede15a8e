"""Relevance: Venezuela's political prisoners as the subject, not the mere words."""

from __future__ import annotations

import pytest

from prisonwatch.config import SEED_CORPUS_DIR, RelevanceSettings, load_settings
from prisonwatch.figures.relevance import assess_relevance


@pytest.fixture(scope="module")
def settings() -> RelevanceSettings:
    return load_settings().relevance


@pytest.mark.parametrize("path", sorted(SEED_CORPUS_DIR.glob("*.txt")), ids=lambda p: p.name)
def test_every_seed_article_is_relevant(path, settings: RelevanceSettings) -> None:
    relevant, reason = assess_relevance("", path.read_text(encoding="utf-8"), "en", settings)
    assert relevant, reason


def test_spanish_story_about_releases_is_relevant(settings: RelevanceSettings) -> None:
    relevant, reason = assess_relevance(
        "Excarcelan a 40 presos políticos en Caracas",
        "El Foro Penal confirmó este domingo la excarcelación de 40 presos políticos del Rodeo I. "
        "Según la ONG, aún quedan más de 800 presos políticos en Venezuela.",
        "es",
        settings,
    )
    assert relevant, reason
    assert "Venezuela" in reason


def test_venezuelan_oil_story_is_not_relevant(settings: RelevanceSettings) -> None:
    relevant, reason = assess_relevance(
        "Venezuela oil output rises",
        "Venezuela's oil production rose to one million barrels a day in January, PDVSA said. "
        "Chevron released new figures on exports. Venezuelan crude shipments to the US increased.",
        "en",
        settings,
    )
    assert not relevant
    assert "keywords" in reason


def test_another_countrys_prisoners_are_not_relevant(settings: RelevanceSettings) -> None:
    relevant, reason = assess_relevance(
        "Russia frees political prisoners in swap",
        "Russia released 16 political prisoners in a swap with the US and Belarus. The prisoners were "
        "flown to Ankara. Russia and Belarus have jailed hundreds of dissidents; Russia says more will follow. "
        "Among those freed were journalists. A Venezuelan diplomat attended.",
        "en",
        settings,
    )
    assert not relevant
    assert "another country" in reason


def test_prisoner_story_without_venezuela_is_not_relevant(settings: RelevanceSettings) -> None:
    relevant, reason = assess_relevance(
        "Prisoners freed",
        "Dozens of political prisoners were freed and detainees released after an amnesty in the capital.",
        "en",
        settings,
    )
    assert not relevant
    assert "Venezuela" in reason


def test_venezuela_in_passing_is_not_the_subject(settings: RelevanceSettings) -> None:
    text = (
        "The film festival opened with a drama about prisoners and a documentary on amnesty campaigns. "
        + "The jury praised the cast and the music. " * 20
        + "One director was born in Caracas."
    )
    relevant, reason = assess_relevance("Festival opens", text, "en", settings)
    assert not relevant
    assert "subject" in reason


def test_keywords_from_the_settings_add_to_each_languages_story_words() -> None:
    text = "Venezuela: the Ramo Verde inmates were moved on Monday. Venezuela gave no reason for the move."
    strict = RelevanceSettings(keywords_es=[], keywords_en=[], country_terms=["Venezuela"], min_keyword_hits=2)
    relevant, reason = assess_relevance("", text, "en", strict)
    assert not relevant
    assert "0 of 2" in reason
    widened = RelevanceSettings(
        keywords_es=[], keywords_en=["Ramo Verde", "inmates"], country_terms=["Venezuela"], min_keyword_hits=2
    )
    assert assess_relevance("", text, "en", widened)[0]
