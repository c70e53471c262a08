"""XLSX read by service/files/spreadsheet.py: cells by type and reference (numbers as shown,
shared and rich strings, blank rows kept in the numbering), a cell past the bound reported on
its row while only the bound of it is held, and the declared size read without the rows."""

from __future__ import annotations

import io
import secrets
import sys
import tracemalloc
from pathlib import Path

from service.files.bounds import ReadBounds
from service.files.spreadsheet import opened_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import upload_files


def rows(path: Path, bounds: ReadBounds | None = None) -> list[tuple[list[str], str | None]]:
    with path.open("rb") as stream, opened_workbook(stream, bounds or ReadBounds()) as book:
        return list(book.rows(book.sheet(None)))


def test_cells_by_type_and_reference(tmp_path: Path) -> None:
    sheet = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>',
        b'<row r="3"><c r="A3"><v>100024.0</v></c><c r="B3" t="b"><v>1</v></c>'
        b'<c r="C3"><v>12345678901234567890</v></c><c r="D3"><v>2.5</v></c></row>',
        b'<row r="4"><c r="B4" t="inlineStr"><is><r><t>Zavod </t></r><r><t>SVT</t></r>'
        b"<rPh><t>phonetic</t></rPh></is></c></row>",
    ]
    strings = [b"<si><t>Name</t></si>", b"<si><r><t>Coun</t></r><r><t>try</t></r></si>"]
    path = upload_files.write_xlsx(tmp_path / "a.xlsx", sheet, strings=strings)
    assert rows(path) == [
        (["Name", "", "Country"], None), ([], None),
        (["100024", "TRUE", "12345678901234567890", "2.5"], None), (["", "Zavod SVT"], None),
    ]  # fmt: skip


def test_a_cell_past_the_bound_is_reported_and_not_held(tmp_path: Path) -> None:
    text = secrets.token_hex(10 << 20).encode()  # 20 MB that deflate hardly shrinks
    sheet = [upload_files.row(1, "Name"),
             b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>",
             upload_files.row(3, "Zavod SVT")]  # fmt: skip
    path = upload_files.write_xlsx(tmp_path / "long.xlsx", sheet, level=1)
    del text, sheet
    tracemalloc.start()
    try:
        found = rows(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20
    assert found[0] == (["Name"], None) and found[2] == (["Zavod SVT"], None)
    assert found[1][1] is not None and "longer than 32,767 characters" in found[1][1]


def test_columns_past_the_bound_are_dropped(tmp_path: Path) -> None:
    path = upload_files.write_xlsx(tmp_path / "w.xlsx", [upload_files.row(1, *"ABCDEF")])
    assert rows(path, ReadBounds(max_columns=2)) == [(["A", "B"], None)]


def test_the_declared_size_is_read_without_the_rows(tmp_path: Path) -> None:
    path = upload_files.suppliers(tmp_path / "d.xlsx", 50, dimension="A1:B2")
    with path.open("rb") as stream, opened_workbook(stream, ReadBounds()) as book:
        assert book.declared_rows(book.sheet(None)) == 2
        assert book.archive.inflated < 64 * 1024


def test_a_workbook_in_memory_reads_the_same(tmp_path: Path) -> None:
    path = upload_files.suppliers(tmp_path / "m.xlsx", 3)
    with opened_workbook(io.BytesIO(path.read_bytes()), ReadBounds()) as book:
        assert len(list(book.rows(book.sheet("Suppliers")))) == 4
