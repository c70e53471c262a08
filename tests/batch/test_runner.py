"""Screening rows locally: results in input order, rows that cannot be screened reported per
row, only-hits, and the memo that screens each distinct name once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from service.batch import runner
from service.batch.runner import DEFAULT_MAX_NAME_LENGTH, screen_rows
from service.batch.tables import InputRow
from service.screening.screener import Screener
from service.settings import Settings


def row(
    number: int, name: str | None, country: str | None = None, error: str | None = None
) -> InputRow:
    return InputRow(number, name, country, f"V{number}", error)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str | None]]]:
    """The names the engine is asked to screen."""
    seen: list[tuple[str, str | None]] = []
    original = Screener.screen

    def counting(self: Screener, name: str, **options: Any) -> Any:
        seen.append((name, options["country"]))
        return original(self, name, **options)

    monkeypatch.setattr(Screener, "screen", counting)
    yield seen


def screened(screener: Screener, rows: list[InputRow], **options: Any) -> list[Any]:
    options = {"threshold": 0.75, "limit": 10, "only_hits": False} | options
    return list(screen_rows(screener, rows, **options))


def test_results_in_input_order_with_statuses(screener: Screener) -> None:
    rows = [
        row(1, "Legmash Orsha"),
        row(2, "Acme Garden Furniture"),
        row(3, None, error="name is empty"),
        row(5, "ОАО «БЕЛАЗ»", "BY"),
    ]
    results = screened(screener, rows)
    assert [(r.number, r.status) for r in results] == [
        (1, "hit"),
        (2, "clear"),
        (3, "error"),
        (5, "hit"),
    ]
    assert json.loads(results[0].matches)[0]["entity_id"] == "by-legmash"
    assert results[1].matches == b"[]"
    assert (results[2].error, results[2].supplier_id) == ("name is empty", "V3")
    assert (results[3].name, results[3].country) == ("ОАО «БЕЛАЗ»", "BY")


def test_rows_the_service_would_refuse_are_errors(screener: Screener) -> None:
    rows = [row(1, "x" * 301), row(2, "\x07\u200b"), row(3, "«—»"), row(4, "Zavod\x07SVT")]
    results = screened(screener, rows)
    assert [r.status for r in results] == ["error", "error", "error", "hit"]
    assert results[0].error == "name is 301 characters long; the limit is 300"
    assert results[1].error == "name is empty"  # once its control characters are removed
    assert results[3].warnings is not None and "U+0007" in results[3].warnings
    assert results[2].error == "name has no letters or digits to match"
    assert screened(screener, rows[:1], max_name_length=400)[0].status == "clear"


def test_the_name_limit_default_is_the_settings_default() -> None:
    assert Settings.model_fields["max_name_length"].default == DEFAULT_MAX_NAME_LENGTH


def test_only_hits_keeps_hits_and_errors(screener: Screener) -> None:
    rows = [row(1, "Acme Garden Furniture"), row(2, "MZKT"), row(3, "")]
    results = screened(screener, rows, only_hits=True)
    assert [(r.number, r.status) for r in results] == [(2, "hit"), (3, "error")]


def test_threshold_and_limit_are_applied(screener: Screener) -> None:
    [strict] = screened(screener, [row(1, "Legmash Orsa")], threshold=0.99)
    assert strict.status == "clear"
    [one] = screened(screener, [row(1, "OJSC Minsk Plant")], threshold=0.3, limit=1)
    assert len(json.loads(one.matches)) == 1


def test_repeated_names_are_screened_once(
    screener: Screener, calls: list[tuple[str, str | None]]
) -> None:
    names = ["ОАО «БЕЛАЗ»", "Acme Garden Furniture", "ОАО «БЕЛАЗ»", 'оао "белаз"',
             "ОАО  «БЕЛАЗ» ", "Acme Garden Furniture", "ОАО «БЕЛАЗ»"]  # fmt: skip
    rows = [row(i, name, "BY") for i, name in enumerate(names, start=1)]
    rows.append(row(8, "ОАО «БЕЛАЗ»", "RU"))  # another country: another question (and answer)
    results = screened(screener, rows)
    # Each text is screened once (the ends of a name are not part of it); another spelling
    # is screened for itself, since its explanation may differ.
    assert calls == [
        ("ОАО «БЕЛАЗ»", "BY"), ("Acme Garden Furniture", "BY"), ('оао "белаз"', "BY"),
        ("ОАО  «БЕЛАЗ»", "BY"), ("ОАО «БЕЛАЗ»", "RU"),
    ]  # fmt: skip
    # The last is listed in Belarus, asked with Russia: ranked lower, not hidden.
    statuses = ["hit", "clear", "hit", "hit", "hit", "clear", "hit", "hit"]
    assert [r.status for r in results] == statuses
    assert results[3].name == 'оао "белаз"'  # each row keeps its own text


def test_the_memo_is_bounded(
    screener: Screener, calls: list[tuple[str, str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MEMO_GENERATION", 2)
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Alpha"]  # Alpha aged out
    screened(screener, [row(i, n) for i, n in enumerate(names, start=1)])
    assert [name for name, _ in calls] == names
    calls.clear()
    screened(screener, [row(i, n) for i, n in enumerate(["A1", "B1", "A1", "C1", "A1"], 1)])
    assert [name for name, _ in calls] == ["A1", "B1", "C1"]  # a recent repeat stays
