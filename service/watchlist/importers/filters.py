"""Select imported entities by country, programme and schema, whatever list they came from."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.watchlist.model import Entity, Schema

#: Country code -> how the country's sanctions programmes are named, matched in upper case, so
#: that a listing under such a programme links the entity to the country: OFAC "BELARUS-EO14038",
#: UK regime "Belarus", EU programme "BLR", OpenSanctions programme id "EU-BLR". The code must
#: stand alone ("BLR", not inside a word); the name may ("EU-BELARUS", "BELARUSIAN").
_PROGRAMME_WORDS = {"BY": re.compile(r"BELARUS|(?<![A-Z])BLR(?![A-Z])")}


def filter_entities(
    entities: Iterable[Entity],
    *,
    countries: set[str] | None = None,
    programmes: set[str] | None = None,
    schemas: set[Schema] | None = None,
) -> list[Entity]:
    """The entities that pass every criterion given; None means "any", an empty set "none".

    `countries`: ISO alpha-2 codes, matched against the entity's countries and its address
    countries; "BY" also matches a programme containing BELARUS or the code BLR, in any case.
    `programmes`: whole programme names, in any case.
    """
    codes = None if countries is None else {code.upper() for code in countries}
    names = None if programmes is None else {name.upper() for name in programmes}
    return [
        entity
        for entity in entities
        if (codes is None or _linked_to(entity, codes))
        and (names is None or not names.isdisjoint(_programmes(entity)))
        and (schemas is None or entity.schema_ in schemas)
    ]


def is_belarus_linked(entity: Entity) -> bool:
    """A Belarus address or country (BY), or a listing under a Belarus programme."""
    return _linked_to(entity, {"BY"})


def _linked_to(entity: Entity, codes: set[str]) -> bool:
    countries = {*entity.country, *(a.country for a in entity.addresses if a.country)}
    if not codes.isdisjoint(countries):
        return True
    patterns = [_PROGRAMME_WORDS[code] for code in codes if code in _PROGRAMME_WORDS]
    return any(p.search(programme) for p in patterns for programme in _programmes(entity))


def _programmes(entity: Entity) -> set[str]:
    return {listing.programme.upper() for listing in entity.listings if listing.programme}
