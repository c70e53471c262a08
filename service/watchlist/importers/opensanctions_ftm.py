"""Importer for OpenSanctions FollowTheMoney entities as JSON lines (their `entities.ftm.json`).

Things (people, organisations, vessels, aircraft) become entities; the Sanction entities that
point at them give their listings, and the Address entities they point at their addresses. Other
things (crypto wallets, securities) are left out: they carry no name to screen a party against.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.errors import ImportFormatError
from service.watchlist.importers.numbers import identifiers_in
from service.watchlist.importers.records import describe_validation, format_error
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

AUTHORITY = "OpenSanctions"
ID_PREFIX = "opensanctions-"

_SCHEMAS = {
    "Person": Schema.PERSON,
    "Organization": Schema.ORGANIZATION,
    "Company": Schema.ORGANIZATION,
    "LegalEntity": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRCRAFT,
}
#: Schemas read only for what they say about a thing.
_SANCTION, _ADDRESS = "Sanction", "Address"
_ALIAS_PROPERTIES = (
    ("alias", AliasKind.AKA),
    ("previousName", AliasKind.FKA),
    ("weakAlias", AliasKind.WEAK),
)
# A vessel's flag is left out, as in the OFAC importer: it is not a link to the flag state.
_COUNTRY_PROPERTIES = ("mainCountry", "nationality", "citizenship", "jurisdiction", "country")
#: Properties holding company numbers, read with the scheme their name says.
_NUMBER_PROPERTIES = (
    "registrationNumber", "taxNumber", "innCode", "ogrnCode", "okpoCode", "leiCode",
)  # fmt: skip
# FtM country codes beyond ISO alpha-2: "zz" (global), "eu", historic ones ("suhh") and regions
# written "ua-cri" (Crimea), which belong to their country for screening.
_NOT_COUNTRIES = {"zz", "eu"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class _Record:
    """One FtM entity, its fragments merged, with the file and line it was first seen on."""

    id: str
    schema: str
    properties: dict[str, list[str]]
    datasets: list[str]
    target: bool
    path: Path
    line: int
    #: The names of the files holding a fragment, for provenance.
    files: dict[str, None] = field(default_factory=dict)

    def values(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    def merge(self, other: _Record) -> None:
        for prop, values in other.properties.items():
            mine = self.properties.setdefault(prop, [])
            mine.extend(v for v in values if v not in mine)
        self.datasets.extend(d for d in other.datasets if d not in self.datasets)
        self.target = self.target or other.target
        self.files.update(other.files)


def read_opensanctions_ftm(paths: Sequence[Path], *, targets_only: bool = True) -> list[Entity]:
    """Read FtM JSON lines files into entities, one per thing (targets only, unless told).

    The same id in several lines or files is one entity, its fragments merged (FtM's own rule).
    """
    records: dict[str, _Record] = {}
    for path in paths:
        for record in _records(Path(path)):
            if record.id in records:
                records[record.id].merge(record)
            else:
                records[record.id] = record
    addresses = {r.id: r for r in records.values() if r.schema == _ADDRESS}
    sanctions: defaultdict[str, list[_Record]] = defaultdict(list)
    for record in records.values():
        if record.schema == _SANCTION:
            for entity_id in record.values("entity"):
                sanctions[entity_id].append(record)
    return [
        _build_entity(record, sanctions.get(record.id, []), addresses)
        for record in records.values()
        if record.schema in _SCHEMAS and (record.target or not targets_only)
    ]


def _records(path: Path) -> Iterator[_Record]:
    """The records of one file worth keeping: things, sanctions and addresses."""
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    count = 0
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
            except UnicodeDecodeError:
                raise format_error(path, number, "not UTF-8 text") from None
            if not text:
                continue
            record = _record(path, number, text)
            count += 1
            if record.schema in _SCHEMAS or record.schema in (_SANCTION, _ADDRESS):
                yield record
    if count == 0:
        raise ImportFormatError(f"{path}: holds no FollowTheMoney entity")


def _record(path: Path, line: int, text: str) -> _Record:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise format_error(path, line, f"not a JSON line of FtM entities: {exc.msg}") from None
    if not isinstance(data, dict):
        raise format_error(path, line, "not an FtM entity: a line must hold one JSON object")
    entity_id, schema = data.get("id"), data.get("schema")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise format_error(path, line, "not an FtM entity: no 'id'")
    if not isinstance(schema, str) or not schema.strip():
        raise format_error(path, line, f"entity {entity_id}: no 'schema'")
    return _Record(
        id=entity_id.strip(),
        schema=schema.strip(),
        properties=_properties(path, line, data.get("properties", {})),
        datasets=_strings(path, line, "datasets", data.get("datasets", [])),
        target=data.get("target") is True,
        path=path,
        line=line,
        files={path.name: None},
    )


def _properties(path: Path, line: int, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise format_error(path, line, "'properties' must be an object")
    return {str(prop): _strings(path, line, str(prop), values) for prop, values in value.items()}


def _strings(path: Path, line: int, name: str, values: Any) -> list[str]:
    """A list of strings, stripped, without empty ones and repeats."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise format_error(path, line, f"{name!r} must be a list of strings")
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _build_entity(
    record: _Record, sanctions: Sequence[_Record], addresses: dict[str, _Record]
) -> Entity:
    names = [(n, AliasKind.AKA) for n in record.values("name")]
    names += [(v, kind) for prop, kind in _ALIAS_PROPERTIES for v in record.values(prop)]
    if not names:
        raise format_error(record.path, record.line, f"entity {record.id} has no name")
    # The first `name` is the primary name; lacking any, the first alias stands in.
    name = names[0][0]
    entity_addresses = _addresses(record, addresses)
    codes = [_country(v) for prop in _COUNTRY_PROPERTIES for v in record.values(prop)]
    codes += [a.country for a in entity_addresses]
    url = next(iter(record.values("sourceUrl")), None)
    try:
        return Entity(
            id=f"{ID_PREFIX}{record.id}",
            name=name,
            aliases=_unique_aliases(name, (Alias(name=n, kind=kind) for n, kind in names)),
            schema_=_SCHEMAS[record.schema],
            country=tuple(dict.fromkeys(c for c in codes if c)),
            addresses=entity_addresses,
            identifiers=_identifiers(record, next((c for c in codes if c), None)),
            listings=tuple(dict.fromkeys(_listings(record, sanctions))),
            sources=tuple(Source(name=f, reference=record.id, url=url) for f in record.files),
            notes="\n".join(record.values("notes")) or None,
        )
    except ValidationError as exc:
        problem = f"entity {record.id}: {describe_validation(exc)}"
        raise format_error(record.path, record.line, problem) from None


def _identifiers(record: _Record, country: str | None) -> tuple[Identifier, ...]:
    """The company numbers of the number properties; `country`, the entity's main country, is
    the issuer's (FtM does not say which country issued a number)."""
    found: dict[Identifier, None] = {}
    for prop in _NUMBER_PROPERTIES:
        for value in record.values(prop):
            for one in identifiers_in(prop, value, country=country, source=AUTHORITY):
                found.setdefault(one, None)
    return tuple(found)


def _addresses(record: _Record, addresses: dict[str, _Record]) -> tuple[Address, ...]:
    """Resolved Address entities first, then the address texts none of them already gives."""
    refs = (addresses[ref] for ref in record.values("addressEntity") if ref in addresses)
    found = [address for ref in refs if (address := _address(ref))]
    fulls = {a.full for a in found}
    found += [Address(full=text) for text in record.values("address") if text not in fulls]
    return tuple(dict.fromkeys(found))


def _address(record: _Record) -> Address | None:
    parts = ("street", "street2", "postOfficeBox", "postalCode", "city", "region", "state")
    full = next(iter(record.values("full")), None)
    if full is None:
        full = ", ".join(v for prop in parts for v in record.values(prop)[:1]) or None
    city = next(iter(record.values("city")), None)
    country = next((c for c in map(_country, record.values("country")) if c), None)
    if full is None and country is None:
        return None
    return Address(full=full, city=city, country=country)


def _listings(record: _Record, sanctions: Iterable[_Record]) -> Iterator[Listing]:
    """One listing per programme of each sanction; the datasets when there is no sanction."""
    found = False
    for sanction in sanctions:
        found = True
        datasets = sanction.datasets or record.datasets or [AUTHORITY]
        programmes: list[str | None] = [*_programmes(sanction)] or [None]
        reference = next(iter(sanction.values("authorityId") + sanction.values("unscId")), None)
        listed_on = _date(sanction.values("listingDate") + sanction.values("startDate"))
        for programme in programmes:
            yield Listing(
                authority=AUTHORITY,
                list=datasets[0],
                programme=programme,
                reference=reference,
                listed_on=listed_on,
            )
    if not found:
        yield from _dataset_listings(record.datasets, _programmes(record))


def _dataset_listings(datasets: Sequence[str], programmes: Sequence[str]) -> Iterator[Listing]:
    """Listings of an entity that no sanction describes: its datasets and its own programmes."""
    datasets = datasets or [AUTHORITY]
    if len(datasets) == 1 or not programmes:
        names: list[str | None] = [*programmes] or [None]
        for dataset in datasets:
            for programme in names:
                yield Listing(authority=AUTHORITY, list=dataset, programme=programme)
        return
    # Which dataset gave which programme is not said: the programmes go to the collection.
    for dataset in datasets:
        yield Listing(authority=AUTHORITY, list=dataset)
    for programme in programmes:
        yield Listing(authority=AUTHORITY, list=AUTHORITY, programme=programme)


def _programmes(record: _Record) -> list[str]:
    """OpenSanctions' programme ids ("EU-BLR"), stable across lists, else the programme names."""
    return record.values("programId") or record.values("program")


def _country(code: str) -> str | None:
    """An FtM country code as ISO alpha-2, or None for codes that name no present country."""
    base = code.strip().lower().split("-")[0]
    if len(base) != 2 or not base.isalpha() or not base.isascii() or base in _NOT_COUNTRIES:
        return None
    return base.upper()


def _date(values: Iterable[str]) -> date | None:
    """The first full date; FtM dates may be partial ("2022", "2022-03"), which give none."""
    for value in values:
        if _DATE.match(value):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def _unique_aliases(name: str, aliases: Iterable[Alias]) -> tuple[Alias, ...]:
    """The aliases without the primary name and without repeats (the first kind wins)."""
    unique: dict[str, Alias] = {}
    for alias in aliases:
        if alias.name != name:
            unique.setdefault(alias.name, alias)
    return tuple(unique.values())
