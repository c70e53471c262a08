"""The result cache against a real Redis server: hits, misses, TTLs, watchlist versions, the
in-process first level in front of Redis, and an outage in the middle of a run of requests in
which no request fails."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.keyspace import KeySpace
from service.lifecycle.state import load_screener
from service.screening.cache import (
    CacheState,
    MemoryResultCache,
    RedisResultCache,
    TieredResultCache,
    open_cache,
)
from service.settings import Settings
from service.watchlist.sources import parse_sources

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


@pytest.mark.serial
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


# --- Two levels: the in-process LRU in front of Redis ---------------------------------------------


def tiered(url: str, clock: Callable[[], float] = time.monotonic) -> TieredResultCache:
    far = RedisResultCache.from_url(url, socket_timeout=0.2, retry_seconds=5.0)
    return TieredResultCache(MemoryResultCache(100, clock=clock), far, max_ttl=3600)


def new_commands(server: Any, before: dict[str, int]) -> dict[str, int]:
    """The commands `server` answered since `before` was taken, with their counts."""
    now: dict[str, int] = server.commands()
    return {name: n - before.get(name, 0) for name, n in now.items() if n != before.get(name, 0)}


def test_open_cache_builds_what_the_settings_ask_for(make_settings: Any) -> None:
    url = "redis://127.0.0.1:1/0"  # never connected to: clients connect on first use
    assert isinstance(open_cache(make_settings()), MemoryResultCache)
    assert isinstance(open_cache(make_settings(redis_url=url)), TieredResultCache)
    assert type(open_cache(make_settings(redis_url=url, local_cache_size=0))) is RedisResultCache
    assert Settings.model_fields["local_cache_size"].default == 10_000


@pytest.mark.serial
async def test_first_level_hit_makes_no_redis_round_trip(own_redis: Any) -> None:
    cache = tiered(own_redis.url)
    try:
        before = own_redis.commands()
        await cache.set_many({"k": b"[]"}, ttl=60)
        assert new_commands(own_redis, before) == {"set": 1}  # written through to Redis
        before = own_redis.commands()
        for _ in range(3):
            assert await cache.get_many(["k"]) == [b"[]"]
        assert new_commands(own_redis, before) == {}
        own_redis.stop()  # Redis gone: the first level answers, without noticing
        assert await cache.get_many(["k"]) == [b"[]"]
        assert cache.state is CacheState.OK
        started = time.perf_counter()
        assert await cache.get_many(["k", "other"]) == [b"[]", None]  # the miss asks Redis
        # mypy keeps the state narrowed to OK across get_many(), which changes it.
        assert cache.state is CacheState.DEGRADED  # type: ignore[comparison-overlap]
        assert time.perf_counter() - started < 1.0
    finally:
        await cache.close()


async def test_redis_hits_fill_the_first_level_in_one_round_trip(own_redis: Any) -> None:
    plain = redis.Redis.from_url(own_redis.url)
    plain.set("a", b'[{"entity_id":"x"}]', ex=60)  # written by another process
    plain.set("b", b"[]", ex=60)
    plain.close()
    cache = tiered(own_redis.url)
    try:
        assert await cache.get_many(["warm-up"]) == [None]  # loads the script into Redis
        before = own_redis.commands()
        assert await cache.get_many(["a", "b", "c"]) == [b'[{"entity_id":"x"}]', b"[]", None]
        # One command for the three keys; GET and PTTL are the script's own calls.
        assert new_commands(own_redis, before) == {"evalsha": 1, "get": 3, "pttl": 3}
        before = own_redis.commands()
        assert await cache.get_many(["b", "a"]) == [b"[]", b'[{"entity_id":"x"}]']
        assert new_commands(own_redis, before) == {}
        assert await cache.get_many(["c"]) == [None]  # misses are not remembered
        assert new_commands(own_redis, before)["evalsha"] == 1
    finally:
        await cache.close()


async def test_first_level_copies_expire_no_later_than_redis_entries(own_redis: Any) -> None:
    clock = FakeClock()
    plain = redis.Redis.from_url(own_redis.url)
    plain.set("short", b"[]", ex=600)  # 600 s left, less than the cache's TTL of 3600
    plain.set("forever", b"[]")  # no expiry (not written by the service)
    cache = tiered(own_redis.url, clock=clock)
    try:
        await cache.set_many({"written": b"[]"}, ttl=60)
        assert await cache.get_many(["short", "forever", "written"]) == [b"[]"] * 3
        plain.delete("short", "forever", "written")  # only the copies are left

        clock.now += 59
        assert await cache.get_many(["short", "forever", "written"]) == [b"[]"] * 3
        clock.now += 2  # 61 s: past the TTL of the written entry
        assert await cache.get_many(["short", "forever", "written"]) == [b"[]", b"[]", None]
        clock.now += 540  # 601 s: past what Redis had left of "short"
        assert await cache.get_many(["short", "forever"]) == [None, b"[]"]
        clock.now += 3000  # 3601 s: the cache's TTL bounds a copy of an entry without one
        assert await cache.get_many(["forever"]) == [None]
    finally:
        await cache.close()
        plain.close()


async def test_first_level_copy_expires_with_its_redis_entry_in_real_time(
    redis_url: str, redis_db: redis.Redis, key_prefix: str
) -> None:
    key = f"{key_prefix}:v1:result:test:short"
    redis_db.set(key, b"[]", px=400)
    cache = tiered(redis_url)
    try:
        assert await cache.get_many([key]) == [b"[]"]
        await asyncio.sleep(0.5)
        assert await cache.get_many([key]) == [None]
    finally:
        await cache.close()


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
    second = screen(redis_client, "Minsk Wheeled Tractor Plant")
    assert (first["cached"], second["cached"]) == (False, True)
    assert second["matches"] == first["matches"]
    [key] = cast("list[bytes]", redis_db.keys(f"{key_prefix}:v1:result:*"))
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
    source = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"
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
    keys = cast("list[bytes]", redis_db.keys(f"{key_prefix}:v1:result:*"))
    versions = {k.split(b":")[3] for k in keys}
    assert len(versions) == 2


def test_a_repeated_name_is_answered_in_process_and_shared_through_redis(
    make_client: Callable[..., TestClient[Litestar]], own_redis: Any
) -> None:
    one = make_client(redis_url=own_redis.url, redis_key_prefix="replicas")
    two = make_client(redis_url=own_redis.url, redis_key_prefix="replicas")  # another replica
    # At start-up each app asks the job queue, in the background, whether it holds unfinished
    # jobs to resume (one ZCARD and one LLEN): counted commands must not include those.
    deadline = time.monotonic() + 30
    while own_redis.commands().get("llen", 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert screen(one, "Zavod SVT")["cached"] is False
    before = own_redis.commands()
    assert screen(one, "Zavod SVT")["cached"] is True
    assert new_commands(own_redis, before) == {}  # from the first level: no round trip
    assert screen(two, "Zavod SVT")["cached"] is True
    assert new_commands(own_redis, before)["evalsha"] == 1  # from Redis
    before = own_redis.commands()
    assert screen(two, "Zavod SVT")["cached"] is True
    assert new_commands(own_redis, before) == {}  # now from its own first level


def test_a_new_watchlist_in_the_same_process_is_answered_from_neither_level(
    redis_client: TestClient[Litestar],
    redis_db: redis.Redis,
    key_prefix: str,
    changed_watchlist: Path,
) -> None:
    old = screen(redis_client, "Zavod SVT")
    assert old["cached"] is False
    assert screen(redis_client, "Zavod SVT")["cached"] is True
    redis_client.app.state["runtime"].holder.swap(
        load_screener(parse_sources(str(changed_watchlist)))
    )
    fresh = screen(redis_client, "Zavod SVT")
    assert fresh["cached"] is False
    assert fresh["watchlist_version"] != old["watchlist_version"]
    assert screen(redis_client, "Zavod SVT")["cached"] is True
    keys = cast("list[bytes]", redis_db.keys(f"{key_prefix}:v1:result:*"))
    versions = {k.split(b":")[3] for k in keys}
    assert versions == {old["watchlist_version"].encode(), fresh["watchlist_version"].encode()}


def test_unreachable_redis_at_start_still_screens(
    make_client: Callable[..., TestClient[Litestar]], dead_redis_url: str
) -> None:
    client = make_client(redis_url=dead_redis_url, redis_socket_timeout_seconds=0.2)
    assert client.get("/ready").json()["cache"] == {"backend": "redis", "state": "degraded"}
    assert client.get("/ready").status_code == 200
    first = screen(client, "Peleng")
    assert first["matches"][0]["entity_id"] == "by-peleng"
    assert first["cached"] is False
    assert screen(client, "Peleng")["cached"] is True  # kept in process meanwhile


def test_unreachable_redis_without_a_first_level_screens_uncached(
    make_client: Callable[..., TestClient[Litestar]], dead_redis_url: str
) -> None:
    client = make_client(
        redis_url=dead_redis_url, redis_socket_timeout_seconds=0.2, local_cache_size=0
    )
    assert screen(client, "Peleng")["cached"] is False
    assert screen(client, "Peleng")["cached"] is False


# --- An outage in the middle of a run ------------------------------------------------------------


@pytest.mark.serial
def test_redis_outage_and_recovery_without_a_first_level(
    make_client: Callable[..., TestClient[Litestar]], own_redis: Any
) -> None:
    retry = 0.3
    client = make_client(
        redis_url=own_redis.url,
        redis_key_prefix="outage",
        redis_socket_timeout_seconds=0.25,
        cache_retry_seconds=retry,
        local_cache_size=0,
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


def test_redis_outage_and_recovery_with_the_first_level(
    make_client: Callable[..., TestClient[Litestar]], own_redis: Any
) -> None:
    """The first level answers the names it holds through the outage; new names are screened
    uncached and kept in process; once Redis is back, results reach it again."""
    retry = 0.3
    settings = {
        "redis_url": own_redis.url,
        "redis_key_prefix": "outage",
        "redis_socket_timeout_seconds": 0.25,
        "cache_retry_seconds": retry,
    }
    client = make_client(**settings)
    plain = redis.Redis.from_url(own_redis.url)
    known = ["Zavod SVT", "Peleng"]
    runs: list[dict[str, Any]] = []

    def run(names: list[str]) -> list[bool]:
        found = [screen(client, name) for name in names]
        runs.extend(found)
        return [r["cached"] for r in found]

    assert run(known + known) == [False, False, True, True]
    assert len(plain.keys("outage:v1:result:*")) == 2

    own_redis.stop()
    assert run(known) == [True, True]  # the first level, Redis not even asked
    assert run(["Legmash Orsha", "OJSC Integral"]) == [False, False]  # screened uncached
    assert client.get("/ready").json()["cache"] == {"backend": "redis", "state": "degraded"}
    assert client.get("/ready").status_code == 200
    assert run(["Legmash Orsha", *known]) == [True, True, True]  # kept in process

    own_redis.start()  # same port, empty: nothing survived
    deadline = time.monotonic() + 10
    while client.get("/ready").json()["cache"]["state"] != "ok":
        assert time.monotonic() < deadline, "the cache did not reconnect"
        run(known)
        time.sleep(retry / 3)
    assert run(["BelAZ"]) == [False]
    assert len(plain.keys("outage:v1:result:*")) == 1  # written through again
    other = make_client(**settings)  # a replica with an empty first level
    assert screen(other, "BelAZ")["cached"] is True
    plain.close()

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
    messages = [r.getMessage() for r in caplog.records if r.name == "service.screening.cache"]
    assert sum("unavailable" in m for m in messages) == 1
    assert sum("available again" in m for m in messages) == 1
