"""Who claims a figure: claimant mentions of an article, anaphora resolved, and the candidates for one number.

Mentions come from the configured names (people and organisations, any language) and from each language's
generic phrases ('el gobierno', 'rights groups', 'o governo'). An anaphor ('la organización', 'the group',
'a pasta') stands for the last claimant named earlier in the article of the kind it refers to. A name right
after an outlet marker ('la cadena VTV', 'told EFE') is where the claim appeared, never who made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from prisonwatch.figures.languages import LanguagePack
from prisonwatch.vocab import NAMED_ORG_SOURCES, ORG_SOURCES

__all__ = ["Mention", "article_mentions"]


@dataclass(frozen=True)
class Mention:
    """A claimant named (or referred back to) at [start, end) of the article text."""

    start: int
    end: int
    source: str
    text: str
    kind: str  # person | org | generic | anaphor
    named: bool  # a proper name (Foro Penal, Alfredo Romero) rather than a generic phrase


@lru_cache(maxsize=8)
def _name_index(
    people: tuple[tuple[str, str], ...], orgs: tuple[tuple[str, str], ...]
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, dict[str, tuple[str, str]]]:
    """One pattern for every folded name, one for acronyms as written ('UN' is not 'un'), and name → (source, kind)."""
    from prisonwatch.figures.text import fold

    table: dict[str, tuple[str, str]] = {}
    acronyms: list[str] = []
    for name, source in people:
        table.setdefault(fold(name), (source, "person"))
    for name, source in orgs:
        if _is_acronym(name):
            acronyms.append(name)
            table.setdefault(name, (source, "acronym"))
        else:
            table.setdefault(fold(name), (source, "org"))
    folded_names = sorted((n for n, (_s, k) in table.items() if k != "acronym"), key=len, reverse=True)

    def alternation(names: list[str]) -> re.Pattern[str] | None:
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None

    return alternation(folded_names), alternation(sorted(acronyms, key=len, reverse=True)), table


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return len(letters) <= 6 and letters.isalpha() and letters.isupper()


def article_mentions(
    text: str, folded: str, pack: LanguagePack, people: dict[str, str], organisations: dict[str, str]
) -> list[Mention]:
    """Every claimant mention of an article in text order, anaphors resolved to the claimant they refer to."""
    raw: list[Mention] = []
    names_re, acronyms_re, table = _name_index(tuple(people.items()), tuple(organisations.items()))
    for pattern, haystack in ((names_re, folded), (acronyms_re, text)):
        for m in pattern.finditer(haystack) if pattern else ():
            source, kind = table[m.group(0)]
            named = kind in ("person", "acronym") or source in NAMED_ORG_SOURCES or text[m.start()].isupper()
            kind = "org" if kind == "acronym" else kind
            raw.append(Mention(m.start(), m.end(), source, text[m.start() : m.end()], kind, named))
    for m in pack.claimants_re.finditer(folded):
        source = pack.claimant_sources[int(m.lastgroup[1:])]
        raw.append(Mention(m.start(), m.end(), source, text[m.start() : m.end()], "generic", False))
    # surnames of people named in full earlier: 'Romero' after 'Alfredo Romero'
    for full, source in people.items():
        parts = full.split()
        if len(parts) < 2:
            continue
        from prisonwatch.figures.text import fold

        first = folded.find(fold(full))
        if first < 0:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(fold(parts[-1]))}(?!\w)", folded):
            if m.start() > first:
                raw.append(Mention(m.start(), m.end(), source, text[m.start() : m.end()], "person", True))
    mentions = _longest_first(raw)
    outlets = [(m.start(), m.end()) for m in pack.outlet_re.finditer(folded)]
    mentions = [
        m for m in mentions
        if not _after_outlet(folded, m, pack) and not _in_compound(folded, m)
        and not any(a <= m.start < b or m.start <= a < m.end for a, b in outlets)
    ]  # fmt: skip
    return _resolve_anaphors(text, folded, pack, mentions)


_COMPOUND_BEFORE_RE = re.compile(r"(?<!\w)(?:anti|pro)-$")


def _in_compound(folded: str, mention: Mention) -> bool:
    """'anti-government protests', 'pro-government media', 'government-run TV': a modifier, not a claimant."""
    return bool(_COMPOUND_BEFORE_RE.search(folded[max(0, mention.start - 5) : mention.start])) or (
        folded[mention.end : mention.end + 1] == "-" and folded[mention.end + 1 : mention.end + 2].isalpha()
    )


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    """Overlapping mentions: the longest wins ('Comité por la Libertad de los Presos Políticos' over 'Presos')."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= o.start or m.start >= o.end for o in out):
            out.append(m)
    return sorted(out, key=lambda m: m.start)


