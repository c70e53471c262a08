"""Who delivers: a worker process killed (SIGKILL) in the middle of a delivery loses nothing,
another takes the delivery again once its lease runs out; and an address is checked again at
each delivery, so a receiver's name that comes to resolve to a refused address (DNS rebinding)
is not sent to. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.settings import Settings
from service.webhooks.delivery import Dispatcher
from tests.conftest import WATCHLIST
from tests.webhooks.delivery_support import (
    all_in,
    deliveries,
    publish_all,
    register,
    store_of,
    wait_until,
)
from tests.webhooks.receiver_support import Receiver

App = Callable[..., TestClient[Litestar]]


@pytest.fixture
def start_worker(
    redis_url: str, job_prefix: str, database_url: str, tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    """Start `python -m service worker` processes on the test's queue and database, with short
    leases and heartbeats; any still running are stopped afterwards."""
    env = os.environ | {
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "WATCHLIST_PATH": str(WATCHLIST),
        "SCREENING_REDIS_KEY_PREFIX": job_prefix,
        "SCREENING_DATA_DIR": str(tmp_path / "worker"),
        "SCREENING_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "SCREENING_WEBHOOK_ATTEMPT_SECONDS": "2",
        "SCREENING_WEBHOOK_LEASE_SECONDS": "3",
        "SCREENING_JOB_HEARTBEAT_SECONDS": "1",
        "SCREENING_JOB_SWEEP_SECONDS": "1",
    }
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "worker"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def test_a_worker_killed_mid_delivery_loses_nothing(
    webhook_app: App, receiver: Receiver, start_worker: Callable[[], subprocess.Popen[str]]
) -> None:
    client = webhook_app(embedded_worker=False)  # only the worker processes deliver
    webhook_id, secret = register(client, receiver.url, "alert.opened")
    receiver.hold.set()  # the first request is held unanswered: the worker is mid-delivery
    publish_all(store_of(client), ("alert.opened", {"alert_id": "a1"}, "c1"))
    first = start_worker()
    receiver.wait_for(1, timeout=60)
    [taken] = deliveries(client, webhook_id)
    assert taken["status"] == "delivering"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    receiver.hold.clear()
    receiver.release.set()

    start_worker()
    wait_until(lambda: all_in(client, webhook_id, "delivered", 1), timeout=60)
    # Received twice (at least once): the same message, signed both times.
    assert len(receiver.received) == 2
    assert len({request.id for request in receiver.received}) == 1
    assert all(r.verified(secret)["data"] == {"alert_id": "a1"} for r in receiver.received)
    [delivered] = deliveries(client, webhook_id)
    assert delivered["attempts"] == 2 and delivered["last_status_code"] == 200


def test_an_address_is_checked_again_at_delivery_time(
    webhook_app: App, receiver: Receiver, make_settings: Callable[..., Settings]
) -> None:
    client = webhook_app(embedded_worker=False)
    webhook_id, _ = register(client, receiver.url, "alert.opened")  # loopback allowed then
    store = store_of(client)
    publish_all(store, ("alert.opened", {"alert_id": "a1"}, None))

    async def drain(allowed: tuple[str, ...]) -> None:
        settings = make_settings(webhook_allowed_networks=allowed, webhook_retry_first_seconds=0.01)
        dispatcher = Dispatcher(store, settings)
        try:
            await dispatcher.drain(seconds=0.5)
        finally:
            await dispatcher.close()

    asyncio.run(drain(()))  # loopback no longer allowed: as if the name now resolved there
    [refused] = deliveries(client, webhook_id)
    assert receiver.received == []
    assert refused["status"] == "pending" and refused["attempts"] >= 1
    assert "not sent to 127.0.0.1" in refused["last_error"]

    def delivered() -> bool:
        asyncio.run(drain(("127.0.0.0/8",)))
        return all_in(client, webhook_id, "delivered", 1)

    wait_until(delivered)
    assert len(receiver.received) == 1
