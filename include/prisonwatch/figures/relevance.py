"""Decide from the whole article whether it is about Venezuela's political prisoners.

Three tallies over title and body, in every supported language at once (Spanish outlets quote English sources
and vice versa): words of the story (presos políticos, excarcelaciones, amnesty, solturas: each language's
``story_terms``, plus the configured ``relevance.keywords_*``; ``min_keyword_hits`` distinct ones are needed),
names that place it in Venezuela (the country, its people and institutions, the claimants and prisons of this
story: ``country_terms`` plus :data:`STORY_NAMES`), and names of other countries (each language's ``foreign``
lexicon). An article counts when the story words are there, Venezuela is named as the
place, and no other country is named more often than Venezuela: 'Nicaragua frees 135' and a Venezuelan oil
story both fail, for reasons an operator can read.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from prisonwatch.config import RelevanceSettings
from prisonwatch.figures.languages import LANGUAGES
from prisonwatch.figures.text import fold

# Names of this story that place an article in Venezuela even where the country is only implicit.
STORY_NAMES = (
    r"venezuel\w*", r"caracas", r"maduro", r"chavis\w+", r"bolivarian\w*", r"delcy", r"cabello", r"arreaza",
    r"jorge rodriguez", r"foro penal", r"penal forum", r"clippve", r"provea", r"justicia,? encuentro y perdon",
    r"helicoide", r"rodeo (?:i|1|ii|iii)\b", r"tocoron", r"tocuyito", r"yare", r"ramo verde", r"zona 7", r"sebin",
    r"dgcim", r"tarek william saab", r"alfredo romero", r"gonzalo himiob", r"machado", r"edmundo gonzalez",
    r"plataforma unitaria", r"fanb", r"carabobo", r"zulia", r"tachira", r"barinas", r"lara", r"anzoategui",
    r"bolivar", r"guayana", r"monagas", r"merida", r"aragua", r"miraflores", r"vtv", r"pdvsa",
)  # fmt: skip


@lru_cache(maxsize=4)
def _patterns(
    country_terms: tuple[str, ...], keywords: tuple[str, ...]
) -> tuple[re.Pattern[str], re.Pattern[str], list[re.Pattern[str]]]:
    story_terms = [p for pack in LANGUAGES.values() for p in pack.story_terms] + [re.escape(fold(k)) for k in keywords]
    story = "|".join(f"(?:{p})" for p in sorted(story_terms, key=len, reverse=True) if p)
    names = list(STORY_NAMES) + [re.escape(fold(t)) for t in country_terms if t.strip()]
    place = "|".join(f"(?:{p})" for p in names)
    foreign = [
        re.compile(rf"(?<!\w)(?:{p})(?!\w)") for pack in LANGUAGES.values() for p in pack.cues.get("foreign", ())
    ]
    return re.compile(rf"(?<!\w)(?:{story})(?!\w)"), re.compile(rf"(?<!\w)(?:{place})(?!\w)"), foreign


def assess_relevance(title: str, text: str, language: str, settings: RelevanceSettings) -> tuple[bool, str]:
    """(relevant?, reason in plain words) for one article."""
    del language  # every language's words apply
    folded = fold(f"{title}\n{text}")
    keywords = tuple(settings.keywords_es) + tuple(settings.keywords_en)
    story_re, place_re, foreign_res = _patterns(tuple(settings.country_terms), keywords)
    story = story_re.findall(folded)
    distinct = sorted(set(story))
    places = place_re.findall(folded)
    foreign = Counter()
    for pattern in foreign_res:
        for m in pattern.finditer(folded):
            foreign[m.group(0)] += 1
    top_foreign, foreign_count = foreign.most_common(1)[0] if foreign else ("", 0)
    story_words = ", ".join(distinct[:4]) or "none"
    if len(distinct) < settings.min_keyword_hits:
        return False, (
            f"too few prisoner keywords ({len(distinct)} of {settings.min_keyword_hits} needed: {story_words})"
        )
    if not places:
        return False, f"a prisoner story ({story_words}) with nothing placing it in Venezuela"
    if foreign_count > len(places):
        return False, (
            f"prisoners of another country: '{top_foreign}' named {foreign_count} times, "
            f"Venezuela and its names {len(places)}"
        )
    if len(places) < 2 and len(story) < 6:
        return False, "Venezuela is mentioned, but not as the subject of a story about its prisoners"
    return True, f"Venezuela named {len(places)} times with {len(story)} prisoner-story words ({story_words})"
