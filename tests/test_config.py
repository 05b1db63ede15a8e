"""Configuration: validation names the bad key; every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from prisonwatch.config import DEFAULT_CONFIG_PATH, ConfigError, load_settings, setting_keys

DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_default_configuration_loads_with_the_public_feeds():
    settings = load_settings(env={})
    urls = {f.url for f in settings.feeds}
    assert "https://elpitazo.net/feed/" in urls
    assert "https://www.caracaschronicles.com/feed/" in urls
    assert any(u.startswith("https://news.google.com/rss/search?") and "ceid=US:en" in u for u in urls)
    assert settings.lexicon.people["Alfredo Romero"] == "foro_penal"


def test_every_setting_is_documented():
    documented = set(re.findall(r"^\| `([^`]+)` \|", DOCS.read_text(encoding="utf-8"), flags=re.M))
    missing = [k for k in setting_keys() if k not in documented]
    assert not missing, f"undocumented settings: {missing}"


def test_every_documented_setting_exists():
    documented = set(re.findall(r"^\| `([a-z_\[\]\.]+)` \|", DOCS.read_text(encoding="utf-8"), flags=re.M))
    stale = [k for k in documented if "." in k or k == "feeds" if k not in setting_keys()]
    assert not stale, f"documented but not settings: {stale}"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"fetch": {"read_timeout": "ten"}}, "fetch.read_timeout: expected a number"),
        ({"fetch": {"retires": 3}}, "fetch.retires: unknown setting"),
        ({"flags": {"window_days": 0}}, "flags.window_days: must be greater than zero"),
        ({"feeds": [{"name": "x", "url": "ftp://example.org/feed"}]}, "feeds[0].url"),
        ({"feeds": [{"url": "https://example.org/feed"}]}, "feeds[0].name: required setting is missing"),
        ({"lexicon": {"people": {"Someone": "martians"}}}, "lexicon.people.Someone: unknown source"),
        ({"report": {"digest_enabled": "yes"}}, "report.digest_enabled: expected true or false"),
    ],
)
def test_bad_values_are_refused_with_the_key_named(tmp_path, patch, message):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, patch), env={})
    assert message in str(err.value)


def test_environment_overrides_database_and_config(tmp_path):
    path = write(tmp_path, {"store": {"db_path": "a.duckdb"}})
    settings = load_settings(
        env={"PRISONWATCH_CONFIG": str(path), "PRISONWATCH_DB": "/tmp/other.duckdb", "PRISONWATCH_HOME": str(tmp_path)}
    )
    assert settings.db_path == Path("/tmp/other.duckdb")
    settings = load_settings(env={"PRISONWATCH_CONFIG": str(path), "PRISONWATCH_HOME": str(tmp_path)})
    assert settings.db_path == tmp_path / "a.duckdb"


def test_missing_file_and_bad_yaml_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml", env={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(bad, env={})


def test_bundled_file_sets_every_top_level_section():
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    assert set(raw) == {"feeds", "fetch", "extract", "relevance", "flags", "store", "report", "lexicon"}
