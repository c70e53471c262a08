"""The one place a Redis URL is parsed: a client that waits a bounded time for each reply and
leaves recovery to its caller. Imports nothing of the service.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def redis_client(url: str, socket_timeout: float, connect_timeout: float | None = None) -> Redis:
    """A client of the Redis at `url` (the one place a Redis URL is parsed) that waits at most
    `socket_timeout` seconds for each reply and `connect_timeout` (the same by default) to
    connect."""
    # No retries inside redis-py: a retry would multiply the wait of a request during an
    # outage; recovery is the caller's job.
    return Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=connect_timeout or socket_timeout,
        retry=Retry(NoBackoff(), 0),
    )
