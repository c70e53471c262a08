"""Screening through the cache, below HTTP: one cache read and one write per batch, whatever
its size, and the cached JSON counted without parsing."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path

import redis
from pydantic import TypeAdapter

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
    describe_matches,
    render_matches,
    weigh,
)
from service.screening.screener import Screener
from service.settings import Settings
from service.watchlist.loader import Watchlist, load_watchlist
from service.watchlist.model import Alias, Entity

LIMITS = Limits(0.8, 10, 100, 300, 10_000, 0.5, 100_000)
PARAMETERS = Parameters(0.5, 10)
DEVSET = Path(__file__).resolve().parents[2] / "bench" / "devset" / "devset.csv"


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


def test_matches_are_rendered_as_the_models_dump_them() -> None:
    """`render_matches` writes the JSON of `list[MatchOut]` without building the models: the
    same bytes as the models' dump, over the development set (every country it names) and a
    query by each listed identifier (the identifier evidence in the explanation)."""
    screener = Screener.build(load_watchlist())
    models = TypeAdapter(list[MatchOut])
    parameters, limits = Parameters(0.5, 10), Limits.from_settings(Settings(_env_file=None))
    queries = []
    with DEVSET.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            queries.append(check_query(row["query"], row["country"] or None, parameters, limits))
    for entity in screener.watchlist.entities:
        for listed in entity.identifiers:
            asked = [(listed.type.value, listed.value)]
            queries.append(check_query(entity.name, None, parameters, limits, asked))
            queries.append(check_query("Acme Holding", None, parameters, limits, asked))
    rendered = 0
    for query in queries:
        found = weigh(screener, query)
        assert render_matches(screener, found) == models.dump_json(
            describe_matches(screener, found)
        ), query.name
        rendered += len(found)
    assert rendered > 5000 and any(q.identifiers for q in queries)
