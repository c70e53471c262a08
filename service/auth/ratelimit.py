"""Per API key rate limits shared by every replica through Redis (GCRA in a Lua script, with
local leases), and the in-process limiter used alone without Redis or while Redis is down.

Algorithm: GCRA. Each (bucket, key id) has a theoretical arrival time (TAT); a permit costs
`window / limit` seconds of it and is allowed while TAT - now <= window. So a key may use its
whole `limit` at once, then `limit` per `window` at a steady rate: there is no window edge at
which a second burst opens (a fixed window allows 2 * limit in an instant there); the most any
span of one window can see is a full burst then the steady rate. Redis keeps one number per
key (with a TTL of when it would be back at full allowance), and uses its own clock (TIME).

Cost: one round trip per `take` at most (~100 us of client CPU), so with a large limit a
replica leases permits beyond the cost (1/50 of the limit, at most 100; none below 50; one
lease asked at a time, however many takes wait) and spends them locally (~2 us); a refusal is
remembered until its retry-after. The shared total never exceeds the limit (Redis charges a
lease when granting it); a lease unspent a window after its grant is lost. With leases,
`remaining` is this replica's estimate.

A cost above the limit can never pass: it is refused with retry_after = the window. Cost 0 is
always allowed; limit 0 means unlimited. Redis down: each replica enforces the limit alone
(in-process), and tries Redis again `retry_seconds` later (`SCREENING_CACHE_RETRY_SECONDS`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.keyspace import KeySpace
from service.redis_client import redis_client
from service.settings import Settings

log = logging.getLogger(__name__)

REQUESTS = "requests"
ROWS = "rows"
#: The window of each bucket's limit, in seconds (the settings give a count per window).
REQUESTS_WINDOW_SECONDS = 60
ROWS_WINDOW_SECONDS = 3600
#: A lease is at most this fraction of the limit: with N replicas, N/50 of the limit at most
#: sits in unused leases.
_LEASE_SHARE = 50
#: ... and at most this many permits: one round trip per 100 takes is already cheap.
_LEASE_MAX = 100
#: Floating point slack when counting permits (a TAT is a float of microseconds).
_EPSILON = 1e-6
#: Local state is pruned of expired entries once it holds this many.
_PRUNE_AT = 4096
#: Round trips in flight at once: below the client's pool (100 connections), so a burst of
#: takes waits its turn instead of failing with "too many connections" (read as an outage).
_MAX_IN_FLIGHT = 50


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    #: Seconds until the request would be allowed (0 when allowed).
    retry_after: float
    #: For the RateLimit-* headers; limit 0 means unlimited (no headers).
    limit: int
    remaining: int


class RateLimiter(Protocol):
    async def take(
        self, bucket: str, key_id: str, cost: int, limit: int, window_seconds: int
    ) -> Verdict:
        """Spend `cost` permits of `key_id`'s `limit` per `window_seconds` in `bucket`."""

    async def close(self) -> None: ...


def effective_limit(per_key: int | None, default: int) -> int:
    """A key's own limit, or the settings' default when it has none (0: unlimited)."""
    return default if per_key is None else per_key


def _check(cost: int, limit: int, window_seconds: int) -> None:
    if cost < 0 or limit < 0 or window_seconds <= 0:
        raise ValueError(f"cost {cost}, limit {limit}, window {window_seconds}s")


