"""Registering a webhook (its URL checked: http(s), and an address it may be sent to) and
rotating its secret; a new secret is made here and shown once by the caller."""

from __future__ import annotations

from collections.abc import Sequence

import anyio.to_thread

from service.settings import Settings
from service.store import Store
from service.store.webhooks import Webhook
from service.webhooks.addresses import allowed_networks, parse_url, resolve
from service.webhooks.events import EventType
from service.webhooks.signing import new_secret


async def register(
    store: Store,
    settings: Settings,
    url: str,
    events: Sequence[EventType],
    description: str,
    created_by: str | None,
) -> Webhook:
    """A new webhook, with its secret; `InvalidInput` for a URL that may not be used."""
    target = parse_url(url)
    allowed = allowed_networks(settings.webhook_allowed_networks)
    await resolve(target, allowed, settings.webhook_connect_seconds)
    types = tuple(dict.fromkeys(event.value for event in events))
    return await anyio.to_thread.run_sync(
        store.webhooks.create, url, types, description, new_secret(), created_by
    )


async def rotate(store: Store, settings: Settings, webhook_id: str) -> Webhook:
    """A new secret for the webhook; the old one signs too for the grace period."""
    return await anyio.to_thread.run_sync(
        store.webhooks.rotate, webhook_id, new_secret(), settings.webhook_secret_grace_seconds
    )
