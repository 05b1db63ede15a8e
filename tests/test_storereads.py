"""What matching reads for a batch: the same choices as the rules, from committed rows only, whoever wrote them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from factories import make_figure

from prisonwatch import store
from prisonwatch.config import Settings, ToleranceSettings
from prisonwatch.matching import match, neardup
from prisonwatch.models import Article, Figure
from prisonwatch.store import base as store_base
from prisonwatch.store import reads as storereads

SETTINGS = Settings()
DAY = date(2026, 2, 1)


def article(n: int, published: str, title: str = "") -> Article:
    rng = np.random.default_rng(n)
    text = " ".join(f"w{w}" for w in rng.integers(0, 20_000, 120))
    url = f"https://c.example/{n}"
    return Article(
        url=url,
        canonical_url=url,
        title=title or f"Report number {n} on detainees",
        text=text,
        content_hash=f"h{n}",
        published=published,
        language="en",
    )


def figure(metric: str, value: int, source: str, kind: str = "stock", qualifier: str = "exact", at: int = 0) -> Figure:
    return make_figure(metric, value, source, kind, qualifier, at, sentence=f"{source} {value}")


def insert(db: store.Store, table: str, rows: list[dict[str, Any]]) -> None:
    db._append(table, rows, tuple(dict.fromkeys(k for r in rows for k in r)))


def stored_figure(
    fid: str, value: int, source: str, day: date, *, metric: str = "released", kind: str = "stock", vague: bool = False
) -> dict[str, Any]:
    return {
        "id": fid,
        "article_id": "a_" + fid,
        "metric": metric,
        "value_low": value,
        "value_high": value,
        "qualifier": "exact",
        "source": source,
        "scope_kind": kind,
        "as_of": day,
        "scope": "",
        "value_text": str(value),
        "start_pos": 7,
        "end_pos": 10,
        "vague": vague,
        "run_id": "hand",
        "stored_at": "then",
    }


@pytest.mark.parametrize(
    "qualifier", ["exact", "range", "about", "nearly", "more_than", "at_least", "fewer_than", "at_most"]
)
def test_vectorised_hedges_equal_the_rules(qualifier: str) -> None:
    tol = ToleranceSettings(
        about=0.1, nearly=0.07, more_than_upper=0.5, at_least_upper=0.3, fewer_than_lower=0.4, exact=0.01
    )
    low, high = np.array([600, 17]), np.array([650, 17])
    lower, upper = storereads.hedged_bounds(np.array([qualifier, qualifier], dtype=object), low, high, tol)
    for i in range(2):
        claim = match.Claim("f", "a", "released", int(low[i]), int(high[i]), qualifier, "ngo", "stock", DAY)
        assert (lower[i], upper[i]) == match.hedged_interval(claim, tol)


def test_figure_candidates_disagreeing_or_own_source_nearest_first(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        insert(
            db,
            "figures",
            [
                stored_figure("agree", 600, "jep", DAY),  # agrees: not a candidate
                stored_figure("far", 300, "jep", DAY + timedelta(days=20)),  # outside the window
                stored_figure("vague", 300, "jep", DAY, vague=True),
                stored_figure("other_kind", 300, "jep", DAY, kind="cumulative"),
                stored_figure("other_metric", 300, "jep", DAY, metric="arrested"),
                *(stored_figure(f"jep{i}", 300, "jep", DAY + timedelta(days=i)) for i in range(1, 6)),
                stored_figure("own", 600, "government", DAY - timedelta(days=3)),  # own source: always a candidate
            ],
        )
        claim = match.Claim("new", "a_new", "released", 600, 600, "exact", "government", "stock", DAY)
        found = storereads.figure_candidates(db.con, [claim], ToleranceSettings(), 14, 3)
    assert [c.figure_id for c in found["new"]] == ["own", "jep1", "jep2", "jep3"]
    first = found["new"][1]
    assert (first.as_of, first.value_low, first.article_id, first.position) == (
        DAY + timedelta(days=1),
        300,
        "a_jep1",
        7,
    )


def test_source_history_uses_the_latest_earlier_other_value(tmp_path: Path) -> None:
    key = ("still_detained", "foro_penal", "stock")

    def value(v: int, first: date, last: date, fid: str) -> dict[str, Any]:
        return dict(
            zip(
                store_base._SOURCE_VALUE_COLUMNS,
                (*key, v, v, first, last, fid, "a" + fid, "exact", str(v), ""),
                strict=True,
            )
        )

    with store.open_store(tmp_path / "pw.duckdb") as db:
        insert(
            db,
            "source_values",
            [
                value(800, date(2025, 12, 20), date(2025, 12, 26), "fig_a"),
                value(805, date(2025, 12, 26), date(2025, 12, 26), "fig_b"),  # same day: the larger id wins
                value(790, date(2025, 12, 1), date(2025, 12, 1), "fig_c"),
                value(900, date(2026, 3, 1), date(2026, 3, 1), "fig_d"),  # later than the claim
            ],
        )
        new = match.Claim("n", "an", *key[:1], 803, 803, "exact", key[1], key[2], date(2026, 1, 12))
        again = match.Claim("m", "an", *key[:1], 790, 790, "exact", key[1], key[2], date(2026, 1, 12))
        nobody = match.Claim("u", "an", *key[:1], 790, 790, "exact", "unattributed", key[2], date(2026, 1, 12))
        history = storereads.source_histories(db.con, [new, again, nobody])
    assert history["n"]["seen"] is False and history["n"]["held"] is None
    previous = history["n"]["previous"]
    assert (previous.figure_id, previous.value_low, previous.as_of) == ("fig_b", 805, date(2025, 12, 26))
    assert history["m"]["seen"] is True and history["m"]["held"] == (date(2025, 12, 1), date(2025, 12, 1))
    assert history["m"]["previous"].figure_id == "fig_b"
    assert history["u"] == {"seen": False, "previous": None, "held": None}  # nobody to ask


def test_source_history_folds_the_versions_of_a_value(tmp_path: Path) -> None:
    """source_values is append-only: a value's versions count as one, with its widest dates and the
    version written last on its latest day; a value restated after the claim is not an earlier value."""
    key = ("still_detained", "foro_penal", "stock")

    def version(v: int, first: date, last: date, fid: str) -> dict[str, Any]:
        return dict(
            zip(
                store_base._SOURCE_VALUE_COLUMNS,
                (*key, v, v, first, last, fid, "a" + fid, "exact", str(v), ""),
                strict=True,
            )
        )

    with store.open_store(tmp_path / "pw.duckdb") as db:
        insert(
            db,
            "source_values",
            [
                version(800, date(2025, 12, 1), date(2025, 12, 20), "fig_z"),
                version(800, date(2025, 12, 1), date(2025, 12, 20), "fig_a"),  # same day, written later: wins
                version(810, date(2025, 12, 10), date(2025, 12, 25), "fig_m"),  # later than 800, but see below
                version(810, date(2025, 12, 10), date(2026, 2, 1), "fig_n"),  # 810 stated again after the claim
                version(803, date(2025, 11, 2), date(2025, 11, 2), "fig_b"),
                version(803, date(2025, 10, 1), date(2025, 11, 1), "fig_c"),  # widens 803's first date only
            ],
        )
        new = match.Claim("n", "an", key[0], 803, 803, "exact", key[1], key[2], date(2026, 1, 12))
        history = storereads.source_histories(db.con, [new])
        folded = db._rows("SELECT value_low, first_as_of, last_as_of, figure_id FROM v_source_values ORDER BY 1")
    assert history["n"]["seen"] is True and history["n"]["held"] == (date(2025, 10, 1), date(2025, 11, 2))
    previous = history["n"]["previous"]
    assert (previous.figure_id, previous.value_low, previous.as_of) == ("fig_a", 800, date(2025, 12, 20))
    assert folded == [
        {"value_low": 800, "first_as_of": "2025-12-01", "last_as_of": "2025-12-20", "figure_id": "fig_a"},
        {"value_low": 803, "first_as_of": "2025-10-01", "last_as_of": "2025-11-02", "figure_id": "fig_b"},
        {"value_low": 810, "first_as_of": "2025-12-10", "last_as_of": "2026-02-01", "figure_id": "fig_n"},
    ]


def test_near_duplicate_pool_keeps_what_passes_a_threshold_within_the_window(tmp_path: Path) -> None:
    title = "Government frees 120 political prisoners in Caracas"
    signature = neardup.minhash("the same story " * 40)
    other = neardup.minhash("an unrelated story about something else " * 10)

    def row(aid: str, published: date, head: str, sig: list[int], **extra: Any) -> dict[str, Any]:
        return {
            "id": aid,
            "canonical_url": "https://x.example/" + aid,
            "url": "u",
            "content_hash": aid,
            "title": head,
            "published_date": published,
            "relevant": True,
            "first_run_id": "r",
            "stored_at": "then",
            "signature": sig,
            "title_words": neardup.title_words(head),
            "title_numbers": neardup.title_numbers(head),
            **extra,
        }

    with store.open_store(tmp_path / "pw.duckdb") as db:
        insert(
            db,
            "articles",
            [
                row("body", DAY, "Another headline entirely", signature),
                row("headline", DAY, title, other),
                row("numbers", DAY, title.replace("120", "99"), other),  # same words, other numbers
                row("late", DAY + timedelta(days=20), title, signature),  # outside the window
                row("rewrite", DAY, title, signature, near_duplicate_of="body"),  # not an original
                row("irrelevant", DAY, title, signature, relevant=False),
            ],
        )
        new = {
            "id": "new",
            "published_date": DAY + timedelta(days=2),
            "signature": signature,
            "title_words": neardup.title_words(title),
            "title_numbers": neardup.title_numbers(title),
        }
        pools = storereads.near_duplicate_pools(db.con, [new], 14, 0.5, 0.8)
    assert [c["id"] for c in pools["new"]] == ["body", "headline"]
    assert pools["new"][0]["minhash"] == signature


def test_a_rolled_back_run_leaves_nothing_to_compare_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch(
            "r1",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[(article(1, "2026-01-10"), [figure("released", 600, "government")])],
        )

        def explode(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(store.Store, "_apply_actions", explode)
        with pytest.raises(RuntimeError):
            db.ingest_batch(
                "r2",
                polls=[],
                errors=[],
                settings=SETTINGS,
                articles=[(article(2, "2026-01-11"), [figure("released", 300, "foro_penal")])],
            )
        monkeypatch.undo()
        claim = match.Claim("x", "ax", "released", 100, 100, "exact", "jep", "stock", date(2026, 1, 11))
        found = storereads.figure_candidates(db.con, [claim], SETTINGS.flags.tolerance, 14, 3)
        assert [c.source for c in found["x"]] == ["government"]  # the rolled-back figure is not there
        # the same article again, now committed: compared with the stored figure, it raises a contradiction
        summary = db.ingest_batch(
            "r2",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[(article(2, "2026-01-11"), [figure("released", 300, "foro_penal")])],
        )
        assert summary["flags_new"] == 2  # new_figure for Foro Penal, and the contradiction


def test_a_figure_written_outside_the_store_is_compared_with(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch(
            "r1",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[(article(1, "2026-01-10"), [figure("released", 600, "government")])],
        )
        db.con.execute(  # a figure written behind the store's back (a bulk load, a repair by hand)
            "INSERT INTO figures (id, article_id, metric, value_low, value_high, qualifier, source, scope_kind, "
            "start_pos, end_pos, as_of, run_id, stored_at) VALUES ('fig_hand', ?, 'released', 250, 250, 'exact', "
            "'jep', 'stock', 0, 3, '2026-01-12', 'hand', 'then')",
            [db.articles()[0]["id"]],
        )
        summary = db.ingest_batch(
            "r2",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[(article(2, "2026-01-12"), [figure("released", 600, "government")])],
        )
        flagged = {f["type"]: f for f in db.flags(flag_type="contradiction")}
        assert summary["flags_new"] == 1 and flagged["contradiction"]["previous"][0]["figure_id"] == "fig_hand"


def test_near_duplicate_found_across_runs_after_reopening(tmp_path: Path) -> None:
    original = article(1, "2026-01-10", title="Government frees 120 political prisoners in Caracas")
    rewrite = Article(
        **{**original.to_dict(), "url": "https://other.example/x", "canonical_url": "https://other.example/x"}
    )
    rewrite.content_hash = "different"
    rewrite.text = original.text + " with one more sentence"
    rewrite.published = "2026-01-12"
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch("r1", polls=[], errors=[], settings=SETTINGS, articles=[(original, [])])
    with store.open_store(tmp_path / "pw.duckdb") as db:
        summary = db.ingest_batch("r2", polls=[], errors=[], settings=SETTINGS, articles=[(rewrite, [])])
        assert summary["articles_near_duplicate"] == 1
        first = [a for a in db.articles() if a["near_duplicate_of"] is None]
        assert [a["near_duplicate_of"] for a in db.articles() if a not in first] == [first[0]["id"]]
