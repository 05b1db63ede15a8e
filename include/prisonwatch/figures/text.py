"""Text helpers shared by every stage of figure extraction: folding, sentences, clauses, tokens.

Folding maps each character to one character (lower case, accents stripped), so offsets in the folded text
are offsets in the original: every lexicon pattern runs on the folded text and its spans point into the
article as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "split_sentences", "split_paragraphs", "clause_bounds", "TOKEN_RE"]


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base != ch:
            table[code] = base
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    # typographic quotes and dashes read as their plain forms
    table.update({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x00AB: '"', 0x00BB: '"'})
    table.update({0x2013: "-", 0x2014: "-", 0x00A0: " ", 0x202F: " "})
    return table


def fold(text: str) -> str:
    """Lower case without accents, one character for one character (offsets are preserved)."""
    return text.translate(_fold_table())


# A sentence ends at . ! ? (or a closing quote after one) followed by space and an upper-case letter, a digit,
# a quote or a dash. Abbreviations that end in a period ("Jan.", "Sr.", "U.S.") do not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ene",
        "abr",
        "ago",
        "dic",
        "fev",
        "out",
        "dez",
        "sr",
        "sra",
        "dr",
        "dra",
        "mr",
        "mrs",
        "ms",
        "st",
        "gen",
        "lt",
        "col",
        "sgt",
        "prof",
        "av",
        "no",
        "nº",
        "núm",
        "num",
        "art",
        "p",
        "pp",
        "vs",
        "etc",
        "u.s",
        "u.n",
        "ee.uu",
    ]
)
_END_RE = re.compile(r"[.!?]+[\"”»’)]*(?=\s+[\"“«(¿¡A-ZÁÉÍÓÚÑÂÊÔÃÕÇ0-9—–-])")
TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph; a blank line or a single newline separates them."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group(0).strip():
            out.append((m.start(), m.end()))
    return out


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of one paragraph."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END_RE.finditer(paragraph):
        word = re.search(r"([\w.]+)[.!?]*$", paragraph[start : m.start() + 1])
        if word and m.group(0).startswith(".") and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if word and re.fullmatch(r"[A-Z]", word.group(1).rstrip(".")):  # an initial: "Tarek W. Saab"
            continue
        end = m.end()
        if paragraph[start:end].strip():
            spans.append((start, end))
        start = end
    if paragraph[start:].strip():
        spans.append((start, len(paragraph)))
    # trim the whitespace at both ends
    trimmed = []
    for a, b in spans:
        while a < b and paragraph[a].isspace():
            a += 1
        while b > a and paragraph[b - 1].isspace():
            b -= 1
        trimmed.append((a, b))
    return trimmed


# Hard clause boundaries: semicolons, colons, dashes used as breaks, parentheses, and a comma with a conjunction
# that opens a clause with a new subject (', y la Plataforma Unitaria llevó la cuenta a 349', ', and the government').
_HARD_BREAK_RE = re.compile(
    r";|:(?!\d)|\s[-–—]\s|[()]"
    r"|,\s+(?:y|e|and|pero|but|mas|mientras que|while|whereas|enquanto)\s+"
    r"(?=(?:el|la|los|las|the|o|a|os|as)\s|[A-ZÁÉÍÓÚ])"
)


def clause_bounds(sentence: str, position: int) -> tuple[int, int]:
    """The hard clause around ``position``: between the nearest ; : — ( ) on either side."""
    start, end = 0, len(sentence)
    for m in _HARD_BREAK_RE.finditer(sentence):
        if m.end() <= position:
            start = m.end()
        elif m.start() >= position:
            end = m.start()
            break
    return start, end
