"""XLSX in: one sheet of a workbook read as rows of text cells, streamed, within the bounds of
`service.files.bounds`: the zip inflated through `archive`'s counter, the XML parsed by expat
(`xmlparts`), the shared strings held compactly (one UTF-8 buffer and offsets) up to a count
and a size, a cell's text kept up to a length (the row is then reported), the rows counted.
No file opening here: the caller passes a seekable binary stream.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from service.errors import BadUpload, UploadTooLarge
from service.files.archive import Archive, unreadable
from service.files.bounds import ReadBounds
from service.files.xmlparts import EventParser, read_elements, relationships

#: Rows a sheet holds (Excel's limit): a sheet with more was not written by a spreadsheet.
SHEET_ROWS = 1_048_576
_CELL_REF = re.compile(r"[A-Za-z]{1,3}")
_BOOLEANS = {"1": "TRUE", "0": "FALSE", "true": "TRUE", "false": "FALSE"}
#: A sheet record: its cells (the first `max_columns`), and the problem of the whole row.
Record = tuple[list[str], str | None]


class SharedStrings:
    """The workbook's shared strings: one UTF-8 buffer and where each string starts."""

    def __init__(self) -> None:
        self.text = bytearray()
        self.starts = array("Q", [0])

    def __len__(self) -> int:
        return len(self.starts) - 1

    def add(self, value: str) -> None:
        self.text += value.encode("utf-8", "surrogatepass")
        self.starts.append(len(self.text))

    def get(self, index: int) -> str | None:
        if not 0 <= index < len(self):
            return None
        return self.text[self.starts[index] : self.starts[index + 1]].decode(
            "utf-8", "surrogatepass"
        )


@dataclass(frozen=True, slots=True)
class SheetRef:
    title: str
    part: str | None  # None: not a sheet of cells (a chart sheet)


@contextmanager
def opened_workbook(stream: BinaryIO, bounds: ReadBounds) -> Iterator[Workbook]:
    archive = Archive(stream, bounds)
    try:
        yield Workbook(archive)
    finally:
        archive.close()


class Workbook:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        book = next(
            (t for kind, t in relationships(archive, "").values() if kind == "officeDocument"),
            "xl/workbook.xml",
        )
        if book not in archive.names:
            raise unreadable("no workbook part in the zip")
        self.book = book
        rels = relationships(archive, book)
        self.sheets = [
            SheetRef(
                s.get("name", ""),
                rels[rid][1] if (rid := s.get("id", "")) in rels and rels[rid][0] == "worksheet"
                else None,
            )
            for s in read_elements(archive, book, "sheet")
        ]  # fmt: skip
        self.strings_part = next((t for k, t in rels.values() if k == "sharedStrings"), None)

    def sheet(self, title: str | None) -> SheetRef:
        """The named sheet (the first when None)."""
        if not self.sheets:
            raise unreadable("it lists no sheets")
        if title is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        names = ", ".join(repr(s.title) for s in self.sheets)
        raise BadUpload(f"no sheet {title!r}; the sheets are {names}", code="unknown_sheet")

    def shared_strings(self) -> SharedStrings:
        strings = SharedStrings()
        if self.strings_part is None or self.strings_part not in self.archive.names:
            return strings
        reader = _StringsReader(strings, self.archive.bounds)
        part = self.archive.open(self.strings_part)
        try:
            for _ in EventParser(reader.start, reader.end, reader.text).feed(part):
                pass
        finally:
            part.close()
        return strings

    def rows(
        self, sheet: SheetRef, progress: Callable[[float], None] | None = None
    ) -> Iterator[Record]:
        """Every row of the sheet, blank ones included (as empty records), in order; the share
        of the sheet read goes to `progress` now and then."""
        if sheet.part is None or sheet.part not in self.archive.names:
            raise BadUpload(f"sheet {sheet.title!r} holds no cells", code="not_a_table")
        reader = _RowsReader(self.shared_strings(), self.archive.bounds)
        part = self.archive.open(sheet.part)
        try:
            for _ in EventParser(reader.start, reader.end, reader.text).feed(part):
                if progress is not None:
                    progress(part.share)
                for item in reader.done:
                    if isinstance(item, int):
                        for _ in range(item):
                            yield [], None
                    else:
                        yield item
                reader.done.clear()
        finally:
            part.close()

    def declared_rows(self, sheet: SheetRef) -> int | None:
        """The rows the sheet says it spans (its `dimension`; not to be trusted)."""
        if sheet.part is None or sheet.part not in self.archive.names:
            return None
        found: list[str] = []

        def start(name: str, attributes: dict[str, str]) -> None:
            if name == "dimension":
                found.append(attributes.get("ref", ""))
            elif name in ("sheetData", "row"):
                found.append("")

        part = self.archive.open(sheet.part)
        try:
            for _ in EventParser(start, lambda _: None, None).feed(part):
                if found:
                    break
        finally:
            part.close()
        digits = re.findall(r"\d+", found[0]) if found else []
        return int(digits[-1]) if digits else None


