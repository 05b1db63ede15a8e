"""The error classes figure extraction is known for, each in the project's own words, in es, en and pt.

Relevance of whole articles; Portuguese words that look like numbers; metric confusions; breakdowns; vague
quantities; claimants behind appositions, inserted clauses, anaphora and outlets; one claim stated twice; counts of
people who are not prisoners.
"""

from __future__ import annotations

import pytest

from prisonwatch.config import load_settings
from prisonwatch.figures import extract_figures
from prisonwatch.figures.relevance import assess_relevance
from prisonwatch.vocab import SCORED_METRICS


def scored(text: str, language: str) -> list[tuple[str, int, str]]:
    return [
        (f.metric, f.value_low, f.source)
        for f in extract_figures(text, language=language)
        if f.metric in SCORED_METRICS
    ]


# ----------------------------------------------------------------------------- relevance of the whole article
@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        # Venezuela only implicit: the country as 'el país', its prisons and its claimants
        (
            "Foro Penal confirmó la excarcelación de 40 presos políticos del Rodeo I. La ONG dijo que en el país "
            "siguen detenidas más de 800 personas por razones políticas.",
            True,
        ),
        (
            "The Penal Forum said 52 political prisoners walked out of Tocorón overnight. The group counts 870 "
            "people still behind bars for political reasons.",
            True,
        ),
        (
            "O Foro Penal confirmou a soltura de 30 presos políticos do Helicoide. A entidade estima que 850 "
            "continuam atrás das grades.",
            True,
        ),
        # another country's prisoners
        (
            "Nicaragua excarceló a 135 presos políticos y los envió a Guatemala. La oposición nicaragüense dijo que "
            "en Nicaragua quedan más de 70 presos políticos. Nicaragua no dio nombres.",
            False,
        ),
        # a Venezuelan story about something else
        (
            "Venezuela's oil exports rose to 900,000 barrels a day in January, PDVSA said. Venezuelan crude went "
            "mostly to Asia.",
            False,
        ),
    ],
)
def test_relevance_is_decided_from_the_whole_article(text: str, relevant: bool) -> None:
    got, reason = assess_relevance("", text, "", load_settings().relevance)
    assert got is relevant, reason


# ----------------------------------------------------------------------------- Portuguese words that are not numbers
def test_portuguese_dos_and_das_are_no_numbers() -> None:
    figures = scored("A maioria dos presos políticos continua no Rodeo I, segundo o Foro Penal.", "pt")
    assert all(value != 2 for _m, value, _s in figures)


def test_portuguese_thousands_and_mil_multipliers() -> None:
    assert scored("Cerca de 1,2 mil presos políticos continuam detidos, segundo a ONU.", "pt") == [
        ("still_detained", 1200, "un")
    ]
    assert scored("O Foro Penal contabiliza 1.085 presos políticos.", "pt") == [("still_detained", 1085, "foro_penal")]


# ----------------------------------------------------------------------------- metric confusion
@pytest.mark.parametrize(
    ("text", "language", "metric", "value"),
    [
        ("Un total de 350 presos políticos excarcelados desde enero, según Foro Penal.", "es", "released", 350),
        ("More than 2,400 people were arrested after the July 2024 election.", "en", "arrested", 2400),
        ("Mais de 2.400 pessoas foram detidas depois da eleição de julho de 2024.", "pt", "arrested", 2400),
        ("Siguen presos 820 opositores, según el Foro Penal.", "es", "still_detained", 820),
    ],
)
def test_the_metric_follows_the_verb_and_the_head_noun(text: str, language: str, metric: str, value: int) -> None:
    assert [(m, v) for m, v, _s in scored(text, language)] == [(metric, value)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # the metric noun right after one number names that number, not the next one of the sentence
        (
            "El Foro Penal ha contado 150 excarcelaciones y mantiene en su lista a 640 presos políticos.",
            "es",
            [("released", 150), ("still_detained", 640)],
        ),
        (
            "O Foro Penal confirmou 120 solturas e mantém em sua lista 690 presos políticos.",
            "pt",
            [("released", 120), ("still_detained", 690)],
        ),
        # 'of those freed' describes the set; the verb after it says what is counted
        ("Nearly 90 of those freed in January remain under court orders, Provea said.", "en",
         [("under_court_measures", 90)]),
        # 'another' is a continuation only right before a number ('another 17'), not before a claimant
        ("Provea, another rights group, puts the number of people under court orders at about 400.", "en",
         [("under_court_measures", 400)]),
    ],
)  # fmt: skip
def test_each_number_takes_the_metric_of_its_own_clause(
    text: str, language: str, expected: list[tuple[str, int]]
) -> None:
    assert [(m, v) for m, v, _s in scored(text, language)] == expected


