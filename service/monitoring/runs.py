"""Runs of the job workers over every counterparty: the re-screening after a list change
(alerts brought in line on the entities added or changed between the versions, those of the
entities removed closed), the full re-screening on demand, and an import of a file. A run
goes page by page (`monitoring_page_rows`), each page's changes, counts and cursor committed
together: a run redone after its worker died goes on from its last page.

No Redis client, no saq: the queue is reached through `service.batch.queue.JobQueue`.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import anyio.to_thread
from pydantic import TypeAdapter

from service.batch.jobs import JobStore
from service.batch.layout import TableInfo
from service.batch.queue import JobQueue
from service.batch.tables import InputRow, read_rows
from service.errors import NotFound, ServiceError
from service.monitoring.alerting import ENTITY_REMOVED, Alerting, Counts
from service.monitoring.events import RESCREEN_FINISHED, Outbox
from service.monitoring.findings import Finding, Subject, find_all
from service.monitoring.registry import CounterpartyIn, Registry
from service.runtime import Runtime
from service.screening.screener import Screener
from service.store.runs import Run
from service.watchlist.changes import compare

log = logging.getLogger(__name__)

RUN_TASK = "monitoring_run"
#: The state naming the version every counterparty was last screened against.
SCREENED_VERSION = "screened_version"
_TABLE = TypeAdapter(TableInfo)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run screens: the screener (the whole list), the entity ids whose alerts it may
    change (None: all), the entities whose alerts close."""

    screener: Screener
    scope: frozenset[str] | None
    removed: tuple[str, ...] = ()


