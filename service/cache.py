"""The result cache: one protocol, a Redis implementation shared by every process of a
deployment and a bounded in-process LRU for a single process without Redis.

Values are opaque JSON bytes (see `service.results`); keys come from `service.keys`. This is
the only module that talks to Redis. A cache failure never fails a request: a broken Redis
answers misses and skips writes until it comes back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Protocol, cast

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

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

    async def set_many(self, items: Mapping[str, bytes], ttl: int) -> None:
        expires = self._clock() + ttl
        with self._lock:
            for key, value in items.items():
                self._entries[key] = (expires, value)
                self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    async def check(self) -> CacheState:
        return self.state

    async def close(self) -> None:
        with self._lock:
            self._entries.clear()


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

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        socket_timeout: float,
        retry_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> RedisResultCache:
        # No retries inside redis-py: a retry would multiply the wait of a request during an
        # outage; recovery is this class's job.
        client = Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            retry=Retry(NoBackoff(), 0),
        )
        return cls(client, retry_seconds=retry_seconds, clock=clock)

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
                "redis cache unavailable, screening uncached: %s: %s", type(exc).__name__, exc
            )
        self._retry_at = self._clock() + self._retry_seconds

    def _succeeded(self) -> None:
        if self._retry_at is not None:
            log.warning("redis cache available again")
            self._retry_at = None


def open_cache(settings: Settings) -> ResultCache:
    """The cache the settings ask for: Redis when a URL is set, else the in-process LRU."""
    if settings.redis_url:
        return RedisResultCache.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_socket_timeout_seconds,
            retry_seconds=settings.cache_retry_seconds,
        )
    return MemoryResultCache(settings.memory_cache_size)
