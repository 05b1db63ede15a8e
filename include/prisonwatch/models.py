"""Plain records passed between pipeline stages.

Every stage takes and returns these (or their ``to_dict`` form), so the stages can be
unit-tested without Airflow and their outputs can be staged as JSON lines between tasks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, TypeVar

from prisonwatch.vocab import FLAG_STATUSES, FLAG_TYPES, METRICS, QUALIFIERS, SOURCES

__all__ = [
    "METRICS", "QUALIFIERS", "SOURCES", "FLAG_TYPES", "SCOPE_KINDS", "FLAG_STATUSES", "EVIDENCE_KEYS",
    "FeedEntry", "Article", "Figure", "FetchErrorRecord", "PollResult",
]  # fmt: skip

SCOPE_KINDS = ("stock", "cumulative", "event")
# A figure as a flag shows it (both sides of a flag, corroborations): the documented FigureEvidence shape.
EVIDENCE_KEYS = (
    "figure_id",
    "metric",
    "value_low",
    "value_high",
    "qualifier",
    "value_text",
    "vague",
    "source",
    "source_text",
    "scope",
    "scope_kind",
    "as_of",
    "sentence",
    "article_url",
    "article_title",
    "outlet",
    "language",
    "published",
    "confidence",
    "source_confidence",
)

Metric = Literal["released", "still_detained", "amnesty_granted", "arrested", "under_court_measures", "other"]
Qualifier = Literal["exact", "at_least", "more_than", "about", "fewer_than", "at_most", "range"]
ScopeKind = Literal["stock", "cumulative", "event"]

T = TypeVar("T")


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a dataclass from a dict, ignoring keys it does not declare (forward compatible)."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class FeedEntry:
    """One item discovered in a feed: enough to decide whether to fetch its page."""

    feed_name: str
    feed_url: str
    url: str
    title: str = ""
    published: str | None = None  # ISO 8601 date-time (UTC) or None
    summary: str = ""
    publisher: str = ""
    language: str = ""
    # Google News items cannot be resolved offline: the summary then stands in for the page.
    link_resolvable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedEntry:
        return _from_dict(cls, data)


@dataclass
class Article:
    """An extracted article (from a fetched page, a feed snippet or a seed file)."""

    url: str
    canonical_url: str
    title: str
    text: str
    content_hash: str
    published: str | None = None  # ISO date (YYYY-MM-DD) or date-time
    language: str = ""
    outlet: str = ""
    feed: str = ""
    origin: Literal["seed", "feed"] = "feed"
    relevant: bool = True
    relevance_reason: str = ""
    fetched_at: str | None = None
    text_source: str = "page"  # page | feed_snippet | seed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return _from_dict(cls, data)


@dataclass
class Figure:
    """A count of people that an article states, with the words it came from."""

    metric: str
    value_low: int
    value_high: int
    qualifier: str
    source: str
    source_text: str
    scope: str
    scope_kind: str
    sentence: str
    start: int  # character offsets of the number phrase in the article text
    end: int
    as_of: str | None = None  # ISO date
    vague: bool = False
    value_text: str = ""  # the number phrase as written ("más de 600")
    # probability that the figure (metric and value) is right, from the shipped scorer; 1.0 for hand entries
    confidence: float = 1.0
    source_confidence: float = 1.0  # probability that the claimant is right
    # article offsets and words of what the decision rests on: number, metric_cue, claimant → [start, end, text]
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_public_dict(self) -> dict[str, Any]:
        """The documented CLI shape of a figure."""
        keys = ("metric", "value_low", "value_high", "qualifier", "source", "source_text", "scope", "sentence")
        out = {k: getattr(self, k) for k in keys}
        out.update(
            scope_kind=self.scope_kind,
            as_of=self.as_of,
            vague=self.vague,
            value_text=self.value_text,
            start=self.start,
            end=self.end,
            confidence=self.confidence,
            source_confidence=self.source_confidence,
            evidence=self.evidence,
        )
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        return _from_dict(cls, data)


@dataclass
class FetchErrorRecord:
    """A failure kept for the operator: nothing is dropped silently."""

    url: str
    stage: str  # feed | page | extract | figures | store | report | deliver
    error_class: str
    message: str
    feed: str = ""
    attempt: int = 1
    at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FetchErrorRecord:
        return _from_dict(cls, data)


@dataclass
class PollResult:
    """The outcome of polling one feed: entries found, or why none were."""

    feed_name: str
    feed_url: str
    status: Literal["ok", "not_modified", "failed"]
    entries: list[FeedEntry] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    error_class: str | None = None
    bozo_reason: str | None = None
    http_status: int | None = None
    skipped_entries: int = 0  # items dropped for lack of a usable http(s) link

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["entries"] = [e.to_dict() for e in self.entries]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PollResult:
        obj = _from_dict(cls, data)
        obj.entries = [FeedEntry.from_dict(e) if isinstance(e, dict) else e for e in obj.entries]
        return obj
