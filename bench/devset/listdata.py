"""Organisation names from the shared list files (read-only, at ../shared/data from the repository
root) that are NOT linked to Belarus: the pool the clean negatives are drawn from. Persons,
vessels, aircraft and every record with a Belarusian address, programme or reason are left out.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from textnorm import skeleton
from vocab import GENERIC

BELARUS_WORDS = re.compile(r"belarus|byelorus|belorus|беларус|белорус|minsk|минск|мінск", re.I)

SDN = "ofac_sdn_csv/sdn_2024-05-03/sdn.csv"
SDN_ADD = "ofac_sdn_csv/add_alt_comments_2025-02-27/add.csv"
SDN_ALT = "ofac_sdn_csv/add_alt_comments_2025-02-27/alt.csv"
SDN_COMMENTS = "ofac_sdn_csv/add_alt_comments_2025-02-27/sdn_comments.csv"
CONS = "ofac_consolidated_nonsdn_2025-12-19/cons_prim.csv"
CONS_ADD = "ofac_consolidated_nonsdn_2025-12-19/cons_add.csv"
CONS_ALT = "ofac_consolidated_nonsdn_2025-12-19/cons_alt.csv"
EU_FILES = (
    "eu_oj_transcription_opensanctions/consolidated/32014R0269.csv",
    "eu_oj_transcription_opensanctions/consolidated/32014R0833.csv",
)
LABELS = {
    SDN: "OFAC SDN",
    SDN_ALT: "OFAC SDN a.k.a.",
    CONS: "OFAC non-SDN consolidated",
    CONS_ALT: "OFAC non-SDN a.k.a.",
    EU_FILES[0]: "EU Reg. 269/2014",
    EU_FILES[1]: "EU Reg. 833/2014",
}


@dataclass(frozen=True)
class ListName:
    """One name of one non-Belarusian organisation in a list file."""

    file: str  # where the name is written
    record: str  # the list's own id: ent_num or recordId
    name: str
    entry: str  # one id per listed organisation across the files of a list

    @property
    def note(self) -> str:
        return f"{LABELS[self.file]} ({self.file}), record {self.record}"


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.reader(handle):
            yield [cell.strip() for cell in row]


def _ofac(data: Path, prim: str, add: str, alt: str, comments: str | None) -> Iterator[ListName]:
    """Organisations of an OFAC legacy-CSV list, with their a.k.a. names."""
    linked: set[str] = set()
    for row in _rows(data / add):
        if len(row) > 4 and BELARUS_WORDS.search(" ".join(row[2:5])):
            linked.add(row[0])
    if comments and (data / comments).exists():
        linked.update(r[0] for r in _rows(data / comments) if BELARUS_WORDS.search(" ".join(r)))
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in _rows(data / alt):
        if len(row) > 3 and row[2].strip('"').lower() == "aka":
            aliases[row[0]].append(row[3])
    for row in _rows(data / prim):
        if len(row) < 12 or row[2] != "-0-" or row[0] in linked:
            continue
        if "BELARUS" in row[3] or BELARUS_WORDS.search(row[11] + " " + row[1]):
            continue
        yield ListName(prim, row[0], row[1], f"{prim}:{row[0]}")
        yield from (ListName(alt, row[0], n, f"{prim}:{row[0]}") for n in aliases.get(row[0], []))


def _is_organisation(names: list[str]) -> bool:
    """The EU annexes file some people under LegalEntity: keep records with an
    organisation word (legal form, plant, bank, ...) in one of their names."""
    return any(set(skeleton(name).split()) & GENERIC for name in names)


def _eu(data: Path, file: str) -> Iterator[ListName]:
    with (data / file).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["schema"] != "LegalEntity":
                continue
            context = " ".join(row[k] for k in ("country", "address", "reason", "notes", "name"))
            if BELARUS_WORDS.search(context):
                continue
            names = [n.strip() for f in ("name", "alias") for n in row[f].split(";") if n.strip()]
            if _is_organisation(names):
                entry = f"{file}:{row['recordId'] or names[0]}"
                yield from (ListName(file, row["recordId"], name, entry) for name in names)


def non_belarus_names(data: Path) -> list[ListName]:
    """Every organisation name of the non-Belarus records, in file order, without repeats."""
    found: dict[str, ListName] = {}
    sources = [
        _ofac(data, SDN, SDN_ADD, SDN_ALT, SDN_COMMENTS),
        _ofac(data, CONS, CONS_ADD, CONS_ALT, None),
        *(_eu(data, f) for f in EU_FILES),
    ]
    for source in sources:
        for item in source:
            found.setdefault(" ".join(item.name.casefold().split()), item)
    return list(found.values())
