"""Identifiers as evidence, at the screening level: the index of the identifiers one watchlist
version lists, the entities a query's identifiers name exactly, and the identifiers of an entity
that contradict a query's.

Pure: no web, no Redis, nothing of the matching engine (which screens names only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from service.watchlist.identifiers import NATIONAL, RECOGNISED, Scheme, normalize, valid
from service.watchlist.model import Entity, Identifier

#: Schemes that give one company one number: a query's number of the scheme that an entity
#: does not list, where it lists others, contradicts the entity (a conflict).
CONFLICTING = NATIONAL | {Scheme.LEI}
#: Schemes without a known shape ("registration", "tax"): a list's number of this kind may be
#: one of a known scheme (an EU "registration number" that is an OGRN), so it matches a query's
#: number of a known scheme with the same value, and the reverse when the value passes that
#: scheme's check digits.
GENERIC = frozenset({Scheme.REGISTRATION, Scheme.TAX})
#: Shortest value of a generic number matched against another generic one: shorter registration
#: numbers are issued by too many registers to point at one company across countries.
GENERIC_MIN_CHARS = 6
_OTHER = "other"
#: The country that issues a scheme's numbers, where one does: a list's generic number from
#: another country is not that scheme's number, whatever its digits.
ISSUED_IN = {Scheme.UNP: "BY", Scheme.INN: "RU", Scheme.OGRN: "RU", Scheme.EDRPOU: "UA"}


class Origin(StrEnum):
    GIVEN = "given"  # in the query's `identifiers`
    NAME = "name"  # written in the name (a free-text supplier line)


@dataclass(frozen=True, slots=True)
class QueryIdentifier:
    """An identifier of a query, in normal form, with the scheme it was read as."""

    type: Scheme
    value: str
    origin: Origin
    #: Whether it may contradict an entity (`CONFLICTING`): given with its type, recognised
    #: as one scheme only, or labelled in the name. An untyped value with several readings, or
    #: a bare number in a supplier line (a phone, an order number?), only ever matches.
    certain: bool


@dataclass(frozen=True, slots=True)
class IdentifierHit:
    """A query's identifier that an entity lists: a hit whatever the name."""

    query: QueryIdentifier
    listed: Identifier


@dataclass(frozen=True, slots=True)
class Conflict:
    """A query's number of a scheme that gives one company one number, and the different
    numbers of that scheme the entity lists."""

    query: QueryIdentifier
    listed: tuple[Identifier, ...]


def _keys(scheme: Scheme, value: str) -> list[tuple[str, str]]:
    """The index keys a query's identifier is looked up under (see `GENERIC`)."""
    if scheme not in GENERIC:
        return [(scheme.value, value), (_OTHER, value)]
    keys = [(_OTHER, value)] if len(value) >= GENERIC_MIN_CHARS else []
    for known in RECOGNISED:
        normal = normalize(known, value)
        if valid(known, normal):
            keys.append((known.value, normal))
    return keys


def _compatible(scheme: Scheme, listed: Identifier) -> bool:
    """Whether a listed identifier may be the number of a query's `scheme` (see `ISSUED_IN`)."""
    if listed.type not in GENERIC or listed.country is None:
        return True
    issuer = ISSUED_IN.get(scheme)
    return issuer is None or listed.country.upper() == issuer


def _key(identifier: Identifier) -> tuple[str, str]:
    family = _OTHER if identifier.type in GENERIC else identifier.type.value
    return family, identifier.value


class ListedIdentifiers:
    """The identifiers of one watchlist version by scheme family and value; built with the
    screener, read-only afterwards (so shared by threads)."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._by_key: dict[tuple[str, str], list[tuple[str, Identifier]]] = {}
        for entity in entities:
            for identifier in entity.identifiers:
                self._by_key.setdefault(_key(identifier), []).append((entity.id, identifier))

    def __len__(self) -> int:
        return len(self._by_key)

    def find(self, scheme: Scheme | None, value: str) -> list[tuple[str, Identifier]]:
        """(entity id, listed identifier) of each entity listing `value` (in normal form) as
        `scheme`, or under any scheme it may be when `scheme` is None; each entity once."""
        found: dict[str, Identifier] = {}
        schemes = [scheme] if scheme is not None else [*RECOGNISED, *GENERIC]
        for each in schemes:
            normal = normalize(each, value)
            for key in _keys(each, normal):
                for entity_id, identifier in self._by_key.get(key, ()):
                    if _compatible(each, identifier):
                        found.setdefault(entity_id, identifier)
        return list(found.items())

    def hits(self, identifiers: Sequence[QueryIdentifier]) -> dict[str, IdentifierHit]:
        """The entities the query's identifiers name, by id: in the order of the query's
        identifiers, each entity with the first of them it lists."""
        found: dict[str, IdentifierHit] = {}
        if not self._by_key:
            return found
        for query in identifiers:
            for key in _keys(query.type, query.value):
                for entity_id, listed in self._by_key.get(key, ()):
                    if _compatible(query.type, listed):
                        found.setdefault(entity_id, IdentifierHit(query, listed))
        return found


def conflict(entity: Entity, identifiers: Sequence[QueryIdentifier]) -> Conflict | None:
    """The first of the query's certain numbers of a `CONFLICTING` scheme for which the entity
    lists numbers of the same scheme, none of them this one; None when there is none."""
    if not entity.identifiers:
        return None
    for query in identifiers:
        if not query.certain or query.type not in CONFLICTING:
            continue
        same = tuple(i for i in entity.identifiers if i.type is query.type)
        if same and all(i.value != query.value for i in same):
            return Conflict(query, same)
    return None


def label(scheme: Scheme) -> str:
    """How a scheme is named to a reader: `UNP`, `INN`, `registration number`."""
    return f"{scheme.value} number" if scheme in GENERIC else scheme.value.upper()
