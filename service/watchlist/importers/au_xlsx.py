"""Importer for Australia's DFAT Consolidated List as published (XLSX): one row per name of a
reference, `123` for the primary name and `123a`, `123b`... for its aliases and original-script
names; the rows of one reference number make one entity.

Read with the bounded XLSX reader of `service.files.spreadsheet` (zip, shared strings and cells
within `ReadBounds`); its refusals become `ImportFormatError`s naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from pydantic import ValidationError

from service.errors import BadUpload, ImportFormatError
from service.files.bounds import ReadBounds
from service.files.spreadsheet import opened_workbook
from service.watchlist.countries import country_code
from service.watchlist.identifiers import Scheme, find_identifiers, normalize, scheme_of, valid
from service.watchlist.importers.records import (
    Row,
    describe_validation,
    format_error,
    keep_once,
    listings_by_programme,
)
from service.watchlist.model import (
    Address,
    Alias,
    AliasKind,
    Entity,
    Identifier,
    Listing,
    Schema,
    Source,
)

AUTHORITY = "AU-DFAT"
LIST_NAME = "DFAT Consolidated List"

_NAME = "Name of Individual or Entity"
_REQUIRED = ("Reference", _NAME, "Type", "Name Type")
_SCHEMAS = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "vessel": Schema.VESSEL}
_PRIMARY = "primary name"
_REFERENCE = re.compile(r"(\d+)([a-z]*)")
#: Day 0 of the serial dates Excel writes (the Control Date column).
_EXCEL_EPOCH = date(1899, 12, 30)
#: "Listed on 19 Jun. 2014", "Listed by the 1267 Committee on 14 May 2019": the first date.
_LISTED_ON = re.compile(
    r"\b(?:Listed|Designated)\b[^;]{0,80}?\bon:?\s*(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})"
)
_MONTHS = {m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
#: Several values in one cell: "a) Algeria b) Mali", or one per line or after a semicolon.
_LETTERED = re.compile(r"(?:^|\s)[a-z]\)\s+")
_VALUE_SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")
#: "Registration ID: 1027800000084 (Russia)", "Tax ID No.: 7831000122 (Russia)".
_NUMBER_LINE = re.compile(
    r"(?P<label>[A-Za-z][A-Za-z .()]*?)\s*:\s*(?P<value>\d[\d \-]{4,}\d)"
    r"(?:\s*\((?P<country>[^)]+)\))?"
)
#: Labels of the list that `scheme_of` does not know: OFAC's name for the OKPO code.
_LABELS = {"government gazette number": Scheme.OKPO}
#: A registration or tax number of these countries is their national scheme when it has its shape.
_NATIONAL = {
    ("RU", Scheme.REGISTRATION): Scheme.OGRN,
    ("RU", Scheme.TAX): Scheme.INN,
    ("BY", Scheme.REGISTRATION): Scheme.UNP,
    ("BY", Scheme.TAX): Scheme.UNP,
}


def read_au_dfat_xlsx(paths: Sequence[Path]) -> list[Entity]:
    """Read DFAT consolidated list workbooks, one entity per reference number; a reference
    given by two files is refused."""
    found: dict[str, tuple[Entity, Path]] = {}
    for path in map(Path, paths):
        rows = _read(path)
        list_date = max((d for r in rows if (d := _control_date(path, r))), default=None)
        for reference, group in _groups(path, rows).items():
            entity = _entity(path, reference, group, list_date)
            keep_once(found, entity, path, group[0], f"Reference {reference}")
    return [entity for entity, _ in found.values()]


def _read(path: Path) -> list[Row]:
    """The rows of the first sheet under its header, blank rows left out."""
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    try:
        with path.open("rb") as stream, opened_workbook(stream, ReadBounds()) as book:
            return list(_rows(path, enumerate(book.rows(book.sheet(None)), start=1)))
    except BadUpload as exc:
        raise ImportFormatError(f"{path}: {exc}") from None


def _rows(path: Path, records: Iterable[tuple[int, tuple[list[str], str | None]]]) -> Iterator[Row]:
    header: list[str] | None = None
    for line, (cells, problem) in records:
        if problem:
            raise format_error(path, line, problem)
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _header(path, line, cells)
            continue
        yield Row(line, dict(zip(header, cells, strict=False)))
    if header is None:
        raise ImportFormatError(f"{path}: the sheet is empty")


def _header(path: Path, line: int, cells: list[str]) -> list[str]:
    columns = [cell.strip() for cell in cells]
    missing = [column for column in _REQUIRED if column not in columns]
    if missing:
        raise format_error(
            path, line, f"not a DFAT Consolidated List header: no {', '.join(missing)}"
        )
    return columns


def _groups(path: Path, rows: Iterable[Row]) -> dict[str, list[Row]]:
    """The rows of each reference number, in file order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        match = _REFERENCE.fullmatch(row.get("Reference"))
        if not match:
            problem = f"Reference {row.get('Reference')!r} is not a number with letters after it"
            raise format_error(path, row.line, problem)
        groups.setdefault(match[1], []).append(row)
    return groups


