"""Reading a supplier file as rows to screen: what the file is (format, encoding, delimiter,
header, which columns hold the name, country, supplier id and registration or tax numbers) from
its first bytes, then every
row, streamed in constant memory within the bounds of `bounds`. A bad file raises `BadUpload`
(`UploadTooLarge` past a bound); a bad row carries its error.

CSV details live in `dialect` and `records`, column detection in `columns`, the records of each
format and the rows made of them in `cells` (XLSX in `spreadsheet`, JSON in `jsonrows`). No
web framework, no Redis.
"""

from __future__ import annotations

import codecs
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from service.batch import cells, columns, dialect
from service.batch.country import country_code
from service.batch.layout import TableFormat, TableInfo, TableOptions
from service.batch.numbers import cell_identifiers, header_scheme
from service.errors import BadUpload, UploadTooLarge
from service.files import spreadsheet
from service.files.bounds import LABEL_CHARS, ReadBounds
from service.watchlist.identifiers import Scheme

#: Bytes of a file enough to tell what it is (the format, encoding; a JSON array's columns).
HEAD_BYTES = 1 << 20
DEFAULT_BOUNDS = ReadBounds()
#: Read size of the input stream: large reads keep the per-row cost of text decoding low.
_READ_BYTES = 1 << 20
#: What undecodable bytes become when read with "surrogateescape".
_SURROGATES = re.compile("[\udc80-\udcff]")


_EXTENSIONS = {
    ".csv": TableFormat.CSV, ".txt": TableFormat.CSV, ".tsv": TableFormat.CSV,
    ".tab": TableFormat.CSV, ".xlsx": TableFormat.XLSX, ".xlsm": TableFormat.XLSX,
    ".jsonl": TableFormat.JSONL, ".ndjson": TableFormat.JSONL, ".json": TableFormat.JSON,
}  # fmt: skip
_UNSUPPORTED = {
    ".xls": "an Excel 97-2003 workbook (.xls)", ".xlsb": "a binary Excel workbook (.xlsb)",
    ".ods": "an OpenDocument spreadsheet (.ods)", ".numbers": "a Numbers spreadsheet",
    ".pdf": "a PDF document", ".docx": "a Word document", ".doc": "a Word document",
    ".zip": "a zip archive",
}  # fmt: skip
_MAGIC = {b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls) or another OLE document",
          b"%PDF": "a PDF document"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class InputRow:
    number: int  # 1-based data row number (header not counted; blank rows counted, not given)
    name: str | None
    country: str | None  # ISO alpha-2, from a code or a country name; None if none is known
    supplier_id: str | None
    error: str | None  # a per-row problem ("name is empty", "undecodable bytes ...")
    #: The row could not be read from the file (too long, a quote never closed, a JSON line
    #: that is not JSON): its `error` says why, and nothing of it is screened.
    unread: bool = False
    #: The registration or tax numbers of the row's identifier columns: (type or None, value).
    identifiers: tuple[tuple[str | None, str], ...] = ()


def inspect_file(
    path: Path,
    options: TableOptions,
    filename: str | None = None,
    bounds: ReadBounds = DEFAULT_BOUNDS,
) -> TableInfo:
    """`inspect_table` on a file: its first lines, or for XLSX its sheet's first rows."""
    with path.open("rb") as stream:
        return _inspect(stream, filename or path.name, options, bounds)


def inspect_table(
    head: bytes, filename: str, options: TableOptions, bounds: ReadBounds = DEFAULT_BOUNDS
) -> TableInfo:
    """What the file is, from its first bytes (for XLSX the whole file). `BadUpload` with a
    code (see `service.errors`) when it cannot be screened."""
    return _inspect(io.BytesIO(head), filename, options, bounds)


