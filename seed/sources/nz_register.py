"""New Zealand's Russia Sanctions Register (MFAT), the entities listed as linked to the
Belarusian government or military, as the Ammitto project wrote them: one YAML file per entity
with its name, alternate spellings (semicolon-separated), sometimes an address, and the date.
The one rationale all give ("linked to the Belarusian government or military") is no evidence
of defence work, so it gives none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seed.addresses import parse_address
from seed.records import Record
from seed.sources.derived import (
    alias,
    countries_of,
    listed_files,
    listing,
    read_document,
    record_source,
    split_names,
)

FOLDER = "nz_russia_register_ammitto_derived_2026-03-08/processed/"
AUTHORITY = "NZ-MFAT"
LIST_NAME = "Russia Sanctions Register"
PROGRAMME = "Russia Sanctions Act 2022"


def read_records(data: Path) -> list[Record]:
    return [_record(path, read_document(data, path)) for path in listed_files(data, FOLDER)]


def _record(path: str, document: dict[str, Any]) -> Record:
    reference = document["unique_identifier"]
    names = [alias(document["name"])]
    names += [alias(n) for n in split_names(document.get("alias_alternate_spellings") or "")]
    addresses = tuple(parse_address(a) for a in split_names(document.get("address") or ""))
    return Record(
        key=f"nz/{reference}",
        names=tuple(names),
        countries=countries_of(addresses),
        addresses=addresses,
        listings=(
            listing(AUTHORITY, LIST_NAME, PROGRAMME, reference, document["date_of_sanction"]),
        ),
        sources=(record_source(FOLDER, path, reference),),
    )
