"""The rate limiter against a real Redis server and in-process: allowed up to the limit,
refused beyond with a retry-after, back after the window, one limit shared by two replicas,
keys independent, leases, and an outage in which each replica limits alone."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis

from service.auth.ratelimit import (
    REQUESTS,
    ROWS,
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    Verdict,
    effective_limit,
    open_rate_limiter,
)
from service.keyspace import KeySpace
from service.redis_client import redis_client
from service.settings import Settings

Make = Callable[..., RedisRateLimiter]


@pytest.fixture
async def make_redis_limiter(redis_url: str, key_prefix: str) -> AsyncIterator[Make]:
    """Limiters (replicas) on the test Redis, in this test's key prefix; closed afterwards."""
    opened: list[RedisRateLimiter] = []

    def make(url: str = redis_url, retry_seconds: float = 60.0) -> RedisRateLimiter:
        # Long enough for a loaded machine: a timed-out take falls back to this replica's own
        # count (tested below with a stopped server), which these tests' sums do not expect.
        client = redis_client(url, socket_timeout=5.0)
        limiter = RedisRateLimiter(client, KeySpace(key_prefix), retry_seconds=retry_seconds)
        opened.append(limiter)
        return limiter

    yield make
    for limiter in opened:
        await limiter.close()


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest, make_redis_limiter: Make) -> RateLimiter:
    return MemoryRateLimiter() if request.param == "memory" else make_redis_limiter()


async def take_many(limiter: RateLimiter, n: int, **kwargs: Any) -> list[Verdict]:
    options: dict[str, Any] = {
        "bucket": REQUESTS, "key_id": "k1", "cost": 1, "limit": 5, "window_seconds": 2,
    }  # fmt: skip
    return [await limiter.take(**(options | kwargs)) for _ in range(n)]


async def test_allows_up_to_the_limit_then_refuses_then_recovers(limiter: RateLimiter) -> None:
    verdicts = await take_many(limiter, 6)
    assert [v.allowed for v in verdicts] == [True] * 5 + [False]
    assert [v.remaining for v in verdicts[:5]] == [4, 3, 2, 1, 0]
    refused = verdicts[-1]
    # One permit comes back every window / limit = 0.4 s: the six takes may take up to 0.2 s
    # of it (a loaded machine's pauses) and the bounds still hold.
    assert 0.2 < refused.retry_after <= 0.4
    assert (refused.limit, refused.remaining) == (5, 0)
    await asyncio.sleep(refused.retry_after + 0.02)
    assert (await take_many(limiter, 1))[0].allowed
    await asyncio.sleep(2.05)  # a whole window: the full limit is back
    assert [v.allowed for v in await take_many(limiter, 6)] == [True] * 5 + [False]


async def test_keys_and_buckets_are_independent(limiter: RateLimiter) -> None:
    assert all(v.allowed for v in await take_many(limiter, 5, key_id="a"))
    assert not (await take_many(limiter, 1, key_id="a"))[0].allowed
    assert all(v.allowed for v in await take_many(limiter, 5, key_id="b"))
    assert all(v.allowed for v in await take_many(limiter, 5, key_id="a", bucket=ROWS))


async def test_costs(limiter: RateLimiter) -> None:
    rows = {"bucket": ROWS, "limit": 1000, "window_seconds": 2}
    too_big = (await take_many(limiter, 1, cost=5000, **rows))[0]
    assert not too_big.allowed
    assert too_big.retry_after == 2.0  # never possible: the whole window, by convention
    assert (await take_many(limiter, 1, cost=600, **rows))[0].allowed
    refused = (await take_many(limiter, 1, cost=600, **rows))[0]
    assert not refused.allowed
    assert 0.3 < refused.retry_after <= 0.4  # 200 more rows, at 500 rows/s
    assert (await take_many(limiter, 1, cost=0, **rows))[0].allowed
    assert (await take_many(limiter, 1, cost=400, **rows))[0].allowed
    assert (await take_many(limiter, 3, limit=0))[-1].allowed  # unlimited
    with pytest.raises(ValueError):
        await take_many(limiter, 1, cost=-1)


async def test_two_replicas_share_one_limit(make_redis_limiter: Make) -> None:
    a, b = make_redis_limiter(), make_redis_limiter()
    for limit in (7, 1000):  # without leases, and with leases of 20 permits
        key = f"shared-{limit}"
        allowed = 0
        for _ in range(limit + 50):
            for replica in (a, b):
                # An hour's window: nothing comes back during the test.
                verdict = await replica.take(REQUESTS, key, 1, limit, 3600)
                allowed += verdict.allowed
        assert allowed == limit
        refused = await b.take(REQUESTS, key, 1, limit, 3600)
        assert not refused.allowed
        assert refused.retry_after > 0