# ----------------------------------------------------------------------------- breakdowns and vague quantities
@pytest.mark.parametrize(
    ("text", "language", "kept"),
    [
        ("Foro Penal contabiliza 806 presos políticos, entre ellos 105 mujeres y 85 extranjeros.", "es", [806]),
        ("Of the 1,085 political prisoners Foro Penal lists, 95 are women and 12 are teenagers.", "en", [1085]),
        ("O Foro Penal registra 800 presos políticos: 630 civis e 170 militares.", "pt", [800]),
    ],
)
def test_breakdowns_are_not_headline_figures(text: str, language: str, kept: list[int]) -> None:
    assert [v for _m, v, _s in scored(text, language)] == kept


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Cientos de presos políticos siguen en las cárceles venezolanas.", "es"),
        ("Thousands of people were detained after the election.", "en"),
        ("Centenas de presos políticos aguardam a anistia.", "pt"),
    ],
)
def test_vague_quantities_are_not_figures(text: str, language: str) -> None:
    assert scored(text, language) == []


# ----------------------------------------------------------------------------- who claims it
@pytest.mark.parametrize(
    ("text", "language", "source"),
    [
        # an apposition between the claimant and its verb
        (
            "Foro Penal, la ONG que lleva el registro desde 2014, contabiliza 1.003 presos políticos.",
            "es",
            "foro_penal",
        ),
        ("Provea, a rights group founded in 1988, said 64 people were arrested in January.", "en", "provea"),
        (
            "O Foro Penal, principal ONG do país na defesa dos presos, contabiliza 777 presos políticos.",
            "pt",
            "foro_penal",
        ),
        # the outlet is where the claim appeared, not who made it
        ("Según informó la cadena VTV, Jorge Rodríguez comunicó la excarcelación de 116 personas.", "es", "government"),
        ("Diosdado Cabello told state broadcaster VTV that 420 detainees had been released.", "en", "government"),
        ("Segundo informou a emissora VTV, Jorge Rodríguez anunciou a soltura de 116 pessoas.", "pt", "government"),
    ],
)
def test_the_claimant_is_found_past_appositions_and_outlets(text: str, language: str, source: str) -> None:
    assert [s for _m, _v, s in scored(text, language)] == [source]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Foro Penal publicó su balance el lunes. Según la organización, 230 presos fueron excarcelados.", "es"),
        ("Foro Penal released its count on Monday. The group said 230 prisoners had been freed.", "en"),
        ("O Foro Penal divulgou o seu balanço na segunda. Segundo a entidade, 230 presos foram soltos.", "pt"),
    ],
)
def test_an_anaphor_refers_back_to_the_claimant_named_before(text: str, language: str) -> None:
    assert scored(text, language) == [("released", 230, "foro_penal")]


@pytest.mark.parametrize(
    ("text", "language", "source"),
    [
        (
            "Provea contó 90 excarcelaciones. Los abogados de derechos humanos siguen los casos. Tras la visita, la ONG"
            " denunció que 455 presos políticos permanecen en las cárceles.",
            "es",
            "provea",
        ),
        (
            "O Foro Penal confirmou 90 solturas. Advogados de direitos humanos acompanham os casos. Depois, a ONG"
            " informou que 455 presos políticos continuam detidos.",
            "pt",
            "foro_penal",
        ),
    ],
)
def test_the_word_ngo_after_an_article_refers_back_to_the_ngo_named_before(
    text: str, language: str, source: str
) -> None:
    """'la ONG', 'a ONG' name no NGO of their own: they are the last one named, not NGOs in general."""
    assert scored(text, language)[-1] == ("still_detained", 455, source)


def test_the_word_ngo_with_no_ngo_named_before_is_ngos_in_general() -> None:
    assert scored("Cerca de 400 personas siguen presas por razones políticas, indicó la ONG.", "es") == [
        ("still_detained", 400, "ngo")
    ]


def test_a_claimant_inside_a_compound_word_is_a_modifier_not_a_claimant() -> None:
    text = "Nearly 100 prisoners were released on Sunday, most of them jailed after anti-government protests."
    assert scored(text, "en") == [("released", 100, "unattributed")]


