"""Importer for the EU Financial Sanctions Files: the consolidated list as XML (`export` root).

Read as a stream, one `sanctionEntity` at a time (the file is 20+ MB), in the default namespace
the real file declares or in none.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from service.errors import ImportFormatError
from service.watchlist.countries import country_code
from service.watchlist.importers.numbers import identifiers_in, label_scheme
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

AUTHORITY = "EU"
LIST_NAME = "EU Financial Sanctions Files"

_SCHEMAS = {"person": Schema.PERSON, "enterprise": Schema.ORGANIZATION}
#: The prolog is read for a DOCTYPE before parsing; a real export starts with its root at once.
_PROLOG_BYTES = 1 << 20
# Quality is sometimes given in a name's remark instead of `strong`, misspelt at times ("lo
# quality"), as OpenSanctions' crawler of this file found.
_LOW_QUALITY = re.compile(r"\blow? quality\b", re.IGNORECASE)
_ADDRESS_PARTS = ("street", "poBox", "city", "zipCode", "region", "place")


@dataclass(frozen=True, slots=True)
class _Name:
    name: str
    lang: str | None
    weak: bool


def read_eu_xml(paths: Sequence[Path]) -> list[Entity]:
    """Read EU FSF XML files into entities, one per `sanctionEntity`; a repeated id is refused."""
    entities: dict[str, Entity] = {}
    files: dict[str, Path] = {}
    for path in map(Path, paths):
        for record, entity in _read(path):
            if entity.id in entities:
                raise ImportFormatError(
                    f"{path}, {record}: {entity.id} is also in {files[entity.id]}; give one "
                    "export of the list"
                )
            entities[entity.id], files[entity.id] = entity, path
    return list(entities.values())


def _read(path: Path) -> Iterator[tuple[str, Entity]]:
    """(record description, entity) for each `sanctionEntity` child of the root, in file order."""
    _refuse_doctype(path)
    depth, number, root, list_date = 0, 0, ET.Element("none"), None
    try:
        # ElementTree resolves no external entity (a reference to one is an error) and expat
        # >= 2.4 caps internal entity expansion; _refuse_doctype keeps entities out altogether.
        for event, element in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    root, list_date = element, _root_date(path, element)
                continue
            depth -= 1
            if depth == 1 and _local(element.tag) == "sanctionEntity":
                number += 1
                record = f"sanctionEntity #{number} (logicalId {element.get('logicalId')})"
                yield record, _entity(path, record, element, list_date)
                root.clear()  # the entity is built: drop its elements, keep memory flat
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportFormatError(
            f"{path}, line {line}, column {column}: not well-formed XML ({exc})"
        ) from None


def _refuse_doctype(path: Path) -> None:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    with path.open("rb") as file:
        prolog = file.read(_PROLOG_BYTES)
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise ImportFormatError(f"{path}: a DOCTYPE or entity declaration; the EU export has none")


def _root_date(path: Path, root: ET.Element) -> date | None:
    if _local(root.tag) != "export":
        raise ImportFormatError(
            f"{path}: not an EU Financial Sanctions Files export (root <{_local(root.tag)}>, "
            "expected <export>)"
        )
    return _date(path, "export", "generationDate", _attr(root, "generationDate"))


def _entity(path: Path, record: str, element: ET.Element, list_date: date | None) -> Entity:
    logical_id = _attr(element, "logicalId")
    if not logical_id:
        raise ImportFormatError(f"{path}, {record}: no logicalId")
    names = [name for alias in _children(element, "nameAlias") if (name := _name(alias))]
    if not names:
        raise ImportFormatError(f"{path}, {record}: no nameAlias with a name")
    primary = _primary(names)
    subject = next((_attr(s, "code").lower() for s in _children(element, "subjectType")), "")
    reference = _attr(element, "euReferenceNumber") or None
    addresses = tuple(dict.fromkeys(filter(None, map(_address, _children(element, "address")))))
    regulations = list(_children(element, "regulation"))
    url = next((u for r in regulations for u in _texts(r, "publicationUrl")), None)
    try:
        return Entity(
            id=f"eu-{logical_id}",
            name=primary.name,
            aliases=_aliases(primary, names),
            schema_=_SCHEMAS.get(subject, Schema.OTHER),
            country=_countries(element, addresses),
            addresses=addresses,
            identifiers=_identifiers(element),
            listings=_listings(path, record, element, regulations, reference),
            sources=(
                Source(name=path.name, reference=reference or logical_id, date=list_date, url=url),
            ),
            notes="\n".join(_texts(element, "remark")) or None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ImportFormatError(f"{path}, {record}: {where}: {first['msg']}") from None


def _name(alias: ET.Element) -> _Name | None:
    parts = (_attr(alias, a) for a in ("firstName", "middleName", "lastName"))
    name = _attr(alias, "wholeName") or " ".join(p for p in parts if p)
    if not name:
        return None
    lang = _attr(alias, "nameLanguage").lower()
    low = any(_LOW_QUALITY.search(remark) for remark in _texts(alias, "remark"))
    weak = _attr(alias, "strong").lower() == "false" or low
    return _Name(name, lang if len(lang) == 2 and lang.isalpha() else None, weak)


def _primary(names: Sequence[_Name]) -> _Name:
    """The first strong name in English or no stated language, else the first strong, else first."""
    strong = [n for n in names if not n.weak]
    return next((n for n in strong if n.lang in (None, "en")), None) or (strong or names)[0]


def _aliases(primary: _Name, names: Sequence[_Name]) -> tuple[Alias, ...]:
    unique: dict[str, Alias] = {}
    for n in names:
        if n.name != primary.name:
            kind = AliasKind.WEAK if n.weak else AliasKind.AKA
            unique.setdefault(n.name, Alias(name=n.name, kind=kind, lang=n.lang))
    return tuple(unique.values())


def _listings(
    path: Path,
    record: str,
    element: ET.Element,
    regulations: Sequence[ET.Element],
    reference: str | None,
) -> tuple[Listing, ...]:
    """One listing per programme; dated by the designation, else by the earliest regulation."""
    designated = _date(path, record, "designationDate", _attr(element, "designationDate"))
    by_programme: dict[str | None, list[date]] = {}
    for regulation in regulations:
        dates = by_programme.setdefault(_attr(regulation, "programme") or None, [])
        for attribute in ("entryIntoForceDate", "publicationDate"):
            if day := _date(path, record, attribute, _attr(regulation, attribute)):
                dates.append(day)
    return tuple(
        Listing(
            authority=AUTHORITY,
            list=LIST_NAME,
            programme=programme,
            reference=reference,
            listed_on=designated or min(dates, default=None),
        )
        for programme, dates in (by_programme or {None: []}).items()
    )


def _address(element: ET.Element) -> Address | None:
    description = _attr(element, "countryDescription")
    parts = [_attr(element, a) for a in _ADDRESS_PARTS]
    parts.append("" if description.upper() == "UNKNOWN" else description)
    full = ", ".join(p for p in parts if p)
    if not full:
        return None
    return Address(full=full, city=_attr(element, "city") or None, country=_country(element))


def _identifiers(element: ET.Element) -> tuple[Identifier, ...]:
    """The registration and tax numbers among the `identification` elements (by type code, else
    by description); passports and other documents are not company numbers."""
    found: dict[Identifier, None] = {}
    for document in _children(element, "identification"):
        label = _attr(document, "identificationTypeCode")
        if label_scheme(label) is None:
            label = _attr(document, "identificationTypeDescription")
        number = _attr(document, "number") or _attr(document, "latinNumber")
        country = _country(document)
        for one in identifiers_in(label, number, country=country, source=AUTHORITY):
            found.setdefault(one, None)
    return tuple(found)


def _countries(element: ET.Element, addresses: Sequence[Address]) -> tuple[str, ...]:
    """Citizenships first, then address countries, then the countries of identity documents."""
    codes = [_country(c) for c in _children(element, "citizenship")]
    codes += [a.country for a in addresses]
    codes += [_country(i) for i in _children(element, "identification")]
    return tuple(dict.fromkeys(c for c in codes if c))


def _country(element: ET.Element) -> str | None:
    """The ISO code of `countryIso2Code` ("00" when unknown), else of `countryDescription`."""
    code = _attr(element, "countryIso2Code").upper()
    if len(code) == 2 and code.isalpha() and code.isascii():
        return "RS" if code == "CS" else code  # CS, Serbia and Montenegro, lives on as Serbia
    return country_code(_attr(element, "countryDescription"))


def _date(path: Path, record: str, attribute: str, value: str) -> date | None:
    """An ISO date, maybe with a time ("2024-05-02T17:28:40.113+02:00"); None when empty."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ImportFormatError(f"{path}, {record}: {attribute} {value!r} is not a date") from None


def _attr(element: ET.Element, name: str) -> str:
    return (element.get(name) or "").strip()


def _children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if _local(child.tag) == name)


def _texts(element: ET.Element, name: str) -> list[str]:
    return [text for child in _children(element, name) if (text := (child.text or "").strip())]


def _local(tag: str) -> str:
    """A tag without its namespace: `{http://eu.europa.ec/fpi/fsd/export}export` -> `export`."""
    return tag.rpartition("}")[2]
