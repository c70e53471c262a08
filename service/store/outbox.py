"""The outbox of events: an event is written in the caller's transaction, beside the change it
tells of (`add_event`), and fanned out afterwards into one delivery per webhook subscribed
(`Outbox.dispatch`). Also the watchlist version last announced, compared and set in one step.

Synchronous SQLAlchemy Core, like the rest of the store; no web framework, no Redis.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    delete,
    exists,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store.availability import Availability, guarded
from service.store.schema import (
    announced_watchlist,
    events,
    utc,
    webhook_deliveries,
    webhooks,
)

#: What `add_event` writes in: a Core connection inside `engine.begin()` (the store's own
#: way, `Store.transaction`), or an ORM session; either way the caller commits.
Transaction = Connection | Session

#: Events fanned out per transaction.
DISPATCH_BATCH = 500
#: The PostgreSQL advisory lock held while fanning out, so that deliveries are numbered in the
#: order their events were fanned out (any number no other code uses).
_DISPATCH_LOCK = 0x5C2EE1

_ids_lock = threading.Lock()
_last_nanoseconds = 0
_random_part = itertools.count(int.from_bytes(os.urandom(3), "big"))


def new_event_id() -> str:
    """`evt_` + 16 hex digits of nanoseconds (strictly increasing in this process) + 8 counted
    on from a random start: ordered by the time of publishing, unique across processes."""
    global _last_nanoseconds
    with _ids_lock:
        _last_nanoseconds = max(time.time_ns(), _last_nanoseconds + 1)
        moment = _last_nanoseconds
        salt = next(_random_part) & 0xFFFFFFFF
    return f"evt_{moment:016x}{salt:08x}"


def add_event(
    transaction: Transaction, event_type: str, data_json: str, ordering_key: str | None
) -> str:
    """Write an event in `transaction` (committed, or rolled back, with it); its id."""
    event_id = new_event_id()
    transaction.execute(
        insert(events).values(
            id=event_id,
            type=event_type,
            data=data_json,
            ordering_key=ordering_key,
            created_at=datetime.now(UTC),
        )
    )
    return event_id


def switch_version(transaction: Transaction, version: str) -> tuple[bool, str | None]:
    """Record `version` as the watchlist version announced: whether it changed, and the one
    announced before (None: none yet). Of several processes loading the same new version at
    once, only one sees it change (a compare-and-set, tried again when another came first)."""
    table = announced_watchlist
    while True:
        before = transaction.execute(select(table.c.version).where(table.c.id == 1)).scalar_one()
        if before == version:
            return False, before or None
        # An UPDATE's result is a cursor's, in a session too (which types it more loosely).
        changed = cast(
            "CursorResult[Any]",
            transaction.execute(
                update(table)
                .where(table.c.id == 1, table.c.version == before)
                .values(version=version, announced_at=datetime.now(UTC))
            ),
        )
        if changed.rowcount == 1:
            return True, before or None


class Outbox:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability

    @guarded
    def dispatch(self) -> int:
        """Make the deliveries of the events not fanned out yet, oldest first, one per webhook
        subscribed to its type and registered before it; the number of events fanned out. Two
        fanning out at once: one waits (PostgreSQL), or fails on the deliveries' uniqueness and
        leaves the events to the other (SQLite)."""
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DISPATCH_LOCK}
                    )
                pending = connection.execute(
                    select(events.c.id, events.c.type, events.c.ordering_key, events.c.created_at)
                    .where(events.c.dispatched_at.is_(None))
                    .order_by(events.c.id)
                    .limit(DISPATCH_BATCH)
                ).all()
                if not pending:
                    return 0
                subscribed = [
                    (row.id, set(json.loads(row.events)), utc(row.created_at))
                    for row in connection.execute(
                        select(webhooks.c.id, webhooks.c.events, webhooks.c.created_at).order_by(
                            webhooks.c.id
                        )
                    )
                ]
                rows = [
                    {
                        "webhook_id": webhook_id,
                        "event_id": event.id,
                        "ordering_key": event.ordering_key,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                        "next_attempt_at": now,
                    }
                    for event in pending
                    for webhook_id, types, registered in subscribed
                    if event.type in types and registered <= utc(event.created_at)
                ]
                # One statement per row: ids are then given in this order on every database.
                for row in rows:
                    connection.execute(insert(webhook_deliveries).values(**row))
                connection.execute(
                    update(events)
                    .where(events.c.id.in_([event.id for event in pending]))
                    .values(dispatched_at=now)
                )
        except IntegrityError:
            return 0  # fanned out meanwhile by another worker
        return len(pending)

    @guarded
    def purge(self, days: int) -> int:
        """Delete the deliveries ended (delivered or failed) more than `days` ago, and the
        events fanned out before then that no delivery refers to; the events deleted."""
        cutoff = datetime.now(UTC) - timedelta(days=days)
        d = webhook_deliveries
        with self.engine.begin() as connection:
            connection.execute(
                delete(d).where(d.c.status.in_(("delivered", "failed")), d.c.created_at < cutoff)
            )
            removed = connection.execute(
                delete(events).where(
                    events.c.dispatched_at < cutoff,
                    ~exists().where(d.c.event_id == events.c.id),
                )
            )
        return removed.rowcount
