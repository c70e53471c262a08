"""The watchlist versions in which an entity was added, changed or removed, from the versions
the service keeps (`service.lifecycle.versions`), oldest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread

from service.errors import NotFound, Unavailable
from service.runtime import Runtime
from service.screening.screener import Screener
from service.watchlist.changes import compare
from service.watchlist.model import Entity


@dataclass(frozen=True, slots=True)
class EntityEvent:
    version: str
    loaded_at: datetime
    what: str


def _find(entities: Sequence[Entity], entity_id: str) -> Entity | None:
    return next((e for e in entities if e.id == entity_id), None)


def _what(old: Entity | None, new: Entity | None, first: bool) -> str | None:
    if first:
        return "listed in the oldest version kept" if new is not None else None
    changes = compare([old] if old else [], [new] if new else [])
    if changes.added:
        return "added"
    if changes.removed:
        return "removed"
    if not changes.changed:
        return None
    change = changes.changed[0]
    parts = [f"name added: {n}" for n in change.names_added]
    parts += [f"name removed: {n}" for n in change.names_removed]
    if change.primary_name:
        parts.append(f"primary name: {change.primary_name[0]} → {change.primary_name[1]}")
    parts += [f"{f.rstrip('_')} changed" for f in change.fields]
    return "changed (" + "; ".join(parts) + ")"


async def entity_history(runtime: Runtime, serving: Screener, entity_id: str) -> list[EntityEvent]:
    """What happened to the entity in each version kept; empty if none are readable."""
    try:
        records = await runtime.versions.records(pinned=serving.version)
    except Unavailable:
        return []
    events = []
    previous: Entity | None = None
    for index, record in enumerate(sorted(records, key=lambda r: r.first_loaded_at)):
        if record.version == serving.version:
            entities: Sequence[Entity] = serving.watchlist.entities
        else:
            try:
                entities = await runtime.versions.entities(record.version)
            except (NotFound, Unavailable):
                continue
        entity = await anyio.to_thread.run_sync(_find, entities, entity_id)
        what = _what(previous, entity, index == 0)
        if what is not None:
            events.append(EntityEvent(record.version, record.loaded_at, what))
        previous = entity
    return events
