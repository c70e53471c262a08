"""The jobs side of an API process: the Redis of the job queue (the one at the Redis URL, or
else the private `redis-server` of the embedded default), the job store and queue on it, and
the embedded worker that screens jobs inside the process.

Both start with the first request to the jobs API, or at start-up when there are jobs to
resume: a private server that ran here before, or unfinished tasks in the queue at the Redis
URL. No web framework here; Redis is reached through `queue`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from functools import partial

import anyio.to_thread
from saq import Worker

from service.auth.callers import Caller
from service.batch.private_redis import PrivateRedis
from service.batch.processing import PinnedScreeners
from service.batch.queue import JobQueue, make_worker
from service.batch.status import JobRecord
from service.batch.tasks import BatchContext, Task, WorkerContext
from service.errors import StoreUnavailable, Unavailable
from service.runtime import Runtime
from service.store import Store
from service.webhooks.delivery import Dispatcher

log = logging.getLogger(__name__)

#: How often the embedded worker looks whether the watchlist is loaded, before it starts.
READY_POLL_SECONDS = 0.05
#: How often start-up asks again whether webhooks are registered, while the database does not
#: answer yet.
STORE_POLL_SECONDS = 1.0
#: While the embedded worker stops, how often its remaining tasks are cancelled again.
STOP_RETRY_SECONDS = 0.05


class JobsBackend:
    def __init__(self, runtime: Runtime, tasks: Sequence[tuple[str, Task]] = ()) -> None:
        """`tasks`: more tasks for the embedded worker, by name (monitoring's)."""
        self._runtime = runtime
        self._tasks = tuple(tasks)
        settings = runtime.settings
        self._private = None if settings.redis_url else PrivateRedis(settings.data_dir)
        self._queue: JobQueue | None = None
        self._lock = asyncio.Lock()
        self._worker: Worker[BatchContext] | None = None
        self._worker_task: asyncio.Task[None] | None = None
        self._resuming: asyncio.Task[None] | None = None

    @property
    def backend(self) -> str:
        """`redis` (the Redis URL) or `private` (a redis-server of our own)."""
        return "redis" if self._private is None else "private"

    async def start(self) -> None:
        """At start-up, in the background: resume the jobs left unfinished, if any."""
        self._resuming = asyncio.create_task(self._resume())

    async def _resume(self) -> None:
        # Webhooks registered: the worker delivers them. Else nothing to resume without a
        # private server that ran here before; with a Redis URL, only if its queue holds
        # unfinished tasks (a process that never sees a job then never polls Redis for one).
        webhooks = await self._webhooks_registered()
        if not webhooks and self._private is not None and not self._private.has_data():
            return
        try:
            queue = await self._connected()
            if webhooks or self._private is not None or await queue.unfinished():
                self._start_worker(queue)
        except Unavailable as exc:
            log.warning("batch jobs unavailable: %s", exc.message)

    async def _webhooks_registered(self) -> bool:
        """Whether a webhook is registered, once the database answers (it may not yet)."""
        store = self._runtime.store
        while True:
            try:
                return await anyio.to_thread.run_sync(store.webhooks.any_registered)
            except StoreUnavailable:
                await asyncio.sleep(STORE_POLL_SECONDS)

    async def queue(self) -> JobQueue:
        """The job queue, connected (and the embedded worker started) on first use;
        `Unavailable` (`jobs_unavailable`) when there is no Redis to hold it."""
        queue = await self._connected()
        self._start_worker(queue)
        return queue

    async def _connected(self) -> JobQueue:
        if self._queue is None:
            async with self._lock:
                if self._queue is None:
                    self._queue = await self._connect()
        return self._queue

    async def _connect(self) -> JobQueue:
        settings = self._runtime.settings
        url = settings.redis_url
        if self._private is not None:
            await self._private.start()
            url = self._private.url
        assert url is not None
        queue = JobQueue(url, self._runtime.keys, settings)
        await queue.saq.connect()
        log.info("job queue", extra={"backend": self.backend, "queue": queue.saq.name})
        return queue

    def _start_worker(self, queue: JobQueue) -> None:
        settings = self._runtime.settings
        if not settings.embedded_worker or self._worker is not None:
            return
        context = worker_context(self._runtime, queue)
        self._worker = make_worker(queue, context, settings, own_signals=False, tasks=self._tasks)
        self._worker_task = asyncio.create_task(self._work(self._worker))

    async def _work(self, worker: Worker[BatchContext]) -> None:
        # Chunks need a watchlist: take none before it is loaded.
        while self._runtime.holder.peek() is None:
            await asyncio.sleep(READY_POLL_SECONDS)
        await worker.start()

    async def close(self) -> None:
        if self._resuming is not None:
            self._resuming.cancel()
            await asyncio.gather(self._resuming, return_exceptions=True)
        if self._worker is not None and self._worker_task is not None:
            await _stop(self._worker, self._worker_task)
        if self._queue is not None:
            await self._queue.close()
            self._queue = None
        if self._private is not None:
            await self._private.stop()


async def archive_job(store: Store, record: JobRecord) -> None:
    """Keep the job's record in the durable store (on submission, and once it ends)."""
    await anyio.to_thread.run_sync(
        partial(
            store.jobs.save,
            record.id,
            key_id=record.key_id,
            created_at=record.created_at,
            filename=record.filename,
            size=record.size,
            fingerprint=record.fingerprint,
            status=record.status.value,
            record_json=record.model_dump_json(),
        )
    )


def worker_context(runtime: Runtime, queue: JobQueue) -> WorkerContext:
    """What the tasks of a worker (embedded, or a worker process) use, from its runtime."""
    settings = runtime.settings

    async def charge_rows(key_id: str | None, rows: int) -> None:
        if key_id is None:  # open mode: no limits
            return
        key = await anyio.to_thread.run_sync(runtime.store.keys.get, key_id)
        if key is not None:
            await runtime.limit(Caller(key), rows=rows)

    return WorkerContext(
        jobs=queue,
        screening=runtime.screening,
        screeners=PinnedScreeners(runtime.holder),
        limits=runtime.limits,
        chunk_rows=settings.job_chunk_rows,
        bounds=settings.read_bounds,
        heartbeat_seconds=settings.job_heartbeat_seconds,
        record=runtime.record,
        archive=partial(archive_job, runtime.store),
        charge_rows=charge_rows,
        webhooks=Dispatcher(runtime.store, settings),
    )


async def _stop(worker: Worker[BatchContext], task: asyncio.Task[None]) -> None:
    """Stop the embedded worker: cancelled, a running saq worker stops itself (the chunks in
    hand go back to the queue); one still waiting for the watchlist just ends."""
    upkeep = set(worker.tasks)
    task.cancel()
    # redis-py can swallow a cancellation that lands in the middle of a command, which would
    # leave a saq upkeep task asleep for its whole period: cancel those again until done.
    while not task.done():
        for waiting in upkeep:
            waiting.cancel()
        await asyncio.wait({task}, timeout=STOP_RETRY_SECONDS)
