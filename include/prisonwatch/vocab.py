"""The one registry of the project's vocabularies: metrics, qualifiers, claimant sources and flag types.

Every stage names these by key; labels for people live here too, so a source or a metric is added once.
"""

from __future__ import annotations

METRIC_LABELS: dict[str, str] = {
    "released": "Released",
    "still_detained": "Still detained",
    "amnesty_granted": "Amnesty granted",
    "arrested": "Arrested",
    "under_court_measures": "Under court measures",
    "other": "Other counts",
}
METRICS: tuple[str, ...] = tuple(METRIC_LABELS)
# The metrics a figure is scored and flagged on; 'other' (breakdowns, deaths, relatives) is kept apart.
SCORED_METRICS: tuple[str, ...] = tuple(m for m in METRICS if m != "other")

QUALIFIER_WORDS: dict[str, str] = {
    "exact": "",
    "at_least": "at least",
    "more_than": "more than",
    "about": "about",
    "fewer_than": "fewer than",
    "at_most": "at most",
    "range": "between",
}
QUALIFIERS: tuple[str, ...] = tuple(QUALIFIER_WORDS)

SOURCE_LABELS: dict[str, str] = {
    "government": "Government",
    "foro_penal": "Foro Penal",
    "jep": "Justicia, Encuentro y Perdón",
    "provea": "Provea",
    "clippve": "Clippve",
    "ngo": "NGOs",
    "opposition": "Opposition",
    "un": "United Nations",
    "us_government": "US government",
    "unattributed": "Unattributed",
}
SOURCES: tuple[str, ...] = tuple(SOURCE_LABELS)
# Organisations that 'la organización', 'the group' or 'a entidade' can refer back to.
ORG_SOURCES = frozenset({"foro_penal", "jep", "provea", "clippve", "ngo", "un"})
# Organisations with a proper name: a mention of one is more specific than 'NGOs'.
NAMED_ORG_SOURCES = frozenset({"foro_penal", "jep", "provea", "clippve"})

FLAG_TYPES: tuple[str, ...] = ("new_figure", "contradiction")
