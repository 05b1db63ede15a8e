"""Near-duplicates: the two rewrites of the Al Jazeera amnesty report are one story; no other seed pair is."""

from __future__ import annotations

import itertools

from prisonwatch.config import SEED_CORPUS_DIR, FlagSettings
from prisonwatch.matching import neardup
from prisonwatch.run.seed import read_manifest

ENTRIES = {e.file[:3]: e for e in read_manifest()}
TEXTS = {k: (SEED_CORPUS_DIR / e.file).read_text(encoding="utf-8") for k, e in ENTRIES.items()}
REWRITES = {("000", "004")}


def test_only_the_two_rewrites_are_near_duplicates_among_the_seeds() -> None:
    cfg = FlagSettings()
    found = set()
    for a, b in itertools.combinations(sorted(TEXTS), 2):
        candidate = {"id": a, "title": ENTRIES[a].title, "minhash": neardup.minhash(TEXTS[a])}
        hit = neardup.find_near_duplicate(
            ENTRIES[b].title,
            neardup.minhash(TEXTS[b]),
            [candidate],
            body_threshold=cfg.near_duplicate_threshold,
            title_threshold=cfg.near_duplicate_title_threshold,
        )
        if hit:
            found.add((a, b))
            assert hit.basis == "title" and hit.similarity == 1.0
    assert found == REWRITES


def test_minhash_estimates_shingle_jaccard() -> None:
    base = TEXTS["003"]
    edited = base.replace("Christmas Day", "December 25").replace("nearly", "almost")
    exact = neardup.shingle_jaccard(base, edited)
    estimate = neardup.minhash_similarity(neardup.minhash(base), neardup.minhash(edited))
    assert 0.6 < exact < 1.0
    assert abs(estimate - exact) < 0.1
    assert neardup.minhash_similarity(neardup.minhash(TEXTS["001"]), neardup.minhash(TEXTS["003"])) < 0.05


def test_headlines_with_different_numbers_never_merge() -> None:
    assert (
        neardup.title_similarity(
            "Venezuela releases 99 political prisoners", "Venezuela releases 379 political prisoners"
        )
        == 0.0
    )
    assert (
        neardup.title_similarity(
            "Venezuela grants amnesty to 379 political prisoners",
            "Venezuela Grants Amnesty to 379 'Political Prisoners'",
        )
        == 1.0
    )
    assert neardup.title_similarity("Amnesty", "Amnesty") == 0.0  # too short to say
