"""Decide whether an article is about Venezuela's political prisoners before figures are extracted.

An article counts when (1) enough of the configured keywords occur (``min_keyword_hits`` distinct ones),
(2) one of them is a prisoner word rather than a generic one, and (3) Venezuela is the subject: a country
term in the title or the lead, or in the same sentence as a prisoner word, and not outnumbered by another
country. 'Prisoners' alone (another country's prisoners) or 'Venezuela' alone (oil, migration) is not enough.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from prisonwatch.config import RelevanceSettings

# Words that make prisoners (not oil, not hostages of a film) the subject.
_PRISONER_RE = re.compile(
    r"\b(?:political\s+prisoners?|prisoners?\s+of\s+conscience|presos?\s+pol[ií]ticos?|presas?\s+pol[ií]ticas?|"
    r"excarcel\w+|amnist\w+|amnesty|foro\s+penal|clippve|detainees?|detenid[oa]s|prisoners?|presos|presas|"
    r"arbitrary\s+(?:arrests?|detentions?)|detenciones\s+arbitrarias|behind\s+bars|tras\s+las\s+rejas|"
    r"released\s+from\s+(?:prison|jail)|freed|liberad[oa]s|puestos?\s+en\s+libertad|helicoide|rodeo\s+i|tocor[oó]n)\b",
    re.IGNORECASE,
)
_OTHER_COUNTRIES_RE = re.compile(
    r"\b(?:russia|rusia|belarus|bielorrusia|nicaragua|cuba|iran|irán|china|israel|gaza|palestin\w+|ukraine|"
    r"ucrania|egypt|egipto|turkey|turquía|myanmar|el\s+salvador|colombia|per[uú]|ecuador|bolivia|argentina|"
    r"guantanamo|guantánamo|north\s+korea|corea\s+del\s+norte|syria|siria|afghanistan|afganist[aá]n)\b",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[^.!?\n]+")
_LEAD_CHARS = 600


def _fold(text: str) -> str:
    """Lower case without accents, so 'Amnistía' and 'amnistia' are one keyword."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=16)
def _terms_re(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    folded = sorted({_fold(t) for t in terms if t.strip()}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in folded) + r")(?!\w)")


def assess_relevance(title: str, text: str, language: str, settings: RelevanceSettings) -> tuple[bool, str]:
    """(relevant?, reason in plain words) for one article."""
    del language  # keywords of both languages apply: Spanish outlets quote English sources and vice versa
    full = f"{title}\n{text}"
    folded = _fold(full)
    keyword_re = _terms_re(tuple(settings.keywords_es) + tuple(settings.keywords_en))
    country_re = _terms_re(tuple(settings.country_terms))
    keywords = sorted(set(keyword_re.findall(folded))) if keyword_re else []
    if len(keywords) < settings.min_keyword_hits:
        found = ", ".join(keywords) or "none"
        return False, f"too few prisoner keywords ({len(keywords)} of {settings.min_keyword_hits} needed: {found})"
    prisoner_hits = _PRISONER_RE.findall(full)
    if not prisoner_hits:
        return False, "keywords found but none about prisoners or releases: " + ", ".join(keywords[:5])
    if country_re is None:
        return True, f"{len(keywords)} keywords ({', '.join(keywords[:5])}); no country terms configured"
    country_hits = country_re.findall(folded)
    if not country_hits:
        return False, "about prisoners but not about Venezuela (no country term)"
    other = _OTHER_COUNTRIES_RE.findall(full)
    top_other = max(set(o.lower() for o in other), key=lambda o: sum(x.lower() == o for x in other), default="")
    other_count = sum(x.lower() == top_other for x in other) if top_other else 0
    in_title_or_lead = bool(country_re.search(_fold(title))) or bool(country_re.search(_fold(text[:_LEAD_CHARS])))
    if other_count > 2 * len(country_hits) and not country_re.search(_fold(title)):
        return (
            False,
            f"prisoners of another country: '{top_other}' named {other_count} times, Venezuela {len(country_hits)}",
        )
    together = any(
        country_re.search(_fold(s.group(0))) and _PRISONER_RE.search(s.group(0)) for s in _SENTENCE_RE.finditer(full)
    )
    if not (in_title_or_lead and together) and not (together and len(country_hits) >= 3):
        return False, "Venezuela is mentioned, but not as the subject of a story about its prisoners"
    prisoner_words = ", ".join(sorted({p.lower() for p in prisoner_hits})[:4])
    return True, (
        f"Venezuela named {len(country_hits)} times with prisoner words ({prisoner_words}); "
        f"keywords: {', '.join(keywords[:5])}"
    )
