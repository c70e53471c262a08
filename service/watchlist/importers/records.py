"""Reading official list files, for every importer: text decoding, CSV records with the line
each starts on, and format errors that name the file and the line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from service.errors import ImportFormatError
from service.watchlist.model import Entity, Listing


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a list file, by column name, with the line (or sheet row) it starts on."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def keep_once(
    found: dict[str, tuple[Entity, Path]], entity: Entity, path: Path, row: Row, what: str
) -> None:
    """Add an entity read from `path`; the same id read before (`what` says whose) is refused."""
    if entity.id in found:
        raise format_error(path, row.line, f"{what} is also in {found[entity.id][1]}")
    found[entity.id] = entity, path


def listings_by_programme(
    template: Listing, designations: Iterable[tuple[str | None, date | None]]
) -> Iterator[Listing]:
    """One listing per programme of the (programme, date) pairs of an entity's rows, like
    `template` and dated by the programme's earliest date."""
    programmes: dict[str | None, list[date]] = {}
    for programme, listed in designations:
        dates = programmes.setdefault(programme, [])
        if listed:
            dates.append(listed)
    for programme, dates in programmes.items():
        yield template.model_copy(
            update={"programme": programme, "listed_on": min(dates, default=None)}
        )


def format_error(path: Path, line: int, problem: str) -> ImportFormatError:
    return ImportFormatError(f"{path}, line {line}: {problem}")


def describe_validation(exc: ValidationError) -> str:
    """The first problem pydantic found, as `field: message`."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM allowed) when the bytes are valid UTF-8, else Windows-1252, the encoding of
    OFAC's legacy files and of spreadsheets saved on Windows."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    # cp1252 leaves five bytes undefined; latin-1 maps every byte, so a stray one cannot fail.
    return data.decode("latin-1")


def csv_records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """The non-blank CSV records of a text, with the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise format_error(path, reader.line_num, f"malformed CSV: {exc}") from None
        if any(f.strip() for f in fields):
            yield start, fields
