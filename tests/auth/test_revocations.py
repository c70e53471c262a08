"""A key revoked through one server process is refused at once by another (Redis pub/sub),
and rate limits are counted across them: two real processes sharing a store and Redis."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WATCHLIST, Served, screen

NAME = "Minsk Wheeled Tractor Plant"


def _key(base: str, admin: str | None, **body: object) -> str:
    headers = {"X-API-Key": admin} if admin else {}
    response = httpx.post(f"{base}/v1/keys", json=body, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def _pair(start_server: Callable[..., Served], redis_url: str, key_prefix: str) -> list[Served]:
    env = {
        "WATCHLIST_PATH": str(WATCHLIST),
        "REDIS_URL": redis_url,
        "SCREENING_REDIS_KEY_PREFIX": key_prefix,
        # Key checks trusted for an hour: only the announcement can explain a refusal.
        "SCREENING_KEY_CACHE_SECONDS": "3600",
        "SCREENING_RATE_LIMIT_REQUESTS_PER_MINUTE": "60",
    }
    return [start_server(env), start_server(env)]


@pytest.mark.serial
def test_a_key_revoked_through_one_process_is_refused_by_the_other_at_once(
    start_server: Callable[..., Served], redis_url: str, key_prefix: str
) -> None:
    one, two = _pair(start_server, redis_url, key_prefix)
    admin = _key(one.base, None, name="first admin", role="admin")
    screener = _key(one.base, admin, name="erp", role="screener")
    assert screen(two.base, NAME, key=screener) == 200  # trusted by two now
    key_id = screener.split("_")[1]
    revoked = httpx.delete(f"{one.base}/v1/keys/{key_id}", headers={"X-API-Key": admin})
    assert revoked.status_code == 200
    # Far below the hour two trusts its check for; the announcement takes milliseconds.
    started = time.monotonic()
    while (status := screen(two.base, NAME, key=screener)) == 200:
        assert time.monotonic() - started < 5, "the revoked key is still let through"
        time.sleep(0.01)
    assert status == 401


@pytest.mark.serial
def test_a_rate_limit_is_counted_across_processes(
    start_server: Callable[..., Served], redis_url: str, key_prefix: str
) -> None:
    one, two = _pair(start_server, redis_url, key_prefix)
    admin = _key(one.base, None, name="first admin", role="admin")
    screener = _key(one.base, admin, name="erp", role="screener", requests_per_minute=10)
    started = time.monotonic()
    with httpx.Client() as client:
        statuses = [
            screen(served.base, NAME, client, screener) for _ in range(6) for served in (one, two)
        ]
    # Ten a minute between them (one more each 6 s taken): each process alone would let its
    # six through, so both refusing proves the count is shared.
    allowed_at_most = 10 + int((time.monotonic() - started) // 6)
    assert 10 <= statuses.count(200) <= allowed_at_most
    assert 429 in statuses[0::2] and 429 in statuses[1::2]
