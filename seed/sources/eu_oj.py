"""EU sanctions annexes as transcribed by OpenSanctions (one CSV row per designation).

Which rows are Belarus-linked: every organisation of Reg. 765/2006 (the Belarus regime) and of
its amending acts; the rows of Reg. 269/2014 whose text names Belarus; Annex XLIV of
Reg. 833/2014 (the merge table sorts its Belarusian banks from the others). Annex IV of
Reg. 833/2014 (Russian entities) is not read.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from seed.addresses import parse_address, split_addresses
from seed.evidence import evidence
from seed.languages import cyrillic_language
from seed.records import Record, file_source
from service.watchlist.importers.numbers import identifiers_in
from service.watchlist.model import Address, Alias, AliasKind, Identifier, Listing

FOLDER = "eu_oj_transcription_opensanctions"
FILES: tuple[str, ...] = (
    f"{FOLDER}/consolidated/32006R0765.csv",
    f"{FOLDER}/consolidated/32014R0269.csv",
    f"{FOLDER}/consolidated/32014R0833.csv",
    f"{FOLDER}/amendments/32026R1817.csv",
    f"{FOLDER}/amendments/32026R1846.csv",
)
#: Act number for the listing name, by CELEX number.
_ACTS = {
    "32006R0765": "Reg. 765/2006",
    "32014R0269": "Reg. 269/2014",
    "32014R0833": "Reg. 833/2014",
    "32026R1817": "Impl. Reg. 2026/1817",
    "32026R1846": "Impl. Reg. 2026/1846",
}
_NOT_ORGANISATIONS = {"Person", "Asset", "Vessel"}
#: Columns holding company numbers, read with the scheme their name says (`kppCode`, a Russian
#: branch code, names no company).
_NUMBER_COLUMNS = ("registrationNumber", "taxNumber", "innCode", "ogrnCode", "okpoCode", "leiCode")
_BELARUS = re.compile(
    r"Belarus|Byelorus|Беларус|Белорус|Minsk|Минск|Мінск|Gomel|Vitebsk|Grodno|Mogil|Borisov|Orsha"
)
_MONTHS = "January February March April May June July August September October November December"
_MONTH_NUMBER = {name: number for number, name in enumerate(_MONTHS.split(), start=1)}


def read_records(data: Path) -> list[Record]:
    """All Belarus-linked organisation rows of the EU files, in file order."""
    records: list[Record] = []
    for path in FILES:
        records.extend(_file_records(data, path))
    return records


def _file_records(data: Path, path: str) -> Iterator[Record]:
    with (data / path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row_in_annex: Counter[str] = Counter()
    for row in rows:
        row_in_annex[row["annex"]] += 1
        if _selected(row):
            yield _record(path, row, row_in_annex[row["annex"]])


def _celex(row: dict[str, str]) -> str:
    """The act that made the designation: the amendment if the row comes from one."""
    return row.get("amendmentCelex") or row["celex"]


def _selected(row: dict[str, str]) -> bool:
    if row["schema"] in _NOT_ORGANISATIONS:
        return False
    celex = _celex(row)
    if celex == "32014R0269":
        return bool(_BELARUS.search(" ".join(row.values())))
    if celex == "32014R0833":
        return row["annex"] == "XLIV"
    return True


def _record(path: str, row: dict[str, str], row_number: int) -> Record:
    celex, annex = _celex(row), row["annex"]
    reference = row["recordId"] or f"row {row_number}"
    key = f"eu/{celex}/{annex}/{row['recordId'] or f'row{row_number}'}"
    addresses = tuple(parse_address(a) for a in split_addresses(row["address"]))
    label = f"record {reference}" if row["recordId"] else reference
    return Record(
        key=key,
        names=_names(row),
        countries=_countries(addresses),
        addresses=addresses,
        identifiers=_identifiers(row, addresses),
        listings=(_listing(row, celex, reference),),
        sources=(file_source(path, f"Annex {annex}, {label}"),),
        defence_evidence=_defence(row, celex),
    )


def _identifiers(row: dict[str, str], addresses: tuple[Address, ...]) -> tuple[Identifier, ...]:
    """The numbers of the number columns; the first address country issued them unless a note
    beside a number names another."""
    country = next((a.country for a in addresses if a.country), None)
    found = (
        one
        for column in _NUMBER_COLUMNS
        for one in identifiers_in(column, row[column], country=country, source="EU")
    )
    return tuple(dict.fromkeys(found))


def _listing(row: dict[str, str], celex: str, reference: str) -> Listing:
    annex = "I" if celex == "32014R0269" else row["annex"]
    act = _ACTS[celex]
    name = f"{act} (Annex {annex})" if act.startswith("Impl.") else f"{act} Annex {annex}"
    return Listing(
        authority="EU",
        list=name,
        programme=row["programKey"] or None,
        reference=reference,
        listed_on=parse_date(row["startDate"]),
    )


def _names(row: dict[str, str]) -> tuple[Alias, ...]:
    names = [_alias(row["name"], AliasKind.AKA)]
    for column, kind in (
        ("alias", AliasKind.AKA),
        ("weakAlias", AliasKind.WEAK),
        ("previousName", AliasKind.FKA),
    ):
        names.extend(_alias(n, kind) for n in _split(row[column]))
    if row["notes"].startswith("Including "):
        # The annex names branches the designation includes ("Including Branch ...; ...").
        names.extend(_alias(n, AliasKind.AKA) for n in _split(row["notes"][len("Including ") :]))
    return tuple(names)


def _alias(name: str, kind: AliasKind) -> Alias:
    return Alias(name=name.strip(), kind=kind, lang=cyrillic_language(name))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("; ") if part.strip()]


def _countries(addresses: tuple[Address, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.country for a in addresses if a.country))


def _defence(row: dict[str, str], celex: str) -> tuple[str, ...]:
    found: tuple[str, ...] = ()
    if celex in ("32006R0765", "32026R1846") and row["annex"] == "V":
        found += ("EU Reg. 765/2006 Annex V (military and industrial complex of Belarus)",)
    found += evidence(f"EU {_ACTS[celex]} reason", row["reason"])
    found += evidence("EU name", row["name"])
    return found


def parse_date(text: str) -> date | None:
    """'17.12.2020', '21.06.2021' or '20 March 2022'; None when empty."""
    text = text.strip()
    if not text:
        return None
    if "." in text:
        return datetime.strptime(text, "%d.%m.%Y").date()
    day, month, year = text.split()
    return date(int(year), _MONTH_NUMBER[month], int(day))
