"""Runs of the job workers over every counterparty: the re-screening after a list change
(alerts brought in line on the entities added or changed between the versions, those of the
entities removed closed), the full re-screening on demand, and an import of a file
(`service.monitoring.imports`, one task).

A re-screening's task plans it and cuts the counterparties into pages of ids
(`monitoring_page_rows`), each a task that any worker takes. A page's alerts, events and counts
commit in one transaction with its mark as done, so a page redone after its worker died changes
nothing twice; the transaction of the last page ends the run (its status, `rescreen.finished`,
the version screened against), exactly once. A counterparty is in one page: its events of a run
commit together, in order.

No Redis client, no saq: tasks are queued through `service.batch.queue.JobQueue` (the API's) or
the worker's own queue.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread

from service.batch.layout import TableInfo
from service.batch.queue import JobQueue
from service.batch.tasks import TaskQueue, beating
from service.errors import NotFound, ServiceError
from service.monitoring.alerting import ENTITY_REMOVED, Alerting
from service.monitoring.auditing import run_record
from service.monitoring.events import RESCREEN_FINISHED, Outbox
from service.monitoring.findings import Finding, Subject, find_all
from service.monitoring.imports import TABLE, Importer
from service.monitoring.registry import Registry
from service.runtime import Runtime
from service.screening.screener import Screener
from service.store.monitoring import MonitoringTx
from service.store.runs import ENDED, Run, RunTx
from service.watchlist.changes import compare
from service.watchlist.loader import Watchlist

log = logging.getLogger(__name__)

RUN_TASK = "monitoring_run"
PAGE_TASK = "monitoring_page"
#: The state naming the version every counterparty was last screened against.
SCREENED_VERSION = "screened_version"
#: How long the claim to start the re-screen between two versions is held (it needs a moment:
#: a process that died holding it leaves the start to the next process told of the version).
_CLAIM_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Plan:
    """What a re-screening's pages bring in line: the entity ids whose alerts they may change
    (None: all), and the entities whose alerts the run closed."""

    scope: frozenset[str] | None
    removed: tuple[str, ...] = ()

    def dump(self) -> str:
        scope = None if self.scope is None else sorted(self.scope)
        return json.dumps({"scope": scope, "removed": list(self.removed)})

    @classmethod
    def load(cls, text: str) -> Plan:
        data = json.loads(text)
        scope = data["scope"]
        return cls(None if scope is None else frozenset(scope), tuple(data["removed"]))


class VersionScreeners:
    """The screener of the watchlist version a run screens against: the one served, or one
    built from the versions kept (a worker not reloaded yet still takes part); the last one
    built is kept while runs ask for it. One per process."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._built: Screener | None = None
        self._lock = asyncio.Lock()

    async def of(self, version: str | None) -> Screener:
        current = self.runtime.holder.current()
        if version is None or current.version == version:
            return current
        async with self._lock:
            if self._built is not None and self._built.version == version:
                return self._built
            try:
                entities = await self.runtime.versions.entities(version)
            except NotFound:
                log.warning("watchlist version %s is not kept: the served one screens", version)
                return current
            built: Screener = await anyio.to_thread.run_sync(
                lambda: Screener.build(Watchlist.of(entities))
            )
            self._built = built
            return built