def _inspect(
    stream: BinaryIO, filename: str, options: TableOptions, bounds: ReadBounds
) -> TableInfo:
    head = stream.read(HEAD_BYTES)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise BadUpload("the file is empty", code="empty_file")
    fmt = _format(head, filename, options.format)
    stream.seek(0)
    if fmt is TableFormat.XLSX:
        with spreadsheet.opened_workbook(stream, bounds) as book:
            sheet = book.sheet(options.sheet)
            rows = islice(book.rows(sheet), dialect.SAMPLE_RECORDS + 1)
            records = [cells for cells, problem in rows if problem is None and any(cells)]
        return _info(fmt, None, None, records, options, sheet=sheet.title)
    encoding = (
        dialect.check_encoding(options.encoding)
        if options.encoding
        else dialect.detect_encoding(head)
    )
    if fmt is TableFormat.JSON:  # one element may span many lines, or be one long line
        text = dialect.decode_head(head, encoding)
    else:  # whole lines, those too long to be a row left out
        text = dialect.sample_text(stream, encoding, bounds.max_row_chars)
    if fmt is TableFormat.CSV:
        delimiter = (
            dialect.check_delimiter(options.delimiter)
            if options.delimiter
            else dialect.detect_delimiter(text, bounds.max_columns)
        )
        records = dialect.sample_records(text, delimiter, bounds.max_columns)
        return _info(fmt, encoding, delimiter, records, options)
    labels, sample = cells.json_sample(text, fmt is TableFormat.JSONL, bounds)
    found = columns.find_columns(labels, True, sample, _requested(options))
    return _table_info(fmt, encoding, None, found, None)


def read_rows(
    path: Path,
    info: TableInfo,
    *,
    progress: Callable[[float], None] | None = None,
    bounds: ReadBounds = DEFAULT_BOUNDS,
) -> Iterator[InputRow]:
    """Every data row of the file, in order, streamed; `progress` gets the share of the file
    read now and then. Problems of one row are in its `error` (a row too long or with a quote
    never closed is reported and the rest read); a file past a bound of `bounds` raises
    `UploadTooLarge`, one that breaks off part-way (a broken JSON array) `BadUpload`."""
    positions = [_position(info, info.name_column)] + [
        None if label is None else _position(info, label)
        for label in (info.country_column, info.id_column)
    ]
    numbers = [
        (_position(info, label), header_scheme(label) if info.header else None)
        for label in info.identifier_columns
    ]
    xlsx = info.format is TableFormat.XLSX
    with path.open("rb", buffering=0) as raw:
        reader = cells.ProgressReader(raw, path.stat().st_size, None if xlsx else progress)
        stream = io.BufferedReader(reader, _READ_BYTES)
        records = (
            cells.sheet_records(stream, info, bounds, progress)
            if xlsx
            else cells.text_records(stream, info, bounds)
        )
        yield from _input_rows(
            records, positions, numbers, info.encoding or "utf-8", bounds.max_rows
        )


def _position(info: TableInfo, label: str) -> int:
    try:
        return info.columns.index(label)
    except ValueError:
        raise BadUpload(
            f"no column {label!r} among {', '.join(map(repr, info.columns))}",
            code="unknown_column",
        ) from None


def _format(head: bytes, filename: str, requested: TableFormat | None) -> TableFormat:
    if requested is not None:
        return requested
    suffix = Path(filename).suffix.casefold()
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise BadUpload(
                f"the file is {what}; save it as XLSX or CSV", code="unsupported_format"
            )
    if suffix in _UNSUPPORTED:
        raise BadUpload(
            f"the file is {_UNSUPPORTED[suffix]}; send CSV, XLSX, JSON Lines or a JSON array",
            code="unsupported_format",
        )
    if head.startswith(b"PK\x03\x04"):
        return TableFormat.XLSX
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    first = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
    return {b"[": TableFormat.JSON, b"{": TableFormat.JSONL}.get(first, TableFormat.CSV)


def _info(
    fmt: TableFormat,
    encoding: str | None,
    delimiter: str | None,
    records: Sequence[Sequence[str]],
    options: TableOptions,
    sheet: str | None = None,
) -> TableInfo:
    """Header or not, the labels and the columns, from the first records of a grid."""
    if not records:
        raise BadUpload("the file holds no rows", code="empty_file")
    requested = _requested(options)
    named = {s.casefold() for s in (options.name_column, options.country_column) if s}
    first, rest = records[0], records[1:]
    header = bool(named & {c.casefold() for c in first}) or columns.looks_like_header(first, rest)
    sample = rest if header else records
    if not sample:
        raise BadUpload("the file has a header but no rows", code="empty_file")
    width = max(len(r) for r in records)
    labels = _labels(first, width) if header else [f"column {i}" for i in range(1, width + 1)]
    found = columns.find_columns(labels, header, sample, requested)
    return _table_info(fmt, encoding, delimiter, found, sheet)


