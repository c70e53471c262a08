"""What a list update means: the entities added, removed and changed between two watchlist
versions, and for a changed entity which names and which other fields changed.

Pure; works on entities, imports only the watchlist model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.watchlist.model import Entity

#: Fields compared besides the names; a difference in any is reported by field name
#: (identifiers too: an entity's numbers make hits and conflicts in screening).
_COMPARED = ("schema_", "country", "addresses", "identifiers", "listings", "defence", "notes")


@dataclass(frozen=True, slots=True)
class EntityChange:
    entity_id: str
    name: str
    #: names (primary or alias) in the new version only, and in the old version only
    names_added: tuple[str, ...]
    names_removed: tuple[str, ...]
    #: the primary name, when it changed: (old, new)
    primary_name: tuple[str, str] | None
    #: other fields that differ ("listings", "addresses", ...)
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Changes:
    added: tuple[Entity, ...]
    removed: tuple[Entity, ...]
    changed: tuple[EntityChange, ...]


def compare(old: Sequence[Entity], new: Sequence[Entity]) -> Changes:
    """Entities of `new` not in `old` (by id), of `old` not in `new`, and those that differ."""
    before = {e.id: e for e in old}
    after = {e.id: e for e in new}
    added = tuple(after[i] for i in sorted(after.keys() - before.keys()))
    removed = tuple(before[i] for i in sorted(before.keys() - after.keys()))
    changed = tuple(
        change
        for i in sorted(before.keys() & after.keys())
        if before[i] != after[i] and (change := _change(before[i], after[i])) is not None
    )
    return Changes(added, removed, changed)


def _change(old: Entity, new: Entity) -> EntityChange | None:
    old_names, new_names = set(old.all_names), set(new.all_names)
    fields = tuple(f for f in _COMPARED if getattr(old, f) != getattr(new, f))
    kinds_changed = {(a.name, a.kind) for a in old.aliases} != {
        (a.name, a.kind) for a in new.aliases
    }
    if kinds_changed and old_names == new_names:
        fields = ("aliases", *fields)
    primary = (old.name, new.name) if old.name != new.name else None
    if old_names == new_names and not fields and primary is None:
        return None  # only the order of names or sources differs
    return EntityChange(
        entity_id=new.id,
        name=new.name,
        names_added=tuple(n for n in new.all_names if n not in old_names),
        names_removed=tuple(n for n in old.all_names if n not in new_names),
        primary_name=primary,
        fields=fields,
    )
