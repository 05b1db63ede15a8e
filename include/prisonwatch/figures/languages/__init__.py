"""The languages figure extraction reads, one module each; adding a language is one module and one entry here."""

from __future__ import annotations

from prisonwatch.figures.languages import en, es, pt
from prisonwatch.figures.languages.base import CUE_CLASSES, LanguagePack

LANGUAGES: dict[str, LanguagePack] = {pack.code: pack for pack in (es.PACK, en.PACK, pt.PACK)}
DEFAULT_LANGUAGE = "es"

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "CUE_CLASSES",
    "LanguagePack",
    "pack_for",
    "pack_for_text",
    "guess_language",
]


def pack_for(code: str | None) -> LanguagePack | None:
    """The pack of a language code ('es', 'pt-BR' → 'pt'), or None for a language not supported."""
    return LANGUAGES.get((code or "").lower()[:2])


def pack_for_text(code: str | None, folded_text: str) -> LanguagePack:
    """The pack of the given language, else of the supported language the text reads as."""
    return pack_for(code) or LANGUAGES[guess_language(folded_text)]


def guess_language(folded_text: str) -> str:
    """The supported language whose function words are most frequent in a folded text (a fallback)."""
    words = folded_text.split()
    best, best_score = DEFAULT_LANGUAGE, -1
    for code, pack in LANGUAGES.items():
        stop = set(pack.stopwords)
        score = sum(1 for w in words[:400] if w in stop)
        if score > best_score:
            best, best_score = code, score
    return best
