"""Clean negatives drawn from the shared list files: names of sanctioned organisations with no
link to Belarus, kept only when they pass the seed checks. The draw is by a stable hash of the
name, so a name's place in the set does not depend on what else is in the files.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from cases import LIST_NOTE, Case
from listdata import non_belarus_names
from seedinfo import Seed
from textnorm import script_of, skeleton
from vocab import SHARED_GENERIC

#: How many list names to draw: sharing a generic word with a listed name, and the others.
#: A quarter of each quota is reserved for Cyrillic names when the files have enough.
WITH_GENERIC = 340
WITHOUT_GENERIC = 380
CYRILLIC_SHARE = 0.25


def shares_generic(seed: Seed, query: str) -> bool:
    """True when the query has a generic word (plant, Minsk, holding, ...) of a listed name."""
    return bool(set(skeleton(query).split()) & SHARED_GENERIC & seed.name_words)


def _rank(name: str) -> str:
    return hashlib.sha1(" ".join(name.casefold().split()).encode("utf-8")).hexdigest()


def _plausible(name: str) -> bool:
    """A name someone could screen: a script we handle, a sane length, not a fragment."""
    return (
        script_of(name) in ("lat", "cyr")
        and 4 <= len(name) <= 100
        and not re.search(r"a\.k\.a|f\.k\.a|\bformerly\b", name, re.I)
        and len(skeleton(name).split()) >= 1
    )


def list_negatives(seed: Seed, data: Path, taken: set[tuple[str, str]]) -> list[Case]:
    """Clean negatives from the list files, one name per record, checked against the seed."""
    pools: dict[tuple[bool, bool], list[Case]] = {}
    records: set[str] = set()
    for item in sorted(non_belarus_names(data), key=lambda n: _rank(n.name)):
        if item.entry in records or not _plausible(item.name):
            continue
        case = Case(item.name.strip(), "", "", "negative_clean", LIST_NOTE + item.note, "list")
        if case.key in taken or seed.negative_problem(case.query):
            continue
        records.add(item.entry)
        kind = (shares_generic(seed, case.query), script_of(case.query) == "cyr")
        pools.setdefault(kind, []).append(case)
    chosen: list[Case] = []
    for generic, quota in ((True, WITH_GENERIC), (False, WITHOUT_GENERIC)):
        cyrillic = pools.get((generic, True), [])[: int(quota * CYRILLIC_SHARE)]
        latin = pools.get((generic, False), [])[: quota - len(cyrillic)]
        chosen += cyrillic + latin
    return chosen


def recheck(seed: Seed, cases: list[Case]) -> tuple[list[Case], list[str]]:
    """Committed list negatives that still pass the seed checks, and why the others fail."""
    kept, dropped = [], []
    for case in cases:
        problem = seed.negative_problem(case.query)
        if problem:
            dropped.append(f"{case.query!r}: {problem}")
        else:
            kept.append(case)
    return kept, dropped
