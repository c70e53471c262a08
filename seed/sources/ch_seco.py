"""Switzerland's SECO sanctions list, the organisations of the Belarus sanctions sets as the
Ammitto project wrote them (JSON-LD): an entry file per record (SSID, sanctions set) and an
entity file with its names. No addresses, programmes or reasons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seed.records import Record
from seed.sources.derived import alias, listed_files, read_document, record_source
from service.watchlist.model import Alias, Listing, Schema

FOLDER = "ch_seco_ammitto_harmonized_2026-02-26/api/v1/node/"
AUTHORITY = "CH-SECO"
LIST_NAME = "SECO sanctions list"
_ENTRIES = FOLDER + "entry/ch/"
_SCHEMAS = {"organization": Schema.ORGANIZATION, "person": Schema.PERSON}


def read_records(data: Path) -> list[Record]:
    entries = listed_files(data, _ENTRIES)
    return [_record(data, path) for path in sorted(entries, key=_number)]


def _number(path: str) -> int:
    return int(Path(path).stem)


def _record(data: Path, path: str) -> Record:
    entry = read_document(data, path)
    entity_path = path.replace("/entry/", "/entity/")
    entity = read_document(data, entity_path)
    fields = entry["raw_source_data"]["source_specific_fields"]
    ssid = fields["ch:ssid"]
    return Record(
        key=f"ch/{ssid}",
        names=_names(entity),
        schema=_SCHEMAS.get(entity.get("entity_type", ""), Schema.OTHER),
        listings=(
            Listing(
                authority=AUTHORITY,
                list=LIST_NAME,
                programme=f"sanctions set {fields['ch:sanctions_set_id']}",
                reference=ssid,
            ),
        ),
        sources=(record_source(FOLDER, entity_path, ssid),),
    )


def _names(entity: dict[str, Any]) -> tuple[Alias, ...]:
    entries = sorted(entity["names"], key=lambda n: not n.get("is_primary"))
    names = {alias(n["full_name"]).name: alias(n["full_name"]) for n in entries if n["full_name"]}
    return tuple(names.values())
