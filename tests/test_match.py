"""Flag rules: the pure decisions in match.py, and dated article sequences through the store.

Each ``tests/fixtures/flags/*.yaml`` holds a sequence of dated articles with the figures they state and
the exact flags expected after the whole sequence (one store run per article, in order).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from prisonwatch import store
from prisonwatch.config import FlagSettings, Settings
from prisonwatch.matching import match
from prisonwatch.models import Article, Figure

FIXTURES = Path(__file__).parent / "fixtures" / "flags"
CASES = sorted(FIXTURES.glob("*.yaml"))


def claim(
    value: int | tuple[int, int],
    qualifier: str = "exact",
    source: str = "foro_penal",
    kind: str = "stock",
    as_of: str = "2026-01-30",
    **kw: Any,
) -> match.Claim:
    low, high = value if isinstance(value, tuple) else (value, value)
    return match.Claim(
        figure_id=kw.pop("figure_id", f"fig-{source}-{low}"),
        article_id=kw.pop("article_id", "a1"),
        metric=kw.pop("metric", "released"),
        value_low=low,
        value_high=high,
        qualifier=qualifier,
        source=source,
        scope_kind=kind,
        as_of=date.fromisoformat(as_of),
        **kw,
    )


# ---------------------------------------------------------------------- pure rules
def test_hedges_become_intervals_from_the_configured_tolerances() -> None:
    tol = FlagSettings().tolerance
    assert match.hedged_interval(claim(600, "more_than"), tol) == (600, 900)
    assert match.hedged_interval(claim(1000, "about"), tol) == pytest.approx((900, 1100))
    assert match.hedged_interval(claim(100, "fewer_than"), tol) == (50, 100)
    assert match.hedged_interval(claim((600, 700), "range"), tol) == (600, 700)
    assert match.hedged_interval(claim(302), tol) == (302, 302)


def test_conflict_needs_a_gap_larger_than_the_minimum() -> None:
    cfg = FlagSettings()
    assert match.conflict(claim(302), claim(600, "more_than", "government"), cfg).severity == "high"
    # 1000 vs 1040: a 4% gap is under min_relative_gap (5%)
    assert match.conflict(claim(1000), claim(1040, source="jep"), cfg) is None
    assert match.conflict(claim(1000), claim(1100, source="jep"), cfg).severity == "medium"


def test_running_totals_only_grow_across_sources() -> None:
    cfg = FlagSettings()
    ngo_302 = claim(302, source="ngo", kind="cumulative", as_of="2026-01-30")
    fp_344 = claim(344, source="foro_penal", kind="cumulative", as_of="2026-02-02")
    gov_900 = claim(900, source="government", kind="cumulative", as_of="2026-02-01")
    assert match.conflict(ngo_302, fp_344, cfg) is None  # later and larger by 14% in 3 days: growth
    assert match.conflict(fp_344, gov_900, cfg).kind == "disagree"  # later and smaller than 900
    assert match.conflict(ngo_302, gov_900, cfg).kind == "disagree"  # tripled in 2 days: not growth
    cfg.cumulative_growth_per_day = 0.01
    assert match.conflict(ngo_302, fp_344, cfg).kind == "disagree"  # the allowance is configurable
    cfg.cumulative_growth_per_day = 0.05
    assert match.conflict(claim(302, source="ngo", kind="cumulative"), claim(344, kind="cumulative"), cfg)
    # stocks may move either way: a later, larger stock from another source still disagrees
    assert match.conflict(claim(800, kind="stock"), claim(1085, "exact", "jep", as_of="2026-02-01"), cfg)


def test_vague_and_unattributed_rules() -> None:
    cfg = FlagSettings()
    assert match.conflict(claim((200, 999), "range", vague=True), claim(5000, source="jep"), cfg) is None
    assert match.conflict(claim(10, source="unattributed"), claim(500, source="unattributed"), cfg) is None
    assert match.conflict(claim(10, source="unattributed"), claim(500, source="jep"), cfg).severity == "low"


def test_like_is_compared_only_with_like() -> None:
    cfg = FlagSettings()
    event = claim(99, kind="event", as_of="2025-12-25")
    total = claim(808, kind="cumulative", as_of="2025-12-25", source="government")
    assert not match.comparable(event, total, cfg)
    assert match.conflict(event, total, cfg) is None
    far = claim(700, as_of="2026-01-05")
    assert not match.comparable(claim(1085, source="jep", as_of="2025-12-26"), far, cfg)
    # cumulative counts from different start dates measure different spans
    a = claim(600, kind="cumulative", scope="since 2026-01-08", source="government")
    b = claim(302, kind="cumulative", scope="since 2025-06-01")
    assert match.conflict(a, b, cfg) is None
    # the same named event on different days within the window is one event
    op_a = claim(40, kind="event", scope="Operación Tun Tun", as_of="2026-01-10", source="government")
    op_b = claim(90, kind="event", scope="operación tun tun", as_of="2026-01-12")
    assert match.same_event(op_a, op_b, cfg)
    assert match.conflict(op_a, op_b, cfg) is not None


def test_near_duplicate_never_raises_flags() -> None:
    cfg = FlagSettings()
    new = [claim(302, article_id="dup", figure_id="n1")]
    stored = [claim(600, "more_than", "government", article_id="orig", figure_id="s1")]
    actions = match.decide(new, stored, {"n1": {"seen": False, "previous": None}}, [], cfg, near_duplicate=True)
    assert actions == []
    actions = match.decide(new, stored, {"n1": {"seen": False, "previous": None}}, [], cfg)
    assert sorted(a["type"] for a in actions) == ["contradiction", "new_figure"]


# ---------------------------------------------------------------------- sequences through the store
def _figure(spec: dict[str, Any], text: str, index: int) -> Figure:
    value = spec["value"]
    low, high = (value, value) if isinstance(value, int) else tuple(value)
    start = spec.get("start", 100 * index)
    return Figure(
        metric=spec["metric"],
        value_low=low,
        value_high=high,
        qualifier=spec.get("qualifier", "exact"),
        source=spec["source"],
        source_text=spec["source"],
        scope=spec.get("scope", ""),
        scope_kind=spec["kind"],
        sentence=f"{spec.get('text', '')} ({spec['source']})",
        start=start,
        end=start + 5,
        as_of=spec.get("as_of"),
        vague=spec.get("vague", False),
        value_text=spec.get("text", ""),
        confidence=spec.get("confidence", 1.0),
    )


def _article(spec: dict[str, Any]) -> Article:
    text = f"Article at {spec['url']} " + " ".join(f"w{i}{spec['url'][-4:]}" for i in range(60))
    return Article(
        url=spec["url"],
        canonical_url=spec["url"],
        title=spec["title"],
        text=text,
        content_hash=spec["url"],
        published=spec["published"],
        language="en",
        origin="feed",
    )


def _flag_view(flag: dict[str, Any]) -> tuple:
    return (
        flag["type"],
        flag["metric"],
        flag["severity"],
        flag["status"],
        (flag["new"]["source"], flag["new"]["value_low"]),
        tuple(sorted((p["source"], p["value_low"]) for p in flag["previous"])),
        flag["corroborations"],
        flag["reason"],
    )


def _expected_view(exp: dict[str, Any]) -> tuple:
    return (
        exp["type"],
        exp["metric"],
        exp["severity"],
        exp.get("status", "open"),
        tuple(exp["new"]),
        tuple(sorted(tuple(p) for p in exp["previous"])),
        exp["corroborations"],
        exp["reason"],
    )


def run_sequence(case: Path, db_path: Path) -> list[dict[str, Any]]:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    settings = Settings()
    with store.open_store(db_path, settings=settings) as db:
        for i, step in enumerate(spec["steps"]):
            if "set_status" in step:
                target = step["set_status"]
                (flag,) = [f for f in db.flags(flag_type=target["type"])]
                db.set_flag_status(flag["id"], target["status"], target["note"])
                continue
            figures = [_figure(f, "", j) for j, f in enumerate(step["figures"])]
            db.ingest_batch(
                f"run-{i}", polls=[], articles=[(_article(step["article"]), figures)], errors=[], settings=settings
            )
        return db.flags()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_dated_sequence_raises_exactly_the_expected_flags(case: Path, tmp_path: Path) -> None:
    expected = yaml.safe_load(case.read_text(encoding="utf-8"))["expect_flags"]
    flags = run_sequence(case, tmp_path / "pw.duckdb")
    assert sorted(map(_flag_view, flags)) == sorted(map(_expected_view, expected))


def test_fixture_set_covers_every_rule() -> None:
    names = {c.stem for c in CASES}
    assert {
        "gov_vs_ngo_then_corroborated",
        "one_article_both_sides",
        "new_figure_with_previous",
        "like_with_like",
        "vague_unattributed_and_hedges",
        "cumulative_revised_down",
        "stock_arithmetic",
    } <= names


def test_one_claimants_two_counts_in_one_article_never_contradict() -> None:
    flags = FlagSettings()
    own_302 = claim(302, source="foro_penal", kind="cumulative", figure_id="f1")
    own_14000 = claim(14000, "more_than", source="foro_penal", kind="cumulative", figure_id="f2")
    assert match.conflict(own_302, own_14000, flags) is None
    # another claimant's count in the same article, or the same claimant in another article, can disagree
    assert match.conflict(own_302, claim(900, source="government", kind="cumulative"), flags) is not None
    later = claim(
        250, source="foro_penal", kind="cumulative", as_of="2026-02-02", article_id="a2", scope="since 2026-01-08"
    )
    assert match.conflict(own_302, later, flags) is None  # a running total that fell is revised_down, not this
    assert match.revised_down(later, replace(own_302, scope="since 2026-01-08"), flags)


def test_a_stock_is_checked_only_against_what_its_source_reported_in_between() -> None:
    flags = FlagSettings()
    before = claim(804, source="foro_penal", as_of="2026-01-26", metric="still_detained")
    now = claim(600, source="foro_penal", as_of="2026-02-03", figure_id="now", metric="still_detained")
    released = [
        claim(200, source="foro_penal", kind="cumulative", as_of="2026-01-25"),
        claim(316, source="foro_penal", kind="cumulative", as_of="2026-02-02"),
    ]
    check = match.stock_check(now, before, {"released": released, "arrested": []}, flags)
    assert check is not None and (check.released, check.arrested, round(check.expected)) == (116, None, 688)
    assert not check.adds_up and round(check.off) == -88
    assert match.stock_check(now, before, {"released": [], "arrested": []}, flags) is None  # nothing to check
    events = [claim(40, source="foro_penal", kind="event", as_of=d) for d in ("2026-01-27", "2026-02-01")]
    near = claim(730, source="foro_penal", as_of="2026-02-03", metric="still_detained")
    assert match.stock_check(near, before, {"released": events}, flags).adds_up  # 804 - 80 = 724, within 10%


def test_a_far_unexplained_change_from_an_unsure_sentence_is_held_for_review(tmp_path: Path) -> None:
    case = FIXTURES / "implausible_change_held.yaml"
    flags = run_sequence(case, tmp_path / "pw.duckdb")
    assert [(f["type"], f["new"]["value_low"]) for f in flags] == [("new_figure", 800)]
    with store.open_store(tmp_path / "pw.duckdb", read_only=True) as db:
        (held,) = db.figures(below_confidence=0.7)
    assert held["value_low"] == 9 and "held for review" in held["review_reason"] and "-99%" in held["review_reason"]
