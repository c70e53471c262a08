"""Australia's DFAT Consolidated List (XLSX), read with the service's importer: the
organisations with a Belarus address or country (`is_belarus_linked`), each a record.
"""

from __future__ import annotations

from pathlib import Path

from seed.evidence import evidence
from seed.records import Record, file_source
from service.watchlist.importers.au_xlsx import read_au_dfat_xlsx
from service.watchlist.importers.filters import is_belarus_linked
from service.watchlist.model import Alias, Entity, Schema

PATH = "au_dfat_consolidated_2026-04/Australian_Sanctions_Consolidated_List.xlsx"


def read_records(data: Path) -> list[Record]:
    entities = read_au_dfat_xlsx([data / PATH])
    return [
        _record(e) for e in entities if e.schema_ is Schema.ORGANIZATION and is_belarus_linked(e)
    ]


def _record(entity: Entity) -> Record:
    reference = entity.id.removeprefix("au-")
    return Record(
        key=f"au/{reference}",
        names=(Alias(name=entity.name), *entity.aliases),
        countries=entity.country,
        addresses=entity.addresses,
        listings=entity.listings,
        identifiers=entity.identifiers,
        sources=(file_source(PATH, f"Reference {reference}"),),
        defence_evidence=evidence("AU name", entity.name),
    )
