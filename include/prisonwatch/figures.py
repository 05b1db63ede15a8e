"""Extract the counts of people that a news article states (Spanish and English).

A figure is a number phrase that counts people ('más de 600 presos políticos', 'nearly 100 dissidents',
'centenares de detenidos') together with what it counts (the metric), who claims it (the source), the window
or event it covers (scope) and the sentence it came from. Everything is rule based, precompiled, and runs in
a few milliseconds per article.

Hedges map onto the fixed qualifier vocabulary as follows; ``value_text`` always keeps the original words:

=====================================================================  ==============
words before the number                                                qualifier
=====================================================================  ==============
(none)                                                                 ``exact``
at least, no fewer than, al menos, por lo menos, como mínimo; 'or more' ``at_least``
more than, over, upwards of, above, más de, supera(n); just over,       ``more_than``
slightly more than, poco más de, algo más de
nearly, almost, close to, just under, casi, cerca de, poco menos de;    ``about``
about, around, some, roughly, approximately, (an) estimated,
alrededor de, unos/unas, aproximadamente, en torno a, rondan
up to, as many as, no more than, hasta, no más de                      ``at_most``
fewer than, less than, under, menos de                                  ``fewer_than``
between N and M, entre N y M, N-M, de N a M, from N to M               ``range``
=====================================================================  ==============

'Nearly 100' is an approximation of 100 from below; it is kept as ``about`` (the comparison tolerance for
hedged values lives in the flag settings) rather than invented as a bound.

Vague quantities are marked ``vague=True``: plural magnitudes become the span they literally allow
('dozens'/'decenas' 20-99, 'hundreds'/'cientos'/'centenares' 200-999, 'thousands'/'miles' 2000-9999,
qualifier ``range``); 'un centenar' and 'un millar' are ``about`` 100 and 1000. 'A dozen'/'una docena' is
``about`` 12 and not vague.

Metric comes from the words nearest the number: release, amnesty, arrest and court-measure verbs or nouns on
either side; 'there are', 'hay', 'remain', 'siguen detenidos' and similar make a stock (still_detained).
Without such words the noun decides: 'political prisoners'/'presos políticos' are a stock; generic nouns
('people', 'personas') with no cue are not a figure at all.

Source: 'according to X' / 'según X' next to the figure, else a speaker with a reporting verb in the sentence
('Foro Penal said', 'informó el Foro Penal', "Foro Penal's count"), else, for a quote or 'en sus registros',
the speaker of the previous sentence in the paragraph. Names map to sources through the configured lexicon;
an unknown claimant stays ``unattributed`` with its words in ``source_text``.

Scope kind: 'since …', 'in the last month', 'after the 2024 election' are ``cumulative``; a day or single
occasion ('on Christmas Day', 'el 8 de enero', 'this Friday') is an ``event``; otherwise stocks are ``stock``,
flows told in the present perfect are ``cumulative`` and other flows ``event``. ``as_of`` is the stated day
when the scope names one, else the article's published date. Time phrases of the reporting clause date the
statement, not the figure: in 'Rodríguez said on Sunday that 900 prisoners had been released since January 3' (or
'Cabello dijo el lunes que ...') only the words after 'that/que' can scope it, and a phrase glued to a reporting
verb ('Foro Penal said on Monday') never does. Within the figure's clause a start phrase ('since', 'desde') wins over
a named day, so the count is ``cumulative``.

Metric cues come from the generated lexicons in :mod:`prisonwatch.figures_verbs` (every tense, participle and
periphrasis of each metric's verbs) as well as the hand-written cues. A flow noun right after the number decides
the metric ('56 excarcelados deberán presentarse ante un juez' is released: the measures are a condition). A cue
that is asked for ('pidió la liberación de', 'to demand freedom for', 'promised to release') is no event, and a
count that is only the object of such a demand is no figure; people who gathered, marched or signed are no count
of prisoners; the whole prison population and another country's prisoners ('Nicaragua freed 222') are left out
unless the sentence names Venezuela. A table as prose ('Releases by state: Zulia, 45; Lara, 30') gives one figure
per row with the heading's metric and source.

Release under court measures ('granted conditional release and must report to court', 'quedaron en libertad con
medidas cautelares') is ``released``; ``under_court_measures`` is kept for a count stated as a count of people under
measures ('9.000 personas sometidas a medidas cautelares', '23 de los excarcelados tienen prohibición de declarar').

Breakdowns are dropped: a sub-count of a total stated in the same sentence ('687 personas siguen detenidas, entre
ellas 41 militares y 12 extranjeros', 'including five journalists', '164 of them', 'of the 1,085 ..., 95 are women',
'two journalists were among the 12 freed') is not a second stock or flow, and emitting it would set 41 against 687
as if they disagreed. A sub-count with a metric of its own ('2,000 detained, of whom 1,900 have been released', 'De
los 344 excarcelados, 290 tienen prohibición de salida') is kept, and the total's noun never lends it its metric.

Anaphora: 'la organización', 'la ONG', 'el grupo', 'the group', 'the NGO', 'the committee' and possessive records
('sus registros', 'its count') refer to the organisation named most recently anywhere earlier in the article (else
to a spokesperson of one); a surname ('Romero') counts once the full name ('Alfredo Romero') has appeared. Without
an earlier name the figure stays ``unattributed``.

Cut-off dates ('al corte del 5 de enero', 'as of January 12', 'hasta el 3 de febrero') set ``as_of``; a day without a
year takes the published year, or the previous year when its month is after the published month. Running totals
('la cifra asciende a 808', 'ya superan las 1.500') and counts tied to a start ('since', 'in this time', 'hasta
ahora') are ``cumulative``; an elliptic contrast ('600 según el Gobierno – 302 según las ONG') shares its scope.

A figure restated in the same article (same metric, values, qualifier, as-of date and noun) is kept once, with the
most specific source among its mentions; 'these 379 prisoners' refers back and is not a new figure.

Claimants in news prose: a reaction states a figure as much as a statement does ('welcomed the release of 41',
'lamentó que 1.100 sigan presos'); the speaker may follow the figure ('..., says rights group'), head a headline
('Foro Penal: 777 ...'), be the country itself ('Venezuela says 900 ...') or carry an apposition that is no second
claimant ('Foro Penal, a Venezuelan rights group, said'). The subject of a reported clause is not its speaker
('Romero said the government had freed 134' is Foro Penal's claim). A clause about a count belongs to that count only:
'not the 900 the government claims' gives the government 900 and no other figure, and in 'a count Foro Penal disputes'
Foro Penal claims nothing. A quote that runs on into later sentences takes the speaker named where it closes ('...
Many are sick,” said Alfredo Romero'); 'citing lawyers' never replaces the speaker.

Changes of a count: 'fell below 700' / 'bajó de 700' is ``fewer_than`` 700 ('bajó de 1.085 a 903' gives both values,
exact); 'rose to' / 'ascendió a' give the new value. Deaths, killings and applications are no counts ('25 deaths and
more than 2,000 detentions' is arrested 2,000 only). A part of a group named by its head takes no metric from the group
('Three of the released prisoners spoke' is no figure) but does from its own predicate ('120 of the freed prisoners
must appear before a judge' is under court measures); a partitive total takes its participle ('of the 2,000 people
detained after the vote'). A bare count that restates a paragraph's figure ('Foro Penal could confirm only 71') and
'There are also three teenagers ...' after a list of releases take the paragraph's metric.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from prisonwatch import figures_words as W
from prisonwatch.config import LexiconSettings, load_settings
from prisonwatch.models import Figure

__all__ = ["extract_figures", "split_sentences", "parse_number_words"]

# Source specificity: when mentions of one figure disagree on source, the most specific wins.
_GENERIC_SOURCES = {"unattributed": 0, "ngo": 1}
# Claimants that 'la organización', 'the group' or 'its count' can refer back to.
_ORG_SOURCES = frozenset({"foro_penal", "jep", "provea", "clippve", "un", "ngo"})
_PERSON_ORG_SOURCES = frozenset({"foro_penal", "jep", "provea", "clippve"})
_FLOW_METRICS = frozenset({"released", "amnesty_granted", "arrested"})

_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[”\"»’')\]]*\s+(?=[“\"«¿¡(\[]?[A-ZÁÉÍÓÚÑ0-9])")
_ABBREVIATIONS = frozenset(
    [
        "u.s.",
        "ee.uu.",
        "ee.",
        "uu.",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "sr.",
        "sra.",
        "srta.",
        "st.",
        "gen.",
        "lt.",
        "col.",
        "sgt.",
        "no.",
        "nro.",
        "art.",
        "vs.",
        "etc.",
        "p.",
        "ej.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "aug.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
        "ene.",
        "abr.",
        "ago.",
        "dic.",
        "inc.",
        "corp.",
        "jr.",
        "prof.",
    ]
)
_WORD_TOKEN_RE = re.compile(r"[a-záéíóúñü]+", re.IGNORECASE)
_ES_STOP_RE = re.compile(r"\b(?:el|los|las|del|que|por|una|para|según|fueron|más)\b", re.IGNORECASE)
_EN_STOP_RE = re.compile(r"\b(?:the|of|and|to|were|that|have|has|according|more|with)\b", re.IGNORECASE)
# between a reporting verb and the claimant after it: 'denunció que 11 dirigentes de Vente Venezuela' is no claim
_CLAIM_BREAK_RE = re.compile(r"[.;:,\d]|\b(?:que|that)\b", re.IGNORECASE)
_PERFECT_RE = re.compile(r"\b(?:have|has|han|ha|hemos)\b", re.IGNORECASE)


@dataclass
class _Core:
    """A number phrase inside one sentence, before it is known to count people."""

    start: int
    end: int
    low: int
    high: int
    vague: bool
    digits: bool
    qualifier: str = "exact"


@dataclass
class _Lexicon:
    pattern: re.Pattern[str] | None
    sources: dict[str, str]
    # names an anaphor such as 'la organización' may refer to: organisations, then their spokespeople
    antecedents: dict[str, str] = field(default_factory=dict)
    # 'Romero' after 'Alfredo Romero': a surname counts once the full name has appeared in the article
    surname_pattern: re.Pattern[str] | None = None
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)


class _ArticleContext:
    """What the article has named so far: 'la organización' or 'its count' refer to the latest organisation.

    The organisations are found once per article, and only when an anaphor needs them.
    """

    def __init__(self, text: str, lex: _Lexicon) -> None:
        self.text = text
        self.lex = lex
        self._found: dict[str, tuple[list[int], list[tuple[str, str]]]] | None = None
        self._first_seen: dict[str, int] = {}

    def _scan(self) -> dict[str, tuple[list[int], list[tuple[str, str]]]]:
        if self._found is None:
            self._found = {"org": ([], []), "person": ([], [])}
            if self.lex.pattern is not None:
                for m in self.lex.pattern.finditer(self.text):
                    name = " ".join(m.group(0).lower().split())
                    self._first_seen.setdefault(name, m.start())
                    kind = self.lex.antecedents.get(name)
                    if kind is not None:
                        self._found[kind][0].append(m.start())
                        self._found[kind][1].append((self.lex.sources[name], m.group(0)))
        return self._found

    def named_before(self, names: tuple[str, ...], position: int) -> str | None:
        """The first of ``names`` that the article spelled out before ``position``."""
        self._scan()
        return next((n for n in names if self._first_seen.get(n, position) < position), None)

    def org_before(self, position: int) -> tuple[str, str] | None:
        found = self._scan()
        for kind in ("org", "person"):
            starts, mentions = found[kind]
            idx = bisect_left(starts, position)
            if idx > 0:
                return mentions[idx - 1]
        return None


# ----------------------------------------------------------------------------- public entry point
def extract_figures(
    text: str,
    *,
    language: str | None = None,
    published: str | None = None,
    lexicon: LexiconSettings | None = None,
) -> list[Figure]:
    """All figures stated in ``text``; ``published`` (ISO date) is the default ``as_of``."""
    if not text:
        return []
    lex = _compile_lexicon(lexicon) if lexicon is not None else _default_lexicon()
    lang = (language or "").lower()[:2]
    if lang not in ("es", "en"):
        lang = _guess_language(text)
    pub_date = _parse_iso_date(published)
    context = _ArticleContext(text, lex)
    found: list[tuple[Figure, str]] = []
    seen_lines: set[str] = set()
    for line_start, line in _lines(text):
        key = " ".join(line.split()).lower()
        if key in seen_lines or _is_boilerplate(line):
            continue
        seen_lines.add(key)
        earlier_sentences: list[tuple[int, str]] = []
        spans = split_sentences(line)
        for index, (s_start, s_end) in enumerate(spans):
            sentence = line[s_start:s_end]
            offset = line_start + s_start
            later = [(line_start + a, line[a:b]) for a, b in spans[index + 1 : index + 4]]
            previous = _PreviousSpeaker(list(earlier_sentences), lex, context, offset, later)
            found.extend(_sentence_figures(sentence, offset, lang, lex, previous, pub_date, found))
            earlier_sentences.append((offset, sentence))
    return _merge_restatements(found)


class _PreviousSpeaker:
    """Who spoke last in the paragraph, worked out only when a quote or 'en sus registros' needs it."""

    def __init__(
        self,
        sentences: list[tuple[int, str]],
        lex: _Lexicon,
        context: _ArticleContext,
        offset: int,
        later: list[tuple[int, str]] | None = None,
    ) -> None:
        self.sentences = sentences
        self.lex = lex
        self.context = context
        self.offset = offset  # where the current sentence starts in the article
        self.later = later or []  # the next sentences of the paragraph

    def quote_closer(self) -> tuple[str, str] | None:
        """The speaker named where a quote that runs on into later sentences closes ('…,” said Alfredo Romero')."""
        for offset, sentence in self.later:
            closing = [i for i in (sentence.find(q) for q in "”»") if i >= 0]
            if not closing and sentence.count('"') % 2 == 1:
                closing = [sentence.find('"')]
            if not closing:
                continue
            close = min(closing)
            entities = [e for e in _entities(sentence, self.lex, self.context, offset) if e[0] > close]
            if W.REPORT_VERB_RE.search(sentence, close, close + 60) is None:
                return None
            speakers = _speakers(sentence, entities)
            found = (speakers[0][2], speakers[0][3]) if speakers else _any_specific_entity(entities)
            return found
        return None

    def __call__(self) -> tuple[str, str] | None:
        for offset, sentence in reversed(self.sentences):
            entities = _entities(sentence, self.lex, self.context, offset)
            speakers = _speakers(sentence, entities)
            found = (speakers[0][2], speakers[0][3]) if speakers else _any_specific_entity(entities)
            if found:
                return found
        return None

    def article_org(self) -> tuple[str, str] | None:
        """The organisation named most recently before this sentence, in any paragraph."""
        return self.context.org_before(self.offset)


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans in one paragraph; abbreviations such as 'U.S.' do not end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(paragraph):
        before = paragraph[start : m.start()].rsplit(None, 1)
        last_word = before[-1].lower() if before else ""
        if last_word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.){1,3}", last_word):
            continue
        spans.append((start, m.start()))
        start = m.end()
    if start < len(paragraph):
        spans.append((start, len(paragraph.rstrip())))
    return [(a, b) for a, b in spans if b > a]


def parse_number_words(words: str) -> list[tuple[int, int, int]]:
    """Spelled-out numbers in ``words`` as (start, end, value) segments: 'ciento cuatro' -> 104.

    'and'/'y' join only where they belong to one number ('one hundred and four', 'treinta y dos'); elsewhere
    they separate two numbers ('between five and ten').
    """
    tokens = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD_TOKEN_RE.finditer(words)]
    segments: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        seg_start = tokens[i][0]
        total = current = 0
        last = ""
        seg_end = tokens[i][1]
        j = i
        while j < len(tokens):
            word = tokens[j][2]
            kind = _word_kind(word)
            if kind == "conj":
                nxt = _word_kind(tokens[j + 1][2]) if j + 1 < len(tokens) else ""
                ok_en = word == "and" and last in ("hundred", "thousand") and nxt in ("unit", "teen", "tens")
                ok_es = word == "y" and last == "tens" and nxt == "unit"
                if not (ok_en or ok_es):
                    break
            elif kind == "art":
                if j != i:
                    break
                current = 1
            elif kind in ("unit", "teen"):
                if last in ("unit", "teen"):
                    break
                current += NUMBER(word)
            elif kind == "tens":
                if last in ("unit", "teen", "tens"):
                    break
                current += NUMBER(word)
            elif kind == "hundreds":  # Spanish 'doscientos': additive
                if last in ("unit", "teen", "tens", "hundreds"):
                    break
                current += NUMBER(word)
            elif kind == "hundred":
                if last in ("hundred",):
                    break
                current = (current or 1) * 100
            elif kind == "thousand":
                if last == "thousand":
                    break
                total += (current or 1) * 1000
                current = 0
            else:
                break
            if kind != "conj":
                seg_end = tokens[j][1]
            last = kind if kind != "conj" else last
            j += 1
        if j == i:
            i += 1
            continue
        if last != "art":
            segments.append((seg_start, seg_end, total + current))
        i = j
    return segments


def NUMBER(word: str) -> int:  # noqa: N802 - reads like the table it looks up
    return W.NUMBER_WORDS[word]


def _word_kind(word: str) -> str:
    if word in ("and", "y"):
        return "conj"
    if word == "a":
        return "art"
    if word in ("hundred",):
        return "hundred"
    if word in ("thousand", "mil"):
        return "thousand"
    if word in W.ES_HUNDREDS:
        return "hundreds"
    if word in W.EN_TENS or word in W.ES_TENS:
        return "tens"
    value = W.NUMBER_WORDS.get(word)
    if value is None:
        if "-" in word:
            return "unit"
        return ""
    return "unit" if value < 10 else "teen"


# ----------------------------------------------------------------------------- lexicon
def _compile_lexicon(lexicon: LexiconSettings) -> _Lexicon:
    sources: dict[str, str] = {}
    antecedents: dict[str, str] = {}
    for name, source in {**lexicon.organisations, **lexicon.people}.items():
        key = " ".join(name.lower().split())
        sources[key] = source
        is_org = name in lexicon.organisations
        # a proper name ('Foro Penal', 'Human Rights Watch'), not a generic word such as 'NGOs' or 'ONG'
        proper = source != "ngo" or (name[:1].isupper() and not name.isupper() and not name.endswith("s"))
        if is_org and source in _ORG_SOURCES and proper:
            antecedents[key] = "org"
        elif not is_org and source in _PERSON_ORG_SOURCES:
            antecedents[key] = "person"
    if not sources:
        return _Lexicon(None, {})
    names = sorted(sources, key=len, reverse=True)
    alternation = "|".join(_name_pattern(n, lexicon) for n in names)
    pattern = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE)
    surnames: dict[str, list[str]] = {}
    for name in lexicon.people:
        parts = name.split()
        if len(parts) >= 2 and len(parts[-1]) >= 4 and parts[-1][:1].isupper():
            surnames.setdefault(parts[-1].lower(), []).append(" ".join(name.lower().split()))
    surname_pattern = None
    if surnames:
        # case-sensitive: a surname is a capitalised word ('Romero', not 'romero')
        alternation = "|".join(re.escape(n.capitalize()) for n in sorted(surnames, key=len, reverse=True))
        surname_pattern = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")
    return _Lexicon(pattern, sources, antecedents, surname_pattern, {k: tuple(v) for k, v in surnames.items()})


def _name_pattern(key: str, lexicon: LexiconSettings) -> str:
    """A lexicon name as a pattern; a short acronym ('UN') matches only in capitals, never the article 'un'."""
    spelled = next((n for n in {**lexicon.organisations, **lexicon.people} if " ".join(n.lower().split()) == key), key)
    pattern = r"\s+".join(re.escape(part) for part in key.split())
    if spelled.isupper() and len(spelled.replace(".", "")) <= 3:
        return f"(?-i:{re.escape(spelled)})"
    return pattern


@lru_cache(maxsize=1)
def _default_lexicon() -> _Lexicon:
    """The configured lexicon, loaded once per process."""
    return _compile_lexicon(load_settings().lexicon)


# ----------------------------------------------------------------------------- text layout
def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            out.append((pos + raw.index(stripped[0]), stripped))
        pos += len(raw)
    return out


def _is_boilerplate(line: str) -> bool:
    """Navigation, captions, share buttons, cookie notices and 'related' links never hold figures."""
    words = line.split()
    if "cookie" in line.lower():
        return True
    if len(words) <= 30 and W.BOILERPLATE_LINE_RE.match(line):
        return True
    if len(words) <= 40 and W.DOMAIN_TAIL_RE.search(line):
        return True
    if len(W.NAV_SEPARATORS_RE.findall(line)) >= 3:
        return True
    if len(words) >= 10:  # a caption repeated inside one line
        head = " ".join(words[:5]).lower()
        if line.lower().count(head) >= 2:
            return True
    return False


def _guess_language(text: str) -> str:
    sample = text[:3000]
    return "es" if len(_ES_STOP_RE.findall(sample)) > len(_EN_STOP_RE.findall(sample)) else "en"


def _parse_iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# ----------------------------------------------------------------------------- number phrases
def _number_cores(sentence: str, lang: str) -> list[_Core]:
    cores: list[_Core] = []
    for m in W.DIGITS_RE.finditer(sentence):
        value = int(re.sub(r"\D", "", m.group(1)))
        cores.append(_Core(m.start(1), m.end(1), value, value, False, True))
    for m in W.QUANTITY_RE.finditer(sentence):
        index = int((m.lastgroup or "q0")[1:])
        _pattern, low, high, vague = W.QUANTITY_PHRASES[index]
        if lang == "en" and m.group(0).lower() == "miles":
            continue
        qualifier = "range" if low != high else "about"
        cores.append(_Core(m.start(), m.end(), low, high, vague, False, qualifier))
    run_re = W.ES_WORD_RUN if lang == "es" else W.EN_WORD_RUN
    for m in run_re.finditer(sentence):
        for a, b, value in parse_number_words(m.group(0)):
            if value >= 2:
                cores.append(_Core(m.start() + a, m.start() + b, value, value, False, False))
    cores = [c for c in cores if c.high <= W.MAX_COUNT]
    cores.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[_Core] = []
    for core in cores:
        if kept and core.start < kept[-1].end:
            continue
        kept.append(core)
    return _join_ranges(sentence, kept)


def _join_ranges(sentence: str, cores: list[_Core]) -> list[_Core]:
    out: list[_Core] = []
    i = 0
    while i < len(cores):
        core = cores[i]
        if i + 1 < len(cores) and not core.vague and not cores[i + 1].vague:
            nxt = cores[i + 1]
            gap = sentence[core.end : nxt.start]
            opener = W.RANGE_OPEN_RE.search(sentence[max(0, core.start - 10) : core.start])
            dash = W.RANGE_DASH_RE.match(gap) and core.digits and nxt.digits and gap.strip() != "to"
            joined = W.RANGE_JOIN_RE.match(gap) and opener is not None
            if (dash or joined) and nxt.low > core.low and not _is_year(core.low) and not _is_year(nxt.low):
                start = core.start - (len(opener.group(0)) if opener else 0)
                out.append(_Core(start, nxt.end, core.low, nxt.high, False, core.digits, "range"))
                i += 2
                continue
        out.append(core)
        i += 1
    return out


def _match_at(pattern: re.Pattern[str], text: str, position: int) -> re.Match[str] | None:
    """``pattern`` anchored at ``position``: '^' in a pattern only anchors at the start of the string it gets."""
    return pattern.match(text[position : position + 160])


def _is_year(value: int) -> bool:
    return W.YEAR_MIN <= value <= W.YEAR_MAX


def _apply_hedges(sentence: str, core: _Core) -> None:
    if core.qualifier == "range" and not core.vague:
        return
    before = sentence[max(0, core.start - 40) : core.start]
    m = W.HEDGE_BEFORE_RE.search(before)
    if (
        m
        and m.lastgroup
        and W.FELL_BELOW_RE.match(m.group(0))
        and _match_at(W.CHANGE_TARGET_AFTER_RE, sentence, core.end)
    ):
        m = None  # 'bajó de 1.085 a 903': the old value of a change, not 'fewer than 1.085'
    if m and m.lastgroup:
        core.qualifier = W.HEDGES[int(m.lastgroup[1:])][1] if not core.vague or core.low == core.high else "range"
        if not (core.vague and core.low != core.high):
            core.start -= len(before) - m.start()
        return
    after = _match_at(W.HEDGE_AFTER_RE, sentence, core.end)
    if after and core.qualifier in ("exact", "about") and not core.vague:
        core.qualifier = "more_than" if after.group(0).lower().endswith("plus") else "at_least"
        core.end += after.end()


# ----------------------------------------------------------------------------- one sentence
def _sentence_figures(
    sentence: str,
    offset: int,
    lang: str,
    lex: _Lexicon,
    previous_speaker: _PreviousSpeaker,
    published: date | None,
    earlier: list[tuple[Figure, str]],
) -> list[tuple[Figure, str]]:
    """Figures of one sentence, each with its noun class (used to merge restatements)."""
    cores = _number_cores(sentence, lang)
    if not cores:
        return []
    if W.FOREIGN_SUBJECT_RE.search(sentence) and not W.VENEZUELA_RE.search(sentence):
        return []  # 'Nicaragua freed 222 political prisoners': another country's prisoners
    accepted: list[tuple[_Core, str, str, int]] = []  # core, noun class, head text, where the noun ends
    for core in cores:
        _apply_hedges(sentence, core)
        verdict = _counts_people(sentence, core)
        if verdict is not None:
            accepted.append((core, *verdict))
    if not accepted:
        return []
    entities = _entities(sentence, lex, previous_speaker.context, offset)
    speakers = _speakers(sentence, entities)
    metrics: list[str | None] = []
    for idx, (core, noun_class, head, head_end) in enumerate(accepted):
        lb = accepted[idx - 1][0].end if idx > 0 else 0
        rb = accepted[idx + 1][0].start if idx + 1 < len(accepted) else len(sentence)
        metrics.append(_metric(sentence, core, lb, rb, noun_class, head, head_end, lang))
    for idx, (_core, noun_class, head, _he) in enumerate(accepted):
        # 'five journalists', '164 of them', '58 more': a subgroup or continuation takes its neighbour's metric
        elliptic = noun_class in ("specific", "elliptic", "bare", "total") or W.ELLIPTIC_HEAD_RE.match(
            " ".join(head.split())
        )
        if metrics[idx] is None and elliptic:
            neighbours = [metrics[j] for j in sorted(range(len(accepted)), key=lambda j: abs(j - idx)) if j != idx]
            metrics[idx] = next((m for m in neighbours if m), None)
    if previous_speaker.sentences:
        paragraph_start = previous_speaker.sentences[0][0]
        in_paragraph = [f for f, _n in earlier if f.start >= paragraph_start]
        for idx, (core, noun_class, _head, _he) in enumerate(accepted):
            left = sentence[max(0, core.start - 90) : core.start]
            restated = W.REPORTED_BARE_BEFORE_RE.search(left) or W.BARE_TOTAL_BEFORE_RE.search(left)
            if metrics[idx] is None and noun_class in ("bare", "total") and in_paragraph and restated:
                # 'The government said 104 prisoners were freed. Foro Penal could confirm only 71.'
                metrics[idx] = in_paragraph[-1].metric
            elif metrics[idx] and in_paragraph and W.ALSO_CONTINUATION_RE.match(sentence[: core.start]):
                # '65 men were released ... There are also three teenagers who had been detained': more of the same
                metrics[idx] = in_paragraph[-1].metric
    breakdowns = _breakdowns(sentence, accepted, metrics)
    out: list[tuple[Figure, str]] = []
    for idx, (core, noun_class, head, _head_end) in enumerate(accepted):
        lb = accepted[idx - 1][0].end if idx > 0 else 0
        rb = accepted[idx + 1][0].start if idx + 1 < len(accepted) else len(sentence)
        metric = metrics[idx]
        if not metric or breakdowns[idx]:
            continue
        anaphoric = W.ANAPHORIC_BEFORE_RE.search(sentence[max(0, core.start - 12) : core.start]) or (
            noun_class == "bare"
            and core.qualifier == "exact"
            and W.ANAPHORIC_BARE_BEFORE_RE.search(sentence[max(0, core.start - 5) : core.start])
        )
        if anaphoric and any(f.value_low == core.low and f.value_high == core.high for f, _n in earlier + out):
            continue  # 'these 379 prisoners', 'the twelve had been held': a figure already given
        source, source_text = _source(sentence, core, lb, rb, entities, speakers, previous_speaker)
        if noun_class == "table" and source == "unattributed":
            # 'Presos políticos por estado (Foro Penal): Zulia: 45': the table's heading names its source
            found = _best_entity(entities, 0, sentence.find(":") + 1)
            source, source_text = found if found else (source, source_text)
        scope, scope_kind, as_of = _scope(sentence, core, lb, rb, metric, published, noun_class == "total")
        if not scope and noun_class in ("bare", "elliptic", "total"):
            # '600 according to the government – 302 according to its critics': the ellipsis shares the scope
            same = [f for f, _n in out if f.metric == metric and f.scope]
            if same:
                scope, scope_kind, as_of = same[-1].scope, same[-1].scope_kind, same[-1].as_of
        figure = Figure(
            metric=metric,
            value_low=core.low,
            value_high=core.high,
            qualifier=core.qualifier,
            source=source,
            source_text=source_text,
            scope=scope,
            scope_kind=scope_kind,
            sentence=sentence,
            start=offset + core.start,
            end=offset + core.end,
            as_of=as_of,
            vague=core.vague,
            value_text=sentence[core.start : core.end],
        )
        out.append((figure, noun_class if noun_class == "specific" and head else "generic"))
        if noun_class == "specific" and head:
            out[-1] = (figure, head.lower())
    return out


def _breakdowns(sentence: str, accepted: list[tuple[_Core, str, str, int]], metrics: list[str | None]) -> list[bool]:
    """Which figures are sub-counts of a total in the same sentence ('687 ..., entre ellas 41 militares').

    A breakdown is not a second stock or flow: emitting it would set '41' against '687' as if they disagreed.
    A sub-count with its own metric ('2,000 detained, of whom 1,900 have been released') is a figure.
    """
    flags = [False] * len(accepted)
    for idx, (core, _nc, _head, _he) in enumerate(accepted):
        metric = metrics[idx]
        if metric is None:
            continue
        totals = [j for j in range(idx) if not flags[j] and metrics[j] == metric]
        if totals:
            previous = accepted[idx - 1]
            total_core = accepted[totals[-1]][0]
            if (
                W.BREAKDOWN_BEFORE_RE.search(sentence, previous[0].end, core.start)
                or _match_at(W.BREAKDOWN_AFTER_RE, sentence, core.end)
                or (flags[idx - 1] and W.COORDINATED_RE.match(sentence[previous[3] : core.start]))
                or W.PARTITIVE_BEFORE_RE.search(sentence[max(0, total_core.start - 20) : total_core.start])
            ):
                flags[idx] = True
                continue
        later = [j for j in range(idx + 1, len(accepted)) if metrics[j] == metric]
        if later and W.AMONG_TOTAL_RE.search(sentence, core.end, accepted[later[0]][0].start):
            flags[idx] = True  # 'two journalists were among the 12 people freed'
    return flags


def _counts_people(sentence: str, core: _Core) -> tuple[str, str, int] | None:
    """(noun class, head words, end of the noun) when the number phrase counts people, else None."""
    before = sentence[max(0, core.start - 30) : core.start]
    if W.PRISON_POPULATION_RE.search(sentence[max(0, core.start - 80) : core.start]):
        return None  # 'la población penitenciaria supera los 50.000 internos': all inmates, not political prisoners
    if W.NUMBER_VERB_BEFORE_RE.search(sentence[max(0, core.start - 60) : core.start]) or (
        W.PRISONER_SUBJECT_COPULA_RE.search(sentence[max(0, core.start - 80) : core.start])
    ):
        return "total", "", core.end  # 'political prisoners, who number more than 900'
    if W.BEFORE_REJECT_RE.search(before):
        return None
    if _match_at(W.AFTER_REJECT_RE, sentence, core.end):
        return None
    next_word = re.match(r"\s*([^\W\d_]+)", sentence[core.end : core.end + 30])
    if next_word and (next_word.group(1).lower() in W.UNIT_WORDS or next_word.group(1).lower() in W.NON_PEOPLE_WORDS):
        return None  # '12 years', 'otros 12 delitos': not people
    if core.digits and core.qualifier == "exact" and _is_year(core.low) and sentence[core.start : core.end].isdigit():
        return None
    head = W.HEAD_RE.match(sentence[core.end : core.end + 90])
    if head:
        fill = head.group("fill").split()
        if not any(w.lower() in W.UNIT_WORDS for w in fill):
            for name in ("prisoner", "flow", "specific", "generic"):
                if head.group(name):
                    words = head.group(name)
                    if name == "generic" and words.lower() in ("cases", "casos"):
                        if _match_at(W.CASES_OF_OTHER_RE, sentence, core.end + head.end()):
                            return None  # 'casos de desaparición forzada'

                        # 'de los 1.085 casos registrados': an NGO's recorded cases are people held
                        if _match_at(W.CASES_RECORDED_RE, sentence, core.end + head.end()):
                            return "prisoner", words, core.end + head.end()
                    return name, words, core.end + head.end()
    left = sentence[max(0, core.start - 90) : core.start]
    right = sentence[core.end : core.end + 60]
    number_of = W.NUMBER_OF_AFTER_RE.match(right)
    if number_of:  # 'elevó a 1.024 el número de presos políticos'
        named = W.HEAD_RE.match(sentence[core.end + number_of.end() : core.end + number_of.end() + 90])
        if named:
            for name in ("prisoner", "flow", "specific", "generic"):
                if named.group(name):
                    return name, named.group(name), core.end + number_of.end() + named.end()
    if W.PARTITIVE_SUBCOUNT_BEFORE_RE.search(left):
        return "elliptic", "", core.end
    if ":" in sentence[: core.start] and W.TABLE_ITEM_RE.search(left) and W.TABLE_ITEM_AFTER_RE.match(right):
        return "table", "", core.end  # 'Excarcelaciones por estado: Zulia, 45; Lara, 30'
    # 'De los 344 excarcelados, 290 tienen prohibición de salida'
    if W.BARE_VERB_AFTER_RE.match(right):  # '45 were freed', 'hundreds more remain'
        return "bare", "", core.end
    if core.vague:
        return None  # 'hundreds' alone is never a figure
    if W.BARE_TOTAL_BEFORE_RE.search(left) or _match_at(W.VERB_HEDGE_RE, sentence, core.start):
        return "total", "", core.end  # 'la cifra asciende a 808', 'ya superan las 1.500': a running total
    if (
        W.REPORTED_BARE_BEFORE_RE.search(left)
        or W.BARE_ATTRIBUTED_AFTER_RE.match(right)
        or W.BARE_CLAIMED_AFTER_RE.match(right)
        or W.CONTACT_CLAIM_AFTER_RE.match(right)
        or W.COMPARED_BEFORE_RE.search(left)
        or W.CHANGE_TO_BEFORE_RE.search(left)
    ):
        return "bare", "", core.end
    if W.COMPANION_BEFORE_RE.search(left):
        return None  # 'fue excarcelado junto con otros dos': one person's companions
    if W.ELLIPTIC_BEFORE_RE.search(left):  # 'y otros 23 en Nochevieja'
        return "elliptic", "", core.end
    if W.COPULA_BARE_BEFORE_RE.search(left):  # 'calculan que son unos 1.100': the count the clause is about
        return "bare", "", core.end
    if W.MORE_AFTER_RE.match(right):  # '42 on Monday and 58 more on Tuesday': elliptical
        return "elliptic", "", core.end
    return None


def _table_metric(sentence: str, lang: str) -> str | None:
    """The metric a table's heading names ('Releases by state', 'Presos políticos por estado')."""
    heading = sentence[: sentence.find(":")]
    cue = W.METRIC_CUE_RE[lang].search(heading)
    if cue is not None:
        return W.METRIC_CUES[int((cue.lastgroup or "m0")[1:])][1]
    head = re.search(W.PRISONER_HEADS, heading, re.IGNORECASE)
    if head is not None:
        return "still_detained"
    flow = re.search(W.FLOW_HEADS, heading, re.IGNORECASE)
    if flow is not None:
        return next((m for p, m in W.FLOW_HEAD_METRICS if p.match(flow.group(0))), None)
    return None


