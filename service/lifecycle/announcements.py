"""Watchlist reloads announced to every process of a deployment through Redis: the process
that reloads on request keeps the version in a key and publishes it; the others load the
configured watchlist when they hear it, and read the key every `poll_seconds` in case they
missed it (pub/sub drops what is sent while a subscriber is disconnected).

Talks to Redis (one of the few modules that may); the follower reconnects by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from service.keyspace import KeySpace

log = logging.getLogger(__name__)
#: Seconds between attempts to subscribe again after Redis went away.
_RETRY_SECONDS = 1.0
#: Longest wait for Redis when announcing, in seconds: a reload is answered after it.
_ANNOUNCE_TIMEOUT_SECONDS = 2.0


async def announce(redis_url: str, keys: KeySpace, version: str) -> bool:
    """Tell every process that `version` was loaded on request; False if Redis did not answer
    (logged: the others then keep their version until a reload reaches them)."""
    client = aioredis.Redis.from_url(redis_url, socket_timeout=_ANNOUNCE_TIMEOUT_SECONDS)
    try:
        async with client.pipeline(transaction=True) as pipe:
            pipe.set(keys.watchlist_announced(), version)
            pipe.publish(keys.watchlist_reloads(), version)
            await pipe.execute()
        return True
    except (RedisError, OSError) as exc:
        log.warning("watchlist reload not announced to the other processes: %s", exc)
        return False
    finally:
        await client.aclose()


async def follow(
    redis_url: str, keys: KeySpace, on_version: Callable[[str], None], poll_seconds: float
) -> None:
    """Call `on_version(version)` for each version announced after this call (and for one
    announced before it only if it changes), until cancelled; at most `poll_seconds` after an
    announcement even when its message was lost."""
    last: str | None = None
    first = True
    while True:
        client = aioredis.Redis.from_url(redis_url, socket_timeout=_ANNOUNCE_TIMEOUT_SECONDS)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(keys.watchlist_reloads())
                while True:
                    # Read after subscribing: nothing announced in between is missed.
                    stored = await client.get(keys.watchlist_announced())
                    current = stored.decode() if isinstance(stored, bytes) else None
                    if first:
                        # What was announced before this process started is what it loaded.
                        last, first = current, False
                    if current is not None and current != last:
                        last = current
                        on_version(current)
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=poll_seconds
                    )
                    if message is not None and message.get("type") == "message":
                        heard = message["data"].decode()
                        if heard != last:
                            last = heard
                            on_version(heard)
        except (RedisError, OSError):
            await asyncio.sleep(_RETRY_SECONDS)
        finally:
            with contextlib.suppress(RedisError, OSError):
                await client.aclose()


def announce_blocking(redis_url: str, keys: KeySpace, version: str) -> bool:
    """`announce`, for a process without an event loop (the supervisor of `serve --workers`)."""
    try:
        client = redis.Redis.from_url(redis_url, socket_timeout=_ANNOUNCE_TIMEOUT_SECONDS)
        with client, client.pipeline(transaction=True) as pipe:
            pipe.set(keys.watchlist_announced(), version)
            pipe.publish(keys.watchlist_reloads(), version)
            pipe.execute()
        return True
    except (RedisError, OSError) as exc:
        log.warning("watchlist reload not announced to the other processes: %s", exc)
        return False


class Poller:
    """`follow`, for a process without an event loop: `poll()` never waits (beyond a Redis
    reply) and returns a version announced since the last call, if any."""

    def __init__(self, redis_url: str, keys: KeySpace, poll_seconds: float) -> None:
        self._url = redis_url
        self._keys = keys
        self._poll_seconds = poll_seconds
        self._client: redis.Redis | None = None
        self._pubsub: Any = None
        self._last: str | None = None
        self._first = True
        self._read_at = 0.0

    def poll(self) -> str | None:
        try:
            return self._poll()
        except (RedisError, OSError):
            self.close()  # connected again at the next call
            return None

    def _poll(self) -> str | None:
        if self._client is None:
            self._client = redis.Redis.from_url(self._url, socket_timeout=_ANNOUNCE_TIMEOUT_SECONDS)
            self._pubsub = self._client.pubsub(  # type: ignore[no-untyped-call]
                ignore_subscribe_messages=True
            )
            self._pubsub.subscribe(self._keys.watchlist_reloads())
            self._read_at = 0.0  # read the key after subscribing: nothing missed in between
        heard: list[str] = []
        while (message := self._pubsub.get_message(timeout=0)) is not None:
            if message.get("type") == "message":
                heard.append(message["data"].decode())
        if time.monotonic() >= self._read_at:
            self._read_at = time.monotonic() + self._poll_seconds
            stored = self._client.get(self._keys.watchlist_announced())
            if isinstance(stored, bytes):
                if self._first:
                    self._last = stored.decode()  # announced before this process started
                else:
                    heard.append(stored.decode())
            self._first = False
        found = None
        for version in heard:
            if version != self._last:
                self._last = found = version
        return found

    def close(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                self._pubsub.close()
        if self._client is not None:
            with contextlib.suppress(RedisError, OSError):
                self._client.close()
        self._client = self._pubsub = None
