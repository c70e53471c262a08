"""The job queue, on saq over Redis: enqueueing a job's tasks (with their timeouts,
heartbeats and retries; the tasks are in `service.batch.tasks`), and the saq worker that runs
them in a worker process or inside the API process.

A worker killed mid-task leaves its task active in saq; another worker's sweep finds it once
its heartbeat is overdue and queues it again, and the redone task changes nothing that was
recorded before (see `service.batch.jobs`). The sweep is saq's with two races closed (see
`_Queue.sweep`): it took a task a live worker had just taken for abandoned, and a sweeping
worker that died mid-sweep lost the task it swept, so that its job never finished. With
`jobs` the only batch module on Redis.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress

from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from saq import CronJob, Job, Status, Worker
from saq.queue.redis import RedisQueue
from saq.types import PartialTimersDict, WorkerInfo

from service.batch.jobs import JobStore
from service.batch.tasks import (
    CHUNK_TASK,
    SPLIT_TASK,
    BatchContext,
    Task,
    WorkerContext,
    deliver_webhooks,
    failing_the_job_when_out_of_attempts,
    screen_chunk_task,
    split_upload,
)
from service.keyspace import KeySpace
from service.redis_client import redis_client
from service.settings import Settings
from service.webhooks.delivery import DRAIN_SECONDS

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
#: A task on the active list but not marked active is abandoned (its worker died between
#: taking it and marking it) if it is still so this much later: a live worker marks a task
#: within a round trip or two of taking it.
SWEEP_CONFIRM_SECONDS = 1.0
#: On SIGTERM, a worker process gives the chunks in hand this long to finish.
SHUTDOWN_GRACE_SECONDS = 10
#: The webhooks' delivery task is queued every second (saq's cron, seconds last).
WEBHOOKS_CRON = "* * * * * *"
#: saq keeps the record of a finished delivery task this long, in seconds.
WEBHOOKS_TASK_RECORD_SECONDS = 60


#: saq's listing of the active tasks for a sweep, at most once per `ARGV[1]` seconds. KEYS:
#: the sweep's lock, the active list. Returns {task id, its record (false if gone)} per task.
_ACTIVE_TASKS = """
local found = {}
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('SETEX', KEYS[1], ARGV[1], 1)
    for i, id in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
        found[i] = {id, redis.call('GET', id)}
    end