def _gap(text: str) -> int:
    """Distance in characters between a number and a cue, not counting a parenthetical aside."""
    return len(W.PARENTHETICAL_RE.sub("", text))


def _metric(
    sentence: str, core: _Core, lb: int, rb: int, noun_class: str, head: str, head_end: int, lang: str
) -> str | None:
    """The metric named by the cue nearest the number; the noun phrase itself counts as part of the number."""
    left_start = max(lb, core.start - 160)
    head_end = max(head_end, core.end)
    if W.PARTITIVE_SUBCOUNT_BEFORE_RE.search(sentence[max(0, core.start - 90) : core.start]):
        left_start = core.start  # 'De los 344 excarcelados, 290 tienen ...': the total's noun is not the sub-count's
    if _match_at(W.DEATH_PREDICATE_AFTER_RE, sentence, head_end):
        return ""  # 'at least 15 of the people detained ... had died in custody': deaths are no count we keep
    gathering = _match_at(W.GATHERING_AFTER_RE, sentence, head_end)
    if gathering and not (
        W.RELATIVE_START_RE.match(gathering.group(0))
        and W.METRIC_CUE_RE[lang].search(sentence, max(lb, core.start - 40), core.start)
    ):
        # 'Hundreds of people gathered to demand freedom': people at a protest, not prisoners; but in 'police
        # detained 16 people who had gathered' the gathering only says who they were. No neighbour lends a metric.
        return ""
    if W.PARTITIVE_BEFORE_RE.search(sentence[max(0, core.start - 20) : core.start]) or _match_at(
        W.NUMBER_OF_AFTER_RE, sentence, core.end
    ):
        # 'brings to 302 the number of political prisoners freed since ...': the participle names the count
        participle = W.GROUP_PARTICIPLE_RE.match(sentence[head_end : head_end + 40])
        if participle is not None:  # 'De las 2.000 personas detenidas después de ...': the group's participle
            return next(m for p, m in W.PARTICIPLE_METRICS if p.match(participle.group(1)))
    # 'Three of the released prisoners spoke': the group a sub-count is drawn from lends it no metric
    drawn_from = (
        bool(head)
        and W.PARTITIVE_GROUP_RE.match(sentence[core.end : head_end]) is not None
        and not W.FLOW_EVENT_HEAD_RE.match(head)
    )
    if noun_class == "flow" and (
        not re.search(r"\b(?:of|de)\b", sentence[core.end : head_end - len(head)], re.I)
        or W.FLOW_EVENT_HEAD_RE.match(head)
    ):
        # '56 excarcelados deberán presentarse ante un juez': the noun names the flow; the rest is a condition
        for pattern, metric in W.FLOW_HEAD_METRICS:
            if pattern.match(head):
                return metric
    best: tuple[int, int, str] | None = None  # (distance, side preference, metric)
    stock_before = W.STOCK_BEFORE_RE.search(sentence[left_start : core.start]) or W.KEEPER_STOCK_BEFORE_RE.search(
        sentence[left_start : core.start]
    )
    if stock_before and not (stock_before.group(0).rstrip().endswith("con") and noun_class != "prisoner"):
        best = (0, 1, "still_detained")  # but 'cuenta con 300 abogados' is what it has, not whom it counts
    identity: str | None = None
    demanded = False
    measures_after: int | None = None  # gap to a court-measure cue right after the noun ('under house arrest')
    names = [(n.start(), n.end()) for n in W.ORG_NAME_RE.finditer(sentence)]
    for m in W.METRIC_CUE_RE[lang].finditer(sentence, left_start, min(rb, head_end + 160)):
        metric = W.METRIC_CUES[int((m.lastgroup or "m0")[1:])][1]
        if any(a <= m.start() < b for a, b in names) or _other_sense(sentence, m, metric, lang):
            continue  # 'Amnesty International', 'the tally, released Monday', 'freed under the amnesty'
        if metric in _FLOW_METRICS and (
            W.FUTURE_BEFORE_RE.search(sentence[max(0, m.start() - 30) : m.start()])
            or W.FUTURE_FORM_RE.search(m.group(0).split()[0])
        ):
            demanded = True  # 'would be freed', 'excarcelarán': still to come, like a demand no count
            continue
        if W.DEMAND_BEFORE_RE.search(sentence[max(0, m.start() - 40) : m.start()]):
            # 'pidió la liberación de', 'to demand freedom for': asked for, not done; when the count is what is
            # asked for ('the release of 40 detainees') it is no count at all
            demanded = demanded or m.end() <= core.start or noun_class != "prisoner"
            continue
        if metric == "still_detained" and W.PLUPERFECT_BEFORE_RE.search(sentence[max(0, m.start() - 20) : m.start()]):
            continue  # 'had been held in El Helicoide': where they were, not a stock today
        if m.start() < core.start and m.end() > core.end:
            candidate = (0, 1, metric)  # 'took 14 students into custody': the cue wraps the number
        elif m.end() <= core.start:
            candidate = (_gap(sentence[m.end() : core.start]), 1, metric)
        elif drawn_from and m.start() < head_end:
            continue
        elif m.start() >= core.end:
            gap = _gap(sentence[head_end : max(head_end, m.start())])
            if gap <= 1 and identity is None and W.IDENTITY_PARTICIPLE_RE.match(m.group(0)):
                # 'people detained after the election had been released': the participle names the group
                identity = metric
                continue
            candidate = (gap, 0, metric)
            if metric == "under_court_measures" and measures_after is None:
                measures_after = gap
        else:
            continue
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    partitive = re.search(r"\b(?:of|de)\b", sentence[core.end : head_end - len(head)] if head else "of", re.I)
    condition = best is not None and best[2] == "under_court_measures" and not partitive
    partitive_total = W.PARTITIVE_BEFORE_RE.search(sentence[max(0, core.start - 20) : core.start]) is not None
    if identity is not None and (best is None or (best[1] == 1 and best[0] > 25) or condition or partitive_total):
        # 'The 61 prisoners released on Monday must report to a court': the measures are a condition of release
        best = (1, 0, identity)  # a participle right after the noun beats any cue before the number
    named_by = identity
    if named_by is None:
        participle = W.GROUP_PARTICIPLE_RE.match(sentence[head_end : head_end + 40])
        if participle is not None:
            named_by = next(m for p, m in W.PARTICIPLE_METRICS if p.match(participle.group(1)))
    if (
        stock_before
        and best == (0, 1, "still_detained")
        and named_by is not None
        and noun_class in ("generic", "specific")
        and W.COUNTING_VERB_RE.search(stock_before.group(0))
    ):
        best = (0, 0, named_by)  # 'Foro Penal counts 18 people detained in the past week': the participle names it
    if stock_before and best == (0, 1, "still_detained") and measures_after is not None and measures_after <= 10:
        best = (0, 0, "under_court_measures")  # 'The group counts 1,012 people under house arrest'
    if best is None and _match_at(W.FREE_NOW_RE, sentence, head_end):
        best = (0, 0, "released")  # '1.400 de los detenidos ... ya están libres'
    after = W.STOCK_AFTER_RE.match(sentence[core.end : rb])
    if after:
        candidate = (max(0, core.end + after.end() - head_end - len(after.group(0).split()[-1])), 0, "still_detained")
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    if best is not None:
        return best[2]
    if noun_class == "total" and W.RELATIVE_PRISONER_SUBJECT_RE.search(
        sentence[max(lb, core.start - 140) : core.start]
    ):
        return "still_detained"  # 'political prisoners, who number more than 900'
    if demanded:
        return ""  # 'awaiting the release of 40 detainees': the only cue was asked for; no count, no inheritance
    if noun_class == "table":
        return _table_metric(sentence, lang)
    if noun_class == "total" and W.PRISONER_SUBJECT_COPULA_RE.search(sentence[max(lb, core.start - 80) : core.start]):
        return "still_detained"  # 'Political prisoners in Venezuela now number just under 700', 'son poco menos de 700'
    if drawn_from:
        return None
    if noun_class == "prisoner":
        predicate = _match_at(W.PRISONER_PREDICATE_AFTER_RE, sentence, head_end)
        if predicate and not W.COUNTING_PARTICIPLE_RE.match(predicate.group("participle") or predicate.group("verb")):
            return None  # '33 inmates were hospitalized', '20 inmates escaped': what they did, not how many are held
        if _match_at(W.OTHER_PREDICATE_RE, sentence, head_end) or _match_at(
            W.PRISONER_ACTIVITY_AFTER_RE, sentence, head_end
        ):
            return None  # 'fifteen detainees had been moved to Tocorón': a transfer, not a count we keep
        lowered = head.lower()
        if lowered.startswith(("detenid", "arrestad", "detainee")) and (
            W.ARREST_CONTEXT_RE.search(sentence, core.end, rb) or lowered.startswith("arrestad")
        ):
            return "arrested"
        return "still_detained"
    return None


