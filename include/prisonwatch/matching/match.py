"""Which figures deserve an analyst's attention: pure decisions over plain data, no database.

The store selects a few candidate figures in SQL (same metric, dates in the window) and hands them
here with the flags already raised; :func:`decide` returns what to do: raise a flag, attach a
corroboration to an existing one, or re-open one whose values moved.

Rules (every threshold comes from ``FlagSettings``):

- Like is compared only with like: stocks with stocks and cumulative counts with cumulative counts
  whose as-of dates are at most ``as_of_tolerance_days`` apart (cumulative counts must also start on
  the same date when both scopes name one); events only with the same event (the same day, or the
  same named operation or prison within ``window_days``). A per-event count is never set against a
  running total.
- Two figures contradict when their hedged intervals (``flags.tolerance``) miss each other by at
  least ``min_relative_gap`` of the larger value. Vague figures never contradict. Running totals only
  grow, so a cumulative count dated after another source's and larger than it is no contradiction
  while the growth it implies stays within ``cumulative_growth_per_day`` (302 released by 30 January
  and 344 by 2 February can both be true; 302 by 30 January and 900 by 1 February cannot).
- One source's figures on different days never contradict each other. A stock may change (``new_figure``;
  ``stock_mismatch`` when the releases and arrests the source reported in between do not explain it); a running
  total from the same start that falls below the source's own earlier total is ``revised_down``.
- A figure answers at most one disagreement: another figure of its own article first, else the most recent
  earlier one. A count confined to a prison or a state is compared only with the same place's.
- A far, unexplained change (``implausible_change``) from a figure below ``implausible_confidence`` is held for
  review: no flag, and it never becomes the source's latest value.
- ``unattributed`` figures contradict only named sources, and with low severity; two unattributed
  figures are never flagged (nobody to ask).
- Two figures of one claimant in one article never contradict each other: an article that states a
  claimant's 302 releases and its 14,000 arrests since 2014 reports two series. Two claimants' figures of
  one sentence can ('el Gobierno anunció 99, pero las organizaciones solo verificaron 71').
- ``new_figure``: a named source states a value for a metric (and scope kind) that it never stated
  before; the flag shows its latest earlier value, that value's date and the change.
- The same disagreement (the same sources and values) repeated later attaches to the flag as a
  corroboration. A flag is re-opened only when its values move (a new value joins the disagreement).
- A near-duplicate article only corroborates: it never raises or moves a flag.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from prisonwatch import vocab
from prisonwatch.config import FlagSettings, ToleranceSettings

# The registry's labels; in a reason line an unattributed figure reads as what it is.
SOURCE_LABELS = {**vocab.SOURCE_LABELS, "unattributed": "An unattributed report"}
NGO_SOURCES = frozenset({"foro_penal", "jep", "provea", "clippve", "ngo"})
QUALIFIER_WORDS = {
    "exact": "",
    "at_least": "at least ",
    "more_than": "more than ",
    "about": "about ",
    "nearly": "nearly ",
    "fewer_than": "fewer than ",
    "at_most": "at most ",
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class Claim:
    """One stored or new figure as the rules see it."""

    figure_id: str
    article_id: str
    metric: str
    value_low: int
    value_high: int
    qualifier: str
    source: str
    scope_kind: str
    as_of: date | None
    scope: str = ""
    vague: bool = False
    value_text: str = ""
    position: int = 0  # offset in the article text: orders figures of one article
    confidence: float = 1.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        as_of = data.get("as_of")
        if isinstance(as_of, str):
            as_of = date.fromisoformat(as_of[:10])
        return cls(
            figure_id=str(data["figure_id"]),
            article_id=str(data["article_id"]),
            metric=data["metric"],
            value_low=int(data["value_low"]),
            value_high=int(data["value_high"]),
            qualifier=data.get("qualifier") or "exact",
            source=data.get("source") or "unattributed",
            scope_kind=data.get("scope_kind") or "stock",
            as_of=as_of,
            scope=data.get("scope") or "",
            vague=bool(data.get("vague")),
            value_text=data.get("value_text") or "",
            position=int(data.get("position") or data.get("start") or data.get("start_pos") or 0),
            confidence=float(data.get("confidence", 1.0) if data.get("confidence") is not None else 1.0),
        )

    @property
    def claim_key(self) -> tuple[str, int, int, str]:
        """What the figure asserts, regardless of where it was printed."""
        return (self.source, self.value_low, self.value_high, self.qualifier)


@dataclass(frozen=True)
class Conflict:
    """Why two figures cannot both be true."""

    kind: str  # disagree
    severity: str
    gap: float


# ---------------------------------------------------------------------- intervals
def hedged_interval(claim: Claim, tol: ToleranceSettings) -> tuple[float, float]:
    """The values a hedged figure allows ('more than 600' -> (600, 900] with the default tolerance)."""
    low, high = float(claim.value_low), float(claim.value_high)
    q = claim.qualifier
    if q == "about":
        return low * (1 - tol.about), high * (1 + tol.about)
    if q == "nearly":
        return low * (1 - tol.nearly), high
    if q in ("more_than", "at_least"):
        upper = tol.more_than_upper if q == "more_than" else tol.at_least_upper
        return low, high * (1 + upper)
    if q in ("fewer_than", "at_most"):
        return low * (1 - tol.fewer_than_lower), high
    # exact and range: the stated bounds, widened by the exact slack
    return low * (1 - tol.exact), high * (1 + tol.exact)


def interval_gap(a: Claim, b: Claim, tol: ToleranceSettings) -> float:
    """How far apart the two hedged intervals are (0 when they overlap)."""
    la, ha = hedged_interval(a, tol)
    lb, hb = hedged_interval(b, tol)
    if ha < lb:
        return lb - ha
    if hb < la:
        return la - hb
    return 0.0


def scope_start(scope: str) -> date | None:
    """The start date a cumulative scope names ('since 2026-01-08'), if it names one."""
    m = _ISO_DATE.search(scope or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_PLACE_NAMES = frozenset(vocab.PLACES.values())


def scope_place(scope: str) -> str:
    """The prison or state a figure's scope confines it to ('…, in Tocuyito'), else ''."""
    m = re.search(r"(?:^|, )in ([^,]+)$", scope or "")
    return m.group(1) if m and m.group(1) in _PLACE_NAMES else ""


