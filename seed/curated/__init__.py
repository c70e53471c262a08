"""HAND-CURATED facts per seed entity: notes, primary-name choice, main country, defence calls.

`CURATED` maps every seed entity id to a `Curated` entry. The notes are our own words, from the
designation reasons, remarks and the article; the `defence` field is set only where the
evidence rule (Annex V, Japan's list, the article, defence words in a reason, remarks or name)
gets it wrong, with the reason in `why`.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.watchlist.model import Alias


@dataclass(frozen=True)
class Curated:
    notes: str
    #: The primary name, chosen among the names the sources give; None = the first by priority.
    name: str | None = None
    #: The main country first; the countries of the records' addresses follow it.
    country: tuple[str, ...] = ("BY",)
    #: Overrides the evidence rule; `why` must then say why.
    defence: bool | None = None
    why: str | None = None
    #: Names no source file gives, added by hand (each explained in `seed/README.md`).
    extra_names: tuple[Alias, ...] = ()

    def __post_init__(self) -> None:
        if (self.defence is None) != (self.why is None):
            raise ValueError("a defence override needs a `why`, and a `why` an override")


def _entries() -> dict[str, Curated]:
    from seed.curated.industry import INDUSTRY
    from seed.curated.lists import LISTS
    from seed.curated.state import STATE
    from seed.curated.trade import TRADE
    from seed.curated.ua import UA

    entries: dict[str, Curated] = {}
    for table in (INDUSTRY, STATE, TRADE, UA, LISTS):
        overlap = entries.keys() & table.keys()
        if overlap:
            raise ValueError(f"curated twice: {sorted(overlap)}")
        entries.update(table)
    return entries


CURATED: dict[str, Curated] = _entries()
