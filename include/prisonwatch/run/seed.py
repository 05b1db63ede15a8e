"""Load the seed corpus (``include/seed_corpus/*.txt``) as origin=seed articles, idempotently.

Each seed's date, title, outlet and URL come from ``manifest.yaml`` beside the files (the manifest
says how each date was determined). Seeds go through the same ``Store.ingest_batch`` as feed
articles, in date order, so contradictions inside the seed corpus are flagged when it loads and
rewrites of one story are recognised as near-duplicates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from prisonwatch.config import SEED_CORPUS_DIR, Settings
from prisonwatch.models import Article, FetchErrorRecord, Figure

log = logging.getLogger(__name__)

SEED_RUN_ID = "seed-corpus"
_REQUIRED = ("file", "date", "date_basis", "title", "outlet", "language", "url")


class SeedManifestError(ValueError):
    """The manifest is missing, malformed, or does not match the files beside it."""


@dataclass(frozen=True)
class SeedEntry:
    file: str
    date: str
    date_basis: str
    title: str
    outlet: str
    language: str
    url: str


def read_manifest(folder: Path = SEED_CORPUS_DIR) -> list[SeedEntry]:
    """The manifest's entries, checked against the ``.txt`` files present (one entry per file)."""
    path = folder / "manifest.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise SeedManifestError(f"seed manifest not found: {path}") from exc
    entries = []
    for i, item in enumerate(raw.get("seeds") or []):
        missing = [k for k in _REQUIRED if not str(item.get(k) or "").strip()]
        if missing:
            raise SeedManifestError(f"{path}: seeds[{i}] lacks {', '.join(missing)}")
        entries.append(SeedEntry(**{k: str(item[k]).strip() for k in _REQUIRED}))
    files = sorted(p.name for p in folder.glob("*.txt"))
    listed = sorted(e.file for e in entries)
    if files != listed:
        raise SeedManifestError(f"{path}: manifest lists {listed} but the folder holds {files}")
    return sorted(entries, key=lambda e: (e.date, e.file))


def seed_articles(
    settings: Settings, folder: Path = SEED_CORPUS_DIR
) -> tuple[list[tuple[Article, list[Figure]]], list[FetchErrorRecord]]:
    """Every seed as an Article with the figures it states, oldest first, and any extraction failures.

    A seed whose figure extraction fails is still stored (without figures) and the failure recorded.
    """
    from prisonwatch.collect.articles import article_from_text
    from prisonwatch.figures import extract_figures

    pairs: list[tuple[Article, list[Figure]]] = []
    errors: list[FetchErrorRecord] = []
    for entry in read_manifest(folder):
        text = (folder / entry.file).read_text(encoding="utf-8")
        article = article_from_text(
            text,
            url=entry.url,
            title=entry.title,
            published=entry.date,
            origin="seed",
            outlet=entry.outlet,
            feed="seed_corpus",
            language=entry.language,
        )
        article.relevant, article.relevance_reason = True, "seed corpus"
        try:
            figures = extract_figures(
                article.text, language=article.language, published=entry.date, lexicon=settings.lexicon
            )
        except Exception as exc:  # one seed's failure must not stop the others
            log.exception("seed %s: figure extraction failed", entry.file)
            errors.append(
                FetchErrorRecord(
                    url=entry.url,
                    stage="figures",
                    error_class=type(exc).__name__,
                    message=str(exc),
                    feed="seed_corpus",
                )
            )
            figures = []
        pairs.append((article, figures))
    return pairs, errors


def load_seed_corpus(store: Any, settings: Settings, folder: Path = SEED_CORPUS_DIR) -> dict[str, Any]:
    """Store the seeds (a no-op when they are already stored) and return the run summary."""
    pairs, errors = seed_articles(settings, folder)
    summary = store.ingest_batch(SEED_RUN_ID, polls=[], articles=pairs, errors=errors, settings=settings)
    summary["seeds"] = len(pairs)
    return summary