class Runner:
    def __init__(
        self,
        runtime: Runtime,
        registry: Registry,
        queue: Callable[[], Awaitable[JobQueue]] | None,
    ) -> None:
        self.runtime = runtime
        self.registry = registry
        self._queue = queue

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
        if await self._thread(runs.unfinished_run, "changes", screened, current) is None:
            await self.start("changes", None, from_version=screened, to_version=current)

    async def start(self, kind: str, key_id: str | None, **fields: str | None) -> Run:
        """Record a run and queue it for the workers."""
        if self._queue is None:
            raise RuntimeError("runs are started by the API process")
        queue = await self._queue()
        run: Run = await self._thread(lambda: self._runs.create_run(kind, key_id=key_id, **fields))
        timeout = self.runtime.settings.monitoring_run_timeout_seconds
        await queue.enqueue(RUN_TASK, f"monitoring:{run.id}", timeout=timeout, run_id=run.id)
        log.info("monitoring run queued", extra={"run_id": run.id, "kind": kind})
        return run

    async def start_import(self, key_id: str | None, upload: Path, table: TableInfo) -> Run:
        if self._queue is None:
            raise RuntimeError("runs are started by the API process")
        queue = await self._queue()
        options = _TABLE.dump_json(table).decode()
        run: Run = await self._thread(
            lambda: self._runs.create_run("import", key_id=key_id, options=options)
        )
        await queue.store.keep_upload(run.id, upload)
        timeout = self.runtime.settings.monitoring_run_timeout_seconds
        await queue.enqueue(RUN_TASK, f"monitoring:{run.id}", timeout=timeout, run_id=run.id)
        return run

    # --- running them (in a worker) ----------------------------------------------------------

    async def run_task(self, ctx: Any, *, run_id: str) -> None:
        """The queue's task: run `run_id` (or go on with it), failing it on an error that
        trying again cannot mend."""
        run: Run | None = await self._thread(self._runs.run, run_id)
        if run is None or run.status in ("done", "failed"):
            return
        beat = _Heartbeat(ctx)
        await self._thread(
            lambda: self._runs.update_run(
                run_id, status="running", started_at=run.started_at or datetime.now(UTC)
            )
        )
        try:
            if run.kind == "import":
                await self._import(run, ctx["batch"].jobs.store, beat)
            else:
                await self._rescreen(run, beat)
        except ServiceError as exc:
            await self._finish(run, "failed", error=exc.message)
            return
        await self._finish(run, "done")

    async def _finish(self, run: Run, status: str, error: str | None = None) -> None:
        def finish() -> None:
            finished = datetime.now(UTC)
            self._runs.update_run(run.id, status=status, finished_at=finished, error=error)
            after = self._runs.run(run.id)
            with self.runtime.store.monitoring.transaction() as tx:
                Outbox(tx).publish(RESCREEN_FINISHED, _run_data(after), None)
            if status == "done" and run.kind != "import" and run.to_version:
                self._runs.set_state(SCREENED_VERSION, run.to_version)

        await self._thread(finish)
        log.info("monitoring run ended", extra={"run_id": run.id, "status": status})

    async def _plan(self, run: Run) -> Plan:
        """The changes between the run's versions, or everything when either is not kept."""
        versions = self.runtime.versions
        current = self.runtime.holder.current()
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
                return Plan(current, scope, tuple(e.id for e in changes.removed))
        alerted = await self._thread(self.runtime.store.monitoring.alerted_entities)
        gone = sorted(e for e in alerted if current.watchlist.get(e) is None)
        return Plan(current, None, tuple(gone))

    async def _rescreen(self, run: Run, beat: _Heartbeat) -> None:
        plan = await self._plan(run)
        store = self.runtime.store
        total = await self._thread(store.monitoring.count_counterparties)
        await self._thread(lambda: self._runs.update_run(run.id, total=total))
        if plan.removed:
            await self._thread(self._close_removed, run, plan)
        if plan.scope is not None and not plan.scope:  # nothing added or changed
            await self._thread(lambda: self._runs.update_run(run.id, done=total))
            return
        registry = self.registry
        cursor = run.cursor
        page_rows = self.runtime.settings.monitoring_page_rows
        while True:
            read = partial(store.monitoring.page_for_screening, after=cursor, limit=page_rows)
            page = await self._thread(read)
            if not page:
                return
            subjects = [Subject(*row) for row in page]
            findings, errors = await self._thread(
                find_all, plan.screener, subjects, registry.parameters, registry.limits
            )
            await self._thread(self._apply, run, plan, subjects, findings, errors)
            cursor = subjects[-1].id
            await beat()

    def _close_removed(self, run: Run, plan: Plan) -> None:
        with self.runtime.store.monitoring.transaction() as tx:
            alerting = Alerting(tx, Outbox(tx), plan.screener.version, datetime.now(UTC))
            closed = alerting.close_on_entities(plan.removed, ENTITY_REMOVED)
            tx.count_run(run.id, run.cursor or "", done=0, opened=0, closed=closed, errors=0)

    def _apply(
        self,
        run: Run,
        plan: Plan,
        subjects: Sequence[Subject],
        findings: Sequence[dict[str, Finding] | None],
        errors: int,
    ) -> None:
        now = datetime.now(UTC)
        version = run.to_version or plan.screener.version
        with self.runtime.store.monitoring.transaction() as tx:
            counts = Alerting(tx, Outbox(tx), version, now).reconcile(
                subjects, findings, plan.scope
            )
            if plan.scope is None:
                tx.mark_screened([s.id for s in subjects], version, now)
            tx.count_run(
                run.id,
                subjects[-1].id,
                done=len(subjects),
                opened=counts.opened,
                closed=counts.closed,
                errors=errors,
            )

    async def _import(self, run: Run, uploads: JobStore, beat: _Heartbeat) -> None:
        table = _TABLE.validate_json(run.options or "null")
        screener = self.runtime.holder.current()
        bounds = self.runtime.settings.read_bounds
        page_rows = self.runtime.settings.monitoring_page_rows
        skip = int(run.cursor or 0)
        with tempfile.TemporaryDirectory(prefix="screening-import-") as directory:
            path = Path(directory) / "upload"
            if not await uploads.read_upload(run.id, path):
                raise NotFound("the imported file is no longer stored", code="upload_missing")
            rows = read_rows(path, table, bounds=bounds)
            pages = _pages(rows, page_rows)
            while (page := await self._thread(next, pages, None)) is not None:
                if page[-1].number <= skip:
                    continue
                await self._thread(self._import_page, run, page, screener)
                await beat()
        await uploads.drop_upload(run.id)
        done = await self._thread(self._runs.run, run.id)
        await self._thread(lambda: self._runs.update_run(run.id, total=done.done))

    def _import_page(self, run: Run, page: list[InputRow], screener: Screener) -> None:
        given = [
            CounterpartyIn(
                id=row.supplier_id.strip(),
                name=row.name,
                country=row.country,
                identifiers=row.identifiers,
            )
            for row in page
            if row.error is None and row.name and row.supplier_id and row.supplier_id.strip()
        ]
        counts, errors = self.registry.register_many(given, screener) if given else (Counts(), 0)
        errors += len(page) - len(given)  # rows without an id or a name, or unreadable
        with self.runtime.store.monitoring.transaction() as tx:
            tx.count_run(
                run.id,
                str(page[-1].number),
                done=len(page),
                opened=counts.opened,
                closed=counts.closed,
                errors=errors,
            )


def _pages(rows: Iterator[InputRow], size: int) -> Iterator[list[InputRow]]:
    while page := list(islice(rows, size)):
        yield page


def _run_data(run: Run | None) -> dict[str, object]:
    if run is None:
        return {}
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


class _Heartbeat:
    """saq's heartbeat of the task running a run, beaten between pages: a run is long, and
    only a dead worker's run may be taken for dead."""

    def __init__(self, ctx: Any) -> None:
        self._job = ctx.get("job") if isinstance(ctx, dict) else None
        self._last = time.monotonic()

    async def __call__(self) -> None:
        job = self._job
        if job is None or not job.heartbeat:
            return
        if time.monotonic() - self._last >= job.heartbeat / 3:
            self._last = time.monotonic()
            await job.update()
