"""A watchlist of real entities with the identifiers the lists give them (the UNPs, INN and OGRN
of the Ukrainian sanctions register, a tax number of OFAC), for the identifier tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from service.screening.screener import Screener
from service.watchlist.loader import load_watchlist

IDENTIFIED = Path(__file__).parents[1] / "fixtures" / "identifiers.jsonl"
#: Real numbers of the fixture's entities, with valid check digits.
PELENG_UNP = "100230519"
LEGMASH_UNP = "300228934"
INTEGRAL_SPB_INN, INTEGRAL_SPB_OGRN = "7801047839", "1037800040794"
SBERBANK_INN = "7707083893"


@cache
def identified_screener() -> Screener:
    return Screener.build(load_watchlist([IDENTIFIED]))
