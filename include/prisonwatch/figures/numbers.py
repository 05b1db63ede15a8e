"""Find the number phrases of a sentence: digits, number words, collective words, ranges and their hedges.

This stage is rules on purpose: how a language writes a number is not a judgement. It proposes candidates;
whether a candidate is a count of people, and of what, is decided later from its context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prisonwatch.figures.languages import LanguagePack

__all__ = ["Candidate", "number_candidates", "parse_number_words", "vague_mentions"]

MAX_COUNT = 10_000_000  # no count of people in this story is larger: bigger numbers are money or barrels

_DIGITS_RE = re.compile(r"(?<![\w$€£:/])\d{1,3}(?:(?:[.,]|\s)\d{3})+(?![\d])|(?<![\w$€£:/])\d+(?:[.,]\d+)?(?![\d])")
_AFTER_NOT_COUNT_RE = re.compile(
    r"^(?:\s*(?:%|por\s*ciento|per\s*cent|percent)|[:/]\d|h\d|\s*h\b|[ºª°]|st\b|nd\b|rd\b|th\b|-?\s*(?:year|año|ano)s?-old)"
)
_BEFORE_NOT_COUNT_RE = re.compile(
    r"(?:\$|€|£|us\$|usd|nº|n\.º|no\.|#|art\.|articulo|article|artigo|ley|law|lei|zona|yare|rodeo|km"
    r"|(?:younger|older) than|aged|ages? of|(?:menores|mayores|maiores) de|edad de|idade de"
    # the size of each group, not a total: 'a grupos de 20 o 30 personas', 'in batches of 40'
    r"|(?:grupos|tandas|lotes|turnos|groups|batches) (?:de|of))\s*$"
)


@dataclass
class Candidate:
    """A number phrase of a sentence, with the value and hedge as written."""

    start: int  # offsets in the sentence (the hedge included)
    end: int
    number_start: int  # offsets of the number itself
    number_end: int
    value_low: int
    value_high: int
    qualifier: str
    value_text: str
    kind: str  # digits | words | collective
    weak: bool = False  # 'un', 'one', 'uma' alone: a number only before a people word


def parse_number_words(words: str, pack: LanguagePack) -> int | None:
    """The value of a run of folded number words ('cuarenta y ocho' → 48, 'two thousand' → 2000)."""
    tokens = [t for t in re.split(r"[\s-]+", words) if t and t not in pack.number_joiners]
    if not tokens:
        return None
    total = current = 0
    for token in tokens:
        if token in pack.multipliers:
            factor = pack.multipliers[token]
            if factor == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * factor
                current = 0
        elif token in pack.number_words:
            current += pack.number_words[token]
        else:
            return None
    return total + current


def _digits_value(text: str, pack: LanguagePack) -> tuple[float, bool] | None:
    """(value, is_integer) of a digit string in this language's separators."""
    compact = re.sub(r"\s", "", text)
    groups = re.split(r"[.,]", compact)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups)), True
    if len(groups) == 2:  # a decimal: 1,2 (es/pt) or 1.2 (en); either mark is read as decimal here
        return float(groups[0] + "." + groups[1]), False
    if len(groups) == 1:
        return float(compact), True
    return None


def number_candidates(sentence: str, folded: str, pack: LanguagePack) -> list[Candidate]:
    """Every number phrase of one sentence that could count people, hedges and ranges applied."""
    found: list[Candidate] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    multiplier_re = re.compile(r"\s+(" + "|".join(sorted(pack.multipliers, key=len, reverse=True)) + r")(?!\w)")
    for m in _DIGITS_RE.finditer(folded):
        parsed = _digits_value(m.group(0), pack)
        if parsed is None:
            continue
        value, integer = parsed
        end = m.end()
        mult = multiplier_re.match(folded, end)
        if mult and pack.multipliers[mult.group(1)] >= 1000:
            value = round(value * pack.multipliers[mult.group(1)], 6)
            end = mult.end()
            integer = value == int(value)
        if not integer or value > MAX_COUNT or value == 0:
            continue
        if _AFTER_NOT_COUNT_RE.match(folded[end : end + 14]) or _BEFORE_NOT_COUNT_RE.search(
            folded[max(0, m.start() - 16) : m.start()]
        ):
            continue
        if re.fullmatch(r"(?:19|20)\d\d", m.group(0)):
            continue  # a year
        found.append(
            Candidate(
                m.start(), end, m.start(), end, int(value), int(value), "exact", sentence[m.start() : end], "digits"
            )
        )
        taken.append((m.start(), end))

    collective = "|".join(sorted(pack.collectives, key=len, reverse=True))
    small = "|".join(w for w, v in pack.number_words.items() if 2 <= v <= 9)
    # 'una docena', 'two dozen', 'dos docenas' (the plural only after a number: 'docenas' alone is vague)
    pattern = rf"(?<!\w)(?:(?:una?|um|uma|a|one)\s+(?=(?:{collective})(?!\w))|({small})\s+)?({collective})(s?)(?!\w)"
    for m in re.finditer(pattern, folded):
        if not free(m.start(), m.end()) or (m.group(3) and not m.group(1)):
            continue
        value, qualifier = pack.collectives[m.group(2)]
        if m.group(1):  # 'two dozen' is 24
            value *= pack.number_words[m.group(1)]
        found.append(
            Candidate(
                m.start(),
                m.end(),
                m.start(),
                m.end(),
                value,
                value,
                qualifier,
                sentence[m.start() : m.end()],
                "collective",
            )
        )
        taken.append((m.start(), m.end()))

    for m in pack.number_word_re.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        words = m.group(0)
        value = parse_number_words(words, pack)
        if value is None or value == 0:
            continue
        weak = words in pack.weak_number_words
        start = m.start()
        first = re.split(r"[\s-]+", words)[0]
        if first in pack.multipliers:  # 'a hundred', 'un millón': the article is the one
            article = re.search(r"(?:^|\s)(a|one|un|una|um|uma)\s+$", folded[max(0, start - 5) : start])
            if not article:
                continue
        found.append(
            Candidate(start, m.end(), start, m.end(), value, value, "exact", sentence[start : m.end()], "words", weak)
        )
        taken.append((start, m.end()))

    found.sort(key=lambda c: c.start)
    found = [c for c in found if not is_date(folded, c, pack)]
    found = _join_ranges(sentence, folded, found, pack)
    for c in found:
        _apply_hedges(sentence, folded, c, pack)
    return found


