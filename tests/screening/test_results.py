"""Screening through the cache, below HTTP: one cache read and one write per batch, whatever
its size, and the cached JSON counted without parsing."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import fields

import redis

from service.keyspace import KeySpace
from service.matching.matcher import Explanation, Match, TokenMatch
from service.metrics import Metrics
from service.screening.cache import RedisResultCache
from service.screening.queries import Limits, Parameters, check_query
from service.screening.results import (
    ExplanationOut,
    MatchOut,
    ScreeningService,
    TokenMatchOut,
    count_matches,
    render_matches,
)
from service.screening.screener import Screener
from service.watchlist.loader import Watchlist
from service.watchlist.model import Alias, Entity

LIMITS = Limits(0.8, 10, 100, 300, 10_000, 0.5, 100_000)
PARAMETERS = Parameters(0.5, 10)


class CountingCache(RedisResultCache):
    """The real Redis cache, counting its round trips."""

    def __init__(self, url: str) -> None:
        real = RedisResultCache.from_url(url, socket_timeout=1.0, retry_seconds=1.0)
        super().__init__(real._client, retry_seconds=1.0)
        self.reads: list[int] = []
        self.writes: list[int] = []

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        self.reads.append(len(keys))
        return await super().get_many(keys)

    async def set_many(self, items: Mapping[str, bytes], ttl: int) -> None:
        self.writes.append(len(items))
        await super().set_many(items, ttl)


async def test_one_read_and_one_write_per_batch(
    screener: Screener, redis_url: str, redis_db: redis.Redis, key_prefix: str
) -> None:
    cache = CountingCache(redis_url)
    service = ScreeningService(cache, KeySpace(key_prefix), 60, Metrics())
    names = [
        "Zavod SVT",
        "Peleng",
        "MAZ",
        "Acme",
        "zavod svt",
        "Peleng",
        *[f"Integral {i}" for i in range(200)],
    ]
    queries = [check_query(n, None, PARAMETERS, LIMITS) for n in names]
    try:
        first = await service.screen(screener, queries)
        assert cache.reads == [206]
        # The repeated "Peleng" is one query; "zavod svt" is a query of its own: results are
        # keyed by the text exactly as screened.
        assert cache.writes == [205]
        second = await service.screen(screener, queries)
        assert cache.reads == [206, 206]
        assert cache.writes == [205]
    finally:
        await cache.close()
    assert [r.payload for r in second] == [r.payload for r in first]
    assert all(r.cached for r in second)
    assert len(redis_db.keys(f"{key_prefix}:*")) == 205


def test_count_matches_counts_without_parsing(screener: Screener) -> None:
    for name in ["Zavod SVT", "Minsk Automobile Tractor Plant", "Acme"]:
        found = screener.screen(name, country=None, threshold=0.1, limit=10)
        payload = render_matches(screener, found)
        assert count_matches(payload) == len(json.loads(payload)) == len(found)


def test_count_matches_is_not_fooled_by_names() -> None:
    hostile = 'Acme {"entity_id": "x"} Holding'
    entities = [
        Entity(id="x-1", name=hostile, aliases=(Alias(name='{"entity_id":'),)),
        Entity(id="x-2", name="Acme Holding"),
    ]
    screener = Screener.build(Watchlist.of(entities))
    found = screener.screen(hostile, country=None, threshold=0.1, limit=10)
    payload = render_matches(screener, found)
    assert b'entity_id\\":' in payload
    assert count_matches(payload) == len(found) == 2


def test_every_field_the_engine_explains_reaches_the_api() -> None:
    assert {f.name for f in fields(Explanation)} <= set(ExplanationOut.model_fields)
    assert {f.name for f in fields(TokenMatch)} <= set(TokenMatchOut.model_fields)
    engine_match = {f.name for f in fields(Match)} - {"explanation"}
    assert engine_match <= set(MatchOut.model_fields)
