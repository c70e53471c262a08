"""CSV records read within bounds (service/batch/records.py): the same cells as the csv module
for well-formed lines, rows too long and quotes never closed reported on their row and the
rest read, columns capped; and JSON lines too long reported on theirs."""

from __future__ import annotations

import csv
import io

import pytest

from service.batch.jsonrows import line_values
from service.batch.records import CsvRecords, Record, scan
from service.files.bounds import ReadBounds
from tests.conftest import make_settings


def records(text: str, max_chars: int = 100, max_columns: int = 10) -> list[Record]:
    return list(CsvRecords(io.StringIO(text, newline=""), ";", max_chars, max_columns))


@pytest.mark.parametrize(
    "text",
    [
        "a;b;c\r\n", 'a;"b;c";d\n', '"a ""quoted"" name";x\n', '"multi\nline";x\n', ";;\n",
        '"abc"def;x\n', 'a "b" c;d\n', '"";x\n', "last line without end",
        '"multi\r\nline\r\nthree";x\r\ny;z\r\n',
    ],
)  # fmt: skip
def test_the_cells_are_the_csv_module_s(text: str) -> None:
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [cells for cells, _ in records(text)] == expected


def test_quote_state_at_the_end_of_a_line() -> None:
    assert scan('a;"b""\n', ";", False) == (True, False)
    assert scan('b";c\n', ";", True) == (False, False)
    assert scan('b"c;d\n', ";", True) == (False, True)  # a quote closed before text
    assert scan('a "b;c\n', ";", False) == (False, False)  # a quote inside a field is text


def test_an_unclosed_quote_is_reported_and_the_lines_after_it_read_again() -> None:
    found = records('Name;Country\n"Zavod SVT;BY\nMZKT;BY\nAcme;DE\n')
    assert [cells for cells, _ in found] == [["Name", "Country"], None, ["MZKT", "BY"],
                                             ["Acme", "DE"]]  # fmt: skip
    assert found[1][1] is not None and "never closed" in found[1][1]


def test_a_quote_closed_before_text_on_a_later_line_is_not_closed() -> None:
    found = records('V-1;"Zavod SVT;BY\nV-2;OOO "Romashka";RU\nV-3;Acme;DE\n')
    assert [cells for cells, _ in found] == [None, ['V-2', 'OOO "Romashka"', "RU"],
                                             ["V-3", "Acme", "DE"]]  # fmt: skip


def test_a_quoted_field_longer_than_the_bound_is_taken_for_unclosed() -> None:
    found = records('a;"b\n' + "y\n" * 60 + '";c\nd;e\n')
    assert found[0] == (None, found[0][1]) and "never closed" in str(found[0][1])
    assert found[-1] == (["d", "e"], None)


def test_a_row_too_long_is_read_through_and_reported() -> None:
    reader = CsvRecords(io.StringIO("a;" + "x" * 500 + "\nb;c\n", newline=""), ";", 100, 10)
    found = list(reader)
    assert found[0][0] is None and "longer than 100 characters" in str(found[0][1])
    assert found[1] == (["b", "c"], None)
    assert reader.unread == 1


def test_columns_are_capped() -> None:
    assert records(";".join("abcdefghijkl") + "\n", max_columns=3) == [(["a", "b", "c"], None)]
    quoted = ";".join(f'"{c}"' for c in "abcdefghijkl") + "\n"
    assert records(quoted, max_columns=3) == [(["a", "b", "c"], None)]


def test_a_json_line_too_long_is_reported_and_the_next_read() -> None:
    text = '{"name": "' + "x" * 500 + '"}\n{"name": "MZKT"}\n'
    found = list(line_values(io.StringIO(text, newline=""), 100))
    assert found[0][0] is None and "longer than 100 characters" in str(found[0][1])
    assert found[1] == ({"name": "MZKT"}, None)


def test_the_default_bounds_are_the_settings_defaults() -> None:
    assert ReadBounds() == make_settings().read_bounds
