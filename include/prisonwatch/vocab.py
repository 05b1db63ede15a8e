"""The one registry of the project's vocabularies: metrics, qualifiers, claimant sources and flag types.

Every stage names these by key; labels for people live here too, so a source or a metric is added once.
"""

from __future__ import annotations

import re

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
# A list, not a tuple: sources added by the settings file (``sources:``) join it in place, so every module that
# imported it sees them.
SOURCES: list[str] = list(SOURCE_LABELS)
_SOURCE_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def register_sources(labels: dict[str, str]) -> None:
    """Add claimant sources (key → label) to the registry: what the settings file's ``sources:`` section does."""
    for key, label in labels.items():
        if not _SOURCE_KEY.match(key):
            raise ValueError(f"sources.{key}: a source key is lower case letters, digits and _, 2-40 long")
        if not str(label).strip():
            raise ValueError(f"sources.{key}: give the label readers see")
        SOURCE_LABELS[key] = str(label).strip()
        if key not in SOURCES:
            SOURCES.append(key)


# Organisations that 'la organización', 'the group' or 'a entidade' can refer back to.
ORG_SOURCES = frozenset({"foro_penal", "jep", "provea", "clippve", "ngo", "un"})
# Organisations with a proper name: a mention of one is more specific than 'NGOs'.
NAMED_ORG_SOURCES = frozenset({"foro_penal", "jep", "provea", "clippve"})

# Places inside Venezuela that narrow a count to part of the country (a prison, a state): folded patterns with
# the name shown. A figure of one place is compared only with figures of the same place.
PLACES: dict[str, str] = {
    r"(?:el )?helicoide": "El Helicoide", r"(?:el )?rodeo (?:i|1)\b": "Rodeo I",
    r"(?:el )?rodeo (?:ii|2)\b": "Rodeo II", r"tocoron": "Tocorón", r"tocuyito": "Tocuyito",
    r"yare(?: (?:i|ii|iii|1|2|3))?\b": "Yare", r"ramo verde": "Ramo Verde",
    r"uribana": "Uribana", r"zona 7": "Zona 7", r"(?:la )?tumba": "La Tumba", r"boleita": "Boleíta",
    r"zulia": "Zulia", r"lara": "Lara", r"tachira": "Táchira", r"merida": "Mérida", r"barinas": "Barinas",
    r"carabobo": "Carabobo", r"anzoategui": "Anzoátegui", r"bolivar(?! \w)": "Bolívar", r"monagas": "Monagas",
    r"aragua": "Aragua", r"falcon": "Falcón", r"sucre": "Sucre", r"portuguesa": "Portuguesa", r"apure": "Apure",
    r"yaracuy": "Yaracuy", r"trujillo": "Trujillo", r"guarico": "Guárico", r"cojedes": "Cojedes",
    r"nueva esparta": "Nueva Esparta", r"delta amacuro": "Delta Amacuro", r"amazonas": "Amazonas",
}  # fmt: skip

FLAG_TYPE_LABELS: dict[str, str] = {
    "contradiction": "Contradiction",
    "stock_mismatch": "Stock does not add up",
    "revised_down": "Revised down",
    "new_figure": "New figure",
}
FLAG_TYPES: tuple[str, ...] = tuple(FLAG_TYPE_LABELS)
FLAG_STATUSES: tuple[str, ...] = ("open", "acknowledged", "dismissed")


def metric_label(key: str) -> str:
    """'Still detained' for 'still_detained'; an unknown key is shown as it is."""
    return METRIC_LABELS.get(key, key)


def source_label(key: str) -> str:
    """'Foro Penal' for 'foro_penal'; an unknown key is shown as it is."""
    return SOURCE_LABELS.get(key, key)


def flag_type_label(key: str) -> str:
    return FLAG_TYPE_LABELS.get(key, key)