# ----------------------------------------------------------------------------- one claim, not people in prison
def test_one_claim_stated_twice_in_an_article_is_one_figure() -> None:
    text = (
        "Foro Penal contabiliza 806 presos políticos en Venezuela.\n\n"
        "La ONG insistió en que los 806 presos políticos deben ser liberados. Son 806 personas, recordó Romero."
    )
    assert [v for _m, v, _s in scored(text, "es")].count(806) == 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Unas 300 familias de presos políticos hicieron vigilia frente al Rodeo I.", "es"),
        ("About 250 Venezuelan migrants held in El Salvador's CECOT prison were flown back to Caracas.", "en"),
        ("Mais de 200 familiares de presos políticos fizeram uma vigília em Caracas.", "pt"),
    ],
)
def test_counts_of_people_who_are_not_prisoners_of_the_story_are_not_figures(text: str, language: str) -> None:
    assert scored(text, language) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("La cifra supera en 42 personas el balance que la organización presentó la semana pasada.", "es"),
        ("The count rose by 40 from the week before, Foro Penal said.", "en"),
        ("O número aumentou em 35 desde o último balanço do Foro Penal.", "pt"),
    ],
)
def test_a_difference_between_two_counts_is_not_a_count(text: str, language: str) -> None:
    assert scored(text, language) == []


# ----------------------------------------------------------------------------- contrasted and disputed claims
@pytest.mark.parametrize(
    ("text", "language", "value", "source"),
    [
        # the number after 'not the' belongs to whoever is said to claim it
        ("Foro Penal ha verificado 310 excarcelaciones, no las 850 que anuncia el Gobierno.", "es", 850, "government"),
        ("Foro Penal has verified 310 releases, not the 850 the government announces.", "en", 850, "government"),
        ("O Foro Penal verificou 310 solturas, e não as 850 que o governo anuncia.", "pt", 850, "government"),
        # whoever disputes a figure is not its claimant
        ("Las autoridades dicen haber liberado a 1.300 personas, una cifra que Provea rechaza.", "es", 1300,
         "government"),
        ("The authorities say they have freed 1,300 people, a number Provea rejects.", "en", 1300, "government"),
        # the state as the subject of a claim, as headlines write it
        ("Venezuela says it has freed 640 political prisoners", "en", 640, "government"),
        # an official named by title alone
        ("The interior minister said on Tuesday that more than 700 people had been freed.", "en", 700, "government"),
    ],
)  # fmt: skip
def test_the_claimant_of_a_contrasted_or_disputed_figure(text: str, language: str, value: int, source: str) -> None:
    sources = {v: s for _m, v, s in scored(text, language)}
    assert sources.get(value) == source, scored(text, language)


def test_a_pronoun_subject_refers_back_to_the_previous_sentences_claimant() -> None:
    text = "Foro Penal published its count on Tuesday. It lists 655 people still held for political reasons."
    assert ("still_detained", 655, "foro_penal") in scored(text, "en")


# ----------------------------------------------------------------------------- numbers and hedges as written
@pytest.mark.parametrize(
    ("text", "language", "value", "qualifier"),
    [
        ("Dos docenas de estudiantes fueron excarcelados el lunes.", "es", 24, "exact"),
        ("Media docena de sindicalistas fueron excarcelados el lunes.", "es", 6, "about"),
        ("Uma dúzia de jornalistas foi libertada na segunda-feira.", "pt", 12, "exact"),
        ("Foro Penal dijo que los presos políticos bajaron de 650 por primera vez.", "es", 650, "fewer_than"),
        ("O Foro Penal disse que os presos políticos ficaram abaixo dos 650.", "pt", 650, "fewer_than"),
        ("Foro Penal said the number of political prisoners fell below 650.", "en", 650, "fewer_than"),
    ],
)
def test_collective_numbers_and_bounds(text: str, language: str, value: int, qualifier: str) -> None:
    found = {(f.value_low, f.qualifier) for f in extract_figures(text, language=language)}
    assert (value, qualifier) in found, found


def test_plural_collectives_alone_stay_vague() -> None:
    assert scored("Docenas de presos políticos fueron excarcelados el lunes.", "es") == []


@pytest.mark.parametrize(
    "text,language",
    [
        ("El Gobierno prometió excarcelar a 250 detenidos antes de fin de mes.", "es"),
        ("The government pledged to free 250 detainees by the end of the month.", "en"),
        ("O governo prometeu libertar 250 detidos até ao fim do mês.", "pt"),
        ("Las autoridades dijeron que 250 presos serán excarcelados en los próximos días.", "es"),
    ],
)
def test_promised_releases_are_not_releases(text: str, language: str) -> None:
    assert [m for m, _v, _s in scored(text, language) if m == "released"] == []


