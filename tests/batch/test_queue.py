"""The sweep of the job queue, on a real Redis: the task of a dead worker is queued again,
whether it died after marking its task active or just after taking it; a task a live worker
has just taken is left to it; and a sweeping worker that dies mid-sweep loses no task."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import suppress

import pytest
import redis
from saq import Job, Status

from service.batch.queue import JobQueue
from service.keyspace import KeySpace
from service.settings import Settings

#: A task's heartbeat in these tests, in seconds: overdue soon after its worker died.
HEARTBEAT_SECONDS = 1


@pytest.fixture
async def queue(
    redis_url: str, key_prefix: str, redis_db: redis.Redis, make_settings: Callable[..., Settings]
) -> AsyncIterator[JobQueue]:
    settings = make_settings(job_heartbeat_seconds=HEARTBEAT_SECONDS)
    jobs = JobQueue(redis_url, KeySpace(key_prefix), settings)
    await jobs.saq.connect()
    yield jobs
    await jobs.close()
    saq_keys = list(redis_db.scan_iter(match=f"saq:*{key_prefix}:*", count=1000))
    if saq_keys:
        redis_db.delete(*saq_keys)


async def _taken(queue: JobQueue) -> Job:
    """A chunk's task, taken by a worker (on the active list, not yet marked active)."""
    await queue.enqueue_chunk("job1", 0)
    taken = await queue.saq.dequeue(timeout=1)
    assert taken is not None
    return taken


async def _mark_active(task: Job) -> None:
    """What a worker does right after taking a task (saq's Worker.process)."""
    task.attempts += 1
    await task.update(status=Status.ACTIVE)


async def _stored(queue: JobQueue, task: Job) -> Job:
    stored = await queue.saq.job(task.key)
    assert stored is not None
    return stored


async def test_a_task_a_live_worker_has_just_taken_is_left_to_it(queue: JobQueue) -> None:
    task = await _taken(queue)
    sweeping = asyncio.create_task(queue.saq.sweep(1))
    await asyncio.sleep(0.2)  # the sweep has read the active list: the task not yet active
    await _mark_active(task)
    assert await sweeping == []
    stored = await _stored(queue, task)
    assert (stored.status, stored.attempts, stored.error) == (Status.ACTIVE, 1, None)
    assert await queue.saq.count("active") == 1


async def test_a_task_whose_worker_died_after_taking_it_is_queued_again(queue: JobQueue) -> None:
    task = await _taken(queue)  # and its worker dies before marking it
    assert await queue.saq.sweep(1) == [task.id]
    stored = await _stored(queue, task)
    assert (stored.status, stored.error) == (Status.QUEUED, "swept")
    assert await queue.saq.count("active") == 0
    assert await queue.saq.count("incomplete") == 1  # scheduled: it is taken again soon


async def test_a_sweeper_dying_mid_sweep_loses_no_task(queue: JobQueue) -> None:
    task = await _taken(queue)
    await _mark_active(task)
    await asyncio.sleep(HEARTBEAT_SECONDS + 0.2)  # its worker died: the heartbeat is overdue
    sweeping = asyncio.create_task(queue.saq.sweep(1))
    # Until saq's own sweep would have taken the task off every list (however slow a loaded
    # machine makes it), then the sweeping worker dies.
    deadline = asyncio.get_running_loop().time() + 30
    while (await _stored(queue, task)).error != "swept":
        assert asyncio.get_running_loop().time() < deadline, "the sweep never reached the task"
        await asyncio.sleep(0.01)
    sweeping.cancel()
    with suppress(asyncio.CancelledError):
        await sweeping
    assert await queue.saq.count("active") + await queue.saq.count("incomplete") == 1
    stored = await _stored(queue, task)
    assert (stored.status, stored.error) == (Status.QUEUED, "swept")
