"""The webhook receiver of the tests, on loopback, and apps that deliver to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.webhooks.receiver_support import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


@pytest.fixture
def webhook_app(
    make_client: Callable[..., TestClient[Litestar]],
    redis_url: str,
    job_prefix: str,
    database_url: str,
) -> Callable[..., TestClient[Litestar]]:
    """An app on the test Redis (the job queue of its embedded worker, which delivers) and
    the test's database (SQLite, then PostgreSQL), sending to loopback, retrying quickly."""

    def make(**overrides: Any) -> TestClient[Litestar]:
        settings = {
            "redis_url": redis_url,
            "redis_key_prefix": job_prefix,
            "database_url": database_url,
            "webhook_allowed_networks": ("127.0.0.0/8",),
            "webhook_retry_first_seconds": 0.05,
            "webhook_retry_max_delay_seconds": 0.2,
            "webhook_attempt_seconds": 5.0,
            "webhook_lease_seconds": 10.0,
        }
        return make_client(**(settings | overrides))

    return make
