"""Settings: defaults, the SCREENING_ prefix, the unprefixed names, `.env`, and refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from scripts import configuration_page
from service.matching.matcher import DEFAULT_THRESHOLD
from service.settings import Settings, load_settings
from service.watchlist.importers.filters import EntityFilter
from service.watchlist.loader import load_sources
from service.watchlist.model import Schema

CONFIGURATION_PAGE = Path(__file__).parents[1] / "docs" / "configuration.md"


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = load_settings()
    assert settings.watchlist_paths == []
    assert settings.redis_url is None
    assert settings.default_threshold == DEFAULT_THRESHOLD
    assert (settings.default_limit, settings.max_limit) == (10, 100)
    assert settings.max_name_length == 300
    assert settings.batch_max_queries == 10_000
    assert settings.redis_key_prefix == "screening"
    assert settings.log_queries is False


def test_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_DEFAULT_THRESHOLD", "0.7")
    monkeypatch.setenv("SCREENING_BATCH_MAX_QUERIES", "500")
    monkeypatch.setenv("SCREENING_LOG_QUERIES", "true")
    monkeypatch.setenv("SCREENING_REDIS_URL", "redis://cache:6379/1")
    settings = Settings(_env_file=None)
    assert settings.default_threshold == 0.7
    assert settings.batch_max_queries == 500
    assert settings.log_queries is True
    assert settings.redis_url == "redis://cache:6379/1"


def test_unprefixed_names_for_paths_and_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHLIST_PATH", "a.jsonl, b.jsonl")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/screening")
    settings = Settings(_env_file=None)
    assert settings.watchlist_paths == [Path("a.jsonl"), Path("b.jsonl")]
    assert settings.redis_url == "redis://cache:6379/0"
    assert settings.database_url == "postgresql://db/screening"


def test_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        "WATCHLIST_PATH=other.jsonl\nSCREENING_MAX_LIMIT=20\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.watchlist_paths == [Path("other.jsonl")]
    assert settings.max_limit == 20


def test_environment_wins_over_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("SCREENING_MAX_LIMIT=20\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCREENING_MAX_LIMIT", "30")
    assert load_settings().max_limit == 30


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCREENING_DEFAULT_THRESHOLD", "1.5"),
        ("SCREENING_MAX_LIMIT", "0"),
        ("SCREENING_LOG_LEVEL", "LOUD"),
        ("SCREENING_REDIS_KEY_PREFIX", "has space"),
        ("SCREENING_DEFAULT_LIMIT", "500"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_settings_are_built_on_demand_not_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_MAX_NAME_LENGTH", "50")
    assert Settings(_env_file=None).max_name_length == 50
    monkeypatch.setenv("SCREENING_MAX_NAME_LENGTH", "60")
    assert Settings(_env_file=None).max_name_length == 60


def test_every_setting_is_documented() -> None:
    source = Path(Settings.__module__.replace(".", "/") + ".py")
    text = (Path(__file__).parents[1] / source).read_text(encoding="utf-8")
    lines = text.splitlines()
    for name in Settings.model_fields:
        at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{name}:"))
        assert lines[at - 1].strip().startswith("#:"), f"{name} has no comment"


def test_the_configuration_page_is_written_from_the_settings() -> None:
    """docs/configuration.md is what scripts/configuration_page.py writes from `Settings`:
    after changing a setting or its comment, run the script."""
    committed = CONFIGURATION_PAGE.read_text(encoding="utf-8")
    assert committed == configuration_page.page()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", committed, flags=re.MULTILINE))
    names = {name.upper() for name in Settings.model_fields}
    # Each setting under its prefixed name, or its plain one where that is accepted.
    assert {d.removeprefix("SCREENING_") for d in documented} == names


def test_watchlist_sources_and_filters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHLIST_PATH", "own.jsonl, ofac-csv:/lists/ofac/,eu-xml:/lists/eu.xml")
    monkeypatch.setenv("SCREENING_WATCHLIST_COUNTRIES", "by, ru")
    monkeypatch.setenv("SCREENING_WATCHLIST_PROGRAMMES", "BELARUS-EO14038")
    monkeypatch.setenv("SCREENING_WATCHLIST_SCHEMAS", "organization,Vessel")
    settings = Settings(_env_file=None)
    assert [str(source) for source in settings.watchlist_sources] == [
        "own.jsonl", "ofac-csv:/lists/ofac", "eu-xml:/lists/eu.xml",
    ]  # fmt: skip
    assert settings.watchlist_filter == EntityFilter(
        countries=frozenset({"BY", "RU"}),
        programmes=frozenset({"BELARUS-EO14038"}),
        schemas=frozenset({Schema.ORGANIZATION, Schema.VESSEL}),
    )


def test_no_watchlist_filter_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.watchlist_sources == []
    assert settings.watchlist_filter.selects_all


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("WATCHLIST_PATH", "ofac:/lists/ofac", "unknown format 'ofac'"),
        ("SCREENING_WATCHLIST_COUNTRIES", "Belarus", "not an ISO 3166-1 alpha-2"),
        ("SCREENING_WATCHLIST_SCHEMAS", "Company", "unknown schema 'Company'"),
    ],
)
def test_bad_watchlist_sources_and_filters_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=problem):
        Settings(_env_file=None)


def test_configured_sources_and_filters_load(monkeypatch: pytest.MonkeyPatch) -> None:
    fixtures = Path(__file__).parent / "watchlist" / "importers" / "fixtures"
    monkeypatch.setenv("WATCHLIST_PATH", f"ofac-csv:{fixtures / 'ofac' / 'sdn'}")
    monkeypatch.setenv("SCREENING_WATCHLIST_COUNTRIES", "BY")
    monkeypatch.setenv("SCREENING_WATCHLIST_SCHEMAS", "Organization")
    settings = Settings(_env_file=None)
    watchlist = load_sources(settings.watchlist_sources, settings.watchlist_filter)
    assert [entity.id for entity in watchlist.entities] == ["ofac-101"]
