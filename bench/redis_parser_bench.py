"""Whether hiredis (`redis[hiredis]`) makes the result cache faster: cache hits read from Redis
through `RedisResultCache` (the second level: what a worker's first level lacks), with the
reply parser redis-py picks when hiredis is installed and with its pure-Python parser, in one
process, runs interleaved, medians reported. The values are the service's own payloads (the
seed's answers to its entities' names).

Run: python bench/redis_parser_bench.py [--runs 7] (needs hiredis installed; REDIS_URL or
127.0.0.1:6379; its keys, under a prefix of their own, are deleted afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

from redis._parsers import _AsyncHiredisParser, _AsyncRESP2Parser

from service.keyspace import KeySpace
from service.lifecycle.state import load_screener
from service.metrics import Metrics
from service.redis_client import redis_client
from service.screening.cache import MemoryResultCache, RedisResultCache
from service.screening.queries import Limits, check_parameters, check_query
from service.screening.results import ScreeningService
from service.settings import Settings

#: Entity names screened for the payloads, and the keys of one batch read.
NAMES = 200
BATCH = 100
#: Calls per run: single reads, batch reads.
SINGLE_CALLS = 3000
BATCH_CALLS = 300


async def payloads(keys: KeySpace) -> dict[str, bytes]:
    """The cache entries the service writes for the seed's first entity names."""
    settings = Settings()
    screener = load_screener(settings.watchlist_sources, settings.watchlist_filter)
    limits = Limits.from_settings(settings)
    parameters = check_parameters(None, None, limits)
    names = [entity.name for entity in screener.watchlist.entities[:NAMES]]
    queries = [check_query(name, None, parameters, limits) for name in names]
    service = ScreeningService(MemoryResultCache(NAMES), keys, 3600, Metrics())
    results = await service.screen(screener, queries)
    return {service.key(screener, q): r.payload for q, r in zip(queries, results, strict=True)}


async def timed(
    call: Callable[[RedisResultCache], Awaitable[object]], cache: RedisResultCache, calls: int
) -> float:
    """Microseconds per call."""
    started = time.perf_counter()
    for _ in range(calls):
        await call(cache)
    return (time.perf_counter() - started) / calls * 1e6


async def main(runs: int) -> None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    keys = KeySpace(f"bench-{uuid.uuid4().hex}")
    entries = await payloads(keys)
    names = list(entries)
    caches = {}
    for label, parser in (("hiredis", _AsyncHiredisParser), ("python", _AsyncRESP2Parser)):
        client = redis_client(url, 5.0)
        # With hiredis installed this is redis-py's default; forced here for both, so that
        # one run compares the two.
        client.connection_pool.connection_kwargs["parser_class"] = parser
        caches[label] = RedisResultCache(client, retry_seconds=1.0)
    await caches["python"].set_many(entries, 3600)
    sizes = sorted(len(v) for v in entries.values())
    print(f"{len(entries)} payloads, median {statistics.median(sizes)} bytes, max {sizes[-1]}")
    scenarios: dict[str, tuple[Callable[[RedisResultCache], Awaitable[object]], int]] = {
        "1 key (a screening)": (lambda c: c.get_many_with_ttl(names[:1]), SINGLE_CALLS),
        f"{BATCH} keys (a batch)": (lambda c: c.get_many_with_ttl(names[:BATCH]), BATCH_CALLS),
    }
    figures: dict[tuple[str, str], list[float]] = {}
    try:
        for cache in caches.values():  # warm up: connections made, the script loaded
            for call, _ in scenarios.values():
                await call(cache)
        for _ in range(runs):
            for scenario, (call, calls) in scenarios.items():
                for label, cache in caches.items():
                    figures.setdefault((scenario, label), []).append(
                        await timed(call, cache, calls)
                    )
    finally:
        client = redis_client(url, 5.0)
        await client.delete(*names)
        await client.aclose()
        for cache in caches.values():
            await cache.close()
    for scenario in scenarios:
        hiredis = statistics.median(figures[(scenario, "hiredis")])
        python = statistics.median(figures[(scenario, "python")])
        print(
            f"{scenario}: hiredis {hiredis:.1f} µs, pure Python {python:.1f} µs per read "
            f"(hiredis {python / hiredis:.2f}x)"
        )


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--runs", type=int, default=7)
    asyncio.run(main(arguments.parse_args().runs))
