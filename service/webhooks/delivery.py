"""The delivery loop the job workers run (`Dispatcher.drain`, a saq task every second): the
outbox's new events fanned out into deliveries, then the due deliveries taken under a lease,
signed, sent and their outcome recorded, several at once, until none is due.

At least once: a delivery is marked delivered only after its receiver answered 2xx, so a worker
killed mid-delivery leaves it `delivering`, and any worker takes it again when its lease runs
out (the receiver may then see it twice, with the same `webhook-id`). A failed attempt is tried
again after an exponential backoff with full jitter, until `webhook_retry_total_seconds` after
the first attempt; then the delivery is kept as `failed`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import UTC, datetime, timedelta

import anyio.to_thread
import httpx

from service.errors import InvalidInput, StoreUnavailable
from service.settings import Settings
from service.store import Store
from service.store.deliveries import Claimed, Outcome
from service.webhooks.addresses import allowed_networks, parse_url, resolve
from service.webhooks.events import encode_data
from service.webhooks.sender import open_client, post
from service.webhooks.signing import signed_headers

log = logging.getLogger(__name__)

#: Longest a drain goes on taking deliveries, in seconds; the next one (a second later, on
#: any worker) goes on where it stopped.
DRAIN_SECONDS = 30.0
#: How often a worker deletes the events and deliveries past their retention, in seconds.
PURGE_EVERY_SECONDS = 3600.0


def body_of(claimed: Claimed) -> bytes:
    """The payload: `{"type", "timestamp", "data"}`, the data as it was published."""
    head = encode_data({"type": claimed.event_type, "timestamp": claimed.event_created_at})
    return f'{head[:-1]},"data":{claimed.event_data}}}'.encode()


def backoff_seconds(attempts: int, first: float, cap: float) -> float:
    """The wait before the next attempt after `attempts` failed ones: full jitter, a random
    time up to `first` doubled per earlier attempt, at most `cap`."""
    return random.uniform(0.0, min(cap, first * 2.0 ** min(attempts - 1, 62)))


class Dispatcher:
    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._settings = settings
        self._allowed = allowed_networks(settings.webhook_allowed_networks)
        self._client: httpx.AsyncClient | None = None
        self._next_purge = 0.0

    async def drain(self, seconds: float = DRAIN_SECONDS) -> int:
        """Fan out the new events and send what is due, until nothing is or `seconds` have
        passed; the attempts made. A database outage ends it early (the next drain retries)."""
        try:
            return await self._drain(time.monotonic() + seconds)
        except StoreUnavailable as exc:
            log.warning("webhook deliveries paused: %s", exc.message)
            return 0

    async def _drain(self, deadline: float) -> int:
        await self._purge_now_and_then()
        store, settings = self._store, self._settings
        running: set[asyncio.Task[None]] = set()
        attempts = 0
        try:
            while True:
                free = settings.webhook_concurrency - len(running)
                claimed: list[Claimed] = []
                if free > 0 and time.monotonic() < deadline:
                    await anyio.to_thread.run_sync(store.outbox.dispatch)
                    claimed = await anyio.to_thread.run_sync(
                        store.deliveries.claim,
                        free,
                        settings.webhook_lease_seconds,
                        settings.webhook_retry_total_seconds,
                    )
                for delivery in claimed:
                    running.add(asyncio.create_task(self._attempt(delivery)))
                attempts += len(claimed)
                if not running:
                    return attempts
                # One ended: the next of its ordering key may be due now.
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _attempt(self, claimed: Claimed) -> None:
        settings = self._settings
        now = datetime.now(UTC)
        body = body_of(claimed)
        secrets = claimed.signing_secrets(now)
        headers = signed_headers(secrets, claimed.event_id, int(now.timestamp()), body)
        status: int | None = None
        excerpt: str | None = None
        error: str | None = None
        try:
            target = parse_url(claimed.url)
            address = await resolve(target, self._allowed, settings.webhook_connect_seconds)
            answer = await post(
                self._http(), target, address, headers, body, settings.webhook_attempt_seconds
            )
            status, excerpt = answer.status_code, answer.excerpt
            if not answer.ok:
                error = f"the receiver answered {status}"
        except InvalidInput as exc:  # its address is refused now, or no longer resolves
            error = exc.message
        except (httpx.HTTPError, TimeoutError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        await self._record(claimed, status, excerpt, error)

    async def _record(
        self, claimed: Claimed, status: int | None, excerpt: str | None, error: str | None
    ) -> None:
        settings = self._settings
        retry_at = None
        if error is not None:
            wait = backoff_seconds(
                claimed.attempts,
                settings.webhook_retry_first_seconds,
                settings.webhook_retry_max_delay_seconds,
            )
            retry_at = datetime.now(UTC) + timedelta(seconds=wait)
            if retry_at > claimed.retry_until:
                retry_at = None
            log.warning(
                "webhook delivery attempt failed",
                extra={
                    "delivery_id": claimed.id,
                    "event_id": claimed.event_id,
                    "attempts": claimed.attempts,
                    "error": error,
                    "given_up": retry_at is None,
                },
            )
        outcome = Outcome(error is None, status, error, excerpt, retry_at)
        try:
            kept = await anyio.to_thread.run_sync(self._store.deliveries.finish, claimed, outcome)
        except StoreUnavailable:
            # Its lease runs out and another attempt follows: at least once, never lost.
            return
        if not kept:
            log.warning(
                "webhook delivery taken again by another worker while this one sent it",
                extra={"delivery_id": claimed.id},
            )

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = open_client(
                self._settings.webhook_connect_seconds, self._settings.webhook_attempt_seconds
            )
        return self._client

    async def _purge_now_and_then(self) -> None:
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        removed = await anyio.to_thread.run_sync(
            self._store.outbox.purge, self._settings.webhook_retention_days
        )
        if removed:
            log.info("webhook events past their retention deleted", extra={"events": removed})

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