def _table_info(
    fmt: TableFormat,
    encoding: str | None,
    delimiter: str | None,
    found: columns.Columns,
    sheet: str | None,
) -> TableInfo:
    def label(position: int | None) -> str | None:
        return None if position is None else found.labels[position]

    return TableInfo(
        format=fmt,
        encoding=encoding,
        delimiter=delimiter,
        columns=found.labels,
        name_column=found.labels[found.name],
        country_column=label(found.country),
        id_column=label(found.id),
        sheet=sheet,
        header=found.header,
        identifier_columns=tuple(found.labels[p] for p in found.identifiers),
    )


def _requested(options: TableOptions) -> columns.Requested:
    return columns.Requested(
        options.name_column, options.country_column, options.id_column, options.identifier_column
    )


def _labels(first: Sequence[str], width: int) -> list[str]:
    """Header cells as labels: blank ones named by position, repeated ones numbered."""
    labels: list[str] = []
    seen: Counter[str] = Counter()
    for position in range(width):
        cell = first[position].strip()[:LABEL_CHARS] if position < len(first) else ""
        label = cell or f"column {position + 1}"
        seen[label] += 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


def _input_rows(
    records: Iterator[cells.Record],
    positions: Sequence[int | None],
    numbers: Sequence[tuple[int, Scheme | None]],
    encoding: str,
    max_rows: int,
) -> Iterator[InputRow]:
    """Rows to screen from records: blank records are numbered but not given; a row with no
    name and no number, or with bytes that are not `encoding` in its name, carries an error;
    the country is an ISO code (None when the cell names no country known: screened without
    one). Past `max_rows` records, `UploadTooLarge`."""
    name_at, country_at, id_at = positions
    assert name_at is not None
    for number, (values, problem) in enumerate(records, start=1):
        if number > max_rows:
            raise UploadTooLarge(
                f"the file holds more than {max_rows:,} rows (SCREENING_JOB_MAX_ROWS); split "
                "it into smaller files",
                code="too_many_rows",
            )
        name = values[name_at].strip() if name_at < len(values) else ""
        country = country_code(_cell(values, country_at))
        supplier_id = _cell(values, id_at)
        identifiers = tuple(
            found
            for at, scheme in numbers
            for found in cell_identifiers(scheme, _cell(values, at) or "")
        )
        error = problem
        if not name and not identifiers:
            if problem is None and not any(value.strip() for value in values):
                continue
            error = error or "name is empty"
        elif not name.isascii() and _SURROGATES.search(name):
            name = _SURROGATES.sub("\ufffd", name)
            error = f"undecodable bytes in the name: the file is not all {encoding}"
        unread = problem is not None
        yield InputRow(number, name or None, country, supplier_id, error, unread, identifiers)


def _cell(values: Sequence[str], position: int | None) -> str | None:
    if position is None or position >= len(values):
        return None
    value = values[position].strip()
    if not value.isascii():
        value = _SURROGATES.sub("\ufffd", value)
    return value or None


def estimate_rows(path: Path, info: TableInfo, bounds: ReadBounds = DEFAULT_BOUNDS) -> int:
    """About how many rows the file holds, cheaply, for the batch rows charged when a job is
    submitted (the rest are charged as they are read): its lines (a quoted field with line
    breaks counts more), or what an XLSX sheet declares (which may lie). Never less than 1;
    `UploadTooLarge` when the lines are past `max_rows` already."""
    if info.format is TableFormat.XLSX:
        with path.open("rb") as stream, spreadsheet.opened_workbook(stream, bounds) as book:
            declared = book.declared_rows(book.sheet(info.sheet)) or 1
        rows = min(declared, spreadsheet.SHEET_ROWS)
    else:
        rows = 0
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                rows += block.count(b"\n")
            stream.seek(-1, 2)
            rows += stream.read(1) != b"\n"  # a last line without its newline
    rows = max(1, rows - int(info.header and info.format is not TableFormat.JSONL))
    if rows > bounds.max_rows:
        raise UploadTooLarge(
            f"the file holds {rows:,} lines, more than the {bounds.max_rows:,} rows allowed "
            "(SCREENING_JOB_MAX_ROWS); split it into smaller files",
            code="too_many_rows",
        )
    return rows
