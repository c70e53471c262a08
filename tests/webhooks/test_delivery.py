"""Deliveries over HTTP to a real receiver on loopback, by the embedded worker, on SQLite and
PostgreSQL: every one verified with the `standardwebhooks` library; retried after failures
until delivered once; given up after the retry period, kept as failed and redelivered; in order
per ordering key; signed with both secrets during a rotation's grace period; and
`watchlist.updated` when a reload changes the version."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, update
from standardwebhooks.webhooks import WebhookVerificationError

from service.store.schema import events, webhooks
from service.webhooks.events import EventType
from tests.conftest import WATCHLIST
from tests.webhooks.delivery_support import (
    all_in,
    deliveries,
    publish_all,
    register,
    store_of,
    wait_until,
)
from tests.webhooks.receiver_support import Received, Receiver

App = Callable[..., TestClient[Litestar]]


def test_every_delivery_is_signed_and_shaped_as_the_specification_says(
    webhook_app: App, receiver: Receiver
) -> None:
    client = webhook_app()
    webhook_id, secret = register(client, receiver.url, *EventType)
    publish_all(
        store_of(client),
        ("alert.opened", {"alert_id": "a1", "counterparty_id": "c1"}, "c1"),
        ("alert.updated", {"alert_id": "a1", "status": "dismissed"}, "c1"),
        ("alert.closed", {"alert_id": "a1", "reason": "entity removed"}, "c1"),
        ("rescreen.finished", {"counterparties": 3}, None),
    )
    received = receiver.wait_for(4)
    payloads = [request.verified(secret) for request in received]
    assert [p["type"] for p in payloads if p["type"].startswith("alert.")] == [
        "alert.opened",
        "alert.updated",
        "alert.closed",
    ]
    assert all(set(p) == {"type", "timestamp", "data"} for p in payloads)
    [opened] = [p for p in payloads if p["type"] == "alert.opened"]
    assert opened["data"] == {"alert_id": "a1", "counterparty_id": "c1"}
    assert all(r.headers["webhook-id"].startswith("evt_") for r in received)
    assert all(r.headers["content-type"] == "application/json" for r in received)
    assert len({r.id for r in received}) == 4
    wait_until(lambda: all_in(client, webhook_id, "delivered", 4))
    with pytest.raises(WebhookVerificationError):
        received[0].verified("whsec_" + "A" * 43 + "=")  # another secret


def test_a_receiver_failing_three_times_gets_the_event_once_more(
    webhook_app: App, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500, 500]
    client = webhook_app()
    webhook_id, secret = register(client, receiver.url, "alert.opened")
    publish_all(store_of(client), ("alert.opened", {"alert_id": "a1"}, "c1"))
    wait_until(lambda: all_in(client, webhook_id, "delivered", 1))
    time.sleep(1.5)  # a further drain would send nothing more
    assert len(receiver.received) == 4
    assert len({r.id for r in receiver.received}) == 1  # the same message each time
    for request in receiver.received:
        assert request.verified(secret)["data"] == {"alert_id": "a1"}
    [delivery] = deliveries(client, webhook_id)
    assert delivery["attempts"] == 4
    assert delivery["last_status_code"] == 200 and delivery["last_error"] is None
    assert delivery["delivered_at"] is not None


def test_given_up_after_the_retry_period_kept_failed_then_redelivered(
    webhook_app: App, receiver: Receiver
) -> None:
    receiver.answer = lambda request: 503
    receiver.answer_body = b"x" * 10_000
    client = webhook_app(webhook_retry_total_seconds=0.5)
    webhook_id, secret = register(client, receiver.url, "alert.opened")
    publish_all(store_of(client), ("alert.opened", {"alert_id": "a1"}, "c1"))
    wait_until(lambda: all_in(client, webhook_id, "failed", 1))
    [failed] = deliveries(client, webhook_id)
    assert failed["attempts"] >= 1 and failed["next_attempt_at"] is None
    assert failed["last_status_code"] == 503 and failed["last_error"]
    assert failed["last_response"] == "x" * 512  # a bounded excerpt of the answer
    listed = client.get(f"/v1/webhooks/{webhook_id}/deliveries?status=failed").json()
    assert [d["id"] for d in listed["deliveries"]] == [failed["id"]]
    tried = len(receiver.received)

    receiver.answer = None  # the receiver is mended: 200 from now on
    response = client.post(f"/v1/webhooks/{webhook_id}/deliveries/{failed['id']}/redeliver")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    wait_until(lambda: all_in(client, webhook_id, "delivered", 1))
    assert len(receiver.received) == tried + 1
    assert receiver.received[-1].verified(secret)["data"] == {"alert_id": "a1"}


def test_deliveries_of_one_ordering_key_arrive_in_order(
    webhook_app: App, receiver: Receiver
) -> None:
    failures = {"c1-0": 2}

    def answer(request: Received) -> int:
        data = request.payload["data"]
        name = f"{data['key']}-{data['n']}"
        if failures.get(name, 0) > 0:
            failures[name] -= 1
            return 500
        return 200

    receiver.answer = answer
    client = webhook_app()
    webhook_id, _ = register(client, receiver.url, "alert.updated")
    events_sent = [
        ("alert.updated", {"key": key, "n": n}, key)
        for key, n in [("c1", 0), ("c1", 1), ("c2", 0), ("c1", 2), ("c2", 1)]
    ]
    publish_all(store_of(client), *events_sent)
    wait_until(lambda: all_in(client, webhook_id, "delivered", 5))
    arrivals = [f"{r.payload['data']['key']}-{r.payload['data']['n']}" for r in receiver.received]
    assert arrivals.count("c1-0") == 3
    # Nothing of c1 after its first event before that one went through; c2 was not held up.
    assert [a for a in arrivals if a.startswith("c1")] == ["c1-0", "c1-0", "c1-0", "c1-1", "c1-2"]
    assert [a for a in arrivals if a.startswith("c2")] == ["c2-0", "c2-1"]
    assert arrivals.index("c2-0") < arrivals.index("c1-1")


def test_both_secrets_sign_during_the_grace_period_then_the_new_one_only(
    webhook_app: App, receiver: Receiver
) -> None:
    # A grace period far longer than a delivery takes, however loaded the machine; its end is
    # then brought forward in the store rather than waited for (a test that slept past a short
    # one failed when the first delivery took longer than the grace period).
    client = webhook_app(webhook_secret_grace_seconds=600)
    webhook_id, old = register(client, receiver.url, "alert.opened")
    new = client.post(f"/v1/webhooks/{webhook_id}/rotate-secret").json()["secret"]
    publish_all(store_of(client), ("alert.opened", {"n": 1}, None))
    [during] = receiver.wait_for(1)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verified(old) == during.verified(new)
    store = store_of(client)
    ended = datetime.now(UTC) - timedelta(seconds=1)
    with store.engine.begin() as connection:
        connection.execute(
            update(webhooks).where(webhooks.c.id == webhook_id).values(previous_secret_until=ended)
        )
    publish_all(store, ("alert.opened", {"n": 2}, None))
    after = receiver.wait_for(2)[1]
    assert after.verified(new)["data"] == {"n": 2}
    with pytest.raises(WebhookVerificationError):
        after.verified(old)


def test_a_new_watchlist_version_is_announced_once(
    webhook_app: App, receiver: Receiver, tmp_path: Path
) -> None:
    watchlist = tmp_path / "watchlist.jsonl"
    shutil.copy(WATCHLIST, watchlist)
    client = webhook_app(watchlist_path=str(watchlist), preload=False)
    store = store_of(client)

    def announced() -> list[str]:
        # The outbox holds the monitoring's events too (a re-screening run per new version).
        query = select(events.c.data).where(events.c.type == "watchlist.updated")
        with store.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    # The version loaded at start-up, announced before the webhook existed: not sent to it.
    wait_until(lambda: len(announced()) == 1)
    first = client.get("/v1/watchlist/versions").json()["current"]
    webhook_id, secret = register(client, receiver.url, "watchlist.updated")
    assert client.post("/v1/watchlist/reload").json()["changed"] is False  # nothing announced
    added = '{"id": "xx-zorkiy", "name": "Zorkiy Optical Instruments Works"}\n'
    watchlist.write_text(watchlist.read_text(encoding="utf-8") + added, encoding="utf-8")
    reloaded = client.post("/v1/watchlist/reload").json()
    assert reloaded["changed"] is True
    [request] = receiver.wait_for(1)
    payload = request.verified(secret)
    assert payload["type"] == "watchlist.updated"
    data = payload["data"]
    assert data["version"] == reloaded["version"] and data["previous_version"] == first
    assert data["entities"] == reloaded["entities"]
    wait_until(lambda: all_in(client, webhook_id, "delivered", 1))
    assert len(announced()) == 2


def test_a_counterparty_that_becomes_a_hit_is_told_to_the_receiver(
    webhook_app: App, receiver: Receiver
) -> None:
    # The monitoring's events reach the webhooks through the one outbox: registering a
    # counterparty that matches a listed entity opens an alert, delivered signed.
    client = webhook_app()
    _, secret = register(client, receiver.url, "alert.opened")
    response = client.put("/v1/counterparties/supplier-17", json={"name": "ОАО БЕЛАЗ"})
    assert response.status_code in (200, 201), response.text
    [alert] = response.json()["alerts"]
    [request] = receiver.wait_for(1)
    payload = request.verified(secret)
    assert payload["type"] == "alert.opened"
    assert payload["data"]["counterparty_id"] == "supplier-17"
    assert payload["data"]["entity_id"] == "by-belaz"
    assert payload["data"]["alert_id"] == alert["id"]
    assert request.headers["webhook-id"].startswith("evt_")
