"""The audit journal of the embedded SQLite store: each screening's record is appended to a
file of this process (one `write` system call, before the answer is sent) and copied into the
database by a thread of its own, many records per transaction.

A record in the journal is as safe from a crash of the process as one committed to SQLite in
WAL mode (both are in the operating system's hands once written, neither is flushed to disk),
and far cheaper to write on the request path. A journal that its process left behind (killed)
is copied in by the next process to start on the same data directory, then deleted; records
have fixed ids and are inserted once, so copying a journal twice changes nothing. Readers of
the audit trail wait until the journal is copied up to their request (`caught_up`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from service.errors import Unavailable
from service.store.audit import AuditStore, ScreeningRecord

log = logging.getLogger(__name__)
#: A journal file is replaced by a new one past this size, in bytes, and deleted once copied.
_ROTATE_BYTES = 64 * 1024 * 1024
#: Most records per transaction of the copying thread.
_BATCH = 2000
#: Seconds the copying thread sleeps when there is nothing new (it is woken by new records).
_IDLE_SECONDS = 0.5
#: Seconds between attempts when the database refuses the copy.
_RETRY_SECONDS = 1.0
#: Longest wait of a reader for the journal to be copied, in seconds.
_CATCH_UP_SECONDS = 10.0


def _line(record: ScreeningRecord) -> bytes:
    fields = [
        record.id, record.screened_at.isoformat(), record.kind, record.key_id,
        record.request_id, record.query_name, record.query_country, record.threshold,
        record.limit, record.watchlist_version, record.outcome, record.matches,
        record.response, record.job_id, record.row,
    ]  # fmt: skip
    return (json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _record(line: bytes) -> ScreeningRecord:
    f = json.loads(line)
    return ScreeningRecord(
        id=f[0], screened_at=datetime.fromisoformat(f[1]), kind=f[2], key_id=f[3],
        request_id=f[4], query_name=f[5], query_country=f[6], threshold=f[7], limit=f[8],
        watchlist_version=f[9], outcome=f[10], matches=[(e, s) for e, s in f[11]],
        response=f[12], job_id=f[13], row=f[14],
    )  # fmt: skip


class _File:
    """A journal file being copied: its path, how far it is copied, whether it is closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.copied = 0
        self.closed = False


class AuditJournal:
    def __init__(self, store: AuditStore) -> None:
        database = store.engine.url.database
        if store.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            raise ValueError("the audit journal is for a SQLite file")
        directory = Path(database).with_name(Path(database).name + ".journal")
        self.directory = directory
        self.store = store
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # guards `_files` and the counters below
        self._files: list[_File] = []
        self._fd = -1
        self._written = 0  # bytes written to the current file
        self._appended = 0  # records appended, in all
        self._copied = 0  # records copied, in all
        self._wake = threading.Event()
        self._stop = False
        self._failing = False
        self._recover()
        self._open_file()
        self._thread = threading.Thread(target=self._run, name="audit-journal", daemon=True)
        self._thread.start()

    # --- the request path -------------------------------------------------------------------

    def append(self, records: Sequence[ScreeningRecord]) -> None:
        """Write the records to the journal: when this returns, a crash of the process cannot
        lose them. `Unavailable` if the file cannot be written (the disk is full, say)."""
        data = b"".join(_line(r) for r in records)
        try:
            written = os.write(self._fd, data)
            while written < len(data):  # a short write: rare, but the rest must follow
                written += os.write(self._fd, data[written:])
        except OSError as exc:
            raise Unavailable(
                f"the audit trail cannot be written ({exc.strerror}); nothing was screened",
                code="audit_unavailable",
            ) from None
        with self._lock:
            self._written += len(data)
            self._appended += len(records)
            if self._written > _ROTATE_BYTES:
                self._open_file()
        self._wake.set()

    async def caught_up(self) -> None:
        """Wait until every record appended so far is in the database (for readers)."""
        target = self._appended
        deadline = time.monotonic() + _CATCH_UP_SECONDS
        self._wake.set()
        while self._copied < target and time.monotonic() < deadline:
            await asyncio.sleep(0.002)

    @property
    def lag(self) -> int:
        """Records appended but not yet in the database."""
        return self._appended - self._copied

    def close(self) -> None:
        """Copy what is left into the database, then delete the journal."""
        self._stop = True
        self._wake.set()
        self._thread.join()
        with contextlib.suppress(OSError):
            os.close(self._fd)

    # --- files ----------------------------------------------------------------------------

    def _open_file(self) -> None:
        """Start a new journal file, locked as ours for as long as the process lives; the one
        before is closed, to be deleted once copied. Called with `_lock` held (or alone)."""
        path = self.directory / f"journal-{uuid.uuid4().hex}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if self._files:
            self._files[-1].closed = True
        if self._fd >= 0:
            os.close(self._fd)  # its lock goes with it; the copying thread still owns it
        self._files.append(_File(path))
        self._fd, self._written = fd, 0

    def _recover(self) -> None:
        """Copy in, then delete, the journals of processes that died (files nobody locks)."""
        for path in sorted(self.directory.glob("journal-*.jsonl")):
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:  # another process recovered it meanwhile
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a live process's journal
                os.close(fd)
                continue
            try:
                with open(fd, "rb", closefd=False) as stream:
                    records = [_record(line) for line in stream if line.endswith(b"\n")]
                for start in range(0, len(records), _BATCH):
                    self.store.append(records[start : start + _BATCH])
                path.unlink()
                log.warning("audit journal recovered", extra={"records": len(records)})
            finally:
                os.close(fd)

    # --- the copying thread ---------------------------------------------------------------

    def _run(self) -> None:
        connection: Any = None
        while True:
            self._wake.wait(_IDLE_SECONDS)
            self._wake.clear()
            stopping = self._stop
            try:
                if connection is None:
                    connection = self.store.engine.raw_connection()
                self._copy(connection)
                if self._failing:
                    log.warning("audit journal copied again")
                self._failing = False
            except Exception as exc:  # the database is down: the journal keeps the records
                if not self._failing:
                    log.error("audit journal copy failed", extra={"error": repr(exc)})
                self._failing = True
                with contextlib.suppress(Exception):
                    connection.close()
                connection = None
                time.sleep(_RETRY_SECONDS)
                if not stopping:
                    continue
            if stopping and not self._failing:
                break
            if stopping:  # the database is down at shut-down: the journal stays, recovered
                break  # by the next process
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
        if not self._failing:
            for item in self._files:
                with contextlib.suppress(OSError):
                    item.path.unlink()

    def _copy(self, connection: Any) -> None:
        while True:
            with self._lock:
                files = list(self._files)
            progressed = False
            for item in files:
                progressed |= self._copy_file(connection, item)
            if not progressed:
                return

    def _copy_file(self, connection: Any, item: _File) -> bool:
        with item.path.open("rb") as stream:
            stream.seek(item.copied)
            data = stream.read(8 * 1024 * 1024)
        end = data.rfind(b"\n") + 1
        lines = data[:end].splitlines()
        for start in range(0, len(lines), _BATCH):
            part = lines[start : start + _BATCH]
            self.store.write(connection, [_record(line) for line in part])
            item.copied += sum(len(line) + 1 for line in part)
            with self._lock:
                self._copied += len(part)
        with self._lock:
            done = item.closed and item.copied >= item.path.stat().st_size
            if done and item is not self._files[-1]:
                self._files.remove(item)
                item.path.unlink()
        return end > 0