def _other_sense(sentence: str, cue: re.Match[str], metric: str, lang: str) -> bool:
    """A cue word used in another sense: 'released' as published, 'held' as organised, the amnesty as a means.

    'The tally, released Monday, lists 774' publishes a list; 'held a press conference' organises one; in 'people
    freed under the amnesty' the verb names the flow and the law only how it happened.
    """
    word = cue.group(0).lower()
    before = sentence[max(0, cue.start() - 40) : cue.start()]
    if metric == "released" and word.startswith(("releas", "publish")):
        return bool(W.DOCUMENT_BEFORE_RE.search(before) or _match_at(W.DOCUMENT_AFTER_RE, sentence, cue.end()))
    if metric == "still_detained" and W.DIED_BEFORE_RE.search(before):
        return True  # 'had died in custody'
    if metric == "still_detained" and "held" in word:
        return _match_at(W.HELD_EVENT_AFTER_RE, sentence, cue.end()) is not None
    if (
        metric == "amnesty_granted"
        and re.fullmatch(r"(?:amnest|amnist)\w*", word)
        and (_match_at(W.AMNESTY_MODIFIER_AFTER_RE, sentence, cue.end()) or W.AMNESTY_LAW_BEFORE_RE.search(before))
        and not W.LAW_BENEFIT_RE.search(sentence)
    ):
        return True  # 'the amnesty bill', 'la ley de amnistía': the law, not people granted it
    if metric == "amnesty_granted" and W.MEANS_BEFORE_RE.search(before):
        window = sentence[max(0, cue.start() - 70) : cue.start()]
        cues = W.METRIC_CUE_RE[lang].finditer(window)
        return any(W.METRIC_CUES[int((c.lastgroup or "m0")[1:])][1] == "released" for c in cues)
    return False


