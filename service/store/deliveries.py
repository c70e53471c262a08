"""The deliveries of events to webhooks: taken by a worker under a lease (`claim`), their
outcome recorded (`finish`), listed, and sent again on demand (`redeliver`).

A delivery is `pending` (due at `next_attempt_at`), `delivering` (a worker holds it until
`lease_until`; past that, as when its worker was killed, any worker takes it again),
`delivered` or `failed` (tried until `retry_until`). Per webhook and ordering key, only the
oldest delivery that is pending or delivering is taken: a failing one holds back the later
ones of its key until it is delivered or given up. No web framework, no Redis.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Engine, and_, func, or_, select, update
from sqlalchemy.orm import aliased

from service.errors import Conflict, NotFound
from service.store.availability import Availability, guarded
from service.store.schema import events, utc, webhook_deliveries, webhooks
from service.store.webhooks import secrets_in_use

#: Characters of a receiver's answer kept with a delivery (the rest is never stored).
EXCERPT_CHARS = 512


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery as listed."""

    id: int
    webhook_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_response: str | None
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a worker holds: what it needs to send it."""

    id: int
    lease: str
    attempts: int
    retry_until: datetime
    url: str
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    event_id: str
    event_type: str
    event_data: str
    event_created_at: datetime

    def signing_secrets(self, now: datetime) -> tuple[str, ...]:
        return secrets_in_use(self.secret, self.previous_secret, self.previous_secret_until, now)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of an attempt: delivered, or else pending again at `retry_at` (None: given
    up, failed)."""

    delivered: bool
    status_code: int | None
    error: str | None
    response: str | None
    retry_at: datetime | None = None


def _due(now: datetime) -> ColumnElement[bool]:
    d = webhook_deliveries
    return or_(
        and_(d.c.status == DeliveryStatus.PENDING, d.c.next_attempt_at <= now),
        and_(d.c.status == DeliveryStatus.DELIVERING, d.c.lease_until <= now),
    )


def _delivery(row: object) -> Delivery:
    values = row._mapping  # type: ignore[attr-defined]
    return Delivery(
        id=values["id"],
        webhook_id=values["webhook_id"],
        event_id=values["event_id"],
        event_type=values["type"],
        status=DeliveryStatus(values["status"]),
        attempts=values["attempts"],
        created_at=utc(values["created_at"]),
        next_attempt_at=utc(values["next_attempt_at"]),
        last_attempt_at=utc(values["last_attempt_at"]),
        last_status_code=values["last_status_code"],
        last_error=values["last_error"],
        last_response=values["last_response"],
        delivered_at=utc(values["delivered_at"]),
    )


