"""The job queue, on saq over Redis: enqueueing a job's tasks (with their timeouts,
heartbeats and retries; the tasks are in `service.batch.tasks`), and the saq worker that runs
them in a worker process or inside the API process.

A worker killed mid-task leaves its task active in saq; another worker's sweep finds it once
its heartbeat is overdue and queues it again, and the redone task changes nothing that was
recorded before (see `service.batch.jobs`). With `jobs` the only batch module on Redis.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from redis.exceptions import RedisError
from saq import Job, Worker
from saq.queue.redis import RedisQueue
from saq.types import PartialTimersDict, WorkerInfo

from service.batch.jobs import JobStore
from service.batch.tasks import (
    CHUNK_TASK,
    SPLIT_TASK,
    BatchContext,
    WorkerContext,
    failing_the_job_when_out_of_attempts,
    screen_chunk_task,
    split_upload,
)
from service.cache import redis_client
from service.keys import KeySpace
from service.settings import Settings

log = logging.getLogger(__name__)

#: Longest wait for the queue's Redis per reply, in seconds: longer than a blocking dequeue
#: and than storing a large upload's pieces.
QUEUE_SOCKET_TIMEOUT_SECONDS = 30.0
QUEUE_CONNECT_TIMEOUT_SECONDS = 2.0
#: A worker waits this long on Redis for a task before its loop checks for a stop.
DEQUEUE_TIMEOUT_SECONDS = 1.0
#: saq keeps a finished task's own record this long (ours is the job's, kept longer).
TASK_RECORD_SECONDS = 3600
#: First delay before a failed task is tried again, doubled (with jitter) on each retry.
RETRY_DELAY_SECONDS = 1.0
#: A sweep waits this long for a live worker to give up a task it took for dead (workers
#: look for such aborts every second); a dead worker's task is queued again after it.
SWEEP_ABORT_SECONDS = 2.0
#: On SIGTERM, a worker process gives the chunks in hand this long to finish.
SHUTDOWN_GRACE_SECONDS = 10


class _Queue(RedisQueue):
    """saq's Redis queue, but while Redis does not answer a worker logs it once and waits
    before it tries again (saq would log a traceback per attempt and retry at once)."""

    _down = False

    async def dequeue(self, timeout: float = 0.0, poll_interval: float = 0.0) -> Job | None:
        try:
            job = await super().dequeue(timeout, poll_interval)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            await asyncio.sleep(DEQUEUE_TIMEOUT_SECONDS)
            return None
        self._answered()
        return job

    async def schedule(self, lock: int = 1) -> list[str]:
        try:
            return await super().schedule(lock)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return []

    async def sweep(self, lock: int = 60, abort: float = SWEEP_ABORT_SECONDS) -> list[str]:
        try:
            return await super().sweep(lock, min(abort, SWEEP_ABORT_SECONDS))
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return []

    async def write_worker_info(self, worker_id: str, info: WorkerInfo, ttl: int) -> None:
        try:
            await super().write_worker_info(worker_id, info, ttl)
        except (RedisError, OSError) as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        if not self._down:
            log.warning("the job queue's Redis does not answer: %s: %s", type(exc).__name__, exc)
            self._down = True

    def _answered(self) -> None:
        if self._down:
            log.warning("the job queue's Redis answers again")
            self._down = False


class JobQueue:
    """The job store and the saq queue of one deployment, on one Redis connection pool."""

    def __init__(self, url: str, keys: KeySpace, settings: Settings) -> None:
        self.client = redis_client(
            url, QUEUE_SOCKET_TIMEOUT_SECONDS, connect_timeout=QUEUE_CONNECT_TIMEOUT_SECONDS
        )
        self.store = JobStore(self.client, keys, settings.job_retention_seconds)
        self.saq = _Queue(self.client, name=keys.job_queue())
        self._settings = settings

    async def enqueue_split(self, job_id: str) -> None:
        """Queue the reading of a job's upload into chunks (again: a no-op while queued)."""
        await self._enqueue(SPLIT_TASK, f"{job_id}:split", job_id=job_id)

    async def enqueue_chunk(self, job_id: str, chunk: int) -> None:
        await self._enqueue(CHUNK_TASK, f"{job_id}:{chunk}", job_id=job_id, chunk=chunk)

    async def _enqueue(self, function: str, key: str, **kwargs: object) -> None:
        settings = self._settings
        job = Job(
            function=function,
            kwargs=dict(kwargs),
            key=key,
            timeout=settings.job_timeout_seconds,
            heartbeat=settings.job_heartbeat_seconds,
            retries=settings.job_retries,
            ttl=TASK_RECORD_SECONDS,
            retry_delay=RETRY_DELAY_SECONDS,
            retry_backoff=True,
        )
        await self.saq.enqueue(job)

    async def unfinished(self) -> bool:
        """Whether tasks are queued, scheduled or running (those of a dead worker included)."""
        try:
            return await self.saq.count("incomplete") + await self.saq.count("active") > 0
        except (RedisError, OSError) as exc:
            log.warning("the job queue's Redis does not answer: %s: %s", type(exc).__name__, exc)
            return False

    async def close(self) -> None:
        try:
            await self.saq.disconnect()
        except (RedisError, OSError):  # Redis gone: close what saq could not
            with suppress(RedisError, OSError):
                await self.client.aclose()
            await self.client.connection_pool.disconnect()


class _Worker(Worker[BatchContext]):
    """saq's worker, whose stop does not wait for its upkeep loops (each asleep for up to its
    whole period): those are cancelled, and only the tasks in hand get the grace period."""

    async def stop(self) -> None:
        for task in self.tasks:
            if task.get_name() != "process":  # saq's name for a task taking jobs
                task.cancel()
        await super().stop()


def make_worker(
    jobs: JobQueue, context: WorkerContext, settings: Settings, *, own_signals: bool
) -> Worker[BatchContext]:
    """A saq worker running the batch tasks with `context`. `own_signals`: it stops on SIGINT
    and SIGTERM (a worker process); inside the API process the server handles those."""

    # saq logs every task at INFO: thousands of lines per job. Its warnings and errors stay.
    logging.getLogger("saq").setLevel(logging.WARNING)

    async def startup(ctx: BatchContext) -> None:
        ctx["batch"] = context

    worker = _Worker(
        jobs.saq,
        functions=[
            (SPLIT_TASK, failing_the_job_when_out_of_attempts(split_upload)),
            (CHUNK_TASK, failing_the_job_when_out_of_attempts(screen_chunk_task)),
        ],
        concurrency=settings.worker_concurrency,
        startup=startup,
        # saq's defaults but the sweep, which finds the tasks of dead workers.
        timers=PartialTimersDict(
            schedule=1, worker_info=10, abort=1, sweep=settings.job_sweep_seconds
        ),
        dequeue_timeout=DEQUEUE_TIMEOUT_SECONDS,
        shutdown_grace_period_s=SHUTDOWN_GRACE_SECONDS if own_signals else None,
    )
    if not own_signals:
        worker.SIGNALS = []
    return worker
