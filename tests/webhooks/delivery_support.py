"""Helpers of the delivery tests: events published as another part of the service would, a
webhook registered, its deliveries read over HTTP, and waiting for a condition."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from service.api.context import runtime_of
from service.store import Store
from service.webhooks.events import publish

Event = tuple[str, dict[str, object], str | None]


def store_of(client: TestClient[Litestar]) -> Store:
    return runtime_of(client.app.state).store


def publish_all(store: Store, *events: Event) -> None:
    """Publish events in one transaction of the store."""
    with store.transaction() as connection:
        for event_type, data, key in events:
            publish(connection, event_type, data, ordering_key=key)


def register(client: TestClient[Litestar], url: str, *events: str) -> tuple[str, str]:
    """A webhook registered in open mode: its id and secret."""
    response = client.post("/v1/webhooks", json={"url": url, "events": list(events)})
    assert response.status_code == 201, response.text
    created: dict[str, str] = response.json()
    return created["id"], created["secret"]


def deliveries(client: TestClient[Litestar], webhook_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/webhooks/{webhook_id}/deliveries")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def all_in(client: TestClient[Litestar], webhook_id: str, status: str, count: int) -> bool:
    found = deliveries(client, webhook_id)
    return len(found) == count and all(d["status"] == status for d in found)
