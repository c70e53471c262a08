"""The events webhooks are sent, and `publish`, which writes one into the store's outbox
inside the caller's transaction: the event is committed with the change it tells of, or not at
all, and the workers deliver it afterwards (at least once, in order per ordering key).

    with store.transaction() as connection:      # SQLAlchemy Core, synchronous
        ...                                       # the change itself, on `connection`
        publish(connection, "alert.opened", {"alert_id": ...}, ordering_key=counterparty_id)

Synchronous like the whole store: call it from a worker thread (`anyio.to_thread`), as every
store call is. An ORM `Session` works as well as a Core `Connection`; the caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import Enum, StrEnum

from service.store import Store
from service.store.outbox import Transaction, add_event, switch_version


class EventType(StrEnum):
    ALERT_OPENED = "alert.opened"
    ALERT_UPDATED = "alert.updated"
    ALERT_CLOSED = "alert.closed"
    WATCHLIST_UPDATED = "watchlist.updated"
    RESCREEN_FINISHED = "rescreen.finished"


#: Longest ordering key, in characters (a counterparty's id fits).
MAX_ORDERING_KEY = 200
#: The ordering key of `watchlist.updated`: the versions are announced in the order loaded.
WATCHLIST_KEY = "watchlist"


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"an event's data cannot hold a {type(value).__name__}")


def encode_data(data: dict[str, object]) -> str:
    """An event's data as the JSON sent (datetimes in UTC ISO 8601, enums by value)."""
    return json.dumps(data, default=_jsonable, ensure_ascii=False, separators=(",", ":"))


def publish(
    connection_or_session: Transaction,
    event_type: str,
    data: dict[str, object],
    *,
    ordering_key: str | None = None,
) -> None:
    """Write an event into the outbox in the caller's open transaction (the caller commits).
    `ValueError` for an unknown type or an ordering key that is empty or too long, `TypeError`
    for data that is not JSON: both mistakes of the caller, raised before anything is written.
    Events of one ordering key reach each webhook in the order they were committed."""
    kind = EventType(event_type)
    if ordering_key is not None and not 1 <= len(ordering_key) <= MAX_ORDERING_KEY:
        raise ValueError(f"an ordering key has 1 to {MAX_ORDERING_KEY} characters")
    add_event(connection_or_session, kind.value, encode_data(data), ordering_key)


def announce_watchlist(
    store: Store,
    *,
    version: str,
    entities: int,
    sources: Sequence[str],
    loaded_at: datetime,
) -> bool:
    """Publish `watchlist.updated` if `version` is not the one announced last (by any process:
    of several loading it, one announces it); whether it was published."""
    with store.transaction() as connection:
        changed, previous = switch_version(connection, version)
        if changed:
            publish(
                connection,
                EventType.WATCHLIST_UPDATED,
                {
                    "version": version,
                    "previous_version": previous,
                    "entities": entities,
                    "sources": list(sources),
                    "loaded_at": loaded_at,
                },
                ordering_key=WATCHLIST_KEY,
            )
    return changed
