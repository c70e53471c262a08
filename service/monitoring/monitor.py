"""The monitoring of one process, made from its runtime: the registry of counterparties, the
decisions, the runs of the workers and the tasks they run. Built before the runtime starts
(the store and the versions are reached when first used).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from service.batch.queue import JobQueue
from service.errors import Unavailable
from service.monitoring.decisions import DecisionIn, decide
from service.monitoring.registry import Registry
from service.monitoring.runs import PAGE_TASK, RUN_TASK, Runner, VersionScreeners
from service.runtime import Runtime
from service.screening.queries import Parameters
from service.store.monitoring import Alert

log = logging.getLogger(__name__)
#: Seconds between two attempts to queue a re-screening while the database does not answer.
STORE_RETRY_SECONDS = 1.0


class Monitor:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._queue: Callable[[], Awaitable[JobQueue]] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._screeners = VersionScreeners(runtime)

    @property
    def parameters(self) -> Parameters:
        settings = self.runtime.settings
        threshold = settings.monitoring_threshold
        if threshold is None:
            threshold = settings.default_threshold
        return Parameters(threshold, settings.monitoring_limit)

    @property
    def registry(self) -> Registry:
        store = self.runtime.store
        audit = store.audit if self.runtime.settings.audit_enabled else None
        return Registry(store.monitoring, self.parameters, self.runtime.limits, audit)

    @property
    def runner(self) -> Runner:
        return Runner(self.runtime, self.registry, self._queue, self._screeners)

    def use_queue(self, queue: Callable[[], Awaitable[JobQueue]]) -> None:
        """Where runs are queued (the API process's job queue, connected when first used)."""
        self._queue = queue

    def tasks(self) -> Sequence[tuple[str, Callable[..., Awaitable[None]]]]:
        """The workers' tasks of the monitoring, by name."""
        return [(RUN_TASK, self._run_task), (PAGE_TASK, self._page_task)]

    async def _run_task(self, ctx: Any, *, run_id: str) -> None:
        await self.runner.run_task(ctx, run_id=run_id)

    async def _page_task(
        self, ctx: Any, *, run_id: str, page: int, after: str | None, until: str | None
    ) -> None:
        await self.runner.page_task(ctx, run_id=run_id, page=page, after=after, until=until)

    async def version_changed(self, previous: str | None, current: str) -> None:
        """A new version is served (`Reloader.subscribe`): re-screen for it. The store may not
        answer yet at start-up: tried again until it does, in the background."""
        self._spawn(self._when_store_answers(previous, current))

    async def start(self) -> None:
        """The version served at start-up may not be the one last screened against (a restart
        on a new list): re-screen for it too."""
        screener = self.runtime.holder.peek()
        if screener is not None:
            await self.version_changed(None, screener.version)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _when_store_answers(self, previous: str | None, current: str) -> None:
        while True:
            try:
                await self.runner.version_changed(previous, current)
            except Unavailable:  # the database (or the job queue) does not answer yet
                await asyncio.sleep(STORE_RETRY_SECONDS)
                continue
            except Exception:
                log.exception("the re-screening for watchlist version %s was not queued", current)
            return

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def decide(self, alert_id: str, given: DecisionIn) -> Alert:
        screener = self.runtime.holder.current()
        four_eyes = self.runtime.settings.monitoring_four_eyes
        return decide(self.runtime.store.monitoring, screener, alert_id, given, four_eyes)


def monitoring_tasks(runtime: Runtime) -> Sequence[tuple[str, Callable[..., Awaitable[None]]]]:
    """The monitoring's tasks for a worker process's runtime."""
    return Monitor(runtime).tasks()
