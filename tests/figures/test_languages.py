"""Languages are data: every pack fills the same tables, and a new language is one module and one registry entry."""

from __future__ import annotations

import dataclasses

import pytest

from prisonwatch.figures import extract_figures
from prisonwatch.figures import languages as registry
from prisonwatch.figures.languages import CUE_CLASSES, LANGUAGES, LanguagePack, pack_for
from prisonwatch.figures.languages.base import CUE_CLASSES as BASE_CUE_CLASSES


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_fills_every_lexicon_class(code: str) -> None:
    pack = LANGUAGES[code]
    assert pack.code == code
    missing = [name for name in CUE_CLASSES if not pack.cues.get(name)]
    assert missing == [], f"{code} lacks {missing}"
    assert pack.number_words and pack.hedges_before and pack.according and pack.story_terms
    assert pack.months and pack.cutoff and pack.day_phrases


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_pattern_of_every_language_compiles(code: str) -> None:
    pack = LANGUAGES[code]
    for name in CUE_CLASSES:
        assert pack.cue_res[name].pattern
    assert pack.hedge_before_re and pack.hedge_after_re and pack.cutoff_re and pack.day_re
    assert pack.claimants_re and pack.anaphors_re and pack.number_word_re


def test_language_codes_with_regions_map_to_their_pack() -> None:
    assert pack_for("pt-BR") is LANGUAGES["pt"]
    assert pack_for("es_VE") is LANGUAGES["es"]
    assert pack_for("fr") is None
    assert CUE_CLASSES == BASE_CUE_CLASSES


def _italian() -> LanguagePack:
    """A fourth language, written the way a new module would be: its words only."""
    es = LANGUAGES["es"]
    cues = dict.fromkeys(CUE_CLASSES, (r"(?!x)x",))
    cues.update(
        released=(r"scarcerat[io]", r"liberat[io]", r"rilasciat[io]"),
        released_noun=(r"scarcerat[io]",),
        stock=(r"restano", r"rimangono", r"in carcere", r"dietro le sbarre"),
        prisoner=(r"prigionieri politici", r"detenuti", r"prigionieri"),
        people=(r"persone",),
        report=(r"ha detto", r"ha dichiarato", r"conta", r"secondo"),
        date=(r"gennaio", r"febbraio", r"lunedi", r"domenica"),
        not_people=(r"anni", r"giorni", r"euro"),
    )
    return dataclasses.replace(
        es,
        code="it",
        name="Italian",
        number_words={"uno": 1, "due": 2, "tre": 3, "dieci": 10, "venti": 20, "cento": 100},
        multipliers={"mila": 1000},
        number_joiners=("e",),
        weak_number_words=("uno",),
        collectives={"decina": (10, "about"), "centinaio": (100, "about")},
        vague_words=("centinaia", "decine", "migliaia"),
        hedges_before={r"almeno": "at_least", r"piu di": "more_than", r"circa": "about", r"quasi": "about"},
        hedges_after={r"o piu": "at_least"},
        range_open=("tra",),
        range_join=("e",),
        cues=cues,
        according=(r"secondo",),
        outlet_markers=(r"la (?:rete|agenzia|televisione)",),
        anaphors={r"l'organizzazione": "org"},
        claimant_phrases={r"(?:il )?governo": "government"},
        story_terms=(r"prigionieri politici", r"scarcerat\w+", r"amnistia"),
        stopwords=("il", "la", "di", "che", "e", "per", "con", "sono"),
        months={"gennaio": 1, "febbraio": 2},
        cutoff=(r"al",),
        day_phrases=(r"domenica",),
        boilerplate=(r"leggi anche",),
    )


def test_a_fourth_language_is_one_module(monkeypatch: pytest.MonkeyPatch) -> None:
    italian = _italian()
    monkeypatch.setitem(registry.LANGUAGES, "it", italian)
    figures = extract_figures(
        "Secondo il Foro Penal, almeno 120 prigionieri politici sono stati scarcerati.", language="it"
    )
    assert [(f.value_low, f.qualifier, f.source) for f in figures] == [(120, "at_least", "foro_penal")]
    assert figures[0].metric == "released"