def _norm_scope(scope: str) -> str:
    return " ".join(re.findall(r"\w+", (scope or "").lower()))


def _days(a: Claim, b: Claim) -> int | None:
    if a.as_of is None or b.as_of is None:
        return None
    return abs((a.as_of - b.as_of).days)


def same_event(a: Claim, b: Claim, flags: FlagSettings) -> bool:
    """Two event counts describe one event: the same day, or the same named operation or prison."""
    days = _days(a, b)
    if days is None or days > flags.window_days:
        return False
    if days == 0:
        return True
    scope_a, scope_b = _norm_scope(a.scope), _norm_scope(b.scope)
    return bool(scope_a) and scope_a == scope_b


def comparable(a: Claim, b: Claim, flags: FlagSettings) -> bool:
    """Whether two figures measure the same thing over the same span (like with like)."""
    if a.metric != b.metric or a.scope_kind != b.scope_kind:
        return False
    days = _days(a, b)
    if days is None:
        return False
    if a.scope_kind == "event":
        return same_event(a, b, flags)
    if days > flags.as_of_tolerance_days:
        return False
    if a.scope_kind == "cumulative":
        start_a, start_b = scope_start(a.scope), scope_start(b.scope)
        if start_a and start_b and abs((start_a - start_b).days) > flags.as_of_tolerance_days:
            return False
    return True


def _severity(a: Claim, b: Claim) -> str:
    sources = {a.source, b.source}
    if "unattributed" in sources:
        return "low"
    if "government" in sources and len(sources) == 2:
        return "high"
    return "medium"


