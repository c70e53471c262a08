"""Importer for OpenSanctions' `targets.simple.csv`: one row per target, multi-values joined by ";".

The format flattens each entity: names come without their kind (all become a.k.a.) and sanctions
as text (kept in the notes). The same id in several files is one entity, merged. As with the FtM
export, targets other than people, organisations, vessels and aircraft (wallets) are left out.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from service.errors import ImportFormatError
from service.watchlist.identifiers import Scheme

# The same data as the FtM export in another shape: the same ids, schemas, countries, listings.
from service.watchlist.importers.numbers import identifier
from service.watchlist.importers.opensanctions_ftm import (
    _SCHEMAS,
    AUTHORITY,
    ID_PREFIX,
    _country,
    _dataset_listings,
)
from service.watchlist.importers.records import csv_records, describe_validation, format_error
from service.watchlist.model import Address, Alias, Entity, Identifier, Source

# The exporter's columns have grown (first_seen and last_seen swapped, then last_change, then
# program_ids): the ones read are looked up by name, and these must be there.
_REQUIRED = ("id", "schema", "name", "aliases", "countries", "dataset")
_T = TypeVar("_T")


def read_opensanctions_csv(paths: Sequence[Path]) -> list[Entity]:
    """Read `targets.simple.csv` files into entities, one per id, in file order."""
    entities: dict[str, Entity] = {}
    for path in paths:
        for entity in _read(Path(path)):
            known = entities.get(entity.id)
            entities[entity.id] = entity if known is None else _merge(known, entity)
    return list(entities.values())


def _read(path: Path) -> Iterator[Entity]:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path}: not UTF-8 text") from None
    rows = csv_records(path, text)
    header = _header(path, next(rows, (1, []))[1])
    lines: dict[str, int] = {}
    for line, fields in rows:
        if len(fields) != len(header):
            raise format_error(path, line, f"expected {len(header)} fields, found {len(fields)}")
        row = dict(zip(header, fields, strict=True))
        entity_id = row["id"].strip()
        if entity_id in lines:
            raise format_error(
                path, line, f"duplicate id {entity_id} (first on line {lines[entity_id]})"
            )
        lines[entity_id] = line
        if row["schema"].strip() in _SCHEMAS:
            yield _entity(path, line, row)


def _header(path: Path, header: list[str]) -> list[str]:
    columns = [column.strip() for column in header]
    missing = [column for column in _REQUIRED if column not in columns]
    if missing:
        problem = f"not an OpenSanctions targets.simple.csv header: no {', '.join(missing)}"
        raise format_error(path, 1, problem)
    return columns


def _entity(path: Path, line: int, row: dict[str, str]) -> Entity:
    entity_id, name = row["id"].strip(), row["name"].strip()
    if not entity_id:
        raise format_error(path, line, "the id is empty")
    if not name:
        raise format_error(path, line, f"entity {entity_id}: the name is empty")
    codes = tuple(dict.fromkeys(c for c in map(_country, _values(row["countries"])) if c))
    sanctions = _values(row.get("sanctions", ""))
    try:
        return Entity(
            id=f"{ID_PREFIX}{entity_id}",
            name=name,
            aliases=tuple(Alias(name=a) for a in _values(row["aliases"]) if a != name),
            schema_=_SCHEMAS[row["schema"].strip()],
            country=codes,
            addresses=tuple(Address(full=a) for a in _values(row.get("addresses", ""))),
            identifiers=_identifiers(_values(row.get("identifiers", "")), codes),
            listings=tuple(
                _dataset_listings(_values(row["dataset"]), _values(row.get("program_ids", "")))
            ),
            sources=(Source(name=path.name, reference=entity_id),),
            notes="\n".join(sanctions) or None,
        )
    except ValidationError as exc:
        raise format_error(path, line, f"entity {entity_id}: {describe_validation(exc)}") from None


def _identifiers(values: Iterable[str], countries: Sequence[str]) -> tuple[Identifier, ...]:
    """The `identifiers` column gives numbers without their kind: each is read as a registration
    number of the entity's one country (a national scheme when its check digits hold there),
    as a generic registration number when the entity has several countries or none."""
    country = countries[0] if len(countries) == 1 else None
    found = (identifier(Scheme.REGISTRATION, v, country=country, source=AUTHORITY) for v in values)
    return tuple(dict.fromkeys(one for one in found if one))


def _values(field_text: str) -> list[str]:
    """The values of a multi-value field: CSV with ";" for a separator, quoted when need be."""
    if not field_text.strip():
        return []
    try:
        values = next(csv.reader([field_text], delimiter=";", strict=True))
    except csv.Error:
        values = field_text.split(";")  # a stray quote: the plain split loses nothing
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _merge(first: Entity, second: Entity) -> Entity:
    """One entity from two rows of the same id in different files: the first name stays primary."""
    aliases: dict[str, Alias] = {}
    for alias in (*first.aliases, Alias(name=second.name), *second.aliases):
        if alias.name != first.name:
            aliases.setdefault(alias.name, alias)
    notes = "\n".join(dict.fromkeys(n for n in (first.notes, second.notes) if n))
    return first.model_copy(
        update={
            "aliases": tuple(aliases.values()),
            "country": _unique(first.country, second.country),
            "addresses": _unique(first.addresses, second.addresses),
            "identifiers": _unique(first.identifiers, second.identifiers),
            "listings": _unique(first.listings, second.listings),
            "sources": _unique(first.sources, second.sources),
            "notes": notes or None,
        }
    )


def _unique(*groups: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))
