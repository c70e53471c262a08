"""Group commit of audit records: requests hand their records to one writer thread and wait
until the transaction holding them is committed, so no answer leaves before its record is
durable; everything that arrived meanwhile goes into the same transaction, which keeps the cost
per record small under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from service.errors import Unavailable
from service.store.audit import AuditStore, ScreeningRecord

log = logging.getLogger(__name__)
#: Most records in one transaction.
_MAX_GROUP = 5000


@dataclass(slots=True)
class _Pending:
    records: Sequence[ScreeningRecord]
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


def _settle(group: list[_Pending], error: BaseException | None) -> None:
    for item in group:
        if item.future.done():  # the request was cancelled (client gone)
            continue
        if error is None:
            item.future.set_result(None)
        else:
            item.future.set_exception(
                Unavailable(
                    "the audit trail cannot be written; nothing was screened",
                    code="audit_unavailable",
                )
            )


class AuditWriter:
    def __init__(self, store: AuditStore) -> None:
        self.store = store
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    async def write(self, records: Sequence[ScreeningRecord]) -> None:
        """Return once the records are committed; `Unavailable` if the database refused."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Pending(records, future, loop))
        await future

    def close(self) -> None:
        """Commit what is queued, then stop the thread."""
        self._queue.put(None)
        self._thread.join()

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
            error: BaseException | None = None
            try:
                self.store.append([r for item in group for r in item.records])
            except Exception as exc:  # the database is down or refused: the requests fail
                log.error("audit write failed", extra={"error": f"{type(exc).__name__}: {exc}"})
                error = exc
            by_loop: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}
            for item in group:
                by_loop.setdefault(item.loop, []).append(item)
            for loop, items in by_loop.items():
                # A closed loop has nobody waiting any more.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, items, error)
