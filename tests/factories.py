"""Small builders of records for store, flag and view tests."""

from __future__ import annotations

from prisonwatch.models import Figure


def make_figure(
    metric: str,
    value: int,
    source: str,
    kind: str = "cumulative",
    qualifier: str = "exact",
    start: int = 0,
    sentence: str | None = None,
) -> Figure:
    """A figure stated plainly by ``source``; its sentence says who and how many."""
    return Figure(
        metric=metric,
        value_low=value,
        value_high=value,
        qualifier=qualifier,
        source=source,
        source_text=source,
        scope="",
        scope_kind=kind,
        sentence=sentence if sentence is not None else f"{source} says {value}",
        start=start,
        end=start + 3,
        value_text=str(value),
    )
