"""The two tasks of a job on the queue: reading its upload into chunks (and queueing them),
and screening one chunk. Each can be redone after its worker died: a redo writes the same data
again and counts nothing twice (see `service.batch.jobs`). A task beats (saq's heartbeat) while
it runs, so that only a dead worker's task is taken for dead. And the webhooks' delivery task,
run every second by one worker of the deployment at a time (`deliver_webhooks`).

No Redis client here: the tasks go through the job store and the queue of `WorkerContext`.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import anyio.to_thread
from saq.types import Context

from service.batch import audit_rows
from service.batch.chunks import pack_output, unpack_input
from service.batch.jobs import JobStore
from service.batch.processing import PinnedScreeners, packed_chunks, screen_chunk
from service.batch.status import JobRecord, JobStatus
from service.errors import BadUpload, Conflict, RateLimited, ServiceError
from service.files.bounds import ReadBounds
from service.screening.queries import Limits, Parameters
from service.screening.results import ScreeningService
from service.store.audit import ScreeningRecord
from service.webhooks.delivery import Dispatcher

log = logging.getLogger(__name__)

SPLIT_TASK = "split_upload"
CHUNK_TASK = "screen_chunk"
#: Beats per heartbeat period: a task beats this many times before it would be taken for dead.
BEATS_PER_PERIOD = 3


class TaskQueue(Protocol):
    """What the tasks use of the job queue (`queue.JobQueue`, which runs them, so is not
    imported here): its job store, and queueing a chunk (or another task by name)."""

    store: JobStore

    async def enqueue_chunk(self, job_id: str, chunk: int) -> None: ...

    async def enqueue(
        self, function: str, key: str, *, timeout: int | None = None, **kwargs: object
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class WorkerContext:
    """What the tasks of one worker use."""

    jobs: TaskQueue
    screening: ScreeningService
    screeners: PinnedScreeners
    limits: Limits
    chunk_rows: int
    #: What is read of an upload at most.
    bounds: ReadBounds
    heartbeat_seconds: float
    #: Commits the audit records of screened rows (a no-op with the audit off).
    record: Callable[[list[ScreeningRecord]], Awaitable[None]]
    #: Keeps a job's record in the durable store once the job has ended.
    archive: Callable[[JobRecord], Awaitable[None]]
    #: Charges rows to a key's rows per hour (`RateLimited` past it; nothing without a key).
    charge_rows: Callable[[str | None, int], Awaitable[None]]
    #: Sends the webhook deliveries that are due.
    webhooks: Dispatcher


async def _fail(work: WorkerContext, job_id: str, code: str, message: str) -> None:
    await work.jobs.store.fail(job_id, code, message)
    await _archive(work, job_id)


async def _archive(work: WorkerContext, job_id: str) -> None:
    record = await work.jobs.store.record(job_id)
    if record is not None:
        await work.archive(record)


class BatchContext(Context, total=False):
    batch: WorkerContext


Task = Callable[..., Awaitable[None]]


def failing_the_job_when_out_of_attempts(task: Task) -> Task:
    """A task that fails on its last attempt fails its job, with the reason; on an earlier
    attempt saq tries it again later."""

    async def run(ctx: BatchContext, *, job_id: str, **kwargs: object) -> None:
        try:
            async with beating(ctx):
                await task(ctx, job_id=job_id, **kwargs)
        except Exception as exc:
            saq_job = ctx.get("job")
            if saq_job is not None and not saq_job.retryable:
                code = exc.code if isinstance(exc, ServiceError) else "internal_error"
                message = exc.message if isinstance(exc, ServiceError) else repr(exc)
                await _fail(ctx["batch"], job_id, code, message)
                log.error("job %s failed: %s", job_id, message)
            raise

    return run


@asynccontextmanager
async def beating(ctx: BatchContext) -> AsyncIterator[None]:
    """saq's heartbeat, while the task runs."""
    job = ctx.get("job")
    if job is None or not job.heartbeat:
        yield
        return
    stop = asyncio.Event()

    async def beat() -> None:
        # Stopped by an event, not cancelled: redis-py may swallow a cancellation.
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), job.heartbeat / BEATS_PER_PERIOD)
            except TimeoutError:
                try:
                    await job.update()
                except Exception as exc:  # a missed beat must not fail the task
                    log.warning("heartbeat of %s failed: %s", job.key, exc)

    beats = asyncio.create_task(beat())
    try:
        yield
    finally:
        stop.set()
        await beats