def _entity(path: Path, reference: str, rows: list[Row], list_date: date | None) -> Entity:
    primary = next((r for r in rows if r.get("Name Type").lower() == _PRIMARY), rows[0])
    name = primary.get(_NAME)
    if not name:
        raise format_error(path, primary.line, f"Reference {reference}: the name is empty")
    kind = next((t for r in (primary, *rows) if (t := r.get("Type").lower())), "")
    addresses = tuple(dict.fromkeys(a for r in rows for a in _addresses(r.get("Address"))))
    citizenship = [c for r in rows for c in _countries(r.get("Citizenship"))]
    notes = dict.fromkeys(info for r in rows if (info := r.get("Additional Information")))
    try:
        return Entity(
            id=f"au-{reference}",
            name=name,
            aliases=_aliases(name, rows),
            schema_=_SCHEMAS.get(kind, Schema.OTHER),
            country=tuple(
                dict.fromkeys((*citizenship, *(a.country for a in addresses if a.country)))
            ),
            addresses=addresses,
            listings=tuple(_listings(reference, rows)),
            identifiers=_identifiers(notes),
            sources=(Source(name=path.name, reference=reference, date=list_date),),
            notes="\n".join(notes) or None,
        )
    except ValidationError as exc:
        problem = f"Reference {reference}: {describe_validation(exc)}"
        raise format_error(path, primary.line, problem) from None


def _aliases(name: str, rows: Iterable[Row]) -> tuple[Alias, ...]:
    """Every other name of the reference: weak when its Alias Strength says so."""
    unique: dict[str, Alias] = {}
    for row in rows:
        alias = row.get(_NAME)
        if alias and alias != name:
            weak = row.get("Alias Strength").lower() == "weak"
            unique.setdefault(
                alias, Alias(name=alias, kind=AliasKind.WEAK if weak else AliasKind.AKA)
            )
    return tuple(unique.values())


def _values(text: str) -> list[str]:
    """The values of a cell holding several ("a) ... b) ...", one per line or semicolon)."""
    parts = (p for chunk in _VALUE_SEPARATORS.split(text) for p in _LETTERED.split(chunk))
    return [part.strip(" ,.") for part in parts if part.strip(" ,.")]


def _addresses(text: str) -> list[Address]:
    return [Address(full=part, country=_country(part)) for part in _values(text)]


def _countries(text: str) -> list[str]:
    return [code for part in _values(text) if (code := _country(part))]


def _country(text: str) -> str | None:
    """The country an address or citizenship names last ("..., Minsk 220114, Belarus")."""
    plain = re.sub(r"\([^)]*\)|\d+", " ", text.replace("\xa0", " "))
    for segment in reversed(plain.split(",")):
        words = segment.strip(" .").split()
        for size in range(min(4, len(words)), 0, -1):
            if code := country_code(" ".join(words[-size:])):
                return code
    return None


def _listings(reference: str, rows: Sequence[Row]) -> Iterator[Listing]:
    """One listing per committee (sanctions regime), dated by "Listed on" where it says so."""
    template = Listing(authority=AUTHORITY, list=LIST_NAME, reference=reference)
    yield from listings_by_programme(
        template,
        ((r.get("Committees") or None, _listed_on(r.get("Listing Information"))) for r in rows),
    )


def _listed_on(text: str) -> date | None:
    match = _LISTED_ON.search(text)
    if not match or match[2].lower() not in _MONTHS:
        return None
    try:
        return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    except ValueError:
        return None


def _control_date(path: Path, row: Row) -> date | None:
    """The Control Date: an Excel serial day number, or an ISO date."""
    text = row.get("Control Date")
    if not text:
        return None
    try:
        if text.replace(".", "", 1).isdigit():
            return _EXCEL_EPOCH + timedelta(days=int(float(text)))
        return date.fromisoformat(text[:10])
    except (ValueError, OverflowError):
        raise format_error(path, row.line, f"Control Date {text!r} is not a date") from None


def _identifiers(notes: Iterable[str]) -> tuple[Identifier, ...]:
    """Register numbers the Additional Information gives after a label, in normal form and
    with their check digits holding where the scheme has them."""
    found: dict[tuple[Scheme, str], Identifier] = {}
    for text in notes:
        for match in _NUMBER_LINE.finditer(text):
            scheme = _label_scheme(match["label"])
            if scheme is None:
                continue
            country = country_code(match["country"]) if match["country"] else None
            for candidate in (_NATIONAL.get((country or "", scheme)), scheme):
                value = normalize(candidate, match["value"]) if candidate else ""
                if candidate and valid(candidate, value):
                    found.setdefault((candidate, value), _identifier(candidate, value, country))
                    break
        for labelled in find_identifiers(text):
            if labelled.labelled:
                identifier = _identifier(labelled.scheme, labelled.value, None)
                found.setdefault((labelled.scheme, labelled.value), identifier)
    return tuple(found.values())


def _label_scheme(label: str) -> Scheme | None:
    """The scheme the label names, read from its last words (a line may begin with others)."""
    words = label.strip().lower().split()
    for size in range(min(5, len(words)), 0, -1):
        text = " ".join(words[-size:])
        if scheme := _LABELS.get(text) or scheme_of(text):
            return scheme
    return None


def _identifier(scheme: Scheme, value: str, country: str | None) -> Identifier:
    return Identifier(type=scheme, value=value, source=AUTHORITY, country=country)