def conflict(a: Claim, b: Claim, flags: FlagSettings) -> Conflict | None:
    """The reason two figures cannot both be true, or None when they can."""
    if a.vague or b.vague or a.metric != b.metric or a.scope_kind != b.scope_kind:
        return None
    if scope_place(a.scope) != scope_place(b.scope):
        return None  # one prison's or state's count is no national count
    if a.source == "unattributed" and b.source == "unattributed":
        return None
    if a.article_id == b.article_id and a.source == b.source:
        # one claimant's two counts in one article are two series (its releases, its arrests since 2014)
        return None
    days = _days(a, b)
    if days is None or days > flags.window_days:
        return None
    larger = max(a.value_high, b.value_high, 1)
    gap = interval_gap(a, b, flags.tolerance)
    if gap <= 0 or gap / larger < flags.min_relative_gap:
        return None
    if a.source == b.source and days > 0:
        # one source's own figures on different days: a stock may change (new_figure, stock_mismatch); a running
        # total that falls is revised_down. Neither contradicts.
        return None
    if a.scope_kind == "cumulative" and days > 0:
        # A running total only grows: another source's later, larger total can be true beside an earlier
        # one when the growth it implies is plausible (flags.cumulative_growth_per_day).
        earlier, later = (a, b) if a.as_of < b.as_of else (b, a)  # type: ignore[operator]
        earlier_high = hedged_interval(earlier, flags.tolerance)[1]
        later_low = hedged_interval(later, flags.tolerance)[0]
        if earlier_high < later_low <= earlier_high * (1 + flags.cumulative_growth_per_day * days):
            return None
    if comparable(a, b, flags):
        return Conflict("disagree", _severity(a, b), gap)
    return None


# ---------------------------------------------------------------------- wording
def value_phrase(claim: Claim) -> str:
    """The figure as an analyst would say it: the words printed, else built from the qualifier."""
    if claim.value_text.strip():
        return claim.value_text.strip()
    if claim.qualifier == "range" or claim.value_low != claim.value_high:
        return f"{claim.value_low:,}–{claim.value_high:,}"
    return f"{QUALIFIER_WORDS.get(claim.qualifier, '')}{claim.value_low:,}"


def metric_words(metric: str) -> str:
    """'still detained' for 'still_detained', as it reads inside a sentence."""
    return vocab.METRIC_LABELS.get(metric, metric.replace("_", " ")).lower()


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source) or vocab.SOURCE_LABELS.get(source) or source.replace("_", " ").title()


def _date(claim: Claim) -> str:
    return claim.as_of.isoformat() if claim.as_of else "undated"


def contradiction_reason(new: Claim, previous: Claim, found: Conflict, *, same_article: bool) -> str:
    """One line an analyst can read: who says what, when (in the article's order when it states both)."""
    metric = metric_words(new.metric)
    if same_article:
        first, second = sorted((new, previous), key=lambda c: c.position)
        return (
            f"{source_label(first.source)}: {value_phrase(first)} {metric}; {source_label(second.source)}: "
            f"{value_phrase(second)} (both in one article, {_date(new)})"
        )
    return (
        f"{source_label(new.source)}: {value_phrase(new)} {metric} ({_date(new)}); "
        f"{source_label(previous.source)}: {value_phrase(previous)} ({_date(previous)})"
    )


def new_figure_reason(new: Claim, previous: Claim | None) -> str:
    head = f"{source_label(new.source)}: {value_phrase(new)} {metric_words(new.metric)} ({_date(new)})"
    if previous is None:
        return f"{head}, first {new.scope_kind} figure from this source"
    change = new.value_low - previous.value_low
    return f"{head}, previously {value_phrase(previous)} ({_date(previous)}), change {change:+,}"


# ---------------------------------------------------------------------- decisions
def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def signature(claims: list[tuple[str, int, int, str]]) -> str:
    """The values in a disagreement, order-free: equal signatures mean the same disagreement."""
    return json.dumps(sorted({tuple(c) for c in claims}))


