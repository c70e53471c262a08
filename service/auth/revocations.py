"""Revoked API keys announced to every process of a deployment through Redis pub/sub, so a
revocation takes effect at once everywhere, not only after the key cache expires.

Talks to Redis (one of the few modules that may); the listener reconnects by itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from service.keyspace import KeySpace

log = logging.getLogger(__name__)
#: Seconds between attempts to subscribe again after Redis went away.
_RETRY_SECONDS = 1.0


def announce(redis_url: str, keys: KeySpace, key_id: str) -> bool:
    """Tell every listening process that `key_id` is revoked (from the command line). False
    when Redis did not answer: the processes then notice within the key cache's lifetime."""
    try:
        with redis.Redis.from_url(redis_url, socket_timeout=2) as client:
            client.publish(keys.key_revocations(), key_id)
        return True
    except RedisError:
        return False


async def announce_async(client: aioredis.Redis, keys: KeySpace, key_id: str) -> None:
    try:
        await client.publish(keys.key_revocations(), key_id)
    except RedisError:
        log.warning("revocation not announced: Redis unavailable")


async def listen(
    redis_url: str,
    keys: KeySpace,
    on_revoked: Callable[[str], None],
    on_subscribed: Callable[[], None],
) -> None:
    """Call `on_revoked(key_id)` for each announcement, until cancelled; `on_subscribed()`
    each time the subscription is made, first and after a reconnection (announcements made
    while disconnected are lost: the caller forgets every key it trusted then)."""
    while True:
        client = aioredis.Redis.from_url(redis_url)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(keys.key_revocations())
                on_subscribed()
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        on_revoked(message["data"].decode())
        except (RedisError, OSError):
            await asyncio.sleep(_RETRY_SECONDS)
        finally:
            await client.aclose()
