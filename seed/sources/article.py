"""HAND-CURATED: the enterprises named in The Washington Times article of 2026-02-24.

The article (Ukrainian, Latvian and BelPol sources on Belarus's military-industrial integration)
names five enterprises; each becomes a record with the names the article uses. What the article
says each one makes goes into the entity notes (`seed/curated.py`), in our own words.
"""

from __future__ import annotations

from datetime import date

from seed.records import Record
from service.watchlist.model import Alias, Source

ARTICLE = Source(
    name="The Washington Times, 2026-02-24: Belarus military-industrial integration",
    date=date(2026, 2, 24),
)

#: Record key -> the names the article gives (first = as printed in the article).
NAMES: dict[str, tuple[str, ...]] = {
    "article/legmash": ("Legmash",),
    "article/belaz": ("BelAZ",),
    "article/zavod-svt": ("Zavod SVT",),
    "article/amkodor": ("Amkodor",),
    "article/zki": ("ZKI Casing Products Plant",),
}


def read_records() -> list[Record]:
    return [
        Record(
            key=key,
            names=tuple(Alias(name=n) for n in names),
            countries=("BY",),
            sources=(ARTICLE,),
            defence_evidence=("article: Belarusian enterprise working on Russian defence orders",),
        )
        for key, names in NAMES.items()
    ]