# ----------------------------------------------------------------------------- attribution
def _entities(
    sentence: str, lex: _Lexicon, context: _ArticleContext | None = None, offset: int = 0
) -> list[tuple[int, int, str, str]]:
    """Claimants named in the sentence; 'la organización', 'the group' stand for the latest organisation named."""
    if lex.pattern is None:
        return []
    out = []
    for m in lex.pattern.finditer(sentence):
        source = lex.sources.get(" ".join(m.group(0).lower().split()))
        if source:
            out.append((m.start(), m.end(), source, m.group(0)))
    if context is not None and lex.surname_pattern is not None:
        for m in lex.surname_pattern.finditer(sentence):
            if any(e[0] < m.end() and m.start() < e[1] for e in out):
                continue  # part of the full name
            full = context.named_before(lex.surnames[m.group(0).lower()], offset + m.start())
            if full is not None:
                out.append((m.start(), m.end(), lex.sources[full], m.group(0)))
    for m in W.COUNTRY_SPEAKER_RE.finditer(sentence):  # 'Venezuela says 900 ...': the state speaks
        if not any(e[0] < m.end() and m.start() < e[1] for e in out):
            out.append((m.start(), m.end(), "government", m.group(0)))
    out.sort()
    if context is not None:
        for m in W.ORG_ANAPHOR_RE.finditer(sentence):
            resolved = context.org_before(offset + m.start())
            if resolved is None:
                continue
            out = [e for e in out if e[1] <= m.start() or e[0] >= m.end()]
            out.append((m.start(), m.end(), resolved[0], resolved[1]))
        out.sort()
    return _drop_appositions(sentence, out)