end
return found
"""


class _Queue(RedisQueue):
    """saq's Redis queue with a sweep that loses no task and redoes no live one (`sweep`);
    and while Redis does not answer a worker logs it once and waits before it tries again
    (saq would log a traceback per attempt and retry at once)."""

    _down = False
    _listing: AsyncScript | None = None

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

    async def sweep(self, lock: int = 60, abort: float = 0.0) -> list[str]:
        """Queue again the tasks of dead workers: active ones whose heartbeat is overdue, and
        ones taken (on the active list) but never marked active. saq's own sweep (0.26) took a
        task that a live worker had taken a moment before for abandoned, and asked for it to be
        aborted and redone; and it took a swept task off every list before queueing it again,
        seconds later, so a sweeping worker dying in between lost it. Here a task not marked
        active must still be so `SWEEP_CONFIRM_SECONDS` later, and a swept task moves from the
        active list to the queue in one step (saq's retry). No abort is asked: a live worker
        whose heartbeat was late may finish the task too, and a redone task changes nothing.
        `abort` (saq's wait for such aborts) is unused."""
        try:
            return await self._sweep_dead(lock)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return []

    async def _sweep_dead(self, lock: int) -> list[str]:
        swept: list[str] = []
        suspects: list[tuple[str, bytes]] = []
        for task_id, record in await self._active_tasks(lock):
            job = self.deserialize(record)
            if job is None:  # its record expired: saq's way, dropped from the lists
                await self.redis.lrem(self._active, 0, task_id)
                await self.redis.zrem(self._incomplete, task_id)
                swept.append(task_id)
            elif job.status != Status.ACTIVE:  # a str as saq reads it back
                suspects.append((task_id, record))
            elif job.stuck:
                await self._redo(job)
                swept.append(job.id)
        if suspects:
            await asyncio.sleep(SWEEP_CONFIRM_SECONDS)
            for job in await self._unchanged(suspects):
                await self._redo(job)
                swept.append(job.id)
        return swept

    async def _active_tasks(self, lock: int) -> list[tuple[str, bytes]]:
        """The tasks on the active list and their records, read in one step; none when another
        worker swept less than `lock` seconds ago."""
        if self._listing is None:
            self._listing = self.redis.register_script(_ACTIVE_TASKS)
        found = await self._listing(keys=[self._sweep, self._active], args=[lock])
        return [(task_id.decode(), record) for task_id, record in found]

    async def _unchanged(self, suspects: list[tuple[str, bytes]]) -> list[Job]:
        """The suspects still on the active list, their records unchanged."""
        still = []
        for task_id, before in suspects:
            if await self.redis.lpos(self._active, task_id) is None:
                continue
            record = await self.redis.get(task_id)
            if record == before and (job := self.deserialize(record)) is not None:
                still.append(job)
        return still

    async def _redo(self, job: Job) -> None:
        if job.retryable:
            log.warning("task %s of a dead worker queued again", job.key)
            await self.retry(job, error=self.swept_error_message)
        else:
            log.warning("task %s of a dead worker given up: its last attempt", job.key)
            await self.finish(job, Status.ABORTED, error=self.swept_error_message)

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
        await self.enqueue(SPLIT_TASK, f"{job_id}:split", job_id=job_id)

    async def enqueue_chunk(self, job_id: str, chunk: int) -> None:
        await self.enqueue(CHUNK_TASK, f"{job_id}:{chunk}", job_id=job_id, chunk=chunk)

    async def enqueue(
        self, function: str, key: str, *, timeout: int | None = None, **kwargs: object
    ) -> None:
        """Queue a task of the workers by name (again: a no-op while `key` is queued);
        `timeout` in seconds, the jobs' own by default."""
        settings = self._settings
        job = Job(
            function=function,
            kwargs=dict(kwargs),
            key=key,
            timeout=timeout or settings.job_timeout_seconds,
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
    jobs: JobQueue,
    context: WorkerContext,
    settings: Settings,
    *,
    own_signals: bool,
    tasks: Sequence[tuple[str, Task]] = (),
) -> Worker[BatchContext]:
    """A saq worker running the batch tasks with `context`, and `tasks` (of the parts above
    this package: monitoring) by name. `own_signals`: it stops on SIGINT and SIGTERM (a worker
    process); inside the API process the server handles those."""

    # saq logs every task at INFO: thousands of lines per job. Its warnings and errors stay.
    logging.getLogger("saq").setLevel(logging.WARNING)

    async def startup(ctx: BatchContext) -> None:
        ctx["batch"] = context

    async def shutdown(ctx: BatchContext) -> None:
        await context.webhooks.close()

    # A drain that outlives this was cut (its worker hung or died): swept, and the next one
    # takes its deliveries once their leases run out.
    drain_timeout = DRAIN_SECONDS + settings.webhook_lease_seconds
    webhooks = CronJob(
        deliver_webhooks,
        cron=WEBHOOKS_CRON,
        timeout=int(drain_timeout) + 1,
        heartbeat=settings.job_heartbeat_seconds,
        retries=1,
        ttl=WEBHOOKS_TASK_RECORD_SECONDS,
    )

    worker = _Worker(
        jobs.saq,
        functions=[
            (SPLIT_TASK, failing_the_job_when_out_of_attempts(split_upload)),
            (CHUNK_TASK, failing_the_job_when_out_of_attempts(screen_chunk_task)),
            *tasks,
        ],
        concurrency=settings.worker_concurrency,
        cron_jobs=[webhooks],
        startup=startup,
        shutdown=shutdown,
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
