"""`python -m service worker`: a job worker process. It loads the configured watchlist, takes
the chunks of batch jobs from the Redis queue (`REDIS_URL`, or the private redis-server of an
API process on the same data directory) and screens them through the result cache (shared
through `REDIS_URL`). Any number run on any number of machines. SIGTERM or SIGINT stop it once
the chunks in hand are done (a killed worker's chunk is redone by another); SIGHUP reloads the
watchlist.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from contextlib import suppress

import anyio.to_thread

from service.auth.ratelimit import open_rate_limiter
from service.batch.backend import worker_context
from service.batch.private_redis import PrivateRedis
from service.batch.queue import JobQueue, make_worker
from service.batch.tasks import Task
from service.errors import Unavailable
from service.lifecycle.reload import ReloadTrigger
from service.lifecycle.state import ScreenerHolder
from service.lifecycle.versions import open_versions
from service.logs import configure_logging
from service.metrics import Metrics
from service.runtime import Runtime
from service.screening.cache import open_cache
from service.settings import Settings
from service.store import connect_store, open_journal, open_when_reachable
from service.store.database import check_driver

log = logging.getLogger(__name__)

HELP = "run a job worker: screen batch jobs taken from the Redis queue"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--concurrency",
        type=int,
        help="chunks screened at once (default SCREENING_WORKER_CONCURRENCY, 2)",
    )


#: The tasks of the parts above `batch` (monitoring's), made for a worker's runtime.
TasksOf = Callable[[Runtime], Sequence[tuple[str, Task]]]


def run(args: argparse.Namespace, settings: Settings, tasks: TasksOf | None = None) -> int:
    if args.concurrency is not None:
        if args.concurrency < 1:
            raise Unavailable("--concurrency must be at least 1", code="invalid_argument")
        settings = settings.model_copy(update={"worker_concurrency": args.concurrency})
    check_driver(settings.store_url)
    configure_logging(settings.log_level)
    asyncio.run(work(settings, queue_url(settings), tasks))
    return 0


def queue_url(settings: Settings) -> str:
    """The Redis of the job queue: `REDIS_URL`, else the private server of an API process."""
    if settings.redis_url:
        return settings.redis_url
    private = PrivateRedis(settings.data_dir)
    if private.running():
        return private.url
    raise Unavailable(
        "no job queue: set REDIS_URL to the Redis the API's jobs use, or run the worker next "
        f"to an API process whose private Redis is in {private.directory}",
        code="jobs_unavailable",
    )


async def work(settings: Settings, url: str, tasks: TasksOf | None = None) -> None:
    """Run a worker until SIGTERM or SIGINT."""
    runtime = Runtime(settings, ScreenerHolder(), Metrics())
    # The audit trail of the rows it screens: the database the API uses (DATABASE_URL). No
    # chunk is taken before it answers (trying again until then).
    store = connect_store(settings.store_url)
    cache = open_cache(settings)
    versions = open_versions(settings, runtime.keys)
    limiter = open_rate_limiter(settings, runtime.keys)
    runtime.start(cache, versions, store, limiter)
    jobs = JobQueue(url, runtime.keys, settings)
    loop = asyncio.get_running_loop()
    try:
        await open_when_reachable(store)
        runtime.open_audit(await anyio.to_thread.run_sync(open_journal, settings, store))
        await runtime.reloader.reload(ReloadTrigger.STARTUP)
        await jobs.saq.connect()
        more = tasks(runtime) if tasks is not None else ()
        context = worker_context(runtime, jobs)
        worker = make_worker(jobs, context, settings, own_signals=True, tasks=more)
        loop.add_signal_handler(signal.SIGHUP, runtime.reloader.on_signal)
        screener = runtime.holder.current()
        log.info(
            "worker started",
            extra={
                "worker_id": worker.id,
                "queue": jobs.saq.name,
                "concurrency": settings.worker_concurrency,
                "watchlist_version": screener.version,
                "cache": cache.backend,
            },
        )
        await worker.start()
    finally:
        with suppress(ValueError, RuntimeError):
            loop.remove_signal_handler(signal.SIGHUP)
        await runtime.reloader.close()
        await runtime.close_audit()  # commits the audit records it holds
        await anyio.to_thread.run_sync(runtime.stop)  # copies the audit journal in
        await limiter.close()
        store.close()
        await jobs.close()
        await cache.close()
        await versions.close()
