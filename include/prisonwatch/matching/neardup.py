"""Recognise syndicated rewrites of one story, so they corroborate figures instead of raising flags.

Two signals, measured on the seed corpus (``docs/sql-views.md``, section "Near-duplicates"):

- body: Jaccard similarity of 5-word shingles, estimated with a 128-permutation MinHash stored with
  each article. It catches copies with light edits (wire copy, reposts). On the seeds every pair
  scores below 0.01: the two rewrites of the Al Jazeera amnesty report share almost no sentence.
- title: rewrites keep the headline. Titles count as the same story when their word sets have a
  Jaccard similarity of at least ``flags.near_duplicate_title_threshold`` *and* they state the same
  numbers (so '99 released' and '379 released' headlines never merge). On the seeds the two
  rewrites score 1.0 and every other pair at most 0.17.

An article is a near-duplicate of an earlier one published within ``flags.window_days`` when either
signal reaches its threshold; the similarity reported is the signal that decided.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 128
MIN_TITLE_WORDS = 4
_rng = np.random.default_rng(20260221)  # fixed: signatures must stay comparable across runs
_PERM_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_PERM_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint64).max >> np.uint64(32), dtype=np.uint64)


def words(text: str) -> list[str]:
    """Lower-case words without accents, so 'Rodríguez' and 'Rodriguez' agree."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.findall(r"\w+", folded)


def shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> np.ndarray:
    """64-bit hashes of the distinct k-word shingles of a text."""
    tokens = words(text)
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    grams = {" ".join(tokens[i : i + k]) for i in range(max(1, len(tokens) - k + 1))}
    return np.array(
        [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams],
        dtype=np.uint64,
    )


def minhash(text: str) -> list[int]:
    """A MinHash signature of the text's shingles (multiply-shift hashing, 32-bit values)."""
    hashes = shingle_hashes(text)
    if hashes.size == 0:
        return _EMPTY.tolist()
    with np.errstate(over="ignore"):
        mixed = (hashes[:, None] * _PERM_A[None, :] + _PERM_B[None, :]) >> np.uint64(32)
    return mixed.min(axis=0).tolist()


def minhash_similarity(a: list[int] | None, b: list[int] | None) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either is missing)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def shingle_jaccard(text_a: str, text_b: str) -> float:
    """Exact shingle Jaccard similarity (for measurements and tests; the store uses MinHash)."""
    a, b = set(shingle_hashes(text_a).tolist()), set(shingle_hashes(text_b).tolist())
    return len(a & b) / len(a | b) if a and b else 0.0


def title_words(title: str) -> list[str]:
    """The distinct folded words of a headline (stored with each article for the SQL pre-filter)."""
    return sorted(set(words(title)))


def title_numbers(title: str) -> str:
    """The numbers a headline states, as one comparable string."""
    return " ".join(sorted({w for w in words(title) if w.isdigit()}))


def title_similarity(title_a: str, title_b: str) -> float:
    """Word-set Jaccard of two headlines, or 0 when they are too short or state different numbers."""
    wa, wb = words(title_a), words(title_b)
    if len(wa) < MIN_TITLE_WORDS or len(wb) < MIN_TITLE_WORDS:
        return 0.0
    if {w for w in wa if w.isdigit()} != {w for w in wb if w.isdigit()}:
        return 0.0
    sa, sb = set(wa), set(wb)
    return len(sa & sb) / len(sa | sb)


@dataclass(frozen=True)
class NearDuplicate:
    """The earlier article a new one rewrites, how similar they are and which signal decided."""

    article_id: str
    similarity: float
    basis: str  # body | title


def find_near_duplicate(
    title: str,
    signature: list[int],
    candidates: list[dict[str, Any]],
    *,
    body_threshold: float,
    title_threshold: float,
) -> NearDuplicate | None:
    """The most similar earlier article (dicts with id, title, minhash) that passes a threshold."""
    best: NearDuplicate | None = None
    for cand in candidates:
        body = minhash_similarity(signature, cand.get("minhash"))
        head = title_similarity(title, cand.get("title") or "")
        if body >= body_threshold:
            found = NearDuplicate(cand["id"], round(body, 3), "body")
        elif head >= title_threshold:
            found = NearDuplicate(cand["id"], round(head, 3), "title")
        else:
            continue
        if best is None or found.similarity > best.similarity:
            best = found
    return best
