"""Importer for the UK OFSI consolidated list as CSV (`ConList.csv`): one row per name of a target.

A first line gives the list date (`Last Updated,dd/mm/yyyy`), then the header; the rows of one
`Group ID` make one entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from service.errors import ImportFormatError
from service.watchlist.countries import country_code
from service.watchlist.importers.numbers import bracketed_fields, identifiers_in
from service.watchlist.importers.records import (
    Row,
    csv_records,
    decode_text,
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

AUTHORITY = "UK"
LIST_NAME = "OFSI Consolidated List"

_REQUIRED = ("Name 6", "Group Type", "Alias Type", "Regime", "Group ID")
# Name 6 is the family name of a person and the whole name of an entity or ship: it comes last.
_NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
_ADDRESS_COLUMNS = (*(f"Address {n}" for n in range(1, 7)), "Post/Zip Code")
_SCHEMAS = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "ship": Schema.VESSEL}
_PRIMARY = "primary name"
# Other alias types ("Primary name variation", "AKA", "Prime Alias") are names as strong as an aka.
_ALIAS_KINDS = {"fka": AliasKind.FKA}
_LANGUAGES = {
    "arabic": "ar", "belarusian": "be", "chinese": "zh", "georgian": "ka", "korean": "ko",
    "persian": "fa", "farsi": "fa", "russian": "ru", "ukrainian": "uk",
}  # fmt: skip
# Several values in one field are numbered: "(1) Russia (2) Belarus".
_NUMBERING = re.compile(r"\(\d+\)")
_UK_REFERENCE = re.compile(r"\(UK Sanctions List Ref\):\s*([A-Za-z]+\d+)")


def read_uk_csv(paths: Sequence[Path]) -> list[Entity]:
    """Read OFSI ConList.csv files into entities, one per Group ID; a repeated group is refused."""
    found: dict[str, tuple[Entity, Path]] = {}
    for path in map(Path, paths):
        list_date, groups = _read(path)
        for group_id, rows in groups.items():
            entity = _entity(path, group_id, rows, list_date)
            keep_once(found, entity, path, rows[0], f"Group ID {group_id}")
    return [entity for entity, _ in found.values()]


def _read(path: Path) -> tuple[date | None, dict[str, list[Row]]]:
    """The list date and the rows of each group, in file order."""
    records = _records(path)
    line, first = next(records, (1, []))
    list_date = None
    if first and first[0].strip().lower().startswith("last updated"):
        given = next((v.strip() for v in first[1:] if v.strip()), "")
        list_date = _date(path, line, "Last Updated", given)
        line, first = next(records, (line + 1, []))
    header = _header(path, line, first)
    groups: dict[str, list[Row]] = {}
    for line, fields in records:
        if len(fields) != len(header):
            raise format_error(path, line, f"expected {len(header)} fields, found {len(fields)}")
        row = Row(line, dict(zip(header, fields, strict=True)))
        if not row.get("Group ID"):
            raise format_error(path, line, "Group ID is empty")
        groups.setdefault(row.get("Group ID"), []).append(row)
    return list_date, groups


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The non-blank CSV records of a file, with the line each starts on."""
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    # A copy saved from a spreadsheet may be in Windows-1252.
    yield from csv_records(path, decode_text(path.read_bytes()))


def _header(path: Path, line: int, header: list[str]) -> list[str]:
    columns = [column.strip() for column in header]
    missing = [column for column in _REQUIRED if column not in columns]
    if missing:
        # The FCDO's "UK Sanctions List" CSV keys its rows by "Unique ID": another layout.
        hint = "; this looks like the FCDO UK Sanctions List" if "Unique ID" in columns else ""
        raise format_error(
            path, line, f"not an OFSI ConList.csv header: no {', '.join(missing)}{hint}"
        )
    return columns


