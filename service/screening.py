"""Screening against one loaded watchlist version: the bridge from watchlist entities to the
matching engine, and the cache key of a query.

No web, no Redis: the API, the command line and batch jobs all screen through `Screener`.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.matching.index import ListedEntity
from service.matching.matcher import Match, Matcher
from service.matching.normalize import tokenize, visual_reading
from service.watchlist.loader import Watchlist
from service.watchlist.model import Entity


def listed(entity: Entity) -> ListedEntity:
    """What the engine needs of an entity: its names and the countries it is linked to."""
    countries = dict.fromkeys(entity.country)
    for address in entity.addresses:
        if address.country:
            countries.setdefault(address.country, None)
    places = dict.fromkeys(a.city for a in entity.addresses if a.city)
    return ListedEntity(
        id=entity.id,
        name=entity.name,
        aliases=tuple((a.name, a.kind.value) for a in entity.aliases),
        countries=tuple(countries),
        places=tuple(places),
    )


def normalized_query(name: str) -> str:
    """The words the engine reads in a query, as one string: empty when there are none (read
    as written, or with look-alike letters of other scripts read as Latin)."""
    tokens = tokenize(name)
    if not tokens and (visual := visual_reading(name)) is not None:
        tokens = tokenize(visual)
    return " ".join(t.text for t in tokens)


@dataclass(frozen=True, slots=True)
class Screener:
    """One watchlist version and its index; immutable, so a reload swaps the whole object."""

    watchlist: Watchlist
    matcher: Matcher

    @classmethod
    def build(cls, watchlist: Watchlist) -> Screener:
        return cls(watchlist, Matcher(listed(e) for e in watchlist.entities))

    @property
    def version(self) -> str:
        return self.watchlist.version

    def screen(
        self, name: str, *, country: str | None, threshold: float, limit: int
    ) -> list[Match]:
        return self.matcher.screen(name, country=country, threshold=threshold, limit=limit)
