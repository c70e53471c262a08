"""OFAC SDN and Consolidated lists (legacy CSV), read with the service's OFAC importer.

The SDN primary file (2024-05-03) is older than its companions (2025-02-27): parties designated
in between have addresses and aliases but no primary row ("orphans"). Their names come from
`sdn_entities.jsonl` (derived from SDN_ADVANCED.xml, 2025-11-26), which also gives the mixed-case
form of every SDN name. Belarus-linked means what `is_belarus_linked` says: an address in Belarus
or a Belarus programme.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

from seed.evidence import evidence
from seed.records import Record, file_source
from service.watchlist.importers.filters import is_belarus_linked
from service.watchlist.importers.ofac_csv import SDN_LIST, entity_from_orphan, read_ofac_csv
from service.watchlist.model import Alias, AliasKind, Entity, Schema, Source

SDN_FOLDER = "ofac_sdn_csv"
SDN_FILES = (
    f"{SDN_FOLDER}/sdn_2024-05-03/sdn.csv",
    f"{SDN_FOLDER}/add_alt_comments_2025-02-27/add.csv",
    f"{SDN_FOLDER}/add_alt_comments_2025-02-27/alt.csv",
    f"{SDN_FOLDER}/add_alt_comments_2025-02-27/sdn_comments.csv",
)
CONS_FOLDER = "ofac_consolidated_nonsdn_2025-12-19"
CONS_FILES = tuple(
    f"{CONS_FOLDER}/{name}"
    for name in ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
)
NAMES_FILE = "ofac_sdn_advanced_names_derived_2025-11-26/sdn_entities.jsonl"
#: SDN_ADVANCED alias types: 1403 primary name, 1400 a.k.a., 1401 f.k.a., 1402 n.k.a.
_PRIMARY_TYPE = "1403"
_KINDS = {
    "1400": AliasKind.AKA,
    "1401": AliasKind.FKA,
    "1402": AliasKind.AKA,
    _PRIMARY_TYPE: AliasKind.AKA,
}


def read_records(data: Path, orphan_persons: Collection[str]) -> list[Record]:
    """Belarus-linked SDN and Consolidated entries, persons and aircraft included.

    Orphans get their type from the caller: `orphan_persons` lists the ent_nums that are
    individuals (the companion files do not say); every other orphan is an organisation.
    """
    names = _advanced_names(data / NAMES_FILE)
    records = _list_records(data, SDN_FILES, "ofac-sdn", names)
    records += _orphan_records(data, names, orphan_persons)
    records += _list_records(data, CONS_FILES, "ofac-cons", {})
    return records


def _advanced_names(path: Path) -> dict[str, list[dict[str, str]]]:
    names: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                entry = json.loads(line)
                names[str(entry["entity_id"])] = entry["names"]
    return names


def _list_records(
    data: Path, files: Sequence[str], prefix: str, names: dict[str, list[dict[str, str]]]
) -> list[Record]:
    full = read_ofac_csv([data / f for f in files])
    bare = {e.id: e for e in read_ofac_csv([data / files[0]]).entities}
    records = []
    for entity in full.entities:
        if not is_belarus_linked(entity):
            continue
        used = [files[0], *_companions_used(entity, bare[entity.id], files)]
        extra = _extra_names(entity, names.get(_ent_num(entity), []))
        if extra:
            used.append(NAMES_FILE)
        records.append(_record(f"{prefix}/{_ent_num(entity)}", entity, extra, used))
    return records


def _companions_used(entity: Entity, bare: Entity, files: Sequence[str]) -> list[str]:
    """Which companion files (addresses, aliases, comments) added something to the entity."""
    used = []
    if entity.addresses:
        used.append(files[1])
    if any(a.kind is not AliasKind.WEAK for a in entity.aliases):
        used.append(files[2])
    if entity.notes != bare.notes:
        used.append(files[3])
    return used


def _orphan_records(
    data: Path, names: dict[str, list[dict[str, str]]], persons: Collection[str]
) -> list[Record]:
    orphans = read_ofac_csv([data / f for f in SDN_FILES]).orphans
    companion_paths = {Path(f).name: f for f in SDN_FILES}
    records = []
    for ent_num, orphan in orphans.items():
        primary = [n["full_name"] for n in names.get(ent_num, []) if n["type_id"] == _PRIMARY_TYPE]
        if not primary:
            if any(a.country == "BY" for a in orphan.addresses):
                raise ValueError(f"{NAMES_FILE}: no name for Belarus-linked ent_num {ent_num}")
            continue
        schema = Schema.PERSON if ent_num in persons else Schema.ORGANIZATION
        entity = entity_from_orphan(ent_num, primary[0], orphan, SDN_LIST, schema=schema)
        if not is_belarus_linked(entity):
            continue
        used = [companion_paths[f] for f in orphan.files] + [NAMES_FILE]
        extra = _extra_names(entity, names[ent_num])
        records.append(_record(f"ofac-sdn/{ent_num}", entity, extra, used))
    return records


def _extra_names(entity: Entity, advanced: list[dict[str, str]]) -> tuple[Alias, ...]:
    """SDN_ADVANCED names that the CSV files do not already give, as exact strings."""
    known = set(entity.all_names)
    extra: dict[str, AliasKind] = {}
    for name in advanced:
        if name["full_name"] not in known:
            extra.setdefault(name["full_name"], _KINDS[name["type_id"]])
    return tuple(Alias(name=name, kind=kind) for name, kind in extra.items())


def _record(key: str, entity: Entity, extra: tuple[Alias, ...], used: list[str]) -> Record:
    ent_num = _ent_num(entity)
    return Record(
        key=key,
        names=(Alias(name=entity.name), *entity.aliases, *extra),
        schema=entity.schema_,
        countries=entity.country,
        addresses=entity.addresses,
        listings=entity.listings,
        sources=tuple(_source(path, ent_num) for path in dict.fromkeys(used)),
        identifiers=entity.identifiers,
        defence_evidence=evidence("OFAC remarks", entity.notes or "")
        + evidence("OFAC name", entity.name),
    )


def _source(path: str, ent_num: str) -> Source:
    return file_source(path, f"ent_num {ent_num}")


def _ent_num(entity: Entity) -> str:
    return entity.id.removeprefix("ofac-")
