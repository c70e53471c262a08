"""The result cache against a real Redis server: hits, misses, TTLs, watchlist versions, and an
outage in the middle of a run of requests in which no request fails."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.cache import CacheState, MemoryResultCache, RedisResultCache
from service.keys import KeySpace

# --- The in-process LRU ------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_cache_evicts_least_recently_used() -> None:
    cache = MemoryResultCache(max_entries=2)
    await cache.set_many({"a": b"1", "b": b"2"}, ttl=60)
    assert await cache.get_many(["a"]) == [b"1"]  # a is now the most recent
    await cache.set_many({"c": b"3"}, ttl=60)
    assert await cache.get_many(["a", "b", "c"]) == [b"1", None, b"3"]
    assert len(cache) == 2


async def test_memory_cache_expires_entries() -> None:
    clock = FakeClock()
    cache = MemoryResultCache(max_entries=10, clock=clock)
    await cache.set_many({"a": b"1"}, ttl=5)
    clock.now += 4.9
    assert await cache.get_many(["a"]) == [b"1"]
    clock.now += 0.2
    assert await cache.get_many(["a"]) == [None]
    assert len(cache) == 0
    assert await cache.check() is CacheState.OK


# --- Redis, directly ---------------------------------------------------------------------------


async def test_redis_cache_round_trip_with_ttl(
    redis_url: str, redis_db: redis.Redis, key_prefix: str
) -> None:
    cache = RedisResultCache.from_url(redis_url, socket_timeout=1.0, retry_seconds=1.0)
    keys = [f"{key_prefix}:v1:result:test:{i}" for i in range(3)]
    try:
        assert await cache.get_many(keys) == [None, None, None]
        await cache.set_many({keys[0]: b"[]", keys[2]: b'[{"entity_id":"x"}]'}, ttl=120)
        assert await cache.get_many(keys) == [b"[]", None, b'[{"entity_id":"x"}]']
        assert await cache.get_many([]) == []
        assert await cache.check() is CacheState.OK
    finally:
        await cache.close()
    ttl = redis_db.ttl(keys[0])
    assert 0 < ttl <= 120


async def test_redis_down_answers_misses_quickly_and_retries_after_the_interval(
    own_redis: Any,
) -> None:
    clock = FakeClock()
    cache = RedisResultCache.from_url(
        own_redis.url, socket_timeout=0.2, retry_seconds=5.0, clock=clock
    )
    try:
        own_redis.stop()
        started = time.perf_counter()
        assert await cache.get_many(["k"]) == [None]
        await cache.set_many({"k": b"v"}, ttl=10)
        assert cache.state is CacheState.DEGRADED
        assert time.perf_counter() - started < 1.0
        own_redis.start()
        clock.now += 4.9  # within the interval: Redis is not asked
        assert await cache.check() is CacheState.DEGRADED
        clock.now += 0.2
        assert await cache.check() is CacheState.OK
    finally:
        await cache.close()


def test_keys_hold_prefix_layout_and_version_but_no_name() -> None:
    keys = KeySpace("acme")
    key = keys.result("0123456789abcdef", "zavod svt", "BY", 0.8, 10)
    assert key.startswith("acme:v1:result:0123456789abcdef:")
    assert "zavod" not in key
    assert len(key.rsplit(":", 1)[1]) == 64
    assert key != keys.result("0123456789abcdef", "zavod svt", None, 0.8, 10)
    assert key != keys.result("0123456789abcdef", "zavod svt", "BY", 0.81, 10)
    assert key != keys.result("0123456789abcdef", "zavod svt", "BY", 0.8, 11)
    assert key != keys.result("fedcba9876543210", "zavod svt", "BY", 0.8, 10)
    assert key == keys.result("0123456789abcdef", "zavod svt", "BY", 0.8, 10)


# --- Redis through the app ---------------------------------------------------------------------


def screen(client: TestClient[Litestar], name: str) -> dict[str, Any]:
    started = time.perf_counter()
    response = client.post("/v1/screen", json={"name": name})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    body["seconds"] = time.perf_counter() - started
    return body


def test_miss_then_hit_in_redis(
    redis_client: TestClient[Litestar], redis_db: redis.Redis, key_prefix: str
) -> None:
    first = screen(redis_client, "Minsk Wheeled Tractor Plant")
    second = screen(redis_client, "minsk wheeled tractor plant")
    assert (first["cached"], second["cached"]) == (False, True)
    assert second["matches"] == first["matches"]
    [key] = redis_db.keys(f"{key_prefix}:*")
    assert key.decode().startswith(f"{key_prefix}:v1:result:{first['watchlist_version']}:")
    stored = json.loads(redis_db.get(key) or b"null")
    assert stored == first["matches"]


def test_a_second_app_shares_the_redis_cache(
    make_client: Callable[..., TestClient[Litestar]], redis_url: str, key_prefix: str
) -> None:
    one = make_client(redis_url=redis_url, redis_key_prefix=key_prefix)
    two = make_client(redis_url=redis_url, redis_key_prefix=key_prefix)
    assert screen(one, "Zavod SVT")["cached"] is False
    assert screen(two, "Zavod SVT")["cached"] is True


@pytest.fixture
def changed_watchlist(tmp_path: Path) -> Path:
    """The fixture watchlist with one entity's listing changed: a new version."""
    source = Path(__file__).parent / "fixtures" / "watchlist.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()
    entity = json.loads(lines[3])
    entity["notes"] = "re-listed"
    lines[3] = json.dumps(entity, ensure_ascii=False)
    path = tmp_path / "changed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_new_watchlist_version_is_never_answered_from_old_entries(
    make_client: Callable[..., TestClient[Litestar]],
    redis_url: str,
    redis_db: redis.Redis,
    key_prefix: str,
    changed_watchlist: Path,
    wait_ready: Callable[..., dict[str, Any]],
) -> None:
    old = make_client(redis_url=redis_url, redis_key_prefix=key_prefix)
    assert screen(old, "Zavod SVT")["cached"] is False
    assert screen(old, "Zavod SVT")["cached"] is True
    new = make_client(
        preload=False,
        watchlist_path=str(changed_watchlist),
        redis_url=redis_url,
        redis_key_prefix=key_prefix,
    )
    wait_ready(new)
    fresh = screen(new, "Zavod SVT")
    assert fresh["cached"] is False
    assert fresh["watchlist_version"] != screen(old, "Zavod SVT")["watchlist_version"]
    assert screen(new, "Zavod SVT")["cached"] is True
    versions = {k.split(b":")[3] for k in redis_db.keys(f"{key_prefix}:*")}
    assert len(versions) == 2


