"""The result cache: one protocol; a bounded in-process LRU, a Redis implementation shared by
every process of a deployment, and the two in tiers (the LRU read first, Redis behind it).

Values are opaque JSON bytes (see `service.screening.results`); keys come from
`service.keyspace`, the client from `service.redis_client`. A cache failure never fails a
request: a broken Redis answers misses and skips writes until it comes back.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Protocol, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.redis_client import redis_client
from service.settings import Settings

log = logging.getLogger(__name__)


class CacheState(StrEnum):
    OK = "ok"
    #: The backend failed; requests are answered uncached until it answers again.
    DEGRADED = "degraded"


class ResultCache(Protocol):
    @property
    def backend(self) -> str:
        """`redis` or `memory`."""

    @property
    def state(self) -> CacheState: ...

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The value of each key, None for a miss; in the order of the keys."""

    async def set_many(self, items: Mapping[str, bytes], ttl: int) -> None:
        """Store every item for `ttl` seconds."""

    async def check(self) -> CacheState:
        """Probe the backend (for readiness) and return its state."""

    async def close(self) -> None: ...


class MemoryResultCache:
    """A bounded LRU with expiry; thread-safe, so a worker thread may share it."""

    backend = "memory"
    state = CacheState.OK

    def __init__(self, max_entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return self.lookup(keys)

    async def set_many(self, items: Mapping[str, bytes], ttl: int) -> None:
        self.store({key: (value, ttl) for key, value in items.items()})

    def lookup(self, keys: Sequence[str]) -> list[bytes | None]:
        """`get_many` without a coroutine, for a cache in front of another."""
        now = self._clock()
        found: list[bytes | None] = []
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is None or entry[0] <= now:
                    if entry is not None:
                        del self._entries[key]
                    found.append(None)
                else:
                    self._entries.move_to_end(key)
                    found.append(entry[1])
        return found

    def store(self, items: Mapping[str, tuple[bytes, float]]) -> None:
        """Keep each value for its own number of seconds (the least recent go when full)."""
        now = self._clock()
        with self._lock:
            for key, (value, seconds) in items.items():
                self._entries[key] = (now + seconds, value)
                self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    async def check(self) -> CacheState:
        return self.state

    async def close(self) -> None:
        with self._lock:
            self._entries.clear()


#: Each key's value and its time to live in milliseconds (-1: no expiry, -2: no such key): GET
#: and PTTL of every key in one command, so one round trip whatever the number of keys.
_GET_WITH_PTTL = """
local reply = {}
for i, key in ipairs(KEYS) do
  reply[2 * i - 1] = redis.call('GET', key)
  reply[2 * i] = redis.call('PTTL', key)
end
return reply
"""


class RedisResultCache:
    """Redis with a circuit breaker: after an error it stays out of the way (misses, no
    writes) for `retry_seconds`, then tries again; the first success closes the circuit."""

    backend = "redis"

    def __init__(
        self,
        client: Redis,
        *,
        retry_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._retry_at: float | None = None  # None while Redis answers
        # Loaded into Redis on first use, and again after a restart (redis-py does both).
        self._get_with_pttl = client.register_script(_GET_WITH_PTTL)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        socket_timeout: float,
        retry_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> RedisResultCache:
        return cls(redis_client(url, socket_timeout), retry_seconds=retry_seconds, clock=clock)

    @property
    def state(self) -> CacheState:
        return CacheState.OK if self._retry_at is None else CacheState.DEGRADED

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys or not self._may_try():
            return [None] * len(keys)
        try:
            # Without decode_responses, redis-py returns bytes (its annotation allows str).
            values = cast("list[bytes | None]", await self._client.mget(keys))
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return [None] * len(keys)
        self._succeeded()
        return values

    async def get_many_with_ttl(self, keys: Sequence[str]) -> list[tuple[bytes, float] | None]:
        """Like `get_many`, with the seconds each value has left to live (infinity if it has no
        expiry), in one round trip: a copy kept elsewhere must not outlive the original."""
        if not keys or not self._may_try():
            return [None] * len(keys)
        try:
            reply = cast("list[bytes | int | None]", await self._get_with_pttl(keys))
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return [None] * len(keys)
        self._succeeded()
        found: list[tuple[bytes, float] | None] = []
        for value, pttl in zip(reply[0::2], reply[1::2], strict=True):
            if isinstance(value, bytes) and isinstance(pttl, int) and pttl != 0:
                found.append((value, pttl / 1000 if pttl > 0 else math.inf))
            else:
                found.append(None)
        return found

    async def set_many(self, items: Mapping[str, bytes], ttl: int) -> None:
        if not items or not self._may_try():
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for key, value in items.items():
                    pipe.set(key, value, ex=ttl)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return
        self._succeeded()

    async def check(self) -> CacheState:
        if self._may_try():
            try:
                await self._client.ping()
            except (RedisError, OSError) as exc:
                self._failed(exc)
            else:
                self._succeeded()
        return self.state

    async def close(self) -> None:
        await self._client.aclose()

    def _may_try(self) -> bool:
        return self._retry_at is None or self._clock() >= self._retry_at

    def _failed(self, exc: Exception) -> None:
        if self._retry_at is None:
            log.warning(
                "redis cache unavailable, screening without it: %s: %s", type(exc).__name__, exc
            )
        self._retry_at = self._clock() + self._retry_seconds

    def _succeeded(self) -> None:
        if self._retry_at is not None:
            log.warning("redis cache available again")
            self._retry_at = None


class TieredResultCache:
    """The in-process LRU in front of Redis: a name screened again in this process costs no
    round trip. Safe across processes because an entry never changes under its key (the key
    holds the watchlist version); a copy in the LRU expires when its Redis original does.

    Reads: the LRU, then Redis for the keys it lacks (one round trip), which fill the LRU.
    Writes: both. Redis down: the LRU still answers, and keeps what is computed meanwhile."""

    backend = "redis"

    def __init__(self, near: MemoryResultCache, far: RedisResultCache, max_ttl: int) -> None:
        self.near = near
        self.far = far
        #: The lifetime of a copy of a Redis entry without expiry (not written by us).
        self._max_ttl = max_ttl

    @property
    def state(self) -> CacheState:
        return self.far.state

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        found = self.near.lookup(keys)
        missing = [i for i, value in enumerate(found) if value is None]
        if not missing:
            return found
        fetched = await self.far.get_many_with_ttl([keys[i] for i in missing])
        copies: dict[str, tuple[bytes, float]] = {}
        for i, entry in zip(missing, fetched, strict=True):
            if entry is not None:
                found[i] = entry[0]
                copies[keys[i]] = (entry[0], min(entry[1], self._max_ttl))
        if copies:
            self.near.store(copies)
        return found

    async def set_many(self, items: Mapping[str, bytes], ttl: int) -> None:
        await self.near.set_many(items, ttl)
        await self.far.set_many(items, ttl)

    async def check(self) -> CacheState:
        return await self.far.check()

    async def close(self) -> None:
        await self.near.close()
        await self.far.close()


def open_cache(settings: Settings) -> ResultCache:
    """The cache the settings ask for: with a Redis URL, Redis behind an in-process LRU (or
    alone if that LRU's size is 0); without one, the in-process LRU alone."""
    if not settings.redis_url:
        return MemoryResultCache(settings.memory_cache_size)
    far = RedisResultCache.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_socket_timeout_seconds,
        retry_seconds=settings.cache_retry_seconds,
    )
    if settings.local_cache_size == 0:
        return far
    near = MemoryResultCache(settings.local_cache_size)
    return TieredResultCache(near, far, settings.cache_ttl_seconds)
