"""Importer for the JSON export of Ukraine's sanctions register of companies: one array of
records `{id, person_id, name, tax_number, reg_number, address, status}`.

Names are in Ukrainian, some followed by their Russian and English forms in brackets; addresses
in Ukrainian, often with the Russian text in brackets. The export names no country: it is read
from the address ("Республіка Білорусь", "Російська Федерація", else a Belarusian city), and a
tax number is read in that country's scheme (the Belarusian UNP, the Russian INN, the Ukrainian
EDRPOU). The export names no authority, act or date either; the register is the National
Security and Defense Council's, so listings say `UA-NSDC`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.errors import ImportFormatError
from service.watchlist.countries import resolve_country
from service.watchlist.identifiers import Scheme, normalize, valid
from service.watchlist.importers.numbers import identifier
from service.watchlist.importers.records import describe_validation
from service.watchlist.model import Address, Alias, Entity, Identifier, Listing, Source

AUTHORITY = "UA-NSDC"
LIST_NAME = "State Register of Sanctions"
#: Largest file read, in bytes (the 2025 export of 7,603 records is 3.7 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
_KEYS = ("id", "person_id", "name", "tax_number", "reg_number", "address", "status")
#: "Ukrainian name (Russian name; English name)", the closing bracket sometimes missing.
_OTHER_FORMS = re.compile(r"^(?P<name>[^(]+?)\s*\((?P<forms>[^()]*;[^()]*)\)?\s*$")
#: Each address starts with what it is: where the company is registered, or located.
_ADDRESS_LABEL = re.compile(r"(?:^|;\s*)Місце (?:реєстрації|розташування)\s*:\s*")
#: The country an address names first: its first part, after a postcode if one comes first.
_FIRST_PART = re.compile(r"^(?:\d{5,6}\s*,\s*)?([^,(;\[]+)")
_BELARUS = re.compile(r"(?<!\w)(?:Республіка\s+)?(?:Білорусь|Беларусь|Белоруссия)(?!\w)")
#: Belarusian cities and their regions, for an address that names no country ("м. Мінськ").
_BELARUS_PLACES = re.compile(
    r"(?<!\w)(?:Мінськ|Минск|Гомел|Вітебськ|Витебск|Гродн|Могильов|Могилев|Бобруйськ|"
    r"Барановичі|Новополоцьк|Полоцьк|Мозир|Жодін|Солігорськ|Пінськ|Слуцьк|Жлобин|Орша)"
)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
#: Payer numbers of 9 digits are Belarusian UNPs, but Uzbek and Georgian tax numbers have 9
#: digits too: a number is read as a UNP without an address only when nothing else is given.
_UNP_LENGTH = 9


def read_ua_sanctions_json(paths: Sequence[Path]) -> list[Entity]:
    """Read export files into entities, one per `person_id`; a repeated one is refused."""
    entities: dict[str, Entity] = {}
    files: dict[str, Path] = {}
    for path in map(Path, paths):
        for number, record in enumerate(_records(path), start=1):
            entity = _entity(path, number, record)
            if entity.id in entities:
                raise ImportFormatError(
                    f"{path}, record {number}: person_id {entity.id.removeprefix('ua-')} is "
                    f"also in {files[entity.id]}"
                )
            entities[entity.id], files[entity.id] = entity, path
    return list(entities.values())


def address_country(text: str) -> str | None:
    """The country an address of the export names first; Belarus for a Belarusian city when
    it names none."""
    for part in _ADDRESS_LABEL.split(text):
        if match := _FIRST_PART.match(part.strip()):
            first = match[1].strip()
            if _BELARUS.fullmatch(first):
                return "BY"
            if code := resolve_country(first):
                return code
    if _BELARUS.search(text) or _BELARUS_PLACES.search(text):
        return "BY"
    return None


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFormatError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes")
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{path}, line {exc.lineno}, column {exc.colno}: not well-formed JSON ({exc.msg})"
        ) from None
    if not isinstance(data, list):
        raise ImportFormatError(f"{path}: not a register export (a JSON array of companies)")
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise ImportFormatError(f"{path}, record {number}: not a JSON object")
        missing = [key for key in ("person_id", "name") if key not in record]
        if missing:
            raise ImportFormatError(f"{path}, record {number}: no {', '.join(missing)}")
    return data


def _entity(path: Path, number: int, record: dict[str, Any]) -> Entity:
    where = f"{path}, record {number}"
    values = {key: _text(where, key, record.get(key)) for key in _KEYS}
    person_id = values["person_id"]
    if not person_id:
        raise ImportFormatError(f"{where}: person_id is empty")
    name, aliases = _names(values["name"])
    if not name:
        raise ImportFormatError(f"{where}: person_id {person_id}: the name is empty")
    addresses = _addresses(values["address"])
    country = next((a.country for a in addresses if a.country), None)
    identifiers = _identifiers(values["tax_number"], values["reg_number"], country)
    codes = [c for c in (country, *(i.country for i in identifiers)) if c]
    reference = f"id {values['id']}, person_id {person_id}" if values["id"] else person_id
    try:
        return Entity(
            id=f"ua-{person_id}",
            name=name,
            aliases=aliases,
            country=tuple(dict.fromkeys(codes)),
            addresses=addresses,
            identifiers=identifiers,
            listings=(Listing(authority=AUTHORITY, list=LIST_NAME, reference=person_id),),
            sources=(Source(name=path.name, reference=reference),),
        )
    except ValidationError as exc:
        raise ImportFormatError(f"{where}: {describe_validation(exc)}") from None


def _text(where: str, key: str, value: Any) -> str:
    """A field as stripped text ("" for null); numbers are read as their digits."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ImportFormatError(f"{where}: {key} must be text or a number")
    return str(value).strip()


def _names(text: str) -> tuple[str, tuple[Alias, ...]]:
    """The Ukrainian name, and the Russian and English forms the register gives in brackets."""
    text = " ".join(text.split())
    match = _OTHER_FORMS.match(text)
    if match is None:
        return text, ()
    forms = (f.strip() for f in match["forms"].split(";"))
    aliases = {
        form: Alias(name=form, lang="ru" if _CYRILLIC.search(form) else "en")
        for form in forms
        if form and form != match["name"]
    }
    return match["name"], tuple(aliases.values())


def _addresses(text: str) -> tuple[Address, ...]:
    parts = [p.strip(" ;") for p in _ADDRESS_LABEL.split(text) if p.strip(" ;")]
    return tuple(dict.fromkeys(Address(full=p, country=address_country(p)) for p in parts))


def _identifiers(tax: str, registration: str, country: str | None) -> tuple[Identifier, ...]:
    if country is None and not registration and _reads_as_unp(tax):
        country = "BY"
    found = (
        identifier(scheme, number, country=country, source=AUTHORITY)
        for scheme, number in ((Scheme.TAX, tax), (Scheme.REGISTRATION, registration))
        if number
    )
    return tuple(dict.fromkeys(one for one in found if one))


def _reads_as_unp(number: str) -> bool:
    return len(number) == _UNP_LENGTH and valid(Scheme.UNP, normalize(Scheme.UNP, number))
