"""Rebuild the seed (`service/watchlist/seed/watchlist.jsonl`) from the official list files.

    python seed/build.py [--data DIR] [-o FILE]

Reads every source with its own module (`seed/sources/`), folds the records into entities with
the hand-written merge table (`seed/merge_table.py`) and curated facts (`seed/curated/`), and
writes the entities sorted by id. The same data always gives the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `seed` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seed import merge_table
from seed.merge import MergeError, group_records, merge_entity
from seed.records import Record
from seed.sources import (
    article,
    au_dfat,
    ca_sema,
    ch_seco,
    eu_fsf,
    eu_oj,
    jp_meti,
    nz_register,
    ua_register,
    uk_list,
    us_bis,
    us_ofac,
)
from service.watchlist.loader import write_watchlist
from service.watchlist.model import Entity

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / ".." / "shared" / "data"
DEFAULT_OUTPUT = REPO / "service" / "watchlist" / "seed" / "watchlist.jsonl"


def read_records(data: Path) -> list[Record]:
    """Every Belarus-linked record of every source, persons and aircraft included."""
    return [
        *eu_oj.read_records(data),
        *jp_meti.read_records(data),
        *us_ofac.read_records(data, merge_table.ORPHAN_PERSONS),
        *us_bis.read_records(data),
        *eu_fsf.read_records(data),
        *uk_list.read_records(data),
        *ca_sema.read_records(data),
        *au_dfat.read_records(data),
        *nz_register.read_records(data),
        *ch_seco.read_records(data),
        *ua_register.read_records(data),
        *article.read_records(),
    ]


def build(records: Sequence[Record]) -> list[Entity]:
    """The seed entities, sorted by id."""
    groups = group_records(records, merge_table.MERGE, merge_table.EXCLUDED)
    entities = [merge_entity(seed_id, groups[seed_id]) for seed_id in sorted(groups)]
    check_shared_names(entities)
    return entities


def check_shared_names(entities: Sequence[Entity]) -> None:
    """Fail when a name (any case) belongs to two entities and the merge table does not say so."""
    owners: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for name in entity.all_names:
            owners[name.casefold()].add(entity.id)
    problems = [
        f"name {name!r} is given for {sorted(ids)}"
        for name, ids in sorted(owners.items())
        if len(ids) > 1 and merge_table.SHARED_NAMES.get(name) != frozenset(ids)
    ]
    if problems:
        raise MergeError("\n".join(problems))


def summary(records: Sequence[Record], entities: Sequence[Entity]) -> str:
    """Counts for the README: entities, defence, aliases, and records by source and type."""
    lines = [
        f"entities: {len(entities)} ({sum(e.defence for e in entities)} defence)",
        f"aliases: {sum(len(e.aliases) for e in entities)}",
    ]
    by_source: Counter[str] = Counter()
    for entity in entities:
        by_source.update({s.name.split("/")[0] for s in entity.sources})
    lines += [f"entities with a source in {name}: {n}" for name, n in sorted(by_source.items())]
    skipped = Counter(r.schema.value for r in records if r.schema.value != "Organization")
    lines += [f"records left out as {kind}: {n}" for kind, n in sorted(skipped.items())]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the data folder")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        records = read_records(args.data)
        entities = build(records)
    except MergeError as exc:
        print(f"merge table out of date:\n{exc}", file=sys.stderr)
        return 1
    write_watchlist(entities, args.output)
    print(summary(records, entities), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
