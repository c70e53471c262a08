"""The UK Sanctions List (FCDO), the Belarus-linked entity records as the Ammitto project wrote
them: one YAML file per designation with its names (the first is the primary one), non-Latin
names, addresses, regime, date designated and the statement of reasons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seed.evidence import evidence
from seed.records import Record
from seed.sources.derived import (
    alias,
    clean,
    countries_of,
    listed_files,
    listing,
    read_document,
    record_source,
)
from service.watchlist.countries import country_code
from service.watchlist.model import Address, Alias, Schema

FOLDER = "uk_sanctions_list_ammitto_derived_2026-08-22/processed/"
AUTHORITY = "UK"
LIST_NAME = "UK Sanctions List"
_SCHEMAS = {"Entity": Schema.ORGANIZATION, "Individual": Schema.PERSON, "Ship": Schema.VESSEL}
_ADDRESS_LINES = tuple(f"address_line{n}" for n in range(1, 7))


def read_records(data: Path) -> list[Record]:
    return [_record(path, read_document(data, path)) for path in listed_files(data, FOLDER)]


def _record(path: str, document: dict[str, Any]) -> Record:
    reference = document["unique_id"]
    addresses = tuple(_address(a) for a in (document.get("addresses") or {}).get("addresses", []))
    regime = document["regime_name"]
    reasons = document.get("uk_statement_of_reasons") or ""
    return Record(
        key=f"uk/{reference}",
        names=_names(document),
        schema=_SCHEMAS.get(document["individual_entity_ship"], Schema.OTHER),
        countries=countries_of(addresses),
        addresses=addresses,
        listings=(listing(AUTHORITY, LIST_NAME, regime, reference, document["date_designated"]),),
        sources=(record_source(FOLDER, path, reference),),
        defence_evidence=evidence("UK statement of reasons", reasons),
    )


def _names(document: dict[str, Any]) -> tuple[Alias, ...]:
    """Each name once, the primary first; Name 1, where given, holds another whole name."""
    names: dict[str, Alias] = {}
    for entry in document["names"]["names"]:
        for part in (entry.get("name1"), entry.get("name6")):
            if part and clean(part):
                names.setdefault(clean(part), alias(part))
    for entry in (document.get("non_latin_names") or {}).get("names", []):
        if clean(entry["name_non_latin_script"]):
            names.setdefault(
                clean(entry["name_non_latin_script"]), alias(entry["name_non_latin_script"])
            )
    return tuple(names.values())


def _address(entry: dict[str, str]) -> Address:
    country = entry.get("address_country") or ""
    lines = [clean(entry[k]) for k in _ADDRESS_LINES if entry.get(k)]
    return Address(
        full=", ".join((*lines, country)) if lines or country else None,
        city=clean(entry["address_line6"]) if entry.get("address_line6") else None,
        country=country_code(country) if country else None,
    )