def test_unreachable_redis_at_start_still_screens(
    make_client: Callable[..., TestClient[Litestar]], dead_redis_url: str
) -> None:
    client = make_client(redis_url=dead_redis_url, redis_socket_timeout_seconds=0.2)
    assert client.get("/ready").json()["cache"] == {"backend": "redis", "state": "degraded"}
    assert client.get("/ready").status_code == 200
    assert screen(client, "Peleng")["matches"][0]["entity_id"] == "by-peleng"
    assert screen(client, "Peleng")["cached"] is False


# --- An outage in the middle of a run ------------------------------------------------------------


def test_redis_outage_and_recovery_during_a_run_of_requests(
    make_client: Callable[..., TestClient[Litestar]], own_redis: Any
) -> None:
    retry = 0.3
    client = make_client(
        redis_url=own_redis.url,
        redis_key_prefix="outage",
        redis_socket_timeout_seconds=0.25,
        cache_retry_seconds=retry,
    )
    names = ["Zavod SVT", "Peleng", "Legmash Orsha", "OJSC Integral"]
    runs: list[dict[str, Any]] = []

    def run(rounds: int) -> None:
        for _ in range(rounds):
            for name in names:
                runs.append(screen(client, name))

    run(2)
    assert [r["cached"] for r in runs] == [False] * 4 + [True] * 4

    own_redis.stop()
    run(3)
    during = runs[8:]
    assert not any(r["cached"] for r in during)
    assert client.get("/ready").json()["cache"] == {"backend": "redis", "state": "degraded"}
    assert client.get("/ready").status_code == 200

    own_redis.start()  # same port, empty: nothing survived
    deadline = time.monotonic() + 10
    while client.get("/ready").json()["cache"]["state"] != "ok":
        assert time.monotonic() < deadline, "the cache did not reconnect"
        run(1)
        time.sleep(retry / 3)
    before = len(runs)
    run(2)
    assert runs[-1]["cached"] is True
    assert any(r["cached"] for r in runs[before:])

    # No request failed (screen() asserts 200), and none waited on the dead server for long.
    assert max(r["seconds"] for r in runs) < 2.0
    assert all(r["matches"] for r in runs)


async def test_outage_is_logged_once(own_redis: Any, caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisResultCache.from_url(own_redis.url, socket_timeout=0.2, retry_seconds=0.0)
    try:
        assert await cache.get_many(["outage-log:k"]) == [None]
        own_redis.stop()
        for _ in range(5):
            await cache.get_many(["outage-log:k"])
            await asyncio.sleep(0)
        own_redis.start()
        assert await cache.check() is CacheState.OK
    finally:
        await cache.close()
    messages = [r.getMessage() for r in caplog.records if r.name == "service.cache"]
    assert sum("unavailable" in m for m in messages) == 1
    assert sum("available again" in m for m in messages) == 1