def _drop_appositions(sentence: str, entities: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """'Foro Penal, a Venezuelan rights group, said': the apposition describes Foro Penal; it is no other claimant."""
    kept: list[tuple[int, int, str, str]] = []
    for entity in entities:
        if (
            kept
            and _specificity(entity[2]) < 2 <= _specificity(kept[-1][2])
            and W.APPOSITION_GAP_RE.match(sentence[kept[-1][1] : entity[0]])
        ):
            continue
        kept.append(entity)
    return kept


def _speakers(sentence: str, entities: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Entities that claim something in this sentence: 'X said', 'informó X', "X's count", 'cifras de X'.

    A reporting verb binds to the entity right after it ('denunció Provea') before the one ahead of it,
    so 'pese a los anuncios del gobierno, denunció Provea' is Provea's claim.
    """
    claiming: set[int] = set()
    local = _contact_clauses(sentence, entities)
    for verb in W.REPORT_VERB_RE.finditer(sentence):
        if W.NOUN_DETERMINER_BEFORE_RE.search(
            sentence[max(0, verb.start() - 12) : verb.start()]
        ) and not W.COUNT_NOUN_OWNER_AFTER_RE.match(sentence[verb.end() : verb.end() + 6]):
            continue  # 'a claim Foro Penal disputes', 'la cifra de': a noun, not a verb
        following = [
            i
            for i, e in enumerate(entities)
            if i not in local
            and verb.end() <= e[0] <= verb.end() + 30
            and not W.CLAUSE_SUBJECT_AFTER_RE.match(sentence[e[1] : e[1] + 20])
            and not _CLAIM_BREAK_RE.search(sentence[verb.end() : e[0]])
            and len(sentence[verb.end() : e[0]].split()) <= 4
        ]
        if following:
            following.sort(key=lambda i: (-_specificity(entities[i][2]), entities[i][0]))
            claiming.add(following[0])
            continue
        if W.COORDINATED_VERB_BEFORE_RE.search(sentence[max(0, verb.start() - 8) : verb.start()]):
            # '..., and says hundreds remain': the verb shares the sentence's subject
            subject = next((i for i, e in enumerate(entities) if i not in local), None)
            if subject is not None and not W.SUBJECT_LEAD_RE.sub("", sentence[: entities[subject][0]]).strip():
                claiming.add(subject)
                continue
        preceding = [
            i
            for i, e in enumerate(entities)
            if i not in local
            and e[1] <= verb.start() <= e[1] + 45
            and not re.search(r"[.;:]", sentence[e[1] : verb.start()])
        ]
        if preceding:
            claiming.add(preceding[-1])
    for idx, (start, end, _source, words) in enumerate(entities):
        if idx in local:
            continue
        if (
            W.POSSESSIVE_COUNT_RE.match(sentence[end:]) is not None
            or W.COUNT_OF_RE.search(sentence[max(0, start - 45) : start]) is not None
            or W.BY_AGENT_RE.search(sentence[max(0, start - 30) : start]) is not None
            or W.COUNT_ENTITY_RE.search(words) is not None
        ):
            claiming.add(idx)
    if (
        entities
        and W.HEADLINE_SPEAKER_RE.match(sentence[: entities[0][0]])
        and sentence[entities[0][1] :].startswith(":")
    ):
        claiming.add(0)  # 'Foro Penal: 777 political prisoners remain': a headline's claimant
    for idx in range(len(entities) - 2, -1, -1):  # 'Provea and Justicia, Encuentro y Perdón said': both claim
        if idx + 1 in claiming and W.COORDINATION_RE.match(sentence[entities[idx][1] : entities[idx + 1][0]]):
            claiming.add(idx)
    return [entities[i] for i in sorted(claiming - set(local))]


def _contact_clauses(sentence: str, entities: list[tuple[int, int, str, str]]) -> dict[int, str]:
    """Claimants inside a clause about a noun: 'not the 900 the government claims', 'a count Foro Penal disputes'.

    They speak about that noun only ('claim'), or dispute it ('dispute'); neither claims the sentence's figures.
    """
    out: dict[int, str] = {}
    for idx, (start, end, _source, _words) in enumerate(entities):
        before = sentence[max(0, start - 60) : start]
        if W.CONTACT_BEFORE_RE.search(before):
            verb = _match_at(W.CONTACT_VERB_AFTER_RE, sentence, end)
            if verb is not None:
                out[idx] = "dispute" if W.DISPUTE_VERB_RE.search(verb.group(0)) else "claim"
                continue
        inverted = W.CONTACT_VERB_BEFORE_RE.search(before)  # 'no las 900 que asegura el Gobierno'
        if inverted and W.CONTACT_END_RE.match(sentence[end : end + 3]):
            out[idx] = "dispute" if W.DISPUTE_VERB_RE.search(inverted.group(0)) else "claim"
    return out


def _contact_claimant(sentence: str, core: _Core, entities: list[tuple[int, int, str, str]]) -> tuple[str, str] | None:
    """The claimant of a clause right after the number: 'not the 900 the government claims'."""
    local = _contact_clauses(sentence, entities)
    for idx, kind in local.items():
        start = entities[idx][0]
        if (
            kind == "claim"
            and core.end <= start <= core.end + 30
            and W.CONTACT_GAP_RE.match(sentence[core.end : start])
        ):
            return entities[idx][2], entities[idx][3]
    return None


def _any_specific_entity(entities: list[tuple[int, int, str, str]]) -> tuple[str, str] | None:
    for _s, _e, source, words in entities:
        if source not in _GENERIC_SOURCES:
            return source, words
    return None


def _best_entity(entities: list[tuple[int, int, str, str]], start: int, end: int) -> tuple[str, str] | None:
    inside = [e for e in entities if start <= e[0] < end]
    if not inside:
        return None
    inside.sort(key=lambda e: (-_specificity(e[2]), e[0]))
    return inside[0][2], inside[0][3]


def _specificity(source: str) -> int:
    return _GENERIC_SOURCES.get(source, 2)


def _source(
    sentence: str,
    core: _Core,
    lb: int,
    rb: int,
    entities: list[tuple[int, int, str, str]],
    speakers: list[tuple[int, int, str, str]],
    previous_speaker: _PreviousSpeaker,
) -> tuple[str, str]:
    contact = _contact_claimant(sentence, core, entities)
    if contact is not None:
        return contact
    speakers = [e for e in speakers if not _across_contrast(sentence, core, e)]
    explicit = [m for m in W.ACCORDING_RE.finditer(sentence, core.end, rb) if not _cites_own(m)][:1]
    clause_lb, clause_rb = _clause(sentence, core, lb, rb)
    own = [e for e in speakers if clause_lb <= e[0] < clause_rb] or [e for e in speakers if lb <= e[0] < rb]
    if not explicit and own:  # 'mientras que Foro Penal solo ha verificado 302': the nearer claimant
        nearest = min(own, key=lambda e: abs(e[0] - core.start))
        return nearest[2], nearest[3]
    if not explicit:
        explicit = [m for m in W.ACCORDING_RE.finditer(sentence, lb, core.start)][-1:]
    if not explicit:  # 'Según Foro Penal, 800 ...' opening the sentence applies to its figures
        opening = W.ACCORDING_RE.match(sentence.lstrip('“"«( '))
        explicit = [opening] if opening is not None else []
        if explicit:
            shift = len(sentence) - len(sentence.lstrip('“"«( '))
            start, end = explicit[0].start("target") + shift, explicit[0].end("target") + shift
            found = _best_entity(entities, start, end)
            if found:
                return found
            if not _refers_back(explicit[0].group(0)):
                return "unattributed", _trim_unknown(explicit[0].group("target"))
            explicit = []
    if explicit:
        m = explicit[0]
        found = _best_entity(entities, m.start("target"), m.end("target"))
        if found:
            return found
        if not _refers_back(m.group(0)):
            return "unattributed", _trim_unknown(m.group("target"))
    if speakers:
        nearest = min(speakers, key=lambda e: 0 if lb <= e[0] < rb else abs(e[0] - core.start) + 1)
        if _specificity(nearest[2]) < 2:  # 'NGOs Provea and JEP said': the named organisation
            named = [e for e in speakers if _specificity(e[2]) == 2 and abs(e[0] - nearest[1]) <= 30]
            nearest = named[0] if named else nearest
        return nearest[2], nearest[3]
    claims = list(W.ACCORDING_RE.finditer(sentence))
    if len({m.group("target").strip().lower() for m in claims}) == 1:  # one claimant for the whole sentence
        m = claims[0]
        found = _best_entity(entities, m.start("target"), m.end("target"))
        if found:
            return found
        if not _refers_back(m.group(0)):
            return "unattributed", _trim_unknown(m.group("target"))
    quoted = _inside_quote(sentence, core.start)
    refers_back = _refers_back(sentence)
    if quoted and not any(q in sentence[core.end :] for q in QUOTE_CLOSERS):
        found = previous_speaker.quote_closer()  # '“More than 800 ... Many are sick,” said Alfredo Romero.'
        if found is not None:
            return found
    if refers_back or quoted:
        found = previous_speaker()
        if found is not None:
            return found
    if refers_back:
        found = _any_specific_entity(entities) or previous_speaker.article_org()
        if found:
            return found
    if quoted:  # 'Gonzalo Himiob spoke outside Rodeo I. “At least 600 ...,” he said.'
        opening = max(sentence.rfind(q, 0, core.start) for q in QUOTE_OPENERS)
        found = _any_specific_entity([e for e in entities if e[1] <= opening])
        if found:
            return found
    return "unattributed", ""


QUOTE_OPENERS = ("“", "«", '"')
QUOTE_CLOSERS = ("”", "»", '"')


def _across_contrast(sentence: str, core: _Core, entity: tuple[int, int, str, str]) -> bool:
    """The subject of a contrasted clause (', but Foro Penal says ...') speaks only about that clause.

    A speaker closing the sentence (', but hundreds remain, Alfredo Romero said') still claims all of it.
    """
    if entity[0] < core.end:
        return False
    return any(entity[0] - m.end() <= 12 for m in W.CONTRAST_BREAK_RE.finditer(sentence, core.end, entity[0]))


def _cites_own(match: re.Match[str]) -> bool:
    """'the State Department said, citing its own contacts': the speaker's own sources, not another claimant."""
    return W.CITING_OWN_RE.match(match.group(0)) is not None


def _refers_back(text: str) -> bool:
    """'en sus registros', 'according to its count': the claimant was named before."""
    return (
        W.COREFERENCE_RE.search(text) is not None
        or W.POSSESSIVE_RECORDS_RE.search(text) is not None
        or W.LIST_ANAPHOR_RE.match(text) is not None  # 'It names 212 people', 'En ella figuran ...'
    )


def _trim_unknown(target: str) -> str:
    words = W.UNKNOWN_TRIM_RE.sub("", target.strip()).split()
    return " ".join(words[:6])


def _inside_quote(sentence: str, position: int) -> bool:
    before = sentence[:position]
    opens = sum(before.count(q) for q in "“«")
    closes = sum(before.count(q) for q in "”»")
    straight = before.count('"')
    return opens > closes or straight % 2 == 1


# ----------------------------------------------------------------------------- scope and date
def _scope(
    sentence: str,
    core: _Core,
    lb: int,
    rb: int,
    metric: str,
    published: date | None,
    running_total: bool = False,
) -> tuple[str, str, str | None]:
    """(scope words, scope kind, as-of date): events are tied to a day, cumulative counts to a start."""
    best: tuple[int, str, str] | None = None
    lb, rb = _clause(sentence, core, lb, rb)
    lb = _after_reporting_clause(sentence, lb, core.start)
    cut_off = _cut_off(sentence, core, lb, rb)
    start_phrase: tuple[int, str, str] | None = None
    for kind, pattern in (("cumulative", W.CUMULATIVE_SCOPE_RE), ("event", W.EVENT_SCOPE_RE)):
        for m in pattern.finditer(sentence, lb, rb):
            if m.start() < core.end and m.end() > core.start:
                continue
            if cut_off is not None and m.start() < cut_off.end() and m.end() > cut_off.start():
                continue  # 'hasta el 3 de febrero' is a cut-off, not the day of an event
            if _dates_the_speech(sentence, m):
                continue  # 'Foro Penal said on Monday': the day of the statement, not of the figure
            distance = core.start - m.end() if m.end() <= core.start else m.start() - core.end
            candidate = (distance, kind, m.group(0).strip())
            if best is None or distance < best[0]:
                best = candidate
            if kind == "cumulative" and W.START_PHRASE_RE.match(candidate[2]):
                start_phrase = candidate if start_phrase is None or distance < start_phrase[0] else start_phrase
    if start_phrase is not None:
        best = start_phrase  # 'released on Sunday since January 3': the count runs from its start
    as_of = published.isoformat() if published else None
    if cut_off is not None:
        as_of = _stated_date(cut_off.group(0), published) or as_of
        if best is None or best[1] == "cumulative":
            kind = "stock" if metric in ("still_detained", "under_court_measures") else "cumulative"
            return (best[2] if best else cut_off.group(0).strip()), kind, as_of
    if best is None:
        if metric in ("still_detained", "under_court_measures"):
            return "", "stock", as_of
        cumulative = running_total or _PERFECT_RE.search(sentence, lb, rb)
        return "", "cumulative" if cumulative else "event", as_of
    _d, kind, scope = best
    if kind == "event" and metric in ("still_detained", "under_court_measures"):
        kind = "stock"
    if kind in ("event", "stock"):
        stated = _stated_date(scope, published)
        if stated:
            as_of = stated
    return scope, kind, as_of


def _after_reporting_clause(sentence: str, lb: int, position: int) -> int:
    """Where the figure's own clause starts: after 'said on Sunday that' / 'dijo el lunes que', if any."""
    ends = [m.end() for m in W.REPORTING_CLAUSE_RE.finditer(sentence, lb, position)]
    return ends[-1] if ends else lb


def _dates_the_speech(sentence: str, phrase: re.Match[str]) -> bool:
    """A time phrase right after or before a reporting verb dates the statement ('Provea said on Monday')."""
    return bool(
        W.SPEECH_VERB_BEFORE_RE.search(sentence[max(0, phrase.start() - 40) : phrase.start()])
        or W.SPEECH_VERB_AFTER_RE.match(sentence[phrase.end() : phrase.end() + 40])
    )


def _cut_off(sentence: str, core: _Core, lb: int, rb: int) -> re.Match[str] | None:
    """A stated cut-off day ('al corte del 5 de enero', 'as of January 12'): in the clause, else the sentence."""
    return W.AS_OF_RE.search(sentence, lb, rb) or W.AS_OF_RE.search(sentence)


def _clause(sentence: str, core: _Core, lb: int, rb: int) -> tuple[int, int]:
    """The clause around a number: a scope across ';', a dash or ', but' belongs to another claim."""
    for m in W.CLAUSE_BREAK_RE.finditer(sentence, lb, rb):
        if m.end() <= core.start:
            lb = m.end()
        elif m.start() >= core.end:
            rb = m.start()
            break
    return lb, rb


def _stated_date(scope: str, published: date | None) -> str | None:
    """The day a scope names ('on Christmas Day', 'el 8 de enero'); a month alone gives its first day."""
    m = W.DATE_IN_SCOPE_RE.search(scope)
    if not m:
        return None
    if m.group("xmas"):
        month, day, year = 12, 25, None
    elif m.group("m3"):
        month, day, year = W.MONTH_NUMBER[m.group("m3").lower()], 1, int(m.group("y3"))
    else:
        month = W.MONTH_NUMBER[(m.group("m1") or m.group("m2")).lower()]
        day = int(m.group("d1") or m.group("d2"))
        year_text = m.group("y1") or m.group("y2")
        year = int(year_text) if year_text else None
    if year is None:
        if published is None:
            return None
        # the article's year; a month after the published month was last year's
        year = published.year - (1 if month > published.month else 0)
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# ----------------------------------------------------------------------------- restatements
def _merge_restatements(found: list[tuple[Figure, str]]) -> list[Figure]:
    """One figure per claim: a headline restated in the body is one figure, with its most specific source."""
    chosen: dict[tuple[object, ...], Figure] = {}
    order: list[tuple[object, ...]] = []
    for figure, noun in found:
        key = (figure.metric, figure.value_low, figure.value_high, figure.qualifier, figure.as_of, noun)
        current = chosen.get(key)
        if current is None:
            chosen[key] = figure
            order.append(key)
        elif _specificity(figure.source) > _specificity(current.source):
            chosen[key] = figure
    return sorted((chosen[k] for k in order), key=lambda f: f.start)