def _after_outlet(folded: str, mention: Mention, pack: LanguagePack) -> bool:
    """'la cadena VTV', 'told the news site TalCual': the outlet, not the claimant."""
    before = folded[max(0, mention.start - 30) : mention.start]
    return bool(re.search(rf"(?:{pack.outlet_re.pattern})\s*$", before)) or bool(
        pack.outlet_re.fullmatch(folded[mention.start : mention.end])
    )


def _resolve_anaphors(text: str, folded: str, pack: LanguagePack, mentions: list[Mention]) -> list[Mention]:
    """Add the anaphors of the article, each resolved to the last fitting claimant named before it."""
    anaphors: list[Mention] = []
    kinds = list(pack.anaphors.values())
    for m in pack.anaphors_re.finditer(folded):
        kind = kinds[int(m.lastgroup[1:])]
        inside = [o for o in mentions if o.start <= m.start() < o.end or m.start() <= o.start < m.end()]
        if any(not _common_noun(o) for o in inside):
            continue  # part of a name: 'el Foro Penal', 'la ONG Provea'
        following = folded[m.end() : m.end() + 40]
        if any(x.start >= m.end() and x.start - m.end() <= 3 for x in mentions) and not following.startswith(","):
            continue  # 'la ONG Foro Penal': the name follows
        head_of = re.match(
            r"\s+(?:de|del|da|do|of|de la|of the)\s+(?:(?:la|el|a|o|the)\s+)?(?:ong\s+|ngo\s+)?", following
        )
        if head_of and any(x.start == m.end() + head_of.end() for x in mentions):
            continue  # 'el presidente de Foro Penal', 'o presidente da ONG Foro Penal': the name is the claimant
        target = _antecedent([x for x in mentions if x.end <= m.start()], kind)
        if inside:  # 'la ONG' after 'Foro Penal' refers back; with no NGO named before, the generic mention stands
            if target is None or target.source not in NAMED_ORG_SOURCES:
                continue
            mentions = [o for o in mentions if o not in inside]
        if target is not None:
            anaphors.append(
                Mention(m.start(), m.end(), target.source, text[m.start() : m.end()], "anaphor", target.named)
            )
    return sorted(mentions + anaphors, key=lambda m: m.start)


def _common_noun(mention: Mention) -> bool:
    """'ONG', 'NGOs': configured as organisations of no particular name, so an article before one refers back."""
    return mention.source == "ngo" and mention.kind == "org" and len(mention.text.rstrip("sS")) <= 4


def _antecedent(before: list[Mention], kind: str) -> Mention | None:
    """The claimant an anaphor of this kind refers back to.

    'la organización' prefers the last organisation named by its name over a generic 'ONG'; a plural ('estas
    organizaciones', 'the groups') stands for NGOs in general; 'el ministro', 'a pasta' are officials of the
    state even when no official was named before.
    """
    if kind == "orgs":
        return Mention(0, 0, "ngo", "", "generic", False)
    if kind == "org":
        named = [m for m in before if m.source in NAMED_ORG_SOURCES and m.kind != "person"]
        generic = [m for m in before if m.source in ORG_SOURCES and m.kind != "person"]
        return (named or generic or [None])[-1]
    if kind == "official":
        officials = [m for m in before if m.source == "government"]
        return officials[-1] if officials else Mention(0, 0, "government", "", "generic", False)
    people = [m for m in before if m.kind == "person"]
    return people[-1] if people else None
