"""The one declared source of configuration: a YAML file, overridable by environment variables.

``include/config/prisonwatch.yaml`` holds the defaults. ``PRISONWATCH_CONFIG`` points to another
file, ``PRISONWATCH_DB`` to another database, ``PRISONWATCH_HOME`` to the folder that relative
paths are resolved against. Every key is validated at load time and a bad one is named in the error.
Every setting is documented in ``docs/configuration.md`` (a test fails when one is not).
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = PACKAGE_DIR.parent
DEFAULT_CONFIG_PATH = INCLUDE_DIR / "config" / "prisonwatch.yaml"
SEED_CORPUS_DIR = INCLUDE_DIR / "seed_corpus"


class ConfigError(ValueError):
    """A configuration value is missing, unknown or of the wrong type; the message names the key."""


@dataclass
class FeedConfig:
    """A feed to poll: its name labels the mapped task in the Airflow UI."""

    name: str
    url: str
    language: str = ""
    enabled: bool = True


@dataclass
class FetchSettings:
    user_agent: str = "prisonwatch/0.1 (news monitor; {contact})"
    contact: str = "see https://github.com/prisonwatch"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline_seconds: float = 30.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 3
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 30.0
    per_host_delay_seconds: float = 1.0
    allow_hosts: list[str] = field(default_factory=list)
    max_articles_per_feed: int = 50
    google_news_decode: bool = False


@dataclass
class ExtractSettings:
    time_budget_seconds: float = 20.0
    max_html_bytes: int = 5_000_000
    min_text_chars: int = 200
    date_horizon_days: int = 730


@dataclass
class RelevanceSettings:
    keywords_es: list[str] = field(default_factory=list)
    keywords_en: list[str] = field(default_factory=list)
    country_terms: list[str] = field(default_factory=list)
    min_keyword_hits: int = 2


@dataclass
class ToleranceSettings:
    """How hedged figures become intervals before they are compared."""

    about: float = 0.10
    nearly: float = 0.10
    more_than_upper: float = 0.50
    at_least_upper: float = 0.50
    fewer_than_lower: float = 0.50
    exact: float = 0.0


@dataclass
class FlagSettings:
    window_days: int = 14
    as_of_tolerance_days: int = 3
    min_relative_gap: float = 0.05
    cumulative_growth_per_day: float = 0.05
    tolerance: ToleranceSettings = field(default_factory=ToleranceSettings)
    near_duplicate_threshold: float = 0.5
    near_duplicate_title_threshold: float = 0.8
    unhealthy_after_failures: int = 3
    # a figure whose confidence is below this is stored and listed for review, but raises and answers no flag
    min_confidence: float = 0.7
    # a source's new stock may differ from previous − released + arrested (its own counts in between) by this
    # share of the previous stock, or by this many people, before it is flagged as not adding up
    stock_tolerance: float = 0.1
    stock_tolerance_people: int = 10
    # a source's stock or running total that moves by at least this share within window_days, unexplained, from a
    # figure whose confidence is below implausible_confidence, is held for review instead of flagged
    implausible_change: float = 0.5
    implausible_confidence: float = 0.9


@dataclass
class StoreSettings:
    db_path: str = "data/prisonwatch.duckdb"
    staging_dir: str = "data/staging"


@dataclass
class ReportSettings:
    out_dir: str = "reports"
    recipients: list[str] = field(default_factory=list)
    from_email: str = "prisonwatch@localhost"
    smtp_conn_id: str = "smtp_default"
    digest_enabled: bool = True
    webhook_url: str = ""
    base_url: str = ""


@dataclass
class LexiconSettings:
    """Names that identify who claims a figure; words are matched case-insensitively."""

    people: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)


@dataclass
class Settings:
    feeds: list[FeedConfig] = field(default_factory=list)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    relevance: RelevanceSettings = field(default_factory=RelevanceSettings)
    flags: FlagSettings = field(default_factory=FlagSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    lexicon: LexiconSettings = field(default_factory=LexiconSettings)
    # claimant sources beyond the built-in ones: key -> label (their names go in lexicon)
    sources: dict[str, str] = field(default_factory=dict)
    home: str = ""

    # ------------------------------------------------------------------ paths
    def resolve(self, path: str) -> Path:
        """A configured path, relative to the project home unless absolute."""
        p = Path(path)
        return p if p.is_absolute() else Path(self.home or project_home()) / p

    @property
    def db_path(self) -> Path:
        return self.resolve(self.store.db_path)

    @property
    def staging_dir(self) -> Path:
        return self.resolve(self.store.staging_dir)

    @property
    def reports_dir(self) -> Path:
        return self.resolve(self.report.out_dir)

    def enabled_feeds(self) -> list[FeedConfig]:
        return [f for f in self.feeds if f.enabled]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def project_home() -> Path:
    """Where relative paths live: ``PRISONWATCH_HOME``, else the working directory."""
    return Path(os.environ.get("PRISONWATCH_HOME") or os.getcwd())


# ---------------------------------------------------------------------- validation
def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def _coerce(value: Any, tp: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {type(value).__name__}")
        return _build(tp, value, key)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], key)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {type(value).__name__}")
        return [_coerce(v, args[0], f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {type(value).__name__}")
        return {str(k): _coerce(v, args[1], f"{key}.{k}") for k, v in value.items()}
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return value
    raise ConfigError(f"{key}: unsupported setting type {_type_name(tp)}")


def _build(cls: type, data: dict[str, Any], prefix: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if key not in known or key == "home":
            raise ConfigError(f"{full}: unknown setting (known: {', '.join(sorted(k for k in known if k != 'home'))})")
        kwargs[key] = _coerce(value, hints[key], full)
    missing = [
        name
        for name, f in known.items()
        if name not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING  # type: ignore[misc]
    ]
    if missing:
        raise ConfigError(f"{prefix + '.' if prefix else ''}{missing[0]}: required setting is missing")
    return cls(**kwargs)


def _validate(settings: Settings) -> None:
    names = set()
    for i, feed in enumerate(settings.feeds):
        if not feed.name.strip():
            raise ConfigError(f"feeds[{i}].name: must not be empty")
        if feed.name in names:
            raise ConfigError(f"feeds[{i}].name: duplicate feed name {feed.name!r}")
        names.add(feed.name)
        if not feed.url.startswith(("http://", "https://")):
            raise ConfigError(f"feeds[{i}].url: must be an http or https URL, got {feed.url!r}")
    positive = {
        "fetch.connect_timeout": settings.fetch.connect_timeout,
        "fetch.read_timeout": settings.fetch.read_timeout,
        "fetch.deadline_seconds": settings.fetch.deadline_seconds,
        "fetch.max_bytes": settings.fetch.max_bytes,
        "extract.time_budget_seconds": settings.extract.time_budget_seconds,
        "extract.max_html_bytes": settings.extract.max_html_bytes,
        "flags.window_days": settings.flags.window_days,
        "flags.unhealthy_after_failures": settings.flags.unhealthy_after_failures,
    }
    for key, value in positive.items():
        if value <= 0:
            raise ConfigError(f"{key}: must be greater than zero, got {value!r}")
    if not 0 <= settings.fetch.max_redirects <= 20:
        raise ConfigError("fetch.max_redirects: must be between 0 and 20")
    if settings.flags.cumulative_growth_per_day < 0:
        raise ConfigError("flags.cumulative_growth_per_day: must not be negative")
    if not 0 <= settings.flags.min_confidence <= 1:
        raise ConfigError("flags.min_confidence: must be between 0 and 1")
    if not 0 < settings.flags.near_duplicate_threshold <= 1:
        raise ConfigError("flags.near_duplicate_threshold: must be in (0, 1]")
    if not 0 < settings.flags.near_duplicate_title_threshold <= 1:
        raise ConfigError("flags.near_duplicate_title_threshold: must be in (0, 1]")
    from prisonwatch.vocab import SOURCES, register_sources

    try:
        register_sources(settings.sources)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    for section in ("people", "organisations"):
        for name, source in getattr(settings.lexicon, section).items():
            if source not in SOURCES:
                raise ConfigError(f"lexicon.{section}.{name}: unknown source {source!r} (one of {', '.join(SOURCES)})")


def load_settings(path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read, validate and resolve the configuration.

    ``path`` wins over ``PRISONWATCH_CONFIG``, which wins over the bundled default.
    ``PRISONWATCH_DB`` overrides ``store.db_path``; ``PRISONWATCH_REPORTS`` overrides ``report.out_dir``.
    """
    env = dict(os.environ if env is None else env)
    config_path = Path(path or env.get("PRISONWATCH_CONFIG") or DEFAULT_CONFIG_PATH)
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {config_path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_path}: expected a mapping at the top level")
    settings: Settings = _build(Settings, raw)
    settings.home = env.get("PRISONWATCH_HOME") or os.getcwd()
    if env.get("PRISONWATCH_DB"):
        settings.store.db_path = env["PRISONWATCH_DB"]
    if env.get("PRISONWATCH_REPORTS"):
        settings.report.out_dir = env["PRISONWATCH_REPORTS"]
    if env.get("PRISONWATCH_STAGING"):
        settings.store.staging_dir = env["PRISONWATCH_STAGING"]
    if env.get("PRISONWATCH_ALLOW_HOSTS"):
        extra = [h.strip() for h in env["PRISONWATCH_ALLOW_HOSTS"].split(",") if h.strip()]
        settings.fetch.allow_hosts = sorted(set(settings.fetch.allow_hosts) | set(extra))
    _validate(settings)
    return settings


def setting_keys(cls: type = Settings, prefix: str = "") -> list[str]:
    """Every documented key, dotted (``fetch.read_timeout``); used by the docs-coverage test."""
    keys: list[str] = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name == "home":
            continue
        full = f"{prefix}{f.name}"
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            keys.extend(setting_keys(tp, full + "."))
        elif typing.get_origin(tp) is list and dataclasses.is_dataclass(typing.get_args(tp)[0]):
            keys.append(full)
            keys.extend(setting_keys(typing.get_args(tp)[0], full + "[]."))
        else:
            keys.append(full)
    return keys
