"""The seed corpus: its manifest, an idempotent load, the near-duplicate and the contradictions it states."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prisonwatch import store
from prisonwatch.config import SEED_CORPUS_DIR, load_settings
from prisonwatch.run import seed


def test_manifest_covers_every_seed_with_a_date_and_how_it_was_found() -> None:
    entries = seed.read_manifest()
    assert sorted(e.file for e in entries) == sorted(p.name for p in SEED_CORPUS_DIR.glob("*.txt"))
    by_file = {e.file[:3]: e for e in entries}
    assert by_file["002"].date == "2026-02-20" and by_file["002"].date_basis.startswith("stated")
    assert by_file["004"].date == "2026-02-21" and by_file["004"].date_basis.startswith("stated")
    for e in entries:
        assert e.url == f"seed://{e.file}"
    assert [e.date for e in entries] == sorted(e.date for e in entries)  # loaded oldest first


def test_manifest_that_misses_a_file_is_refused(tmp_path: Path) -> None:
    for p in SEED_CORPUS_DIR.iterdir():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "005_extra.txt").write_text("an extra seed", encoding="utf-8")
    with pytest.raises(seed.SeedManifestError, match="005_extra.txt"):
        seed.read_manifest(tmp_path)


def test_loading_the_seeds_is_idempotent_and_flags_what_they_say(tmp_path: Path) -> None:
    settings = load_settings()  # the bundled lexicon names who claims each figure
    with store.open_store(tmp_path / "pw.duckdb", settings=settings) as db:
        first = seed.load_seed_corpus(db, settings)
        assert first["seeds"] == 5
        assert first["articles_new"] + first["articles_near_duplicate"] == 5
        articles = {a["canonical_url"][7:10]: a for a in db.articles()}
        assert articles["004"]["near_duplicate_of"] == articles["000"]["id"]
        assert all(a["origin"] == "seed" for a in articles.values())
        assert articles["003"]["published"] == "2025-12-26"
        counts = {
            t: db.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("articles", "figures", "flags", "flag_evidence")
        }
        again = seed.load_seed_corpus(db, settings)
        assert {t: db.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in counts} == counts
        assert {k: v for k, v in again.items() if k not in ("store_ms", "match_ms")} == {
            k: v for k, v in first.items() if k not in ("store_ms", "match_ms")
        }
        # seed 001: 'more than 600 ... according to Chavismo – 302, according to defenders of the imprisoned'
        released = db.flags(flag_type="contradiction", metric="released")
        assert any(
            {f["new"]["source"], *(p["source"] for p in f["previous"])} >= {"government"}
            and f["severity"] == "high"
            and f["new"]["article_url"].startswith("seed://001")
            for f in released
        ), [f["reason"] for f in released]
        # the rewrite (004) raises no flag of its own
        assert not [f for f in db.flags() if f["new"]["article_url"].startswith("seed://004")]
