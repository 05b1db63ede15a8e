"""Page furniture that reaches the text (navigation, captions, share buttons, cookie notices, 'related' links).

A line of it never holds a figure. Phrases come from every language's ``boilerplate`` list, since pages mix
languages ('Lee también' on an English page of a Spanish outlet); the structural checks (separators, a domain at
the end, a caption repeated inside one line) hold in any language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from prisonwatch.figures.languages import LANGUAGES

__all__ = ["is_boilerplate"]

_DOMAIN_TAIL_RE = re.compile(r"\b[\w-]+\.(?:com|net|org|es|ve|co|br|pt|info|news)\s*$")
_NAV_SEPARATORS_RE = re.compile(r"[|»·•]")


@lru_cache(maxsize=1)
def _phrases_re() -> re.Pattern[str]:
    phrases = sorted({p for pack in LANGUAGES.values() for p in pack.boilerplate}, key=len, reverse=True)
    return re.compile(r"\s*\(?(?:" + "|".join(phrases) + r")(?!\w)")


def is_boilerplate(folded_line: str) -> bool:
    """True for a (folded) line of page furniture."""
    words = folded_line.split()
    if "cookie" in folded_line:
        return True
    if len(words) <= 30 and _phrases_re().match(folded_line):
        return True
    if len(words) <= 40 and _DOMAIN_TAIL_RE.search(folded_line):
        return True
    if len(_NAV_SEPARATORS_RE.findall(folded_line)) >= 3:
        return True
    if len(words) >= 10:  # a caption repeated inside one line
        head = " ".join(words[:5])
        if folded_line.count(head) >= 2:
            return True
    return False
