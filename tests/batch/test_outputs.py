"""Results written in each format and read back: every row in order, the best match and its
explanation, the matches exactly as the API returns them, the summary, and text that a
spreadsheet would take for a formula kept as text."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from service.batch.outputs import (
    COLUMNS,
    ResultFormat,
    ResultRow,
    Summary,
    wanted,
    write_results,
)
from service.files import workbook
from service.screening.results import render_matches
from service.screening.screener import Screener

STARTED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def rows(screener: Screener) -> list[ResultRow]:
    found = screener.screen("ОАО «БЕЛАЗ», Жодино", country="BY", threshold=0.75, limit=5)
    assert found
    matches = render_matches(screener, found)
    return [
        ResultRow(1, "V1", "ОАО «БЕЛАЗ», Жодино", "BY", "hit", matches, None),
        ResultRow(2, "V2", "Acme Garden Furniture", None, "clear", b"[]", None),
        ResultRow(3, "=1+2", None, "BY", "error", b"[]", "name is empty"),
        ResultRow(4, None, "=HYPERLINK(\"http://x\")", None, "clear", b"[]", None),
    ]  # fmt: skip


def summary() -> Summary:
    return Summary(4, 3, 1, 1, "0a27", 0.75, False, STARTED, STARTED)


def written(rows: list[ResultRow], fmt: ResultFormat) -> bytes:
    out = io.BytesIO()
    write_results(iter(rows), summary, fmt, out)
    return out.getvalue()


def test_csv(rows: list[ResultRow]) -> None:
    data = written(rows, ResultFormat.CSV)
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets read it as UTF-8
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(table[0]) == list(COLUMNS)
    assert [r["row"] for r in table] == ["1", "2", "3", "4"]
    hit = table[0]
    assert (hit["status"], hit["best_entity_id"], hit["country"]) == ("hit", "by-belaz", "BY")
    assert float(hit["best_score"]) >= 0.75
    assert hit["best_matched_alias"] == "ОАО «БЕЛАЗ»"
    assert json.loads(hit["matches"]) == json.loads(rows[0].matches)
    assert int(hit["match_count"]) == len(json.loads(hit["matches"]))
    assert "белаз = белаз (exact)" in hit["explanation"]
    assert (table[1]["status"], table[1]["matches"], table[1]["match_count"]) == (
        "clear",
        "[]",
        "0",
    )
    assert (table[2]["status"], table[2]["error"]) == ("error", "name is empty")
    # Formula-like input is inert: a spreadsheet shows it as text.
    assert table[2]["supplier_id"] == "'=1+2"
    assert table[3]["name"] == '\'=HYPERLINK("http://x")'


def test_json_lines(rows: list[ResultRow]) -> None:
    lines = [json.loads(line) for line in written(rows, ResultFormat.JSONL).splitlines()]
    assert [line.get("row") for line in lines[:-1]] == [1, 2, 3, 4]
    assert lines[0]["matches"] == json.loads(rows[0].matches)
    assert lines[0]["matches"][0]["explanation"]["matched_tokens"]
    assert lines[2] == {"row": 3, "supplier_id": "=1+2", "name": None, "country": "BY",
                        "status": "error", "error": "name is empty", "warnings": None,
                        "identifiers": None, "matches": []}  # fmt: skip
    assert lines[-1] == {"summary": {
        "rows": 4, "screened": 3, "hits": 1, "errors": 1, "watchlist_version": "0a27",
        "threshold": 0.75, "only_hits": False, "started_at": STARTED.isoformat(),
        "finished_at": STARTED.isoformat(),
    }}  # fmt: skip


def test_xlsx(rows: list[ResultRow]) -> None:
    book = load_workbook(io.BytesIO(written(rows, ResultFormat.XLSX)))
    assert book.sheetnames == ["results", "summary"]
    results = list(book["results"].values)
    assert results[0] == COLUMNS
    assert [r[0] for r in results[1:]] == [1, 2, 3, 4]
    hit = dict(zip(COLUMNS, results[1], strict=True))
    assert (hit["best_entity_id"], hit["match_count"]) == (
        "by-belaz",
        len(json.loads(rows[0].matches)),
    )
    assert isinstance(hit["best_score"], int | float)  # a number, not text
    assert json.loads(str(hit["matches"])) == json.loads(rows[0].matches)
    cell = book["results"].cell(row=5, column=3)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")  # not a formula
    totals = {row[0]: row[1] for row in book["summary"].values}
    assert (totals["rows"], totals["hits"], totals["watchlist_version"]) == (4, 1, "0a27")


def test_xlsx_control_characters_and_overlong_cells() -> None:
    out = io.BytesIO()
    workbook.write_results(["a", "b"], [["Bad\x01name", "y" * 40_000]], lambda: [], out)
    values = list(load_workbook(out)["results"].values)[1]
    assert values[0] == "Badname"
    assert str(values[1]).startswith("(too long for a spreadsheet cell")


def test_summary_is_asked_for_after_the_rows() -> None:
    seen: list[str] = []

    def rows() -> list[ResultRow]:
        seen.append("rows")
        return [ResultRow(1, None, "A", None, "clear", b"[]", None)]

    def late_summary() -> Summary:
        seen.append("summary")
        return summary()

    for fmt in (ResultFormat.JSONL, ResultFormat.XLSX):
        seen.clear()
        write_results(iter(rows()), late_summary, fmt, io.BytesIO())
        assert seen == ["rows", "summary"]


def test_only_hits_keeps_rows_that_could_not_be_screened(rows: list[ResultRow]) -> None:
    assert [r.number for r in rows if wanted(r, only_hits=True)] == [1, 3]
    assert [r.number for r in rows if wanted(r, only_hits=False)] == [1, 2, 3, 4]