async def test_concurrent_takes_on_two_replicas_never_exceed_the_limit(
    make_redis_limiter: Make,
) -> None:
    a, b = make_redis_limiter(), make_redis_limiter()
    takes = [replica.take(ROWS, "busy", 3, 600, 3600) for replica in (a, b) for _ in range(150)]
    allowed = sum(v.allowed for v in await asyncio.gather(*takes))
    # What the concurrent takes leased and left is spent next; 600 rows are 200 takes of 3.
    for _ in range(50):
        allowed += sum([(await r.take(ROWS, "busy", 3, 600, 3600)).allowed for r in (a, b)])
    assert allowed == 200


async def test_takes_waiting_on_one_round_trip_lease_once(make_redis_limiter: Make) -> None:
    # Concurrent takes each leasing their own share let one replica hold the whole limit while
    # the other was refused (the concurrent test above then counted 190 of 200).
    a, b = make_redis_limiter(), make_redis_limiter()
    burst = [a.take(REQUESTS, "burst", 1, 1000, 3600) for _ in range(50)]
    assert all(v.allowed for v in await asyncio.gather(*burst))
    left = 0
    for _ in range(1000):
        left += (await b.take(REQUESTS, "burst", 1, 1000, 3600)).allowed
    # The burst spent 50, and its replica holds one lease of 20 (1000 / 50) at most.
    assert 1000 - 50 - 20 <= left <= 1000 - 50


def round_trips(server: Any) -> int:
    calls: dict[str, int] = server.commands()
    return calls.get("evalsha", 0) + calls.get("eval", 0)


async def test_a_lease_saves_round_trips(own_redis: Any, make_redis_limiter: Make) -> None:
    limiter = make_redis_limiter(own_redis.url)
    await take_many(limiter, 1, key_id="warm-up")  # redis-py loads the script on first use
    before = round_trips(own_redis)
    verdicts = await take_many(limiter, 21, limit=1000, window_seconds=3600)
    assert all(v.allowed for v in verdicts)
    # The first take got its permit and a lease of 20 more (1000 / 50), spent locally after.
    assert round_trips(own_redis) - before == 1
    assert [v.remaining for v in verdicts[:2]] == [999, 998]
    assert (await take_many(limiter, 1, limit=1000, window_seconds=3600))[0].allowed
    assert round_trips(own_redis) - before == 2


async def test_refusals_are_remembered_until_retry_after(
    own_redis: Any, make_redis_limiter: Make
) -> None:
    limiter = make_redis_limiter(own_redis.url)
    assert all(v.allowed for v in await take_many(limiter, 5, window_seconds=60))
    before = round_trips(own_redis)
    first, again = await take_many(limiter, 2, window_seconds=60)
    assert not first.allowed and not again.allowed
    assert again.retry_after <= first.retry_after
    assert round_trips(own_redis) - before == 1  # the second refusal was answered from memory


async def test_state_expires_in_redis(
    make_redis_limiter: Make, redis_db: redis.Redis, key_prefix: str
) -> None:
    await take_many(make_redis_limiter(), 2, window_seconds=10)
    key = KeySpace(key_prefix).rate_limit(REQUESTS, "k1")
    assert 0 < redis_db.pttl(key) <= 4_100  # 2 of 5 permits, 2 s each


async def test_redis_down_falls_back_to_each_replica_alone(
    own_redis: Any, make_redis_limiter: Make
) -> None:
    limiter = make_redis_limiter(own_redis.url, retry_seconds=0.2)
    key = f"outage-{uuid.uuid4().hex}"
    assert (await limiter.take(REQUESTS, key, 1, 3, 60)).allowed
    own_redis.stop()
    # The in-process limiter starts afresh: 3 more, then refused; no exception.
    verdicts = [await limiter.take(REQUESTS, key, 1, 3, 60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert limiter.degraded
    own_redis.start()
    await asyncio.sleep(0.25)
    # Back on Redis (restarted empty: it keeps no data), which holds the count again.
    verdicts = [await limiter.take(REQUESTS, key, 1, 3, 60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert not limiter.degraded
    assert own_redis.commands().get("evalsha", 0) + own_redis.commands().get("eval", 0) >= 3


async def test_open_rate_limiter(
    make_settings: Callable[..., Settings], redis_url: str, key_prefix: str
) -> None:
    local = open_rate_limiter(make_settings(), KeySpace(key_prefix))
    shared = open_rate_limiter(make_settings(redis_url=redis_url), KeySpace(key_prefix))
    try:
        assert isinstance(local, MemoryRateLimiter)
        assert isinstance(shared, RedisRateLimiter)
        assert (await shared.take(REQUESTS, "k1", 1, 5, 1)).allowed
    finally:
        await local.close()
        await shared.close()
    settings = make_settings()
    assert effective_limit(None, settings.rate_limit_requests_per_minute) == 600
    assert effective_limit(0, settings.rate_limit_rows_per_hour) == 0
    assert settings.rate_limit_rows_per_hour == 2_000_000
