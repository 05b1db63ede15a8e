"""The in-memory windows matching reads: they agree with the rules and with the database, and never hold
rows of a run that rolled back."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from prisonwatch import match, store, storecache
from prisonwatch.config import Settings, ToleranceSettings
from prisonwatch.models import Article, Figure

SETTINGS = Settings()


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
    return Figure(
        metric=metric,
        value_low=value,
        value_high=value,
        qualifier=qualifier,
        source=source,
        source_text=source,
        scope="",
        scope_kind=kind,
        sentence=f"{source} {value}",
        start=at,
        end=at + 3,
        value_text=str(value),
    )


def test_day_intervals_report_only_the_missing_days() -> None:
    spans = storecache.DayIntervals()
    spans.add(10, 20)
    spans.add(30, 40)
    assert spans.missing(5, 45) == [(5, 9), (21, 29), (41, 45)]
    assert spans.missing(12, 18) == []
    spans.add(21, 29)
    assert spans.spans == [(10, 40)] and spans.days() == 31
    assert spans.covers(25) and not spans.covers(41)


@pytest.mark.parametrize(
    "qualifier", ["exact", "range", "about", "nearly", "more_than", "at_least", "fewer_than", "at_most"]
)
def test_vectorised_hedges_equal_the_rules(qualifier: str) -> None:
    tol = ToleranceSettings(
        about=0.1, nearly=0.07, more_than_upper=0.5, at_least_upper=0.3, fewer_than_lower=0.4, exact=0.01
    )
    low, high = np.array([600, 17]), np.array([650, 17])
    lower, upper = storecache.hedged_bounds(np.array([qualifier, qualifier], dtype=object), low, high, tol)
    for i in range(2):
        claim = match.Claim(
            "f", "a", "released", int(low[i]), int(high[i]), qualifier, "ngo", "stock", date(2026, 1, 1)
        )
        assert (lower[i], upper[i]) == match.hedged_interval(claim, tol)


def _window_with(rows: list[dict[str, Any]], tol: ToleranceSettings) -> storecache.FigureWindow:
    window = storecache.FigureWindow(tol)
    window.loaded.add(date(2026, 1, 1).toordinal(), date(2026, 3, 1).toordinal())
    window.add(rows)
    return window


def _row(fid: str, value: int, source: str, day: date, vague: bool = False) -> dict[str, Any]:
    return {
        "id": fid,
        "article_id": "a_" + fid,
        "metric": "released",
        "value_low": value,
        "value_high": value,
        "qualifier": "exact",
        "source": source,
        "scope_kind": "stock",
        "as_of": day,
        "scope": "",
        "value_text": str(value),
        "start_pos": 0,
        "vague": vague,
    }


def test_figure_candidates_disagreeing_or_own_source_nearest_first() -> None:
    day = date(2026, 2, 1)
    rows = [
        _row("agree", 600, "jep", day),  # agrees: not a candidate
        _row("far", 300, "jep", day + timedelta(days=20)),  # outside the window
        _row("vague", 300, "jep", day, vague=True),
        *(_row(f"jep{i}", 300, "jep", day + timedelta(days=i)) for i in range(1, 6)),
        _row("own", 600, "government", day - timedelta(days=3)),  # own source: always a candidate
    ]
    window = _window_with(rows, ToleranceSettings())
    claim = match.Claim("new", "a_new", "released", 600, 600, "exact", "government", "stock", day)
    found = window.candidates(claim, window_days=14, per_source=3)
    assert [c.figure_id for c in found] == ["own", "jep1", "jep2", "jep3"]
    assert found[1].as_of == day + timedelta(days=1) and found[1].value_low == 300


def test_rows_outside_the_loaded_days_wait_for_a_load() -> None:
    window = _window_with([_row("late", 300, "jep", date(2026, 6, 1))], ToleranceSettings())
    assert window.groups == {}


def test_source_value_history_uses_the_latest_earlier_other_value() -> None:
    values = storecache.SourceValues()
    key = ("still_detained", "foro_penal", "stock")
    values.by_key[key] = {}
    values.upsert(
        [
            {
                "metric": key[0],
                "source": key[1],
                "scope_kind": key[2],
                "value_low": v,
                "value_high": v,
                "first_as_of": d,
                "last_as_of": d,
                "figure_id": f"fig{v}",
                "article_id": f"a{v}",
                "qualifier": "exact",
                "value_text": str(v),
                "scope": "",
            }
            for v, d in ((800, date(2025, 12, 26)), (790, date(2025, 12, 1)), (900, date(2026, 3, 1)))
        ]
    )
    claim = match.Claim("n", "an", key[0], 803, 803, "exact", key[1], key[2], date(2026, 1, 12))
    history = values.history(claim)
    assert history["seen"] is False and history["previous"].value_low == 800  # 900 is later than the claim
    again = match.Claim("n", "an", key[0], 790, 790, "exact", key[1], key[2], date(2026, 1, 12))
    assert values.history(again)["seen"] is True


def test_windows_follow_committed_runs_and_forget_rolled_back_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch(
            "r1",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[(article(1, "2026-01-10"), [figure("released", 600, "government")])],
        )
        cache = db._cache
        assert cache is not None
        held = cache.figures.groups[("released", "stock")].columns()
        assert list(held["id"]) == [db.figures()[0]["figure_id"]]

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
        assert len(db._cache.figures.groups[("released", "stock")].columns()["id"]) == 1  # type: ignore[union-attr]
        assert len(db._cache.originals.rows) == 1  # type: ignore[union-attr]
        # the same article again, now committed: compared with the stored figure, it raises a contradiction
        summary = db.ingest_batch(
            "r2",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[(article(2, "2026-01-11"), [figure("released", 300, "foro_penal")])],
        )
        assert summary["flags_new"] == 2  # new_figure for Foro Penal, and the contradiction
        assert len(db._cache.figures.groups[("released", "stock")].columns()["id"]) == 2  # type: ignore[union-attr]


def test_a_write_outside_the_store_makes_it_reload(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch(
            "r1",
            polls=[],
            errors=[],
            settings=SETTINGS,
            articles=[(article(1, "2026-01-10"), [figure("released", 600, "government")])],
        )
        first = db._cache
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
        assert db._cache is not first  # counts no longer matched: loaded afresh
        flagged = {f["type"]: f for f in db.flags(flag_type="contradiction")}
        assert summary["flags_new"] == 1 and flagged["contradiction"]["previous"][0]["figure_id"] == "fig_hand"


def test_near_duplicate_found_through_the_window_across_runs(tmp_path: Path) -> None:
    original = article(1, "2026-01-10", title="Government frees 120 political prisoners in Caracas")
    rewrite = Article(
        **{**original.to_dict(), "url": "https://other.example/x", "canonical_url": "https://other.example/x"}
    )
    rewrite.content_hash = "different"
    rewrite.text = original.text + " with one more sentence"
    rewrite.published = "2026-01-12"
    with store.open_store(tmp_path / "pw.duckdb") as db:
        db.ingest_batch("r1", polls=[], errors=[], settings=SETTINGS, articles=[(original, [])])
        summary = db.ingest_batch("r2", polls=[], errors=[], settings=SETTINGS, articles=[(rewrite, [])])
        assert summary["articles_near_duplicate"] == 1
        assert {a["near_duplicate_of"] for a in db.articles()} == {None, db.articles()[0]["id"]}


def test_report_timeline_is_bounded_to_recent_days_and_the_flags_it_cites(tmp_path: Path) -> None:
    with store.open_store(tmp_path / "pw.duckdb") as db:
        for i, (day, value) in enumerate([("2025-01-05", 100), ("2025-10-01", 700), ("2026-01-10", 800)]):
            db.ingest_batch(
                f"r{i}",
                polls=[],
                errors=[],
                settings=SETTINGS,
                articles=[(article(i, day), [figure("still_detained", value, "foro_penal")])],
            )
        recent = [t["as_of"] for t in db.report_data(flag_ids=[])["timeline"]]
        assert recent == ["2025-10-01", "2026-01-10"]  # 2025-01-05 is more than TIMELINE_DAYS older
        (old_flag,) = [f for f in db.flags() if f["new"]["as_of"] == "2025-01-05"]
        cited = [t["as_of"] for t in db.report_data(flag_ids=[old_flag["id"]])["timeline"]]
        assert cited == ["2025-01-05", "2025-10-01", "2026-01-10"]
        assert [t["as_of"] for t in db.report_data(since="2026-01-01")["timeline"]] == ["2026-01-10"]