class DeliveryStore:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability

    @guarded
    def claim(self, limit: int, lease_seconds: float, retry_seconds: float) -> list[Claimed]:
        """Take up to `limit` deliveries that are due, the oldest first, each the first of its
        webhook and ordering key not yet ended, for `lease_seconds`. An attempt is counted as
        it is taken; the first one sets how long the delivery is tried (`retry_seconds`)."""
        now = datetime.now(UTC)
        d, earlier = webhook_deliveries, aliased(webhook_deliveries)
        held_back = (
            select(earlier.c.id)
            .where(
                earlier.c.webhook_id == d.c.webhook_id,
                earlier.c.ordering_key == d.c.ordering_key,
                earlier.c.id < d.c.id,
                earlier.c.status.in_((DeliveryStatus.PENDING, DeliveryStatus.DELIVERING)),
            )
            .exists()
        )
        lease = secrets.token_hex(16)
        with self.engine.begin() as connection:
            candidates = connection.execute(
                select(d.c.id).where(_due(now), ~held_back).order_by(d.c.id).limit(limit)
            ).scalars()
            taken = []
            for delivery_id in list(candidates):
                # Taken only if still due: another worker may have taken it meanwhile.
                changed = connection.execute(
                    update(d)
                    .where(d.c.id == delivery_id, _due(now))
                    .values(
                        status=DeliveryStatus.DELIVERING,
                        lease=lease,
                        lease_until=now + timedelta(seconds=lease_seconds),
                        attempts=d.c.attempts + 1,
                        last_attempt_at=now,
                        retry_until=func.coalesce(
                            d.c.retry_until, now + timedelta(seconds=retry_seconds)
                        ),
                    )
                )
                if changed.rowcount == 1:
                    taken.append(delivery_id)
            if not taken:
                return []
            rows = connection.execute(
                select(
                    d.c.id,
                    d.c.lease,
                    d.c.attempts,
                    d.c.retry_until,
                    webhooks.c.url,
                    webhooks.c.secret,
                    webhooks.c.previous_secret,
                    webhooks.c.previous_secret_until,
                    events.c.id.label("event_id"),
                    events.c.type,
                    events.c.data,
                    events.c.created_at,
                )
                .join(webhooks, webhooks.c.id == d.c.webhook_id)
                .join(events, events.c.id == d.c.event_id)
                .where(d.c.id.in_(taken))
                .order_by(d.c.id)
            ).all()
        return [
            Claimed(
                id=row.id,
                lease=row.lease,
                attempts=row.attempts,
                retry_until=utc(row.retry_until),
                url=row.url,
                secret=row.secret,
                previous_secret=row.previous_secret,
                previous_secret_until=utc(row.previous_secret_until),
                event_id=row.event_id,
                event_type=row.type,
                event_data=row.data,
                event_created_at=utc(row.created_at),
            )
            for row in rows
        ]

    @guarded
    def finish(self, claimed: Claimed, outcome: Outcome) -> bool:
        """Record the outcome of an attempt; False if the lease was lost meanwhile (the
        delivery was taken again after its lease ran out: the other worker records it)."""
        now = datetime.now(UTC)
        d = webhook_deliveries
        values: dict[str, object] = {
            "lease": None,
            "lease_until": None,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error[:300] if outcome.error else None,
            "last_response": outcome.response[:EXCERPT_CHARS] if outcome.response else None,
        }
        if outcome.delivered:
            values |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
            values["next_attempt_at"] = None
        elif outcome.retry_at is not None:
            values |= {"status": DeliveryStatus.PENDING, "next_attempt_at": outcome.retry_at}
        else:
            values |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(d).where(d.c.id == claimed.id, d.c.lease == claimed.lease).values(**values)
            )
        return changed.rowcount == 1

    @guarded
    def page(
        self,
        webhook_id: str,
        *,
        limit: int,
        before: int | None = None,
        status: DeliveryStatus | None = None,
    ) -> list[Delivery]:
        """The webhook's deliveries, the newest first: at most `limit`, older than `before`."""
        d = webhook_deliveries
        query = (
            select(d, events.c.type)
            .join(events, events.c.id == d.c.event_id)
            .where(d.c.webhook_id == webhook_id)
        )
        if before is not None:
            query = query.where(d.c.id < before)
        if status is not None:
            query = query.where(d.c.status == status)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(d.c.id.desc()).limit(limit)).all()
        return [_delivery(row) for row in rows]

    @guarded
    def get(self, webhook_id: str, delivery_id: int) -> Delivery:
        d = webhook_deliveries
        with self.engine.connect() as connection:
            row = connection.execute(
                select(d, events.c.type)
                .join(events, events.c.id == d.c.event_id)
                .where(d.c.webhook_id == webhook_id, d.c.id == delivery_id)
            ).first()
        if row is None:
            raise NotFound(
                f"no delivery {delivery_id} of webhook {webhook_id!r}", code="delivery_not_found"
            )
        return _delivery(row)

    def redeliver(self, webhook_id: str, delivery_id: int) -> Delivery:
        """Send a delivered or failed delivery again, now, with a new retry period and its
        attempts counted from 0 (it is sent whatever the order of its key). `Conflict` while it
        is pending or being delivered."""
        self._requeue(webhook_id, delivery_id)
        return self.get(webhook_id, delivery_id)

    @guarded
    def _requeue(self, webhook_id: str, delivery_id: int) -> None:
        d = webhook_deliveries
        ended = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(d)
                .where(d.c.webhook_id == webhook_id, d.c.id == delivery_id, d.c.status.in_(ended))
                .values(
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    next_attempt_at=datetime.now(UTC),
                    retry_until=None,
                    delivered_at=None,
                )
            )
        if changed.rowcount == 0:
            current = self.get(webhook_id, delivery_id)  # NotFound if there is none
            raise Conflict(
                f"delivery {delivery_id} is {current.status}: it will be sent without asking",
                code="delivery_in_progress",
            )