class _Text:
    """Text gathered from pieces, up to a length: past it only the count goes on."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pieces: list[str] = []
        self.length = 0
        self.on = False

    def reset(self) -> None:
        self.pieces.clear()
        self.length = 0

    def add(self, data: str) -> None:
        if self.on:
            if self.length <= self.limit:
                self.pieces.append(data)
            self.length += len(data)

    @property
    def too_long(self) -> bool:
        return self.length > self.limit

    def value(self) -> str:
        return "".join(self.pieces)[: self.limit + 1]


class _StringsReader:
    """`<si>` elements into `SharedStrings`: the `<t>` runs of each, phonetic ones left out."""

    def __init__(self, strings: SharedStrings, bounds: ReadBounds) -> None:
        self.strings = strings
        self.bounds = bounds
        self.buffer = _Text(bounds.max_cell_chars)
        self.text = self.buffer.add
        self.phonetic = False

    def start(self, name: str, _: dict[str, str]) -> None:
        if name == "si":
            self.buffer.reset()
        elif name == "t" and not self.phonetic:
            self.buffer.on = True
        elif name == "rPh":
            self.phonetic = True

    def end(self, name: str) -> None:
        if name == "t":
            self.buffer.on = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "si":
            self._add(self.buffer.value())

    def _add(self, value: str) -> None:
        strings, bounds = self.strings, self.bounds
        if len(strings) >= bounds.max_shared_strings:
            raise UploadTooLarge(
                f"the workbook shares more than {bounds.max_shared_strings:,} strings "
                "(SCREENING_UPLOAD_MAX_SHARED_STRINGS); export the sheet as CSV",
                code="too_many_shared_strings",
            )
        strings.add(value)
        if len(strings.text) > bounds.max_shared_string_bytes:
            raise UploadTooLarge(
                f"the workbook's shared strings hold more than {bounds.max_shared_string_bytes:,} "
                "bytes (SCREENING_UPLOAD_MAX_SHARED_STRING_BYTES); export the sheet as CSV",
                code="shared_strings_too_large",
            )


class _RowsReader:
    """`<row>` elements into records: each cell's text by its type, placed by its reference;
    rows left out of the sheet (blank ones) come as a count of empty records."""

    def __init__(self, strings: SharedStrings, bounds: ReadBounds) -> None:
        self.strings = strings
        self.max_cell = bounds.max_cell_chars
        self.max_columns = bounds.max_columns
        self.buffer = _Text(bounds.max_cell_chars)
        self.text = self.buffer.add
        #: Records made of the last piece fed, and counts of blank rows between them.
        self.done: list[Record | int] = []
        self.number = 0  # of the last row
        self.cells: list[str] = []
        self.problem: str | None = None
        self.column = 0
        self.reference = ""
        self.kind = "n"
        self.inline = False
        self.phonetic = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "c":
            self.reference = attributes.get("r", "")
            self.column = _column(self.reference) if self.reference else len(self.cells)
            self.kind = attributes.get("t", "n")
            self.buffer.reset()
        elif name == "v" or (name == "t" and self.inline and not self.phonetic):
            self.buffer.on = True
        elif name == "is":
            self.inline = True
        elif name == "rPh":
            self.phonetic = True
        elif name == "row":
            self._row(attributes.get("r", ""))

    def end(self, name: str) -> None:
        if name in ("v", "t"):
            self.buffer.on = False
        elif name == "c":
            self._cell()
        elif name == "row":
            self.done.append((self.cells, self.problem))
        elif name == "is":
            self.inline = False
        elif name == "rPh":
            self.phonetic = False

    def _row(self, reference: str) -> None:
        number = _whole(reference) if reference else self.number + 1
        number = max(number, self.number + 1)  # out of order: taken as the next row
        if number > SHEET_ROWS:
            raise UploadTooLarge(
                f"the sheet holds a row numbered past {SHEET_ROWS:,}, the most a spreadsheet "
                "holds: it was not written by one",
                code="too_many_rows",
            )
        if number > self.number + 1:
            self.done.append(number - self.number - 1)
        self.number = number
        self.cells = []
        self.problem = None

    def _cell(self) -> None:
        if self.buffer.too_long:
            self.problem = self._too_long()
            return
        raw = self.buffer.value() if self.buffer.pieces else ""
        kind = self.kind
        if kind == "s":
            value = self.strings.get(_whole(raw.strip())) or ""
            if len(value) > self.max_cell:
                self.problem = self._too_long()
                return
        elif kind == "b":
            value = _BOOLEANS.get(raw.strip(), raw)
        elif kind == "n":
            value = _number(raw.strip())
        else:  # inlineStr, str (a formula's text), e (an error such as #N/A), d (ISO date)
            value = raw
        value = value.strip()
        column = self.column
        if not value or not 0 <= column < self.max_columns:
            return
        cells = self.cells
        if column >= len(cells):
            cells.extend([""] * (column - len(cells)))
            cells.append(value)
        else:
            cells[column] = value

    def _too_long(self) -> str:
        where = f" ({self.reference})" if self.reference else ""
        return (
            f"a cell{where} is longer than {self.max_cell:,} characters "
            "(SCREENING_UPLOAD_MAX_CELL_CHARS): the row is not read"
        )


def _column(reference: str) -> int:
    """0-based column of a cell reference such as `C12`; -1 for one that is not."""
    letters = _CELL_REF.match(reference)
    if letters is None:
        return -1
    column = 0
    for ch in letters.group().upper():
        column = column * 26 + ord(ch) - 64
    return column - 1


def _whole(text: str) -> int:
    """A row number or string index as written; -1 when it is not one, and a number past
    any sheet's rows when it is too long to be one."""
    if not (text.isascii() and text.isdigit()):
        return -1
    return int(text) if len(text) <= 9 else SHEET_ROWS * 1000


def _number(raw: str) -> str:
    """A number as the user sees it: whole ones without ".0" (ids are often numbers), and
    integers kept exact (not through a float)."""
    if "." in raw or "e" in raw or "E" in raw:
        try:
            value = float(raw)
        except ValueError:
            return raw
        return str(int(value)) if value.is_integer() else str(value)
    return raw