def _event_tag(claim: Claim) -> str:
    if claim.scope_kind != "event":
        return ""
    return _norm_scope(claim.scope) or _date(claim)


def new_figure_key(claim: Claim) -> str:
    return (
        f"new_figure|{claim.metric}|{claim.source}|{claim.scope_kind}|{_event_tag(claim)}|"
        f"{claim.value_low}-{claim.value_high}"
    )


def revised_down_key(claim: Claim) -> str:
    return new_figure_key(claim).replace("new_figure|", "revised_down|", 1)


def value_flag_keys(claim: Claim) -> tuple[str, str]:
    """The keys of the flags a figure's value can raise or corroborate: new_figure, revised_down."""
    return new_figure_key(claim), revised_down_key(claim)


@dataclass
class FlagState:
    """A flag as decisions see it (existing ones come from the store, new ones are made here)."""

    id: str
    type: str
    metric: str
    scope_kind: str
    source_a: str
    source_b: str
    anchor_as_of: date | None
    signature: str
    status: str = "open"
    dedupe_key: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlagState:
        anchor = data.get("anchor_as_of")
        if isinstance(anchor, str):
            anchor = date.fromisoformat(anchor[:10])
        return cls(
            id=data["id"],
            type=data["type"],
            metric=data["metric"],
            scope_kind=data["scope_kind"],
            source_a=data["source_a"],
            source_b=data["source_b"],
            anchor_as_of=anchor,
            signature=data["signature"],
            status=data.get("status", "open"),
            dedupe_key=data.get("dedupe_key", ""),
        )


def flag_id_for(key: str) -> str:
    return "f_" + _digest(key)


