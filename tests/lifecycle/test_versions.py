"""The watchlist versions kept: the entity encoding, the bound on how many are kept (in memory
and in a real Redis), records merged across processes, and a Redis that does not answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from service.errors import NotFound, Unavailable
from service.keyspace import KeySpace
from service.lifecycle.versions import (
    COMPRESS_ABOVE_BYTES,
    VersionRecord,
    VersionStore,
    decode_entities,
    encode_entities,
    open_versions,
)
from service.screening.cache import CacheState
from service.settings import Settings
from service.watchlist.model import Entity

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def entities(count: int, tag: str = "") -> list[Entity]:
    return [
        Entity.model_validate(
            {"id": f"x-{i}", "name": f"Plant {i}{tag}", "aliases": [f"Zavod {i}"], "country": "BY"}
        )
        for i in range(count)
    ]


def record(version: str, minutes: int, count: int = 1) -> VersionRecord:
    at = T0 + timedelta(minutes=minutes)
    return VersionRecord(
        version=version, loaded_at=at, first_loaded_at=at, sources=("a.jsonl",), entities=count
    )


def test_small_lists_are_stored_plain_large_ones_compressed() -> None:
    small, large = entities(3), entities(2000)
    small_blob, large_blob = encode_entities(small), encode_entities(large)
    assert small_blob[:1] == b"j"
    assert large_blob[:1] == b"z"
    assert len(large_blob) < COMPRESS_ABOVE_BYTES * 4  # about 180 KB of JSON Lines
    assert decode_entities(small_blob) == small
    assert decode_entities(large_blob) == large


def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown entity encoding"):
        decode_entities(b"p\x80\x04")  # say, a pickle: never read


async def test_memory_keeps_the_most_recently_loaded() -> None:
    store = VersionStore(keep=2)
    for minutes, version in enumerate(["a", "b", "c"]):
        await store.record(entities(1, version), record(version, minutes))
    assert [r.version for r in await store.records()] == ["c", "b"]
    with pytest.raises(NotFound) as raised:
        await store.entities("a")
    assert raised.value.code == "version_not_found"
    assert (await store.entities("b"))[0].name == "Plant 0b"
    assert (store.backend, store.state) == ("memory", CacheState.OK)


async def test_a_version_loaded_again_keeps_its_first_load_time() -> None:
    store = VersionStore(keep=5)
    await store.record(entities(1), record("a", 0))
    await store.record(entities(1, "b"), record("b", 1))
    again = await store.record(entities(1), record("a", 2))
    assert (again.first_loaded_at, again.loaded_at) == (T0, T0 + timedelta(minutes=2))
    assert [r.version for r in await store.records()] == ["a", "b"]


async def test_the_version_served_is_always_listed() -> None:
    store = VersionStore(keep=1)
    await store.record(entities(1), record("a", 0))
    await store.record(entities(1, "b"), record("b", 1))
    assert [r.version for r in await store.records(pinned="b")] == ["b"]


@pytest.fixture
def redis_settings(
    make_settings: Callable[..., Settings], redis_url: str, key_prefix: str
) -> Settings:
    return make_settings(redis_url=redis_url, redis_key_prefix=key_prefix)


async def test_redis_keeps_the_last_n_and_deletes_the_rest(
    redis_settings: Settings, redis_db: redis.Redis, key_prefix: str
) -> None:
    keys = KeySpace(key_prefix)
    store = open_versions(redis_settings.model_copy(update={"watchlist_versions_kept": 2}), keys)
    try:
        for minutes, version in enumerate(["a", "b", "c"]):
            await store.record(entities(1, version), record(version, minutes))
    finally:
        await store.close()
    assert redis_db.zrevrange(keys.versions(), 0, -1) == [b"c", b"b"]
    assert redis_db.get(keys.version_record("a")) is None
    assert redis_db.get(keys.version_entities("a")) is None
    stored = VersionRecord.model_validate_json(redis_db.get(keys.version_record("c")) or b"")
    assert stored == record("c", 2)
    assert (redis_db.get(keys.version_entities("c")) or b"")[:1] == b"j"  # JSON, not pickle


async def test_processes_sharing_redis_see_each_others_versions(
    redis_settings: Settings, key_prefix: str
) -> None:
    one = open_versions(redis_settings, KeySpace(key_prefix))
    two = open_versions(redis_settings, KeySpace(key_prefix))
    try:
        await one.record(entities(1), record("a", 0))
        await two.record(entities(1, "b"), record("b", 1))
        again = await two.record(entities(1), record("a", 2))  # "a" again, in the other one
        assert again.first_loaded_at == T0
        assert [r.version for r in await one.records()] == ["a", "b"]
        assert (await one.entities("b"))[0].name == "Plant 0b"
        assert (one.backend, one.state) == ("redis", CacheState.OK)
    finally:
        await one.close()
        await two.close()


async def test_an_unreadable_record_in_redis_is_skipped(
    redis_settings: Settings, redis_db: redis.Redis, key_prefix: str
) -> None:
    keys = KeySpace(key_prefix)
    store = open_versions(redis_settings, keys)
    try:
        await store.record(entities(1), record("a", 0))
        redis_db.zadd(keys.versions(), {"b": 1e12})
        redis_db.set(keys.version_record("b"), b"not json")
        assert [r.version for r in await store.records()] == ["a"]
    finally:
        await store.close()


async def test_without_redis_this_process_still_records_and_says_so(
    make_settings: Callable[..., Settings], dead_redis_url: str
) -> None:
    settings = make_settings(redis_url=dead_redis_url, redis_socket_timeout_seconds=0.2)
    store = open_versions(settings, KeySpace("down"))
    try:
        await store.record(entities(1), record("a", 0))
        assert store.state is CacheState.DEGRADED
        assert [r.version for r in await store.records()] == ["a"]
        assert (await store.entities("a"))[0].id == "x-0"
        with pytest.raises(Unavailable) as raised:  # maybe in Redis: cannot say it is not
            await store.entities("b")
        assert raised.value.code == "version_store_unavailable"
    finally:
        await store.close()


async def test_redis_coming_back_serves_the_shared_versions_again(
    make_settings: Callable[..., Settings], own_redis: Any
) -> None:
    settings = make_settings(redis_url=own_redis.url, redis_key_prefix="back")
    store = open_versions(settings, KeySpace("back"))
    try:
        await store.record(entities(1), record("a", 0))
        own_redis.stop()
        await store.record(entities(1, "b"), record("b", 1))
        assert store.state is CacheState.DEGRADED
        assert [r.version for r in await store.records()] == ["b", "a"]
        own_redis.start()  # empty: it kept nothing
        await store.record(entities(1, "c"), record("c", 2))
        # mypy keeps the state narrowed to DEGRADED across record(), which changes it.
        assert store.state is CacheState.OK  # type: ignore[comparison-overlap]
        assert [r.version for r in await store.records()] == ["c", "b", "a"]
    finally:
        await store.close()
