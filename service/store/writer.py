"""Group commit of audit records on PostgreSQL (SQLite has the journal, `service.store.journal`):
no answer leaves before its record is committed, at a small cost per record under load.

On the event loop, the records of every request of one loop iteration are handed over together
(one hand-over per iteration, not per request); one writer thread, on a connection of its own,
commits everything handed over while it was busy in one transaction of multi-row INSERTs, then
releases the waiting requests with one call back into their loop. A connection cut since its
last use (the database restarted) is replaced and the group written again at once; while the
database is down, the requests fail with `StoreUnavailable` (the store's `Availability`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.errors import ServiceError, StoreUnavailable, Unavailable
from service.store.audit import AuditStore, ScreeningRecord
from service.store.availability import RETRY_AFTER_SECONDS, is_outage

log = logging.getLogger(__name__)
#: Most records in one transaction.
_MAX_GROUP = 5000

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


@dataclass(slots=True)
class _Batch:
    """The records handed over in one loop iteration, and the requests waiting for them."""

    loop: asyncio.AbstractEventLoop
    records: list[ScreeningRecord] = field(default_factory=list)
    waiting: list[asyncio.Future[None]] = field(default_factory=list)


def _settle(batches: list[_Batch], failure: Failure | None) -> None:
    for batch in batches:
        for future in batch.waiting:
            if future.done():  # the request was cancelled (its client went away)
                continue
            if failure is not None:
                future.set_exception(failure())
            else:
                future.set_result(None)


class AuditWriter:
    def __init__(self, store: AuditStore) -> None:
        self.store = store
        self._queue: queue.SimpleQueue[_Batch | None] = queue.SimpleQueue()
        self._open: _Batch | None = None
        self._connection: Any = None
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    async def write(self, records: list[ScreeningRecord]) -> None:
        """Return once the records are committed; `Unavailable` if the database refused."""
        loop = asyncio.get_running_loop()
        batch = self._open
        if batch is None or batch.loop is not loop:
            batch = self._open = _Batch(loop)
            loop.call_soon(self._hand_over, batch)
        future: asyncio.Future[None] = loop.create_future()
        batch.records += records
        batch.waiting.append(future)
        await future

    def _hand_over(self, batch: _Batch) -> None:
        if self._open is batch:
            self._open = None
        self._queue.put(batch)

    def close(self) -> None:
        """Commit what is handed over, then stop the thread."""
        self._queue.put(None)
        self._thread.join()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None

    def _commit(self, records: list[ScreeningRecord]) -> Failure | None:
        """Commit the records: None when done, else what the waiting requests get."""
        availability = self.store.availability
        try:
            availability.admit()
        except StoreUnavailable:  # down: tried again once per probe interval, not per group
            return _outage
        reused, started = self._connection is not None, time.monotonic()
        while True:
            try:
                if self._connection is None:
                    self._connection = self.store.engine.raw_connection()
                self.store.write(self._connection, records)
            except Exception as exc:
                self._drop_connection()
                if reused and is_outage(exc):  # cut since its last use: once on a new one
                    reused = False
                    continue
                if availability.failed(exc) is not None:  # an outage: logged once there
                    return _outage
                log.error("audit write failed", extra={"error": f"{type(exc).__name__}: {exc}"})
                return _refused
            availability.succeeded(started)
            return None

    def _drop_connection(self) -> None:
        """Discard the connection (not back to the pool: it may be broken)."""
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.invalidate()
        self._connection = None

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            group = [first]
            size = len(first.records)
            while size < _MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                group.append(item)
                size += len(item.records)
            failure = self._commit([r for batch in group for r in batch.records])
            by_loop: dict[asyncio.AbstractEventLoop, list[_Batch]] = {}
            for batch in group:
                by_loop.setdefault(batch.loop, []).append(batch)
            for loop, batches in by_loop.items():
                # A closed loop has nobody waiting any more.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, batches, failure)