def decide(
    new: list[Claim],
    candidates: list[Claim],
    history: dict[str, dict[str, Any]],
    flags_state: list[FlagState],
    settings: FlagSettings,
    *,
    near_duplicate: bool = False,
    flows: dict[str, dict[str, list[Claim]]] | None = None,
) -> list[dict[str, Any]]:
    """Decide the flag actions for one article's new figures.

    ``candidates``: stored figures of other articles in the window (same metrics).
    ``history``: per new figure id, ``{"seen": bool, "previous": Claim | None}`` for its own source
    (did it state this value before; its latest earlier other value), stocks and cumulative counts only.
    ``flags_state``: flags that may absorb these figures; it is updated in place so later articles
    of one batch see the flags raised by earlier ones.
    ``flows``: per new stock figure id, its source's release and arrest counts around the previous stock
    (``{"released": [...], "arrested": [...]}``), for the stock arithmetic.

    Actions: ``{"action": "raise", ...}``, ``{"action": "corroborate", "flag_id", "figure_id"}``,
    ``{"action": "move", "flag_id", ...}`` (a new value joins a disagreement: the flag re-opens),
    ``{"action": "extend", "flag_id", ...}`` (more figures of a disagreement this article raised).
    """
    actions: list[dict[str, Any]] = []
    by_key = {f.dedupe_key: f for f in flags_state if f.dedupe_key}
    usable = [c for c in new if not c.vague and c.as_of is not None]

    # --- new_figure: a named source states a value it never stated before
    for claim in usable:
        if claim.source == "unattributed":
            continue
        key = new_figure_key(claim)
        if claim.scope_kind == "event":
            same_source = [
                c
                for c in candidates
                if c.source == claim.source
                and c.metric == claim.metric
                and c.scope_kind == "event"
                and same_event(claim, c, settings)
            ]
            seen = any((c.value_low, c.value_high) == (claim.value_low, claim.value_high) for c in same_source)
            others = [c for c in same_source if (c.value_low, c.value_high) != (claim.value_low, claim.value_high)]
            previous = max(others, key=lambda c: (c.as_of, c.figure_id)) if others else None
        else:
            info = history.get(claim.figure_id) or {}
            seen = bool(info.get("seen"))
            previous = info.get("previous")
        known = by_key.get(key) or by_key.get(revised_down_key(claim))
        if known is not None:
            actions.append({"action": "corroborate", "flag_id": known.id, "figure_id": claim.figure_id})
            continue
        if seen or near_duplicate:
            continue
        check = stock_check(claim, previous, (flows or {}).get(claim.figure_id, {}), settings) if previous else None
        hold_reason = implausible(claim, previous, check, settings) if previous else ""
        if hold_reason:
            actions.append({"action": "hold", "figure_id": claim.figure_id, "reason": hold_reason})
            continue
        if previous is not None and revised_down(claim, previous, settings):
            flag_type, severity, reason = "revised_down", "medium", revised_down_reason(claim, previous)
            key = revised_down_key(claim)
        else:
            flag_type, severity = "new_figure", "low" if previous is None else "medium"
            reason = new_figure_reason(claim, previous)
        state = _raise(actions, flags_state, flag_type, key, claim, (claim.source, claim.source), [claim.claim_key],
                       severity, reason, [previous] if previous else [])  # fmt: skip
        by_key[key] = state
        if check is not None and not check.adds_up:
            stock_key = new_figure_key(claim).replace("new_figure|", "stock_mismatch|", 1)
            _raise(actions, flags_state, "stock_mismatch", stock_key, claim, (claim.source, claim.source),
                   [claim.claim_key], "medium", stock_reason(claim, check), [previous])  # fmt: skip

    # --- contradictions: each figure against the first figure it cannot stand beside: another figure of its own
    # article first (in the article's order), else the most recent earlier one; at most one flag per figure
    ordered = sorted(usable, key=lambda c: c.position)
    recent_first = sorted(candidates, key=lambda c: (c.as_of or date.min, c.figure_id), reverse=True)
    pairs: list[tuple[Claim, Claim, bool]] = []
    for claim in reversed(ordered):  # the later of two figures of one article is the flag's new side
        own_article = [(claim, c, True) for c in reversed(ordered) if c is not claim]
        earlier = [(claim, c, False) for c in recent_first if c.article_id != claim.article_id]
        pairs += own_article + earlier

    raised_here: set[str] = set()
    settled: set[str] = set()  # figures that already answered a disagreement
    for claim, other, same_article in pairs:
        if claim.figure_id in settled:
            continue
        found = conflict(claim, other, settings)
        if found is None:
            continue
        settled.add(claim.figure_id)
        pair = tuple(sorted((claim.source, other.source)))
        claims_now = [claim.claim_key, other.claim_key]
        existing = _find_contradiction(flags_state, claim, pair, found.kind, settings)
        if existing is not None:
            known = {tuple(c) for c in json.loads(existing.signature)}
            if all(c in known for c in claims_now):
                actions.append({"action": "corroborate", "flag_id": existing.id, "figure_id": claim.figure_id})
                continue
            if near_duplicate:
                continue
            existing.signature = signature([*known, *claims_now])
            if existing.id in raised_here:  # more figures of a disagreement this article raised
                actions.append(
                    {
                        "action": "extend",
                        "flag_id": existing.id,
                        "signature": existing.signature,
                        "new_figure_id": claim.figure_id,
                        "previous_figure_ids": [other.figure_id],
                    }
                )
                continue
            existing.status = "open"
            actions.append(
                {
                    "action": "move",
                    "flag_id": existing.id,
                    "signature": existing.signature,
                    "severity": found.severity,
                    "reason": contradiction_reason(claim, other, found, same_article=same_article),
                    "new_figure_id": claim.figure_id,
                    "previous_figure_ids": [other.figure_id],
                }
            )
            continue
        if near_duplicate:
            continue
        key = (
            f"contradiction|{found.kind}|{claim.metric}|{claim.scope_kind}|{pair[0]}|{pair[1]}|"
            f"{_date(claim)}|{claim.figure_id}"
        )
        reason = contradiction_reason(claim, other, found, same_article=same_article)
        state = _raise(actions, flags_state, "contradiction", key, claim, pair, claims_now, found.severity, reason,
                       [other])  # fmt: skip
        raised_here.add(state.id)
    return actions