def is_date(folded: str, cand: Candidate, pack: LanguagePack) -> bool:
    """'el 25 de diciembre', 'Jan. 8', 'martes 24', 'segunda-feira (12)', 'on the 31st': a day, not a count."""
    if cand.kind == "collective" or cand.value_high > 31:
        return False
    date_re = pack.cue_res["date"]
    before = re.sub(r"[\s(.,]+$", "", folded[: cand.start])
    last_word = re.search(r"[\w-]+$", before)
    if last_word and date_re.fullmatch(last_word.group(0)):
        return True
    after = re.match(r"[\s.,]*(?:de\s+|of\s+)?([\w-]+)", folded[cand.end : cand.end + 20])
    return bool(after and date_re.fullmatch(after.group(1)))


def _join_ranges(sentence: str, folded: str, cands: list[Candidate], pack: LanguagePack) -> list[Candidate]:
    """'entre 600 y 700', 'between 20 and 30', '600-700', 'algo entre 800 e pouco mais de 1.000' → one range."""
    out: list[Candidate] = []
    joins = "|".join(re.escape(j) for j in pack.range_join)
    opens = "|".join(re.escape(o) for o in pack.range_open)
    hedge_words = "|".join(sorted(pack.hedges_before, key=len, reverse=True))
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            gap = folded[a.end : b.start]
            opened = re.search(
                rf"(?<!\w)(?:{opens})\s+(?:(?:los|las|os|as|the)\s+)?$", folded[max(0, a.start - 12) : a.start]
            )
            join = re.fullmatch(rf"\s*(?:{joins})\s*(?:(?:{hedge_words})\s+)?", gap)
            dash = re.fullmatch(r"\s*(?:-|to|a)\s*", gap)
            if join and (opened or dash) and b.value_low > a.value_low and not a.weak:
                start = a.start - (len(folded[max(0, a.start - 12) : a.start]) - opened.start()) if opened else a.start
                out.append(
                    Candidate(start, b.end, a.number_start, b.number_end, a.value_low, b.value_high, "range",
                              sentence[start : b.end], a.kind)
                )  # fmt: skip
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _apply_hedges(sentence: str, folded: str, c: Candidate, pack: LanguagePack) -> None:
    if c.qualifier == "range":
        return
    before = folded[max(0, c.start - 40) : c.start]
    m = pack.hedge_before_re.search(before)
    if m and re.match(r"\s+(?:a|to|para)\s+\d", folded[c.end : c.end + 8]):
        m = None  # 'bajó de 1.085 a 903': the old value of a change, not a bound
    if m:
        words = m.group(1)
        c.qualifier = pack.hedge_qualifier(words)
        c.start -= len(before) - m.start(1)
    after = pack.hedge_after_re.match(folded, c.end)
    if after:
        c.qualifier = pack.hedge_qualifier(after.group(1), after=True)
        c.end = after.end()
    c.value_text = sentence[c.start : c.end]


def vague_mentions(folded: str, pack: LanguagePack) -> list[tuple[int, int]]:
    """Spans of vague quantities ('cientos', 'hundreds'): never figures, kept apart."""
    words = "|".join(re.escape(w) for w in sorted(pack.vague_words, key=len, reverse=True))
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w)(?:{words})(?!\w)", folded)]