class Runner:
    def __init__(
        self,
        runtime: Runtime,
        registry: Registry,
        queue: Callable[[], Awaitable[JobQueue]] | None,
        screeners: VersionScreeners,
    ) -> None:
        self.runtime = runtime
        self.registry = registry
        self._queue = queue
        self._screeners = screeners

    @property
    def _runs(self) -> Any:
        return self.runtime.store.runs

    async def _thread(self, function: Callable[..., Any], *args: Any) -> Any:
        return await anyio.to_thread.run_sync(function, *args)

    # --- starting runs -----------------------------------------------------------------------

    async def version_changed(self, previous: str | None, current: str) -> None:
        """A new version is served: re-screen from the version last screened against (or
        the one before) to this one, unless that is done or under way."""
        runs = self._runs
        screened = await self._thread(runs.state, SCREENED_VERSION) or previous
        if screened is None:  # nothing was ever screened: this is where monitoring starts
            await self._thread(runs.set_state, SCREENED_VERSION, current)
            return
        if screened == current:
            return
        # Every process of a deployment is told of a new version at once: the one that claims
        # it checks for a run and starts one, the others leave it (checked and started by
        # several, it was started by each). The claim outlives that moment only.
        if self._queue is not None:
            claim = self.runtime.keys.monitoring_claim(screened, current)
            client = (await self._queue()).client
            if not await client.set(claim, "1", nx=True, ex=_CLAIM_SECONDS):
                return
        if await self._thread(runs.unfinished_run, "changes", screened, current) is None:
            await self.start("changes", None, from_version=screened, to_version=current)

    async def start(self, kind: str, key_id: str | None, **fields: str | None) -> Run:
        """Record a run and queue it for the workers."""
        queue = await self._api_queue()
        run: Run = await self._thread(lambda: self._runs.create_run(kind, key_id=key_id, **fields))
        await self._enqueue_run(queue, run)
        log.info("monitoring run queued", extra={"run_id": run.id, "kind": kind})
        return run

    async def start_import(self, key_id: str | None, upload: Path, table: TableInfo) -> Run:
        queue = await self._api_queue()
        options = TABLE.dump_json(table).decode()
        run: Run = await self._thread(
            lambda: self._runs.create_run("import", key_id=key_id, options=options)
        )
        await queue.store.keep_upload(run.id, upload)
        await self._enqueue_run(queue, run)
        return run

    async def _api_queue(self) -> JobQueue:
        if self._queue is None:
            raise RuntimeError("runs are started by the API process")
        return await self._queue()

    async def _enqueue_run(self, queue: TaskQueue, run: Run) -> None:
        timeout = self.runtime.settings.monitoring_run_timeout_seconds
        await queue.enqueue(RUN_TASK, f"monitoring:{run.id}", timeout=timeout, run_id=run.id)

    # --- running them (in a worker) ----------------------------------------------------------

    async def run_task(self, ctx: Any, *, run_id: str) -> None:
        """The queue's task of a run: an import, or the planning of a re-screening and the
        queueing of its pages (again, those not done, when redone); failing the run on an error
        that trying again cannot mend."""
        run: Run | None = await self._thread(self._runs.run, run_id)
        if run is None or run.status in ENDED:
            return
        await self._thread(
            lambda: self._runs.update_run(
                run_id, status="running", started_at=run.started_at or datetime.now(UTC)
            )
        )
        async with beating(ctx):
            try:
                if run.kind == "import":
                    await Importer(self.runtime, self.registry).run(run, ctx["batch"].jobs.store)
                    await self._thread(self._end, run.id, "done", None)
                else:
                    await self._plan_pages(ctx["batch"].jobs, run)
            except ServiceError as exc:
                await self._thread(self._end, run.id, "failed", exc.message)

    async def page_task(
        self, ctx: Any, *, run_id: str, page: int, after: str | None, until: str | None
    ) -> None:
        """The queue's task of one page of a re-screening. Fails the run when its last attempt
        fails; saq tries an earlier one again."""
        async with beating(ctx):
            try:
                await self._page(run_id, page, after, until)
            except Exception as exc:
                job = ctx.get("job") if isinstance(ctx, dict) else None
                if job is not None and not job.retryable:
                    message = exc.message if isinstance(exc, ServiceError) else repr(exc)
                    await self._thread(self._end, run_id, "failed", message)
                raise

    def _end(self, run_id: str, status: str, error: str | None) -> None:
        with self.runtime.store.monitoring.transaction() as tx:
            self._end_in(tx, run_id, status, error)

    def _end_in(self, tx: MonitoringTx, run_id: str, status: str, error: str | None) -> None:
        """End the run in `tx`, once: its status, its `rescreen.finished` event and, for a
        re-screening done, the version every counterparty was screened against."""
        runs = RunTx(tx.connection)
        if not runs.end(run_id, status, datetime.now(UTC), error):
            return
        run = runs.run(run_id)
        assert run is not None
        data = _run_data(run)
        Outbox(tx).publish(RESCREEN_FINISHED, data, None)
        if run.kind != "import":  # an import's rows are recorded each
            if self.registry.audit is not None:
                record = run_record(run, data, self.registry.parameters)
                self.registry.audit.add_in(tx.connection, [record])
            if status == "done" and run.to_version:
                runs.set_state(SCREENED_VERSION, run.to_version)
        log.info("monitoring run ended", extra={"run_id": run_id, "status": status})

    # --- a re-screening ----------------------------------------------------------------------

    async def _plan(self, run: Run, screener: Screener) -> Plan:
        """The changes between the run's versions, or everything when either is not kept."""
        versions = self.runtime.versions
        if run.kind == "changes" and run.from_version and run.to_version:
            try:
                old = await versions.entities(run.from_version)
                new = await versions.entities(run.to_version)
            except NotFound:
                log.warning("monitoring run %s: a version is not kept, all screened", run.id)
            else:
                changes = compare(old, new)
                changed = {c.entity_id for c in changes.changed}
                # Screened against the whole list, and brought in line on the added and
                # changed entities only: an index of those alone would weigh their words by
                # how rare they are among a few entities, not in the list, and score
                # otherwise than a full re-screen (it missed 90 of the alerts of 200,000
                # counterparties that a full re-screen opened).
                scope = frozenset([*(e.id for e in changes.added), *changed])
                return Plan(scope, tuple(e.id for e in changes.removed))
        alerted = await self._thread(self.runtime.store.monitoring.alerted_entities)
        gone = sorted(e for e in alerted if screener.watchlist.get(e) is None)
        return Plan(None, tuple(gone))

    async def _plan_pages(self, queue: TaskQueue, run: Run) -> None:
        """Plan the run and record its pages (once), then queue those not done."""
        if run.options is None:
            screener = await self._screeners.of(run.to_version)
            plan = await self._plan(run, screener)
            rows = self.runtime.settings.monitoring_page_rows
            total, bounds = await self._thread(self.runtime.store.monitoring.page_bounds, rows)
            paged = bounds if total and (plan.scope is None or plan.scope) else None
            record = partial(self._record_plan, run, plan, total, paged, screener.version)
            await self._thread(record)
        pages = await self._thread(partial(self._runs.pages, run.id, left=True))
        for page in pages:
            await queue.enqueue(
                PAGE_TASK,
                f"monitoring:{run.id}:{page.number}",
                run_id=run.id,
                page=page.number,
                after=page.after,
                until=page.until,
            )
        log.info("monitoring run paged", extra={"run_id": run.id, "pages": len(pages)})

    def _record_plan(
        self, run: Run, plan: Plan, total: int, bounds: Sequence[str] | None, version: str
    ) -> None:
        """The plan, total and pages, the alerts of the removed entities closed, in one
        transaction; the run ends there when it has no page."""
        with self.runtime.store.monitoring.transaction() as tx:
            if not RunTx(tx.connection).plan(run.id, plan.dump(), total, bounds):
                return  # planned by an earlier attempt
            alerting = Alerting(tx, Outbox(tx), run.to_version or version, datetime.now(UTC))
            closed = alerting.close_on_entities(plan.removed, ENTITY_REMOVED)
            done = 0 if bounds is not None else total  # nothing to screen
            tx.count_run(run.id, done=done, opened=0, closed=closed, errors=0)
            if bounds is None:
                self._end_in(tx, run.id, "done", None)

    async def _page(self, run_id: str, number: int, after: str | None, until: str | None) -> None:
        run: Run | None = await self._thread(self._runs.run, run_id)
        if run is None or run.status in ENDED or run.options is None:
            return
        plan = Plan.load(run.options)
        screener = await self._screeners.of(run.to_version)
        read = partial(self.runtime.store.monitoring.page_for_screening, after=after, until=until)
        subjects = [Subject(*row) for row in await self._thread(read)]
        registry = self.registry
        findings, errors = await self._thread(
            find_all, screener, subjects, registry.parameters, registry.limits
        )
        apply = partial(self._apply, run, number, plan, screener.version)
        await self._thread(apply, subjects, findings, errors)

    def _apply(
        self,
        run: Run,
        number: int,
        plan: Plan,
        screened_with: str,
        subjects: Sequence[Subject],
        findings: Sequence[dict[str, Finding] | None],
        errors: int,
    ) -> None:
        """Commit a page: its mark as done first (a page done already changes nothing), its
        alerts and events, the run's counts; and the run's end when it was the last."""
        now = datetime.now(UTC)
        version = run.to_version or screened_with
        with self.runtime.store.monitoring.transaction() as tx:
            runs = RunTx(tx.connection)
            if not runs.claim_page(run.id, number, now):
                return
            alerting = Alerting(tx, Outbox(tx), version, now)
            counts = alerting.reconcile(subjects, findings, plan.scope)
            if plan.scope is None and subjects:
                tx.mark_screened([s.id for s in subjects], version, now)
            tx.count_run(
                run.id,
                done=len(subjects),
                opened=counts.opened,
                closed=counts.closed,
                errors=errors,
            )
            if runs.pages_left(run.id) == 0:
                self._end_in(tx, run.id, "done", None)


def _run_data(run: Run) -> dict[str, object]:
    return {
        "run_id": run.id,
        "kind": run.kind,
        "status": run.status,
        "from_version": run.from_version,
        "to_version": run.to_version,
        "counterparties": run.done,
        "alerts_opened": run.alerts_opened,
        "alerts_closed": run.alerts_closed,
        "errors": run.errors,
    }
