"""The US Commerce (BIS) Denied Persons List, tab-separated text: its rows in Belarus."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from seed.records import Record, file_source
from service.watchlist.model import Address, Alias, Listing

PATH = "us_bis_dpl_2022-09/dpl.txt"
LIST_NAME = "Denied Persons List"


def read_records(data: Path) -> list[Record]:
    with (data / PATH).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [_record(row) for row in rows if row["Country"] == "BY"]


def _record(row: dict[str, str]) -> Record:
    name = row["Name"].strip()
    full = ", ".join(
        part for part in (row["Street_Address"], row["City"], row["Postal_Code"]) if part
    )
    return Record(
        key=f"bis-dpl/{name}",
        names=(Alias(name=name),),
        countries=("BY",),
        addresses=(Address(full=full, city=row["City"].title() or None, country="BY"),),
        listings=(
            Listing(
                authority="US-BIS",
                list=LIST_NAME,
                reference=row["FR_Citation"] or None,
                listed_on=datetime.strptime(row["Effective_Date"], "%m/%d/%Y").date(),
            ),
        ),
        sources=(file_source(PATH, f"{name}, effective {row['Effective_Date']}"),),
    )