def _entity(path: Path, group_id: str, rows: Sequence[Row], list_date: date | None) -> Entity:
    primary = next((r for r in rows if r.get("Alias Type").lower() == _PRIMARY), rows[0])
    name = _name(primary)
    if not name:
        raise format_error(path, primary.line, f"Group ID {group_id}: the name is empty")
    # Nationalities first (a person's main link), then the countries of the addresses.
    countries = [
        c for column in ("Nationality", "Country") for r in rows for c in _countries(r.get(column))
    ]
    notes = dict.fromkeys(info for r in rows if (info := r.get("Other Information")))
    home = dict.fromkeys(c for r in rows for c in _countries(r.get("Country")))
    try:
        return Entity(
            id=f"uk-{group_id}",
            name=name,
            aliases=_aliases(name, rows),
            schema_=_SCHEMAS.get(primary.get("Group Type").lower(), Schema.OTHER),
            country=tuple(dict.fromkeys(countries)),
            addresses=tuple(dict.fromkeys(a for r in rows if (a := _address(r)))),
            identifiers=_identifiers(notes, next(iter(home)) if len(home) == 1 else None),
            listings=tuple(_listings(path, group_id, rows)),
            sources=(Source(name=path.name, reference=group_id, date=list_date),),
            notes="\n".join(notes) or None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise format_error(
            path, primary.line, f"Group ID {group_id}: {where}: {first['msg']}"
        ) from None


def _identifiers(notes: Iterable[str], country: str | None) -> tuple[Identifier, ...]:
    """The company numbers of the "(Business Reg No):..." kind of fields in "Other
    Information"; `country` is the one country of the addresses, if they name one."""
    found: dict[Identifier, None] = {}
    for label, value in (field for note in notes for field in bracketed_fields(note)):
        for one in identifiers_in(label, value, country=country, source=AUTHORITY):
            found.setdefault(one, None)
    return tuple(found)


def _name(row: Row) -> str:
    return " ".join(part for column in _NAME_COLUMNS if (part := row.get(column)))


def _aliases(name: str, rows: Iterable[Row]) -> tuple[Alias, ...]:
    """Every name of every row but the primary one, its non-Latin script one included."""
    unique: dict[str, Alias] = {}
    for row in rows:
        kind = _kind(row)
        if (latin := _name(row)) and latin != name:
            unique.setdefault(latin, Alias(name=latin, kind=kind))
        if (script := row.get("Name Non-Latin Script")) and script != name:
            language = _LANGUAGES.get(row.get("Non-Latin Script Language").lower())
            unique.setdefault(script, Alias(name=script, kind=kind, lang=language))
    return tuple(unique.values())


def _kind(row: Row) -> AliasKind:
    """Weak for "Low" quality ("Low quality" in some files), else by the alias type."""
    if row.get("Alias Quality").lower().startswith("low"):
        return AliasKind.WEAK
    return _ALIAS_KINDS.get(row.get("Alias Type").lower(), AliasKind.AKA)


def _address(row: Row) -> Address | None:
    parts = [row.get(column) for column in _ADDRESS_COLUMNS]
    country = row.get("Country")
    full = ", ".join(p for p in (*parts, country) if p)
    if not full:
        return None
    codes = _countries(country)
    return Address(full=full, country=codes[0] if len(codes) == 1 else None)


def _countries(text: str) -> list[str]:
    """ISO codes of the countries a field names, one or numbered; unknown names are left out."""
    names = (n.strip(" .,;") for n in _NUMBERING.split(text))
    return [code for n in names if n and (code := country_code(n))]


def _listings(path: Path, group_id: str, rows: Sequence[Row]) -> Iterator[Listing]:
    """One listing per regime, dated by its earliest "Listed On"."""
    reference = next(
        (m[1] for r in rows if (m := _UK_REFERENCE.search(r.get("Other Information")))), group_id
    )
    template = Listing(authority=AUTHORITY, list=LIST_NAME, reference=reference)
    yield from listings_by_programme(
        template,
        (
            (row.get("Regime") or None, _date(path, row.line, "Listed On", row.get("Listed On")))
            for row in rows
        ),
    )


def _date(path: Path, line: int, column: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise format_error(path, line, f"{column} {text!r} is not a dd/mm/yyyy date") from None
