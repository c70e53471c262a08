"""The webhooks registered: a receiver's URL, the event types it is sent, its signing secret
and, after a rotation, the secret before it for a grace period. No web framework, no Redis."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from service.errors import NotFound
from service.store.availability import Availability, guarded
from service.store.schema import utc, webhooks


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    url: str
    events: tuple[str, ...]
    description: str
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    created_at: datetime
    created_by: str | None

    def signing_secrets(self, now: datetime) -> tuple[str, ...]:
        return secrets_in_use(self.secret, self.previous_secret, self.previous_secret_until, now)


def secrets_in_use(
    secret: str, previous: str | None, previous_until: datetime | None, now: datetime
) -> tuple[str, ...]:
    """The secrets a delivery is signed with at `now`: the current one, and the one before the
    last rotation while its grace period lasts."""
    if previous and previous_until is not None and now < previous_until:
        return (secret, previous)
    return (secret,)


def _webhook(row: object) -> Webhook:
    values = row._mapping  # type: ignore[attr-defined]
    return Webhook(
        id=values["id"],
        url=values["url"],
        events=tuple(json.loads(values["events"])),
        description=values["description"],
        secret=values["secret"],
        previous_secret=values["previous_secret"],
        previous_secret_until=utc(values["previous_secret_until"]),
        created_at=utc(values["created_at"]),
        created_by=values["created_by"],
    )


def new_webhook_id() -> str:
    return f"wh_{secrets.token_hex(8)}"


class WebhookStore:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability

    @guarded
    def create(
        self,
        url: str,
        events: tuple[str, ...],
        description: str,
        secret: str,
        created_by: str | None,
    ) -> Webhook:
        webhook = Webhook(
            id=new_webhook_id(),
            url=url,
            events=events,
            description=description,
            secret=secret,
            previous_secret=None,
            previous_secret_until=None,
            created_at=datetime.now(UTC),
            created_by=created_by,
        )
        with self.engine.begin() as connection:
            connection.execute(
                insert(webhooks).values(
                    id=webhook.id,
                    url=url,
                    events=json.dumps(list(events)),
                    description=description,
                    secret=secret,
                    created_at=webhook.created_at,
                    created_by=created_by,
                )
            )
        return webhook

    @guarded
    def get(self, webhook_id: str) -> Webhook:
        """The webhook; `NotFound` if there is none with this id."""
        with self.engine.connect() as connection:
            row = connection.execute(select(webhooks).where(webhooks.c.id == webhook_id)).first()
        if row is None:
            raise NotFound(f"no webhook {webhook_id!r}", code="webhook_not_found")
        return _webhook(row)

    @guarded
    def list(self) -> list[Webhook]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(webhooks).order_by(webhooks.c.created_at)).all()
        return [_webhook(row) for row in rows]

    @guarded
    def any_registered(self) -> bool:
        with self.engine.connect() as connection:
            return connection.execute(select(webhooks.c.id).limit(1)).first() is not None

    @guarded
    def delete(self, webhook_id: str) -> None:
        """Delete the webhook and its deliveries (those not sent yet are not sent);
        `NotFound` if there is none with this id."""
        with self.engine.begin() as connection:
            removed = connection.execute(delete(webhooks).where(webhooks.c.id == webhook_id))
        if removed.rowcount == 0:
            raise NotFound(f"no webhook {webhook_id!r}", code="webhook_not_found")

    @guarded
    def rotate(self, webhook_id: str, secret: str, grace_seconds: float) -> Webhook:
        """Sign with `secret` from now on, and with the current secret too for `grace_seconds`
        (a secret older than that is dropped). `NotFound` if there is no such webhook."""
        until = datetime.now(UTC) + timedelta(seconds=grace_seconds)
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(webhooks)
                .where(webhooks.c.id == webhook_id)
                .values(
                    previous_secret=webhooks.c.secret,
                    previous_secret_until=until,
                    secret=secret,
                )
            )
            if changed.rowcount == 0:
                raise NotFound(f"no webhook {webhook_id!r}", code="webhook_not_found")
            row = connection.execute(select(webhooks).where(webhooks.c.id == webhook_id)).one()
        return _webhook(row)
