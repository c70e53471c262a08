"""Canada's Consolidated Autonomous Sanctions List (SEMA), the Belarus-linked entity records as
the Ammitto project wrote them: one YAML file per schedule item, with the name, the regulations
("country"), the schedule part, the item and the listing date. No aliases, addresses or reasons.
"""

from __future__ import annotations

from pathlib import Path

from seed.records import Record
from seed.sources.derived import (
    alias,
    listed_files,
    listing,
    read_document,
    record_source,
)

FOLDER = "ca_sema_ammitto_derived_2026-08-22/processed/"
AUTHORITY = "CA-GAC"
LIST_NAME = "Consolidated Canadian Autonomous Sanctions List"
#: The regulations each file's "country" names.
_REGULATIONS = {
    "Belarus": "Special Economic Measures (Belarus) Regulations",
    "Russia": "Special Economic Measures (Russia) Regulations",
}


def read_records(data: Path) -> list[Record]:
    return [_record(path, read_document(data, path)) for path in listed_files(data, FOLDER)]


def _record(path: str, document: dict[str, str]) -> Record:
    country = document["country"].split("/")[0].strip()
    part = document["schedule"].split("Part")[-1].strip()
    item = str(document["item"])
    reference = f"Schedule 1, Part {part}, item {item}"
    return Record(
        key=f"ca/{country.lower()}/{part}-{item}",
        names=(alias(document["entity_or_ship"]),),
        listings=(
            listing(
                AUTHORITY, LIST_NAME, _REGULATIONS[country], reference, document["date_of_listing"]
            ),
        ),
        sources=(record_source(FOLDER, path, reference),),
    )
