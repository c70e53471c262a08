"""Fold the records of one real-world organisation into one `Entity`, as the merge table says.

Order is fixed so that the output is the same on every run: records by source priority (EU,
Japan, OFAC, BIS, article) then key; names, addresses, listings and sources in that order,
repeats dropped (exact strings). Imports the curated tables, never the source modules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from seed.curated import CURATED, Curated
from seed.records import Record
from service.watchlist.model import Alias, Entity, Identifier, Schema, Source

#: Record key prefixes, most trusted names first: the EU transcription keeps the printed
#: mixed-case and Cyrillic forms; OFAC's legacy CSV is upper case.
PRIORITY: tuple[str, ...] = (
    "eu/32006R0765/I.B/", "eu/32014R0269/", "eu/32026R1817/", "eu/32006R0765/V/",
    "eu/32026R1846/", "eu/32006R0765/IX/", "eu/32006R0765/XV/", "eu/32014R0833/", "jp/",
    "ofac-sdn/", "ofac-cons/", "bis-dpl/", "eu-fsf/", "uk/", "ca/", "au/", "nz/", "ch/",
    "ua/", "article/",
)  # fmt: skip


class MergeError(ValueError):
    """The merge table and the records disagree; the message lists every problem."""


def _rank(record: Record) -> tuple[int, int, str]:
    prefix = next(i for i, p in enumerate(PRIORITY) if record.key.startswith(p))
    number = record.key.rsplit("/", 1)[-1].removeprefix("row")
    return prefix, int(number) if number.isdigit() else 0, record.key


def group_records(
    records: Iterable[Record], merge: Mapping[str, str], excluded: Mapping[str, str]
) -> dict[str, list[Record]]:
    """Seed id -> its records in priority order; fails on unmapped or missing records."""
    records = [r for r in records if r.schema is Schema.ORGANIZATION]
    keys = {r.key for r in records}
    problems = [
        f"not in the merge table: {r.key} ({r.primary_name})"
        for r in records
        if r.key not in merge and r.key not in excluded
    ]
    problems += [
        f"in the merge table but not in the data: {key}"
        for key in (*merge, *excluded)
        if key not in keys
    ]
    problems += [
        f"no curated entry for {seed_id}"
        for seed_id in sorted(set(merge.values()))
        if seed_id not in CURATED
    ]
    if problems:
        raise MergeError("\n".join(problems))
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in sorted(records, key=_rank):
        if record.key in merge:
            groups[merge[record.key]].append(record)
    return dict(groups)


def merge_entity(seed_id: str, records: list[Record]) -> Entity:
    curated = CURATED[seed_id]
    names = _names(records, curated)
    name = curated.name or _mixed_case(names[0].name, names)
    if name not in {n.name for n in names}:
        raise MergeError(f"{seed_id}: curated name {name!r} is not a name the sources give")
    evidence = [e for r in records for e in r.defence_evidence]
    return Entity(
        id=seed_id,
        name=name,
        aliases=tuple(n for n in names if n.name != name),
        country=tuple(
            dict.fromkeys((*curated.country, *(c for r in records for c in r.countries)))
        ),
        addresses=tuple(dict.fromkeys(a for r in records for a in r.addresses)),
        listings=tuple(dict.fromkeys(li for r in records for li in r.listings)),
        identifiers=_identifiers(records),
        defence=bool(evidence) if curated.defence is None else curated.defence,
        sources=_sources(records),
        notes=curated.notes,
    )


def _mixed_case(name: str, names: list[Alias]) -> str:
    """An all-capitals name (OFAC's CSV) in the mixed case another source prints, if any."""
    if not name.isupper():
        return name
    folded = name.casefold()
    return next(
        (n.name for n in names if n.name.casefold() == folded and not n.name.isupper()), name
    )


def _names(records: list[Record], curated: Curated) -> list[Alias]:
    unique: dict[str, Alias] = {}
    for alias in (*(n for r in records for n in r.names), *curated.extra_names):
        unique.setdefault(alias.name, alias)
    return list(unique.values())


def _identifiers(records: list[Record]) -> tuple[Identifier, ...]:
    """Each (scheme, number) once, with the first source by priority that gives it."""
    unique: dict[tuple[str, str], Identifier] = {}
    for identifier in (i for r in records for i in r.identifiers):
        unique.setdefault((identifier.type, identifier.value), identifier)
    return tuple(unique.values())


def _sources(records: list[Record]) -> tuple[Source, ...]:
    """One source per file (references joined), the article last."""
    by_file: dict[str, list[Source]] = defaultdict(list)
    for source in (s for r in records for s in r.sources):
        by_file[source.name].append(source)
    merged = []
    for group in by_file.values():
        references = "; ".join(dict.fromkeys(s.reference for s in group if s.reference))
        merged.append(group[0].model_copy(update={"reference": references or None}))
    return tuple(merged)
