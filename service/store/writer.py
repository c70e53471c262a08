"""Group commit of audit records on PostgreSQL (SQLite has the journal, `service.store.journal`):
no answer leaves before its record is committed, at a small cost per record under load.

The records are written on the event loop itself, through asynchronous connections of the
driver's own: up to `_COMMITS` commits at a time per loop, and the records of every request
that comes while they run wait together for the next, one INSERT (its own transaction: the
connection is in autocommit) or one transaction of several. No thread: a writer thread had to
win the interpreter lock back from the busy loop after every round trip, which made each commit
wait milliseconds. A connection cut since its last use (the database restarted) is replaced and the
group written again at once; while the database is down, the requests fail with
`StoreUnavailable` (the store's `Availability`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.errors import ServiceError, StoreUnavailable, Unavailable
from service.store.audit import AuditStore, ScreeningRecord
from service.store.availability import RETRY_AFTER_SECONDS, is_outage
from service.store.database import driver_arguments

log = logging.getLogger(__name__)
#: Most records in one commit (a batch's records are never split: one request may exceed it).
_MAX_GROUP = 5000
#: Most commits in flight at once per event loop, each on its own connection: a request that
#: comes while one commit waits for the disk is committed beside it, not after it.
_COMMITS = 4

#: What the requests of a group that could not be committed get: each its own error.
Failure = Callable[[], ServiceError]


def _refused() -> ServiceError:
    return Unavailable(
        "the audit trail cannot be written; nothing was screened", code="audit_unavailable"
    )


def _outage() -> ServiceError:
    return StoreUnavailable(
        "the audit trail cannot be written (the database is not reachable); nothing was "
        "screened; retry shortly",
        retry_after=RETRY_AFTER_SECONDS,
    )


_Waiting = tuple[Sequence[ScreeningRecord], "asyncio.Future[None]"]


@dataclass(slots=True)
class _Lane:
    """One event loop's writes: the requests waiting for a commit, the tasks committing (at
    most `_COMMITS`, none when nothing waits) and the connections not in use."""

    pending: deque[_Waiting] = field(default_factory=deque)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    idle: list[Any] = field(default_factory=list)


def _settle(group: list[_Waiting], failure: Failure | None) -> None:
    for _, future in group:
        if future.done():  # the request was cancelled (its client went away)
            continue
        if failure is not None:
            future.set_exception(failure())
        else:
            future.set_result(None)


class AuditWriter:
    def __init__(self, store: AuditStore, *, unflushed: bool = False) -> None:
        """`unflushed`: commits return before PostgreSQL has flushed them to its disk (the
        `audit_commit_unflushed` setting)."""
        self.store = store
        self._arguments = driver_arguments(store.engine)
        if unflushed:  # after the URL's own options, if it has any
            given = self._arguments.get("options")
            off = "-c synchronous_commit=off"
            self._arguments["options"] = f"{given} {off}" if given else off
        self._lanes: dict[asyncio.AbstractEventLoop, _Lane] = {}

    async def write(self, records: Sequence[ScreeningRecord]) -> None:
        """Return once the records are committed; `Unavailable` if the database refused."""
        loop = asyncio.get_running_loop()
        lane = self._lanes.get(loop)
        if lane is None:
            lane = self._lanes[loop] = _Lane()
        future: asyncio.Future[None] = loop.create_future()
        lane.pending.append((records, future))
        if len(lane.tasks) < _COMMITS:
            task = loop.create_task(self._drain(lane), name="audit-writer")
            lane.tasks.add(task)
            task.add_done_callback(lane.tasks.discard)
        await future

    async def close(self) -> None:
        """Commit what waits, then close this loop's connections."""
        lane = self._lanes.pop(asyncio.get_running_loop(), None)
        if lane is None:
            return
        await asyncio.gather(*lane.tasks)
        while lane.idle:
            await _close(lane.idle.pop())

    async def _drain(self, lane: _Lane) -> None:
        """Commit what waits, a group at a time, until nothing does (the requests that come
        meanwhile join the next group, or another task's)."""
        group: list[_Waiting] = []
        try:
            while lane.pending:
                group, size = [], 0
                while lane.pending and size < _MAX_GROUP:
                    group.append(lane.pending.popleft())
                    size += len(group[-1][0])
                records = [r for records, _ in group for r in records]
                connection = lane.idle.pop() if lane.idle else None
                failure, connection = await self._commit(connection, records)
                if connection is not None:
                    lane.idle.append(connection)
                _settle(group, failure)
                group = []
        finally:
            # Cancelled (the loop is closing): nobody is answered without a commit.
            _settle(group, _refused)
            if len(lane.tasks - {asyncio.current_task()}) == 0:
                _settle(list(lane.pending), _refused)
                lane.pending.clear()

    async def _commit(
        self, connection: Any, records: list[ScreeningRecord]
    ) -> tuple[Failure | None, Any]:
        """Commit the records on the connection (a new one when None): None when done, else
        what the waiting requests get; and the connection to use again (None if broken)."""
        availability = self.store.availability
        try:
            availability.admit()
        except StoreUnavailable:  # down: tried again once per probe interval, not per group
            return _outage, connection
        reused, started = connection is not None, time.monotonic()
        while True:
            try:
                if connection is None:
                    connection = await self._connect()
                await self._insert(connection, records)
            except Exception as exc:
                await _close(connection)  # it may be broken: a new one for the next group
                connection = None
                if reused and is_outage(exc):  # cut since its last use: once on a new one
                    reused = False
                    continue
                if availability.failed(exc) is not None:  # an outage: logged once there
                    return _outage, None
                log.error("audit write failed", extra={"error": f"{type(exc).__name__}: {exc}"})
                return _refused, None
            availability.succeeded(started)
            return None, connection

    async def _connect(self) -> Any:
        import psycopg  # the `postgres` extra: only a PostgreSQL store gets here

        return await psycopg.AsyncConnection.connect(autocommit=True, **self._arguments)

    async def _insert(self, connection: Any, records: list[ScreeningRecord]) -> None:
        statements = list(self.store.statements(records))
        if len(statements) == 1:  # one statement, in autocommit: its own transaction
            await connection.execute(*statements[0])
            return
        async with connection.transaction():
            for statement, values in statements:
                await connection.execute(statement, values)


async def _close(connection: Any) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):
            await connection.close()
