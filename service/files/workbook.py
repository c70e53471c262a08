"""XLSX out: results written as a workbook of a results sheet and a summary sheet (openpyxl's
write-only mode: rows go to a temporary file, not memory). Supplier workbooks are read by
`spreadsheet`, within bounds. No file opening here: the caller passes a binary stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from service.files.formulas import looks_like_formula

#: Rows a sheet holds (Excel's limit); results beyond go on to "results 2", and so on.
SHEET_ROWS = 1_048_576
#: Characters a cell holds (Excel's limit).
CELL_CHARACTERS = 32_767
_TOO_LONG = "(too long for a spreadsheet cell: see the CSV or JSON Lines results)"


def write_results(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    summary: Callable[[], Iterable[tuple[str, Any]]],
    out: BinaryIO,
) -> None:
    """A "results" sheet (continued on "results 2"... past Excel's row limit) and a "summary"
    sheet of `summary()`'s items, which is called once the rows are written."""
    book = Workbook(write_only=True)
    sheet = _results_sheet(book, "results", columns)
    used = 1
    for row in rows:
        if used == SHEET_ROWS:
            sheet = _results_sheet(book, f"results {len(book.worksheets) + 1}", columns)
            used = 1
        sheet.append([_cell(sheet, value) for value in row])
        used += 1
    totals = book.create_sheet("summary")
    for key, value in summary():
        totals.append([key, _cell(totals, value)])
    book.save(out)


def _results_sheet(book: Workbook, title: str, columns: Sequence[str]) -> WriteOnlyWorksheet:
    sheet: WriteOnlyWorksheet = book.create_sheet(title)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Text as text: never a formula, without the control characters XLSX cannot hold."""
    if not isinstance(value, str):
        return value
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > CELL_CHARACTERS:
        value = _TOO_LONG
    if looks_like_formula(value):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # openpyxl would take "=..." for a formula; XLSX text stays text
        return cell
    return value
