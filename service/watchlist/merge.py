"""One entity per id: entities with the same id, from one list or several, merged into one.

The first entity with an id gives the primary name, the schema and the place in the order; the
later ones add their names (a different primary name becomes an a.k.a.), countries, addresses,
listings, sources and notes. Pure: no I/O. Imports only the entity model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from service.watchlist.model import Alias, AliasKind, Entity

#: Lower is stronger: a name one list vouches for (a.k.a.) stays strong when another has it as
#: a former or a weak name.
_STRENGTH = {AliasKind.AKA: 0, AliasKind.FKA: 1, AliasKind.WEAK: 2}

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class MergeResult:
    #: One entity per id, in the order each id was first seen.
    entities: tuple[Entity, ...]
    #: The ids that more than one entity had, in the same order.
    merged_ids: tuple[str, ...]


def merge_entities(entities: Iterable[Entity]) -> MergeResult:
    """Fold every entity into the first one with its id."""
    by_id: dict[str, Entity] = {}
    merged: dict[str, None] = {}
    for entity in entities:
        known = by_id.get(entity.id)
        if known is None:
            by_id[entity.id] = entity
        else:
            by_id[entity.id] = merge_pair(known, entity)
            merged[entity.id] = None
    return MergeResult(tuple(by_id.values()), tuple(merged))


def merge_pair(first: Entity, second: Entity) -> Entity:
    """`first` with what `second` adds; both must have the same id."""
    if first.id != second.id:
        raise ValueError(f"cannot merge {first.id!r} with {second.id!r}")
    names = (*first.aliases, Alias(name=second.name), *second.aliases)
    notes = _union(n for n in (first.notes, second.notes) if n)
    return first.model_copy(
        update={
            "aliases": merge_aliases(first.name, names),
            "country": _union(first.country, second.country),
            "addresses": _union(first.addresses, second.addresses),
            "listings": _union(first.listings, second.listings),
            "sources": _union(first.sources, second.sources),
            "defence": first.defence or second.defence,
            "notes": "\n".join(notes) or None,
        }
    )


def merge_aliases(name: str, aliases: Iterable[Alias]) -> tuple[Alias, ...]:
    """One alias per name, other than the primary `name`, in first-seen order: the strongest
    kind any of them has, and the first language given."""
    by_name: dict[str, Alias] = {}
    for alias in aliases:
        if alias.name == name:
            continue
        known = by_name.get(alias.name)
        if known is None:
            by_name[alias.name] = alias
            continue
        kind = min(known.kind, alias.kind, key=_STRENGTH.__getitem__)
        if kind != known.kind or (known.lang is None and alias.lang is not None):
            by_name[alias.name] = Alias(name=alias.name, kind=kind, lang=known.lang or alias.lang)
    return tuple(by_name.values())


def _union(*groups: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))
