"""What a language contributes to figure extraction: its words, as patterns over folded text.

Every field is data. The extraction engine never names a word of any language: it reads these tables, so a
new language is one module that fills a :class:`LanguagePack` and one line in the registry.

Patterns are regular-expression fragments written in folded form (lower case, no accents) and matched at word
starts; ``\\w*`` makes a stem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

# Lexicon classes every language fills; the feature extractor reads them by these names.
CUE_CLASSES = (
    "released",  # verbs and nouns of release: excarcelar, liberar, freed, soltura
    "released_noun",  # 'excarcelados', 'the freed': a released person named by the flow itself
    "stock",  # remain held: siguen presos, remain behind bars, continuam detidos
    "amnesty",  # amnistía, pardon, anistia, beneficiaries
    "arrested",  # detenidos en, arrested, presos durante, rounded up
    "measures",  # medidas cautelares, house arrest, régimen de presentación
    "prisoner",  # presos políticos, political prisoners, detainees
    "people",  # personas, people, pessoas, ciudadanos
    "breakdown",  # mujeres, hombres, militares, extranjeros, menores: a part of a count
    "partitive",  # de ellos, of them, entre ellos, including
    "other_event",  # muertos, heridos, familiares, solicitudes, huelga de hambre: counts that are no metric
    "not_people",  # años, días, dólares, barriles, %, cárceles: units that are not people
    "demand",  # pidió, exigió, called for: a demand, not an event
    "hypothetical",  # podrían, could, would, poderão: a forecast
    "report",  # dijo, informó, said, afirmou: a reporting verb
    "comparison",  # muy por debajo de los, far below the, longe dos: the number is another claim set beside one
    "tally",  # contabiliza, counts, registra, lists: a register's verb; before prisoners it tells a stock
    "negation",  # no, tampoco, not, yet to, ainda não: 'no han salido' tells who is still held
    "former",  # estaban, vivían, were, had been: a state that no longer holds ('estaban bajo medidas cautelares')
    "pronoun",  # ella, it, they, nela: a subject that refers back (read at the start of a sentence only)
    "dispute",  # cuestiona, disputes, contesta: whoever does it is not the claimant of the figure
    "count_noun",  # cifra, balance, registro, tally, contagem
    "total",  # suman, total, asciende, ya son, so far, to date
    "since",  # desde, since, a partir de
    "foreign",  # another country's prisoners: Nicaragua, Cuba, Estados Unidos
    "date",  # months and weekdays: a number beside one is a day
    "again",  # otros, another, a further, mais: a continuation ('otros 17')
    "demonstrative",  # estos, these, esses: 'these 379 prisoners' points back at a figure already stated
    "perfect",  # han sido excarcelados, have been freed, em este tempo: a flow told up to now is a running total
    "difference",  # supera en, rose by, aumentou em: the number after it is a difference between two counts
)


@dataclass(frozen=True)
class LanguagePack:
    """The words of one language that figure extraction needs."""

    code: str
    name: str
    # spelled-out numbers: word -> value (units, teens, tens, hundreds); multipliers: mil, thousand, million
    number_words: dict[str, int]
    multipliers: dict[str, int]
    number_joiners: tuple[str, ...]  # 'y' in 'cuarenta y ocho', 'e' in 'vinte e quatro', 'and' in 'a hundred and'
    # words that are numbers only before a people noun ('un', 'one', 'uma')
    weak_number_words: tuple[str, ...]
    # collective number words: word -> (value, qualifier when alone); 'una decena' 10 about, 'a dozen' 12 exact
    collectives: dict[str, tuple[int, str]]
    # plural magnitudes that name no number: cientos, hundreds, dezenas
    vague_words: tuple[str, ...]
    # digit groups: es/pt write 1.877 and 1,2 mil; en writes 1,877 and 1.2 million
    thousands_separator: str
    decimal_separator: str
    # hedges before the number (pattern -> qualifier) and after it ('o más' -> at_least)
    hedges_before: dict[str, str]
    hedges_after: dict[str, str]
    range_open: tuple[str, ...]  # entre, between, from
    range_join: tuple[str, ...]  # y, e, and, to, a
    # lexicon classes (see CUE_CLASSES): class -> patterns
    cues: dict[str, tuple[str, ...]]
    # claimants: 'según', 'according to', 'de acordo com'; words that make what follows an outlet, not a claimant
    according: tuple[str, ...]
    outlet_markers: tuple[str, ...]
    # anaphora: pattern -> kind of claimant it refers back to ('org', 'orgs', 'official')
    anaphors: dict[str, str]
    # generic claimant phrases of this language: pattern -> source key ('el gobierno' -> government)
    claimant_phrases: dict[str, str]
    # relevance: words of this story (prisoner words) and of Venezuela as its subject
    story_terms: tuple[str, ...]
    # function words used to recognise the language of a text (language identification fallback)
    stopwords: tuple[str, ...] = field(default=())
    # dates: month names (folded) → month number; phrases that state a cut-off day ('al corte del', 'as of');
    # phrases that name the day an event happened ('el domingo', 'on Christmas Day')
    months: dict[str, int] = field(default_factory=dict)
    cutoff: tuple[str, ...] = field(default=())
    day_phrases: tuple[str, ...] = field(default=())
    # paragraphs that are page furniture, not body: 'Lee también: …', 'Read more', 'Leia também'
    boilerplate: tuple[str, ...] = field(default=())

    @cached_property
    def cue_res(self) -> dict[str, re.Pattern[str]]:
        """One compiled pattern per lexicon class."""
        out = {}
        for name in CUE_CLASSES:
            patterns = self.cues.get(name, ())
            out[name] = _compile(patterns) if patterns else re.compile(r"(?!x)x")
        return out

    @cached_property
    def hedge_before_re(self) -> re.Pattern[str]:
        alts = sorted(self.hedges_before, key=len, reverse=True)
        return re.compile(r"(?<!\w)(" + "|".join(f"(?:{a})" for a in alts) + r")\s*$")

    @cached_property
    def hedge_after_re(self) -> re.Pattern[str]:
        alts = sorted(self.hedges_after, key=len, reverse=True)
        return re.compile(r"\s*(" + "|".join(f"(?:{a})" for a in alts) + r")(?!\w)")

    def hedge_qualifier(self, words: str, after: bool = False) -> str:
        """The qualifier of a matched hedge phrase."""
        table = self.hedges_after if after else self.hedges_before
        for pattern, qualifier in sorted(table.items(), key=lambda kv: len(kv[0]), reverse=True):
            if any(re.fullmatch(pattern, w) for w in (words, words.strip(), words.strip() + " ")):
                return qualifier
        return "exact"

    @cached_property
    def according_re(self) -> re.Pattern[str]:
        return _compile(self.according)

    @cached_property
    def outlet_re(self) -> re.Pattern[str]:
        return _compile(self.outlet_markers)

    @cached_property
    def anaphors_re(self) -> re.Pattern[str]:
        """Every anaphor in one pattern; the name of the group that matched indexes its kind."""
        order = sorted(enumerate(self.anaphors), key=lambda ip: len(ip[1]), reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<a{i}>{p})" for i, p in order) + r")(?!\w)")

    @cached_property
    def claimant_sources(self) -> list[str]:
        return list(self.claimant_phrases.values())

    @cached_property
    def claimants_re(self) -> re.Pattern[str]:
        """Every generic claimant phrase in one pattern; the name of the group that matched indexes its source."""
        # longer patterns first: 'el gobierno de Estados Unidos' before 'el gobierno'
        order = sorted(enumerate(self.claimant_phrases), key=lambda ip: len(ip[1]), reverse=True)
        alts = [f"(?P<c{i}>{p})" for i, p in order]
        return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")

    @cached_property
    def day_re(self) -> re.Pattern[str]:
        return _compile(self.day_phrases or ("(?!x)x",))

    @cached_property
    def cutoff_re(self) -> re.Pattern[str]:
        """A stated cut-off day ('al corte del 5 de enero', 'as of January 12'); groups as in :attr:`date_re`."""
        cut = "|".join(f"(?:{c})" for c in self.cutoff) or "(?!x)x"
        return re.compile(rf"(?<!\w)(?:{cut})\s+(?:el\s+|the\s+|o\s+|dia\s+)?(?:{self._day_patterns})")

    @cached_property
    def date_re(self) -> re.Pattern[str]:
        """A day named by its date: groups 1-3 day, month, year ('5 de enero'), or 4-6 month, day, year."""
        return re.compile(rf"(?<!\w)(?:{self._day_patterns})")

    @property
    def _day_patterns(self) -> str:
        months = "|".join(sorted(self.months, key=len, reverse=True)) or "(?!x)x"
        day_month = rf"(\d{{1,2}})(?:\s+de)?\s+({months})\.?(?:,?\s+(?:de\s+|del\s+)?(\d{{4}}))?"
        month_day = rf"({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?"
        return f"{day_month}|{month_day}"

    @cached_property
    def number_word_re(self) -> re.Pattern[str]:
        words = sorted(set(self.number_words) | set(self.multipliers), key=len, reverse=True)
        word = "|".join(re.escape(w) for w in words)
        joiner = "|".join(re.escape(j) for j in self.number_joiners)
        return re.compile(rf"(?<!\w)(?:{word})(?:(?:\s+(?:{joiner})\s+|\s+|-)(?:{word}))*(?!\w)")


def _compile(patterns: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    alts = sorted(patterns, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in alts) + r")(?!\w)")
