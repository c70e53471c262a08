"""The change-driven re-screening screens only the counterparties that may match an added or
changed entity (`Scope`): what it brings in line on those entities must be what screening
every counterparty against the whole list finds."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from service.monitoring.findings import Scope, Subject, find_all, find_in_scope
from service.screening.queries import Limits, Parameters
from service.screening.screener import Screener
from service.settings import Settings
from service.watchlist.loader import Watchlist, load_watchlist
from service.watchlist.model import Alias, Entity

DEVSET = Path(__file__).resolve().parents[2] / "bench" / "devset" / "devset.csv"
PARAMETERS = Parameters(0.75, 10)
LIMITS = Limits.from_settings(Settings())


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.build(load_watchlist())


def _subjects(count: int) -> list[Subject]:
    """Counterparties named as the development set writes names: variants of listed names in
    every script and spelling, supplier lines, unlisted companies."""
    with DEVSET.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    picked = random.Random(5).sample(rows, count)
    return [
        Subject(f"c{i}", row["query"], (), row["country"] or None, ())
        for i, row in enumerate(picked)
    ]


def _on(findings: list, scope: frozenset[str]) -> list:
    return [
        None if found is None else {e: f.score for e, f in found.items() if e in scope}
        for found in findings
    ]


def test_the_scope_finds_what_the_whole_list_finds_on_its_entities(screener: Screener) -> None:
    subjects = _subjects(1500)
    # Entities with many variants in the set, and an alias-rich one.
    entity_ids = frozenset({"by-belaz", "by-peleng", "by-integral", "by-kb-radar", "by-mzkt"})
    scope = Scope(screener, entity_ids)
    assert scope.filters
    whole, _ = find_all(screener, subjects, PARAMETERS, LIMITS)
    scoped, _ = find_in_scope(screener, scope, subjects, PARAMETERS, LIMITS)
    assert _on(scoped, entity_ids) == _on(whole, entity_ids)
    assert sum(1 for f in _on(whole, entity_ids) if f) >= 20  # the scope is matched at all
    # ... and most counterparties were not screened against the whole list.
    may = [scope.may_match(s, PARAMETERS, LIMITS) for s in subjects]
    assert sum(may) < len(subjects) / 3


def test_an_identifier_of_the_scope_lets_the_counterparty_through(screener: Screener) -> None:
    entity = next(e for e in screener.watchlist.entities if e.identifiers)
    scope = Scope(screener, frozenset({entity.id}))
    value = entity.identifiers[0].value
    given = Subject("c1", "Unrelated Trading House", (), None, ((None, value),))
    written = Subject("c2", f"Unrelated Trading House, reg. no. {value}", (), None, ())
    assert scope.may_match(given, PARAMETERS, LIMITS)
    assert scope.may_match(written, PARAMETERS, LIMITS)
    assert not scope.may_match(
        Subject("c3", "Unrelated Trading House", (), None, ()), PARAMETERS, LIMITS
    )


def test_a_scope_whose_words_written_as_one_are_a_listed_word_filters_nothing(
    screener: Screener,
) -> None:
    # "Bel Avia" written as one is Belavia, a word of the list: the whole list looks it up
    # with more typos than an index of the scope alone would.
    added = Entity(id="xx-bel-avia", name="Bel Avia Trading", aliases=[Alias(name="Bel Avia")])
    watchlist = load_watchlist()
    assert watchlist.get("by-belavia") is not None
    grown = Screener.build(Watchlist.of([*watchlist.entities, added]))
    scope = Scope(grown, frozenset({added.id}))
    assert not scope.filters
    unrelated = Subject("c1", "Unrelated Trading House", (), None, ())
    assert scope.may_match(unrelated, PARAMETERS, LIMITS)
