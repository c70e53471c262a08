"""Select imported entities by country, programme and schema, whatever list they came from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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

    `countries`: ISO alpha-2 codes, matched against the entity's countries, its address
    countries and the countries of its register numbers (a UNP is Belarusian); "BY" also
    matches a programme containing BELARUS or the code BLR, in any case.
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


@dataclass(frozen=True, slots=True)
class EntityFilter:
    """The criteria of `filter_entities` as one value (from the command line or the settings);
    None means "any"."""

    countries: frozenset[str] | None = None
    programmes: frozenset[str] | None = None
    schemas: frozenset[Schema] | None = None

    @classmethod
    def of(
        cls,
        countries: Iterable[str] = (),
        programmes: Iterable[str] = (),
        schemas: Iterable[str] = (),
    ) -> EntityFilter:
        """From names as typed (any case, several in one value separated by commas); nothing
        given for a criterion means "any". `ValueError` names a bad country code or schema."""
        return cls(
            countries=country_codes(countries) or None,
            programmes=frozenset(split_values(programmes)) or None,
            schemas=schemas_named(schemas) or None,
        )

    @property
    def selects_all(self) -> bool:
        return self.countries is None and self.programmes is None and self.schemas is None

    def apply(self, entities: Iterable[Entity]) -> list[Entity]:
        if self.selects_all:
            return list(entities)
        return filter_entities(
            entities,
            countries=None if self.countries is None else set(self.countries),
            programmes=None if self.programmes is None else set(self.programmes),
            schemas=None if self.schemas is None else set(self.schemas),
        )

    def __str__(self) -> str:
        parts = [
            f"{label} {', '.join(sorted(values))}"
            for label, values in (
                ("country", self.countries),
                ("programme", self.programmes),
                ("schema", self.schemas),
            )
            if values is not None
        ]
        return "; ".join(parts) or "none"


def split_values(values: Iterable[str]) -> list[str]:
    """The values, each split at its commas, stripped, without empty ones."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def country_codes(values: Iterable[str]) -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes in upper case; `ValueError` for anything else."""
    codes = frozenset(code.upper() for code in split_values(values))
    for code in sorted(codes):
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return codes


def schemas_named(values: Iterable[str]) -> frozenset[Schema]:
    """Schemas by name in any case (`organization`); `ValueError` for an unknown one."""
    by_name = {schema.value.lower(): schema for schema in Schema}
    found = set()
    for name in split_values(values):
        if name.lower() not in by_name:
            raise ValueError(f"unknown schema {name!r}; expected one of {', '.join(Schema)}")
        found.add(by_name[name.lower()])
    return frozenset(found)


def is_belarus_linked(entity: Entity) -> bool:
    """A Belarus address, country (BY) or register number (a UNP), or a listing under a Belarus
    programme."""
    return _linked_to(entity, {"BY"})


def _linked_to(entity: Entity, codes: set[str]) -> bool:
    countries = {
        *entity.country,
        *(a.country for a in entity.addresses if a.country),
        *(i.country for i in entity.identifiers if i.country),
    }
    if not codes.isdisjoint(countries):
        return True
    patterns = [_PROGRAMME_WORDS[code] for code in codes if code in _PROGRAMME_WORDS]
    return any(p.search(programme) for p in patterns for programme in _programmes(entity))


def _programmes(entity: Entity) -> set[str]:
    return {listing.programme.upper() for listing in entity.listings if listing.programme}
