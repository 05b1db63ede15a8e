"""What a figure covers: its scope phrase, whether it is a stock, a cumulative total or one event, and its day.

Time phrases of the reporting clause date the statement, not the figure: in 'Foro Penal said on Monday that 45
prisoners were released on Sunday' only the words after 'that' can scope the count, and a phrase glued to the
reporting verb never does. A start ('since January 8', 'desde el 8 de enero') makes a flow cumulative; so does a
running total ('suman', 'so far', 'com essa leva'); a named day makes it an event. A stated cut-off ('al corte del
5 de enero', 'as of January 12') sets the day the figure refers to; a day without a year takes the published
year, or the year before when its month is later than the published month.
"""

from __future__ import annotations

import re
from datetime import date

from prisonwatch.figures.features import SentenceView
from prisonwatch.figures.numbers import Candidate
from prisonwatch.figures.text import clause_bounds
from prisonwatch.vocab import PLACES

__all__ = ["figure_place", "figure_scope"]

_STOCK_METRICS = ("still_detained", "under_court_measures")
_THAT_RE = re.compile(r"(?<!\w)(?:that|que)(?!\w)")


_PLACES_RE = re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<p{i}>{p})" for i, p in enumerate(PLACES)) + r")(?!\w)")
_PLACE_NAMES = list(PLACES.values())
PLACE_PREFIX = "in "


def figure_place(view: SentenceView, cand: Candidate) -> str:
    """The prison or state a figure's clause confines it to ('quedan 380 presos en Tocuyito'), else ''."""
    start, end = _region(view, cand)
    m = _PLACES_RE.search(view.folded, start, end)
    if not m or m.lastgroup is None:
        return ""
    return _PLACE_NAMES[int(m.lastgroup[1:])]


def figure_scope(
    view: SentenceView, cand: Candidate, metric: str, published: date | None
) -> tuple[str, str, str | None]:
    """(scope phrase, scope kind, as_of ISO date or None) for one figure; a place it is confined to ends the
    phrase as 'in <Place>'."""
    phrase, kind, as_of = _scope(view, cand, metric, published)
    place = figure_place(view, cand)
    if place:
        phrase = f"{phrase}, {PLACE_PREFIX}{place}" if phrase else f"{PLACE_PREFIX}{place}"
    return phrase, kind, as_of


def _scope(view: SentenceView, cand: Candidate, metric: str, published: date | None) -> tuple[str, str, str | None]:
    start, end = _region(view, cand)
    folded = view.folded
    speech_glued = [b for _a, b in view.cues["report"]]

    def free(a: int) -> bool:  # a time phrase right after a reporting verb dates the speech
        return not any(0 <= a - b <= 3 for b in speech_glued)

    as_of = None
    for m in view.pack.cutoff_re.finditer(folded, start, end):
        as_of = _date_of(m, view, published)
        if as_of:
            break
    for a, _b in view.cues["since"]:
        if not (start <= a < end and free(a)):
            continue
        phrase = re.match(r"[^,;:.()]{0,60}", view.text[a:]).group(0).strip()
        if _names_a_time(view, folded[a : a + len(phrase)]):
            return phrase, "stock" if metric in _STOCK_METRICS else "cumulative", as_of
    day = next((m for m in view.pack.day_re.finditer(folded, start, end) if free(m.start())), None)
    total = any(start <= a < end for a, _b in view.cues["total"])
    if metric in _STOCK_METRICS:
        return (view.text[day.start() : day.end()] if day else ""), "stock", as_of
    perfect = any(start <= a < end for a, _b in view.cues["perfect"])
    if total or as_of or (perfect and not day):
        return "", "cumulative", as_of
    if day:
        phrase = folded[day.start() : day.end()]
        named = view.pack.date_re.search(phrase)
        day_of = _date_of(named, view, published) if named else _holiday(phrase, published)
        return view.text[day.start() : day.end()], "event", as_of or day_of
    return "", "event", as_of


_HOLIDAYS = (
    (re.compile(r"christmas|navidad|natal|nochebuena"), 12, 25),
    (re.compile(r"new year|ano nuevo|ano novo"), 1, 1),
)


def _holiday(phrase: str, published: date | None) -> str | None:
    """The day a named holiday fell on: the latest one on or before the published day."""
    if published is None:
        return None
    for pattern, month, day in _HOLIDAYS:
        if pattern.search(phrase):
            year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
            return date(year, month, day).isoformat()
    return None


_TIME_WORDS_RE = re.compile(
    r"\d|(?<!\w)(?:que|then|entonces|inicio|start|anuncio|announcement|el|the|o|a)\s+(?:\w+\s+)?(?:anuncio|announcement|"
    r"inicio|start|comienzo|eleccion|election|eleicao|captura|capture|ley|law|lei)|(?<!\w)(?:que|then|entonces|entao)(?!\w)"
)


def _names_a_time(view: SentenceView, phrase: str) -> bool:
    """'since January 8', 'desde que', 'desde el anuncio' start a count; 'desde la cárcel de Tocorón' is a place."""
    return bool(_TIME_WORDS_RE.search(phrase) or view.pack.cue_res["date"].search(phrase))


def _region(view: SentenceView, cand: Candidate) -> tuple[int, int]:
    """The figure's clause, less a reporting clause before it ('X said on Monday that …')."""
    start, end = clause_bounds(view.text, cand.number_start)
    for a, b in view.cues["report"]:
        if start <= a < cand.start:
            that = _THAT_RE.search(view.folded, b, min(cand.start, b + 60))
            if that:
                start = max(start, that.end())
    return start, end


def _date_of(m: re.Match[str], view: SentenceView, published: date | None) -> str | None:
    months = view.pack.months
    if m.group(1):
        day, month, year = int(m.group(1)), months.get(m.group(2)), m.group(3)
    else:
        month, day, year = months.get(m.group(4)), int(m.group(5)), m.group(6)
    if not month or not 1 <= day <= 31:
        return None
    if year:
        y = int(year)
    elif published:
        y = published.year - 1 if month > published.month else published.year
    else:
        return None
    try:
        return date(y, month, day).isoformat()
    except ValueError:
        return None