def _raise(
    actions: list[dict[str, Any]],
    flags_state: list[FlagState],
    flag_type: str,
    key: str,
    claim: Claim,
    pair: tuple[str, str],
    claims: list[tuple[str, int, int, str]],
    severity: str,
    reason: str,
    previous: list[Claim],
) -> FlagState:
    """A new flag: its state (seen by the rest of the batch) and its 'raise' action."""
    state = FlagState(
        id=flag_id_for(key),
        type=flag_type,
        metric=claim.metric,
        scope_kind=claim.scope_kind,
        source_a=pair[0],
        source_b=pair[1],
        anchor_as_of=claim.as_of,
        signature=signature(claims),
        dedupe_key=key,
    )
    flags_state.append(state)
    actions.append(
        {
            "action": "raise",
            "flag_id": state.id,
            "dedupe_key": key,
            "type": flag_type,
            "metric": claim.metric,
            "scope_kind": claim.scope_kind,
            "source_a": pair[0],
            "source_b": pair[1],
            "anchor_as_of": claim.as_of,
            "signature": state.signature,
            "severity": severity,
            "reason": reason,
            "new_figure_id": claim.figure_id,
            "previous_figure_ids": [p.figure_id for p in previous],
        }
    )
    return state


def _counted_since(scope: str) -> bool:
    """The scope names where a running total starts (its phrase beyond any place)."""
    return bool(re.sub(r"(?:^|, )in [^,]+$", "", scope or "").strip())


def revised_down(claim: Claim, previous: Claim, settings: FlagSettings) -> bool:
    """A source's running total now below its own earlier total (from the same start): a revision, not news."""
    if claim.scope_kind != "cumulative" or previous.scope_kind != "cumulative":
        return False
    if previous.as_of is None or claim.as_of is None or previous.as_of > claim.as_of:
        return False
    start_new, start_old = scope_start(claim.scope), scope_start(previous.scope)
    if start_new and start_old and start_new != start_old:
        return False
    if scope_place(claim.scope) != scope_place(previous.scope):
        return False
    if not (_counted_since(claim.scope) and _counted_since(previous.scope)):
        return False  # both must say where they count from ('since January 8'): else one may be a day's count
    return hedged_interval(claim, settings.tolerance)[1] < hedged_interval(previous, settings.tolerance)[0]


def revised_down_reason(claim: Claim, previous: Claim) -> str:
    change = claim.value_low - previous.value_low
    return (
        f"{source_label(claim.source)}'s running total of {metric_words(claim.metric)} fell: {value_phrase(claim)} "
        f"({_date(claim)}) after {value_phrase(previous)} ({_date(previous)}), change {change:+,}"
    )


# ---------------------------------------------------------------------- stock arithmetic
@dataclass(frozen=True)
class StockCheck:
    """previous − released since + arrested since, set against the new stock."""

    previous: Claim
    released: int | None
    arrested: int | None
    expected: float
    off: float
    tolerance: float

    @property
    def adds_up(self) -> bool:
        return abs(self.off) <= self.tolerance


def _mid(claim: Claim) -> float:
    return (claim.value_low + claim.value_high) / 2


def flow_between(flows: list[Claim], start: date, end: date) -> int | None:
    """How many a source's own counts say moved after ``start`` up to ``end``: the growth of its running total
    (latest on or before each day, from the same start), else the sum of its event counts in between."""
    cumulative = sorted((c for c in flows if c.scope_kind == "cumulative" and c.as_of), key=lambda c: c.as_of)
    before = [c for c in cumulative if c.as_of <= start]  # type: ignore[operator]
    upto = [c for c in cumulative if start < c.as_of <= end]  # type: ignore[operator]
    if before and upto and scope_start(before[-1].scope) == scope_start(upto[-1].scope):
        grown = _mid(upto[-1]) - _mid(before[-1])
        if grown >= 0:
            return round(grown)
    events = {(c.as_of, c.value_low, c.value_high) for c in flows if c.scope_kind == "event" and c.as_of}
    inside = [(low + high) / 2 for day, low, high in events if start < day <= end]  # type: ignore[operator]
    return round(sum(inside)) if inside else None