def test_european_portuguese_amnesty_spelling() -> None:
    text = "Ao abrigo da lei de amnistia, 3.400 pessoas viram os seus processos arquivados, disse o deputado."
    assert [m for m, v, _s in scored(text, "pt") if v == 3400] == ["amnesty_granted"]


# ----------------------------------------------------------------------------- a number set beside a figure
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Foro Penal ha verificado 95 excarcelaciones, muy por debajo de las 410 que anunció el Gobierno.", "es"),
        ("Foro Penal has verified 95 releases, well below the 410 that officials announced.", "en"),
        ("O Foro Penal verificou 95 solturas, muito abaixo das 410 anunciadas pelo governo.", "pt"),
    ],
)
def test_a_number_compared_with_a_figure_counts_the_same_and_is_the_others_claim(text: str, language: str) -> None:
    found = scored(text, language)
    assert ("released", 95, "foro_penal") in found and ("released", 410, "government") in found


def test_a_bound_is_not_a_comparison() -> None:
    (figure,) = extract_figures("Os presos políticos ficaram abaixo de 700, disse o Foro Penal.", language="pt")
    assert (figure.value_low, figure.qualifier) == (700, "fewer_than")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("La oposición recuerda que aún faltan 800 personas por liberar.", "es"),
        ("A oposição lembra que ainda faltam 800 pessoas por libertar.", "pt"),
        ("The opposition says 800 people are still to be freed.", "en"),
    ],
)
def test_people_still_to_be_freed_are_still_held(text: str, language: str) -> None:
    assert [m for m, v, _s in scored(text, language) if v == 800] == ["still_detained"]


def test_a_third_countrys_prison_is_not_this_story() -> None:
    text = "El Salvador entregó a 252 venezolanos que permanecían encerrados en el Cecot."
    assert scored(text, "es") == []


@pytest.mark.parametrize(
    ("text", "language", "value", "source"),
    [
        # a coordinated clause with its own subject has its own claimant
        ("Foro Penal contabilizaba 344 excarcelados desde enero, y la Plataforma Unitaria llevó la cuenta a 351.",
         "es", 351, "opposition"),
        ("Foro Penal counted 344 releases since January, and the Unitary Platform put the tally at 351.", "en",
         351, "opposition"),
        # whoever a concession names ('pese a las promesas de las autoridades') claims nothing
        ("Se hablaba de al menos 380 presos políticos en Tocuyito, pese a las promesas de las autoridades.", "es",
         380, "unattributed"),
    ],
)  # fmt: skip
def test_coordinated_clauses_and_concessions_keep_their_own_claimant(
    text: str, language: str, value: int, source: str
) -> None:
    sources = {v: s for _m, v, s in scored(text, language)}
    assert sources.get(value) == source, scored(text, language)


def test_a_headline_and_dek_that_the_body_states_again_are_not_figures_of_their_own() -> None:
    page_text = (
        "Venezuela frees 104 more political prisoners in one Sunday\n"
        "NGOs count 258 releases since January 8; the opposition says 854 are still waiting\n"
        "Venezuela saw another round of releases on Sunday: 104 political prisoners walked out of prisons, "
        "according to Foro Penal.\n"
        "With them, the group counts 258 people freed since January 8. The opposition says 854 people are still "
        "to be freed."
    )
    found = scored(page_text, "en")
    assert ("still_detained", 854, "opposition") in found
    assert [v for _m, v, _s in found].count(854) == 1 and [v for _m, v, _s in found].count(104) == 1
    sentences = {f.sentence for f in extract_figures(page_text, language="en")}
    assert not any(s.startswith(("Venezuela frees", "NGOs count")) for s in sentences)


def test_a_text_that_is_only_a_headline_keeps_its_figure() -> None:
    assert scored("Venezuela Says It Has Freed 1,500 Prisoners", "en") == [("released", 1500, "government")]


def test_summary_bullets_above_the_body_restate_it() -> None:
    page_text = (
        "Venezuela frees dozens more political prisoners\n"
        "- 41 prisoners freed overnight, Foro Penal says.\n"
        "- The government claims more than 700 releases.\n"
        "At least 41 political prisoners were released overnight in Venezuela, Foro Penal said on Thursday, "
        "bringing the number it has verified since January 8 to 403.\n"
        "Interior Minister Diosdado Cabello said on Tuesday that more than 700 people had been freed."
    )
    figures = extract_figures(page_text, language="en")
    assert {(f.value_low, f.source) for f in figures} >= {(41, "foro_penal"), (700, "government")}
    assert not any(f.sentence.startswith("- ") for f in figures)
