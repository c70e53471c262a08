"""The outbox and the deliveries on SQLite and on PostgreSQL: an event exists only if its
transaction committed; fan-out to the webhooks subscribed; one delivery at a time per webhook
and ordering key; leases that run out are taken again; the watchlist version announced once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from service.errors import Conflict
from service.store import Store, open_store
from service.store.deliveries import Outcome
from service.store.outbox import switch_version
from service.store.schema import events, webhook_deliveries
from service.webhooks.events import publish
from service.webhooks.signing import new_secret

RETRY_SECONDS = 3600.0


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def subscribe(store: Store, *types: str) -> str:
    url = "https://receiver.example/hook"
    return store.webhooks.create(url, types, "", new_secret(), None).id


def claim(store: Store, limit: int = 10, lease: float = 60.0) -> list[int]:
    return [c.id for c in store.deliveries.claim(limit, lease, RETRY_SECONDS)]


def test_an_event_exists_only_if_its_transaction_committed(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as connection:
        publish(connection, "alert.opened", {"alert_id": "a1"}, ordering_key="c1")
        raise RuntimeError("the change failed")
    with store.transaction() as connection:
        publish(connection, "alert.opened", {"alert_id": "a2", "at": datetime(2026, 1, 2)})
    with store.engine.connect() as connection:
        rows = connection.execute(select(events.c.type, events.c.data)).all()
    assert [(row.type, row.data) for row in rows] == [
        ("alert.opened", '{"alert_id":"a2","at":"2026-01-02T00:00:00Z"}')
    ]


def test_publish_refuses_an_unknown_type_or_a_bad_key(store: Store) -> None:
    with store.transaction() as connection:
        with pytest.raises(ValueError):
            publish(connection, "alert.exploded", {})
        with pytest.raises(ValueError):
            publish(connection, "alert.opened", {}, ordering_key="")
        with pytest.raises(TypeError):
            publish(connection, "alert.opened", {"x": object()})


def test_events_fan_out_to_the_webhooks_subscribed(store: Store) -> None:
    alerts = subscribe(store, "alert.opened", "alert.closed")
    lists = subscribe(store, "watchlist.updated")
    with store.transaction() as connection:
        publish(connection, "alert.opened", {"n": 1}, ordering_key="c1")
        publish(connection, "watchlist.updated", {"n": 2})
        publish(connection, "rescreen.finished", {"n": 3})
    assert store.outbox.dispatch() == 3
    assert store.outbox.dispatch() == 0  # each event once
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(webhook_deliveries.c.webhook_id, webhook_deliveries.c.status)
        ).all()
    assert sorted(rows) == sorted([(alerts, "pending"), (lists, "pending")])


def test_one_delivery_at_a_time_per_webhook_and_ordering_key(store: Store) -> None:
    subscribe(store, "alert.opened", "alert.updated")
    with store.transaction() as connection:
        for n, key in enumerate(["c1", "c1", "c2", "c1"]):
            publish(connection, "alert.updated", {"n": n}, ordering_key=key)
        publish(connection, "alert.opened", {"n": 4})  # no key: never held back
    store.outbox.dispatch()
    first = claim(store)
    assert len(first) == 3  # the first of c1, the first of c2, the one without a key
    assert claim(store) == []  # the rest wait for the first of their key
    c1_first = min(first)
    # The first of c1 fails and is tried later: the next of c1 still waits.
    with store.engine.begin() as connection:
        connection.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == c1_first)
            .values(status="pending", next_attempt_at=datetime.now(UTC) + timedelta(hours=1))
        )
    assert claim(store) == []
    # Given up (failed): the next of c1 goes.
    with store.engine.begin() as connection:
        connection.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == c1_first)
            .values(status="failed")
        )
    [second] = claim(store)
    assert second > c1_first


def test_a_lease_that_runs_out_is_taken_again_and_the_old_holder_cannot_record(
    store: Store,
) -> None:
    subscribe(store, "alert.opened")
    with store.transaction() as connection:
        publish(connection, "alert.opened", {}, ordering_key="c1")
    store.outbox.dispatch()
    [lost] = store.deliveries.claim(1, 0.2, RETRY_SECONDS)
    assert claim(store) == []  # held
    time.sleep(0.3)
    [again] = store.deliveries.claim(1, 60, RETRY_SECONDS)
    assert again.id == lost.id and again.attempts == 2
    assert not store.deliveries.finish(lost, Outcome(True, 200, None, None))
    assert store.deliveries.finish(again, Outcome(False, 500, "500", "x" * 5000, None))
    failed = store.deliveries.get(subscribe_id(store), again.id)
    assert failed.status == "failed" and failed.last_response == "x" * 512


def subscribe_id(store: Store) -> str:
    return store.webhooks.list()[0].id


def test_redeliver_sends_an_ended_delivery_again(store: Store) -> None:
    webhook = subscribe(store, "alert.opened")
    with store.transaction() as connection:
        publish(connection, "alert.opened", {})
    store.outbox.dispatch()
    [delivery_id] = claim(store)
    with pytest.raises(Conflict):
        store.deliveries.redeliver(webhook, delivery_id)
    with store.engine.begin() as connection:
        connection.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery_id)
            .values(status="delivered")
        )
    again = store.deliveries.redeliver(webhook, delivery_id)
    assert again.status == "pending" and again.attempts == 0
    assert claim(store) == [delivery_id]


def test_a_watchlist_version_is_announced_once(store: Store) -> None:
    with store.transaction() as connection:
        assert switch_version(connection, "v1") == (True, None)
    with store.transaction() as connection:
        assert switch_version(connection, "v1") == (False, "v1")
    with store.transaction() as connection:
        assert switch_version(connection, "v2") == (True, "v1")


def test_purge_keeps_what_is_recent_or_unfinished(store: Store) -> None:
    subscribe(store, "alert.opened")
    with store.transaction() as connection:
        publish(connection, "alert.opened", {})
        publish(connection, "alert.closed", {})  # nobody subscribed
    store.outbox.dispatch()
    assert store.outbox.purge(1) == 0
    old = datetime.now(UTC) - timedelta(days=2)
    with store.engine.begin() as connection:
        connection.execute(update(events).values(dispatched_at=old))
        connection.execute(update(webhook_deliveries).values(created_at=old))
    # The pending delivery keeps its event; the event without deliveries goes.
    assert store.outbox.purge(1) == 1
    with store.engine.begin() as connection:
        connection.execute(update(webhook_deliveries).values(status="delivered"))
    assert store.outbox.purge(1) == 1