async def deliver_webhooks(ctx: BatchContext) -> None:
    """Fan out the new events and send the webhook deliveries due (saq's cron task: its name
    is its key, so one runs at a time in the deployment; a dead worker's is swept)."""
    async with beating(ctx):
        await ctx["batch"].webhooks.drain()


async def split_upload(ctx: BatchContext, *, job_id: str) -> None:
    """Pin the job's watchlist version, read its upload into chunks and queue each chunk. A
    redo (its worker died) writes the same chunks again and skips those already done."""
    work = ctx["batch"]
    store = work.jobs.store
    record = await store.record(job_id)
    if record is None or record.status in (JobStatus.DONE, JobStatus.FAILED):
        return
    if record.chunks_total is not None:  # read through before; the worker died after
        return
    await store.start(job_id, work.screeners.current().version)
    with tempfile.TemporaryDirectory(prefix="screening-job-") as directory:
        path = Path(directory) / "upload"
        if not await store.read_upload(job_id, path):
            await _fail(work, job_id, "upload_missing", "the uploaded file is no longer stored")
            return
        try:
            rows, chunks = await _chunks_queued(work, record, path)
        except BadUpload as exc:  # found part-way: a broken JSON array, too many rows
            await _fail(work, job_id, exc.code, exc.message)
            return
        except RateLimited as exc:  # more rows than charged at submission, past the limit
            await _fail(work, job_id, exc.code, exc.message)
            return
    await store.finish_split(job_id, rows, chunks)
    log.info("job split", extra={"job_id": job_id, "rows": rows, "chunks": chunks})


async def _chunks_queued(work: WorkerContext, record: JobRecord, path: Path) -> tuple[int, int]:
    """Read the upload into chunks and queue those not done. Rows read past those charged so
    far are charged, chunk by chunk, before the chunk is queued: a file that holds more rows
    than it seemed to at submission (an XLSX whose declared size lies) stops at its key's
    limit, and the rows past it are never screened."""
    store, job_id = work.jobs.store, record.id
    done = await store.done_chunks(job_id)
    chunks = packed_chunks(path, record.table, work.chunk_rows, work.bounds)
    charged = record.rows_charged
    rows = count = 0
    while (item := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
        rows += item[0]
        if charged is not None and rows > charged:
            try:
                await work.charge_rows(record.key_id, rows - charged)
            except RateLimited as exc:
                raise RateLimited(
                    f"the file holds more rows than it seemed to when it was submitted "
                    f"({record.rows_charged:,} charged then, {charged:,} by now): the rows "
                    f"from {rows - item[0] + 1:,} on are not screened; {exc.message}",
                    retry_after=exc.retry_after,
                ) from None
            charged = rows
            await store.note_charged(job_id, charged)
        if count not in done:
            await store.store_input(job_id, count, item[1])
            await work.jobs.enqueue_chunk(job_id, count)
        count += 1
    return rows, count


async def screen_chunk_task(ctx: BatchContext, *, job_id: str, chunk: int) -> None:
    """Screen one chunk against the job's pinned watchlist version and record its results
    (once: a chunk recorded before is not counted again)."""
    work = ctx["batch"]
    store = work.jobs.store
    record = await store.record(job_id)
    if record is None or record.status is not JobStatus.RUNNING:
        return
    payload = await store.input(job_id, chunk)
    if payload is None:  # recorded before (its input goes then), or expired
        return
    screener = work.screeners.pinned(record.watchlist_version or "")
    if screener is None:
        raise _not_held(record, work.screeners)
    rows = await anyio.to_thread.run_sync(unpack_input, payload)
    parameters = Parameters(record.threshold, record.limit)
    results, counts = await screen_chunk(rows, screener, work.screening, parameters, work.limits)
    # Audited before the results count: a worker dying in between redoes the chunk, whose
    # records then exist already (fixed ids) and are not added twice.
    audit = await anyio.to_thread.run_sync(audit_rows.job_rows, record, results, datetime.now(UTC))
    await work.record(audit)
    packed = await anyio.to_thread.run_sync(pack_output, results)
    if await store.record_chunk(job_id, chunk, packed, counts) == 2:  # the job's last chunk
        await _archive(work, job_id)


def _not_held(record: JobRecord, screeners: PinnedScreeners) -> Conflict:
    """A chunk's job is pinned to a watchlist version this worker neither serves nor holds:
    retried (another worker may hold it), the job fails on the last attempt."""
    held = ", ".join(screeners.versions) or "none"
    return Conflict(
        f"the job is pinned to watchlist version {record.watchlist_version}, which the "
        f"workers no longer hold (they hold {held}): the watchlist was reloaded while the job "
        "ran. Submit the file again to screen it against the current version.",
        code="watchlist_changed",
    )