def stock_check(
    claim: Claim, previous: Claim, flows: dict[str, list[Claim]], settings: FlagSettings
) -> StockCheck | None:
    """Whether a source's new stock follows from its previous one and the releases and arrests it reported in
    between; None when it reported neither (nothing to check against)."""
    if claim.metric != "still_detained" or previous.as_of is None or claim.as_of is None:
        return None
    if previous.as_of >= claim.as_of or scope_place(claim.scope) != scope_place(previous.scope):
        return None
    released = flow_between(flows.get("released", []), previous.as_of, claim.as_of)
    arrested = flow_between(flows.get("arrested", []), previous.as_of, claim.as_of)
    if released is None and arrested is None:
        return None
    expected = _mid(previous) - (released or 0) + (arrested or 0)
    tolerance = max(settings.stock_tolerance_people, settings.stock_tolerance * _mid(previous))
    return StockCheck(previous, released, arrested, expected, _mid(claim) - expected, tolerance)


def implausible(claim: Claim, previous: Claim, check: StockCheck | None, settings: FlagSettings) -> str:
    """Why a figure is held for review instead of flagged: its source's count moved far beyond anything it reported in
    between, within the window, and the sentence it comes from is not sure enough to stand on alone; else ''."""
    if claim.scope_kind == "event" or previous.as_of is None or claim.as_of is None:
        return ""
    if (
        claim.as_of - previous.as_of
    ).days > settings.window_days or claim.confidence >= settings.implausible_confidence:
        return ""
    before = max(_mid(previous), 1.0)
    change = (_mid(claim) - before) / before
    if abs(change) < settings.implausible_change or (check is not None and check.adds_up):
        return ""
    return (
        f"{source_label(claim.source)}: {value_phrase(claim)} {metric_words(claim.metric)} ({_date(claim)}) is "
        f"{change:+.0%} from {value_phrase(previous)} ({_date(previous)}) with nothing reported in between to "
        f"explain it, from one sentence of confidence {claim.confidence:.0%}: held for review"
    )


def stock_reason(claim: Claim, check: StockCheck) -> str:
    """The arithmetic, written out: '804 (2026-01-26) − 116 released + 14 arrested = 702 expected; 687 stated'."""
    sum_text = f"{value_phrase(check.previous)} ({_date(check.previous)})"
    if check.released is not None:
        sum_text += f" \u2212 {check.released:,} released"
    if check.arrested is not None:
        sum_text += f" + {check.arrested:,} arrested"
    return (
        f"{source_label(claim.source)}: {value_phrase(claim)} {metric_words(claim.metric)} ({_date(claim)}) does not "
        f"add up: {sum_text} since = {round(check.expected):,} expected; off by {round(check.off):+,}"
    )


def _find_contradiction(
    flags_state: list[FlagState], claim: Claim, pair: tuple[str, ...], kind: str, settings: FlagSettings
) -> FlagState | None:
    """The flag that already holds this disagreement: same metric, scope kind, sources and window."""
    best: FlagState | None = None
    for f in flags_state:
        if f.type != "contradiction" or f.metric != claim.metric or f.scope_kind != claim.scope_kind:
            continue
        if (f.source_a, f.source_b) != pair:
            continue
        if f"|{kind}|" not in f.dedupe_key and f.dedupe_key:
            continue
        if f.anchor_as_of is None or claim.as_of is None:
            continue
        if abs((f.anchor_as_of - claim.as_of).days) > settings.window_days:
            continue
        if best is None or (best.anchor_as_of and f.anchor_as_of > best.anchor_as_of):
            best = f
    return best
