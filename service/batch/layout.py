"""The layout of a supplier file: the format, encoding, delimiter, sheet and columns a user
may give (`TableOptions`) and those detected by `tables` (`TableInfo`), which `cells` reads
the records by. Plain data: imports nothing of the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TableFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class TableOptions:
    format: TableFormat | None = None  # None: detected (magic bytes, extension, content)
    encoding: str | None = None  # None: detected (BOM, UTF-8, else charset-normalizer)
    delimiter: str | None = None  # None: detected among , ; \t |
    sheet: str | None = None  # XLSX: None = the first sheet
    name_column: str | None = None  # header text or 1-based position as text; None = detected
    country_column: str | None = None
    id_column: str | None = None
    #: The column of registration or tax numbers; None = detected (any number of them).
    identifier_column: str | None = None


@dataclass(frozen=True, slots=True)
class TableInfo:
    """What was detected, reported back to the user and enough to read the whole file."""

    format: TableFormat
    encoding: str | None
    delimiter: str | None
    columns: tuple[str, ...]  # the header; "column 1", ... when the file has none
    name_column: str
    country_column: str | None
    id_column: str | None
    sheet: str | None = None  # XLSX: the sheet read
    header: bool = True  # whether the first row is a header (else it is screened too)
    #: Columns of registration or tax numbers, each read as the scheme its header names (or
    #: recognised value by value).
    identifier_columns: tuple[str, ...] = ()
