"""The records of a supplier file as text cells, per format, streamed within the bounds of
reading (`bounds`), with the share of the file read reported on the way; `tables` makes the
rows to screen of them and is the interface to this. No web framework, no Redis.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO

from service.batch import dialect, jsonrows
from service.batch.layout import TableInfo
from service.batch.records import CsvRecords
from service.errors import BadUpload
from service.files import spreadsheet
from service.files.bounds import LABEL_CHARS, ReadBounds

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


#: A record: its cells, and the problem of the whole record (a JSON line that is not JSON).
Record = tuple[list[str], str | None]


class ProgressReader(io.RawIOBase):
    """A file that tells `report` the share of it read so far, on each read."""

    def __init__(self, raw: io.FileIO, size: int, report: Callable[[float], None] | None):
        self.raw = raw
        self.size = max(size, 1)
        self.report = report

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        count = self.raw.readinto(buffer)
        if self.report is not None:
            self.report(min(self.raw.tell() / self.size, 1.0))
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()


def text_records(stream: BinaryIO, info: TableInfo, bounds: ReadBounds) -> Iterator[Record]:
    """CSV, JSON Lines or JSON array records; undecodable bytes kept as lone surrogates so that
    the row holding them can say so."""
    encoding = info.encoding or "utf-8"
    text = io.TextIOWrapper(stream, encoding, errors="surrogateescape", newline="")
    if info.format == "csv":
        records = CsvRecords(text, info.delimiter or ",", bounds.max_row_chars, bounds.max_columns)
        yield from _after_header(((c or [], p) for c, p in records), info.header)
        return
    labels = info.columns
    if info.format == "jsonl":
        for value, problem in jsonrows.line_values(text, bounds.max_row_chars):
            yield ([], problem) if problem or value is None else json_cells(value, labels)
        return
    for value in jsonrows.array_values(text, bounds.max_row_chars):
        yield json_cells(value, labels)


def _after_header(records: Iterator[Record], header: bool) -> Iterator[Record]:
    """The records after the header (the first one with cells that are not blank; records
    before it that could not be read are no rows)."""
    if header:
        next((c for c, p in records if p is None and any(cell.strip() for cell in c)), None)
    yield from records


def sheet_records(
    stream: BinaryIO,
    info: TableInfo,
    bounds: ReadBounds,
    progress: Callable[[float], None] | None,
) -> Iterator[Record]:
    with spreadsheet.opened_workbook(stream, bounds) as book:
        rows = book.rows(book.sheet(info.sheet), progress)
        yield from _after_header(rows, info.header)


def json_cells(value: object, labels: Sequence[str]) -> Record:
    """An array element or a line as cells under `labels` (object keys, or just "name")."""
    if isinstance(value, dict):
        if tuple(labels) == ("name",) and "name" not in value:
            return [], "an object where a name (a string) was expected"
        return [_json_text(value.get(label)) for label in labels], None
    if isinstance(value, list):
        return [], "an array where a name or an object was expected"
    if tuple(labels) != ("name",):
        return [], "a single value where an object was expected"
    return [_json_text(value)], None


def json_sample(text: str, jsonl: bool, bounds: ReadBounds) -> tuple[list[str], list[list[str]]]:
    """The labels (object keys in order of appearance, or "name" for bare names; at most
    `max_columns`, each cut to `LABEL_CHARS`) and the first records of a JSON head, for
    finding the columns."""
    values = _jsonl_head(text) if jsonl else _array_head(text, bounds.max_row_chars)
    if not values:
        raise BadUpload("the file holds no rows", code="empty_file")
    objects = [v for v in values if isinstance(v, dict)]
    keys = dict.fromkeys(str(k) for o in objects for k in o) if objects else {"name": None}
    labels = [label for label in keys if len(label) <= LABEL_CHARS][: bounds.max_columns]
    return labels, [json_cells(v, labels)[0] for v in values]


def _jsonl_head(text: str) -> list[object]:
    lines = [line for line in text.splitlines() if line.strip()][: dialect.SAMPLE_RECORDS + 1]
    values = []
    for number, line in enumerate(lines, start=1):
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if number == 1:
                raise BadUpload(
                    f"line 1 is not JSON ({exc.msg}): JSON Lines hold one object per line",
                    code="not_a_table",
                ) from None
    return values[: dialect.SAMPLE_RECORDS]


def _array_head(text: str, max_chars: int) -> list[object]:
    values: list[object] = []
    try:
        for value in jsonrows.array_values(io.StringIO(text), max_chars):
            values.append(value)
            if len(values) >= dialect.SAMPLE_RECORDS:
                break
    except BadUpload:
        if values or text.lstrip()[:1] != "[":
            raise  # the head may end inside the array: what was read so far is the sample
    return values


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)
