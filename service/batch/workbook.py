"""XLSX in and out: one sheet of a workbook read as rows of text, streamed (openpyxl's
read-only mode parses the sheet as it goes); results written as a workbook of a results sheet
and a summary sheet (write-only mode: rows go to a temporary file, not memory). No file opening
here: the caller passes a binary stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from service.errors import BadUpload
from service.spreadsheets import looks_like_formula

#: Rows between two progress reports.
PROGRESS_ROWS = 4096
#: Rows a sheet holds (Excel's limit); results beyond go on to "results 2", and so on.
SHEET_ROWS = 1_048_576
#: Characters a cell holds (Excel's limit).
CELL_CHARACTERS = 32_767
_TOO_LONG = "(too long for a spreadsheet cell: see the CSV or JSON Lines results)"


@contextmanager
def opened_sheet(stream: BinaryIO, sheet: str | None) -> Iterator[ReadOnlyWorksheet]:
    """The named sheet (the first when None) of the workbook in `stream`, closed afterwards."""
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a corrupt file surfaces as any of a dozen exception types
        raise BadUpload(
            f"the file is not a readable XLSX workbook ({type(exc).__name__}: {exc}); save it "
            "again from the spreadsheet, or export it as CSV",
            code="unreadable_xlsx",
        ) from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise BadUpload(
                f"no sheet {sheet!r}; the sheets are {', '.join(map(repr, names))}",
                code="unknown_sheet",
            )
        chosen = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        if not isinstance(chosen, ReadOnlyWorksheet):
            raise BadUpload(f"sheet {chosen.title!r} holds no cells", code="not_a_table")
        yield chosen
    finally:
        workbook.close()


def sheet_rows(
    sheet: ReadOnlyWorksheet, progress: Callable[[float], None] | None = None
) -> Iterator[list[str]]:
    """Every row of the sheet as text cells; the share done goes to `progress` now and then."""
    declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
    # Some writers declare wrong dimensions, and read-only mode would stop at them.
    sheet.reset_dimensions()
    try:
        for number, values in enumerate(sheet.values, start=1):
            if progress is not None and declared and number % PROGRESS_ROWS == 0:
                progress(min(number / declared, 1.0))
            yield [cell_text(v) for v in values]
    except (KeyError, ValueError, OSError, SyntaxError) as exc:
        # SyntaxError is how the XML parser reports a broken sheet.
        raise BadUpload(
            f"the sheet breaks off part-way through: {exc}", code="malformed_file"
        ) from None


def cell_text(value: object) -> str:
    """A cell as the user sees it: whole numbers without ".0" (ids are often numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


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