def _lease_extra(limit: int) -> int:
    return min(limit // _LEASE_SHARE, _LEASE_MAX)


class MemoryRateLimiter:
    """GCRA in this process only (one event loop; not thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tats: dict[tuple[str, str], float] = {}

    async def take(
        self, bucket: str, key_id: str, cost: int, limit: int, window_seconds: int
    ) -> Verdict:
        _check(cost, limit, window_seconds)
        if limit == 0:
            return Verdict(True, 0.0, 0, 0)
        now = self._clock()
        slot = (bucket, key_id)
        tat = max(self._tats.get(slot, now), now)
        interval = window_seconds / limit
        free = max(math.floor((now + window_seconds - tat) / interval + _EPSILON), 0)
        if cost > limit:
            return Verdict(False, float(window_seconds), limit, free)
        if cost > free:
            retry = tat + cost * interval - window_seconds - now
            return Verdict(False, max(retry, 0.0), limit, free)
        if cost:
            if len(self._tats) >= _PRUNE_AT:
                self._tats = {k: t for k, t in self._tats.items() if t > now}
            self._tats[slot] = tat + cost * interval
        return Verdict(True, 0.0, limit, free - cost)

    async def close(self) -> None:
        self._tats.clear()


#: GCRA with a lease. KEYS[1]: the TAT, in microseconds of Redis time. ARGV: the permits
#: needed, the permits wanted (needed and a lease), the limit, the window in microseconds.
#: Reply: {granted (0: refused), permits still free, microseconds until `needed` would pass}.
_TAKE = """
local need, want = tonumber(ARGV[1]), tonumber(ARGV[2])
local limit, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = clock[1] * 1000000 + clock[2]
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local interval = window / limit
-- Below 0 only after the key's window was shortened: nothing is free then.
local free = math.max(math.floor((now + window - tat) / interval + 1e-6), 0)
if need > free then return {0, free, math.ceil(tat + need * interval - window - now)} end
local granted = math.min(want, free)
tat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%.17g', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
return {granted, free - granted, 0}
"""


@dataclass(slots=True)
class _Lease:
    """What one replica holds of a key's allowance, and its last word from Redis."""

    limit: int
    window: int
    expires: float
    permits: int = 0
    #: Permits Redis had left after its last grant (for `remaining`).
    free: int = 0
    #: A cost of at least `blocked_cost` is refused until `blocked_until` (Redis said so).
    blocked_until: float = 0.0
    blocked_cost: int = 0
    #: A round trip asking for a lease is in flight: concurrent takes ask only for what they
    #: need, or each would lease its own share and one replica could hold the whole limit.
    leasing: bool = False

    @property
    def remaining(self) -> int:
        """An estimate for the headers: other replicas' takes since are not seen, and
        concurrent replies may arrive out of order (hence the bound)."""
        return min(self.free + self.permits, self.limit)


class RedisRateLimiter:
    """GCRA in Redis, shared by every replica, with local leases. After a Redis error the
    `fallback` limiter answers for `retry_seconds`, then Redis is tried again."""

    def __init__(
        self,
        client: Redis,
        keys: KeySpace,
        *,
        retry_seconds: float,
        fallback: MemoryRateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._keys = keys
        self._retry_seconds = retry_seconds
        self._fallback = fallback or MemoryRateLimiter(clock)
        self._clock = clock
        self._retry_at: float | None = None  # None while Redis answers
        self._leases: dict[tuple[str, str], _Lease] = {}
        self._in_flight = asyncio.Semaphore(_MAX_IN_FLIGHT)
        # EVALSHA; redis-py loads the script on first use and after a Redis restart.
        self._take = client.register_script(_TAKE)

    @property
    def degraded(self) -> bool:
        return self._retry_at is not None

    async def take(
        self, bucket: str, key_id: str, cost: int, limit: int, window_seconds: int
    ) -> Verdict:
        _check(cost, limit, window_seconds)
        if limit == 0:
            return Verdict(True, 0.0, 0, 0)
        now = self._clock()
        lease = self._lease(bucket, key_id, limit, window_seconds, now)
        if cost <= lease.permits:
            lease.permits -= cost
            return Verdict(True, 0.0, limit, lease.remaining)
        if cost > limit:
            return Verdict(False, float(window_seconds), limit, lease.remaining)
        if cost >= lease.blocked_cost and now < lease.blocked_until:
            return Verdict(False, lease.blocked_until - now, limit, lease.remaining)
        async with self._in_flight:
            return await self._ask_redis(bucket, key_id, cost, limit, window_seconds, lease)

    async def _ask_redis(
        self, bucket: str, key_id: str, cost: int, limit: int, window_seconds: int, lease: _Lease
    ) -> Verdict:
        # Checked here, after any wait for a turn: Redis may have failed meanwhile.
        now = self._clock()
        if self._retry_at is not None and now < self._retry_at:
            return await self._fallback.take(bucket, key_id, cost, limit, window_seconds)
        if cost <= lease.permits:  # leased meanwhile by a concurrent take
            lease.permits -= cost
            return Verdict(True, 0.0, limit, lease.remaining)
        # Claimed before the round trip, so no other take spends them meanwhile.
        held, lease.permits = lease.permits, 0
        need = cost - held
        extra = 0 if lease.leasing else _lease_extra(limit)
        args = (need, need + extra, limit, window_seconds * 1_000_000)
        lease.leasing |= extra > 0
        try:
            reply = cast(
                "list[int]",
                await self._take(keys=[self._keys.rate_limit(bucket, key_id)], args=args),
            )
        except (RedisError, OSError) as exc:
            lease.permits += held
            self._failed(exc)
            return await self._fallback.take(bucket, key_id, cost, limit, window_seconds)
        finally:
            if extra:
                lease.leasing = False
        self._succeeded()
        granted, lease.free, retry_us = reply
        if not granted:
            lease.permits += held
            if cost <= lease.permits:  # leased meanwhile by a concurrent take
                lease.permits -= cost
                return Verdict(True, 0.0, limit, lease.remaining)
            lease.blocked_until, lease.blocked_cost = now + retry_us / 1e6, cost
            return Verdict(False, retry_us / 1e6, limit, lease.remaining)
        lease.permits += granted - need
        lease.expires = now + window_seconds
        return Verdict(True, 0.0, limit, lease.remaining)

    async def close(self) -> None:
        await self._client.aclose()
        await self._fallback.close()

    def _lease(self, bucket: str, key_id: str, limit: int, window: int, now: float) -> _Lease:
        """This replica's lease of the key; a new, empty one if its limit changed or a window
        has passed since its last grant (unspent permits are then lost, never carried on)."""
        slot = (bucket, key_id)
        lease = self._leases.get(slot)
        if lease is None or lease.expires <= now or lease.limit != limit or lease.window != window:
            if len(self._leases) >= _PRUNE_AT:
                self._leases = {
                    k: v
                    for k, v in self._leases.items()
                    if v.expires > now or v.blocked_until > now
                }
            lease = self._leases[slot] = _Lease(limit, window, now + window, free=limit)
        return lease

    def _failed(self, exc: Exception) -> None:
        if self._retry_at is None:
            log.warning(
                "redis rate limiter unavailable, each replica limits alone: %s: %s",
                type(exc).__name__,
                exc,
            )
        self._retry_at = self._clock() + self._retry_seconds

    def _succeeded(self) -> None:
        if self._retry_at is not None:
            log.warning("redis rate limiter available again")
            self._retry_at = None


def open_rate_limiter(settings: Settings, keys: KeySpace) -> RateLimiter:
    """Redis (shared by every replica) with a Redis URL, else the in-process limiter."""
    if not settings.redis_url:
        return MemoryRateLimiter()
    client = redis_client(settings.redis_url, settings.redis_socket_timeout_seconds)
    return RedisRateLimiter(client, keys, retry_seconds=settings.cache_retry_seconds)
