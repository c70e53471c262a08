"""The audit journal of the embedded SQLite store: each screening's record is appended to a
file of this process (one `write` system call, before the answer is sent) and copied into the
database in bulk.

A record in the journal is as safe from a crash of the process as one committed to SQLite in
WAL mode (both are in the operating system's hands once written, neither is flushed to disk),
and far cheaper to write on the request path. A serving process has the journal copied into
the database by a process of its own (`service.store.copier`), many records per transaction,
so that the copy takes none of the event loop's time; without it (a journal not started, or
its copier gone) the copy runs on the event loop every tenth of a second. When another process
holds the database, the records wait for the next copy (that is no error). Each journal file is
locked (`flock`) by its process for as long as it lives; a file nobody locks was left by a
process that died (SIGKILL), and every live process looks for such files every
`_RECOVER_SECONDS`, copies them in and deletes them, under the file's lock, so two processes
never copy one together. Records have fixed ids and are inserted once, so a journal copied
twice would change nothing all the same. Readers of the audit trail copy what is pending first
(`caught_up`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from pydantic_core import to_json

from service.errors import StoreUnavailable, Unavailable
from service.store.audit import AuditStore, ScreeningRecord

log = logging.getLogger(__name__)
#: A journal file is replaced by a new one past this size, in bytes, and deleted once copied.
_ROTATE_BYTES = 64 * 1024 * 1024
#: Most records per transaction.
_BATCH = 2000
#: Seconds between two copies: records gather meanwhile, so that each transaction carries many.
_COPY_SECONDS = 0.1
#: Most bytes of journal one copy on the event loop takes (a transaction of tens of
#: milliseconds at most, whatever a batch request left behind); the rest follows at once, in
#: further copies, with the loop's other work in between.
_LOOP_BYTES = 1024 * 1024
_AGAIN_SECONDS = 0.001
#: Most bytes written to the journal in one go on the event loop (see `append_many`).
_PIECE_BYTES = 4 * 1024 * 1024
#: How long a copy on the event loop waits for another process's lock, in milliseconds, before
#: it leaves the records for the next copy; and how long other copies wait.
_LOOP_BUSY_MS = 10
_BUSY_MS = 30_000
#: Seconds between two looks for the journals of dead processes.
_RECOVER_SECONDS = 2.0
#: Seconds the copies may find the database busy before that is logged as an error.
_BUSY_LOG_SECONDS = 30.0
#: Seconds between two looks, by a reader (`caught_up`), for the last record in the database.
_POLL_SECONDS = 0.01
#: Seconds a reader waits for the copier to copy what was appended before it copies it itself.
_CAUGHT_UP_SECONDS = 30.0
#: Seconds the copier has to copy what is left when the journal closes, before it is killed.
_COPIER_CLOSE_SECONDS = 120.0


def _line(record: ScreeningRecord) -> bytes:
    """The record as one line: its fields as JSON, a unit separator, the answer as it was sent
    (JSON, which never holds a raw control character, so it needs no escaping)."""
    head = [
        record.id, record.screened_at.isoformat(), record.kind, record.key_id,
        record.request_id, record.query_name, record.query_country, record.threshold,
        record.limit, record.watchlist_version, record.outcome, record.matches,
        record.job_id, record.row, record.operator,
    ]  # fmt: skip
    return to_json(head) + b"\x1f" + record.response.encode() + b"\n"


def encode(records: Sequence[ScreeningRecord]) -> bytes:
    """The journal lines of records, to append (safe in any thread)."""
    return b"".join(_line(r) for r in records)


def _record(line: bytes) -> ScreeningRecord:
    head, _, response = line.partition(b"\x1f")
    f = json.loads(head)
    return ScreeningRecord(
        id=f[0], screened_at=datetime.fromisoformat(f[1]), kind=f[2], key_id=f[3],
        request_id=f[4], query_name=f[5], query_country=f[6], threshold=f[7], limit=f[8],
        watchlist_version=f[9], outcome=f[10], matches=[(e, s) for e, s in f[11]],
        response=response.decode(), job_id=f[12], row=f[13],
        operator=f[14] if len(f) > 14 else None,  # a journal written before migration 0002
    )  # fmt: skip


class JournalFile:
    """A journal file of this process being copied: its path, its descriptor (which holds the
    file's lock until it is deleted; -1 in the copier, `service.store.copier`), how far it is
    copied, whether it is closed (a newer file follows)."""

    def __init__(self, path: Path, fd: int = -1) -> None:
        self.path = path
        self.fd = fd
        self.copied = 0
        self.closed = False


def copying_connection(store: AuditStore, connection: Any, busy_ms: int) -> Any:
    """The connection a copy writes on (a new one when None, out of the pool: its busy
    timeout is for the journal only), waiting at most `busy_ms` for another process."""
    if connection is None:
        connection = store.engine.raw_connection()
        connection.detach()
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cursor.close()
    return connection


def copy_file(
    store: AuditStore, connection: Any, item: JournalFile, budget: list[int]
) -> Iterator[int]:
    """Copy a file's records from where its copy stopped, `_BATCH` per transaction, yielding
    the number of each: the whole lines of at most `budget[0]` bytes (at least one line; all
    of them when the budget is negative), and take what was copied off the budget."""
    with item.path.open("rb") as stream:
        stream.seek(item.copied)
        data = stream.read() if budget[0] < 0 else stream.read(budget[0])
        if budget[0] >= 0 and b"\n" not in data:  # one line longer than the budget
            data += stream.readline()
    end = data.rfind(b"\n") + 1
    if budget[0] >= 0:
        budget[0] = max(0, budget[0] - end)
    lines = data[:end].splitlines()
    for start in range(0, len(lines), _BATCH):
        part = lines[start : start + _BATCH]
        store.write(connection, [_record(line) for line in part])
        item.copied += sum(len(line) + 1 for line in part)
        yield len(part)


def is_busy(error: BaseException) -> bool:
    """SQLite's "database is locked": another process is writing; try again later."""
    return isinstance(error, sqlite3.OperationalError) and getattr(
        error, "sqlite_errorcode", None
    ) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _lines(stream: BinaryIO) -> Iterator[list[bytes]]:
    """The whole lines of a journal, `_BATCH` at a time (a line cut by a crash is left out)."""
    batch: list[bytes] = []
    for line in stream:
        if line.endswith(b"\n"):
            batch.append(line[:-1])
            if len(batch) >= _BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


class AuditJournal:
    def __init__(self, store: AuditStore) -> None:
        database = store.engine.url.database
        if store.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            raise ValueError("the audit journal is for a SQLite file")
        self.directory = Path(database).with_name(Path(database).name + ".journal")
        self.store = store
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one copy at a time (the loop's, or closing's)
        self._files: list[JournalFile] = []
        self._fd = -1
        self._written = 0  # bytes written to the current file
        self._appended = 0  # records appended, in all
        self._copied = 0  # records copied, in all
        self._connection: Any = None
        self._failing = False
        self._busy_since: float | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._recovery: asyncio.TimerHandle | None = None
        self._recovering = threading.Lock()  # one look for dead journals at a time
        self._recovery_logged: set[Path] = set()
        self._closed = False
        self._finished = False  # closed, its files deleted: nothing more to copy
        self._copier: subprocess.Popen[bytes] | None = None
        self._copier_due = False  # started, the copier not yet (`start`)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tail = b""  # the last bytes appended: their last line is the newest record
        self.recover()
        self._open_file()

    def start(self, loop: asyncio.AbstractEventLoop, *, copier: bool = True) -> None:
        """Copy in a process of its own (`service.store.copier`) or, with `copier` false or
        when it cannot be started, on this event loop every `_COPY_SECONDS`; look for the
        journals of dead processes every `_RECOVER_SECONDS`, in a worker thread."""
        self._loop = loop
        # The copier starts with the first record (a process that records nothing, such as
        # most of a test suite's, starts none).
        self._copier_due = copier
        if not copier:
            self._timer = loop.call_later(_COPY_SECONDS, self._tick, loop)
        self._recovery = loop.call_later(_RECOVER_SECONDS, self._recover_tick, loop)

    def _begin_copying(self) -> None:
        self._copier_due = False
        self._copier = _start_copier(self.store, [item.path for item in self._files])
        if self._copier is None and self._loop is not None:
            self._timer = self._loop.call_later(_COPY_SECONDS, self._tick, self._loop)

    # --- the request path -------------------------------------------------------------------

    def append(self, records: Sequence[ScreeningRecord]) -> None:
        """Write the records to the journal: when this returns, a crash of the process cannot
        lose them. `Unavailable` if the file cannot be written (the disk is full, say)."""
        self.append_encoded(encode(records), len(records))

    async def append_many(self, data: bytes) -> None:
        """`append` for many records already encoded (`encode`, in a worker thread): written
        in pieces of whole lines, the event loop's other work in between (each line is a
        record of its own, so other answers' lines may come between)."""
        start = 0
        while start < len(data):
            end = data.rfind(b"\n", start, start + _PIECE_BYTES) + 1
            if end <= start:  # one line longer than a piece
                end = data.index(b"\n", start) + 1
            piece = data[start:end]
            self.append_encoded(piece, piece.count(b"\n"))
            start = end
            if start < len(data):
                await asyncio.sleep(0)

    def append_encoded(self, data: bytes, count: int) -> None:
        """`append` for records already encoded (`encode`)."""
        try:
            written = os.write(self._fd, data)
            while written < len(data):  # a short write: rare, but the rest must follow
                written += os.write(self._fd, data[written:])
        except OSError as exc:
            raise Unavailable(
                f"the audit trail cannot be written ({exc.strerror}); nothing was screened",
                code="audit_unavailable",
            ) from None
        self._written += len(data)
        self._appended += count
        self._tail = data
        if self._copier_due:
            self._begin_copying()
        if self._written > _ROTATE_BYTES:
            self._open_file()

    async def caught_up(self) -> None:
        """Every record appended so far is in the database when this returns (for readers):
        copied now, or, with the copier, once the newest is there (the copier copies in order)."""
        newest = _id_of_last(self._tail)
        if self._copier is None or newest is None:
            await asyncio.to_thread(self.copy)
        else:
            await asyncio.to_thread(self._wait_for_copier, newest)

    def _wait_for_copier(self, newest: str) -> None:
        deadline = time.monotonic() + _CAUGHT_UP_SECONDS
        while self.store.get(newest) is None:
            copier = self._copier
            if copier is None or copier.poll() is not None or time.monotonic() > deadline:
                # Copied here instead (from the start of the files: the copier's progress is
                # not known here; a record copied twice is added once).
                self.copy()
                return
            time.sleep(_POLL_SECONDS)

    @property
    def lag(self) -> int:
        """Records appended but not yet in the database."""
        return self._appended - self._copied

    def close(self) -> None:
        """Copy what is left into the database, then delete the journal (kept unless all of
        it is copied: another process copies it in)."""
        self._closed = True
        for timer in (self._timer, self._recovery):
            if timer is not None:
                timer.cancel()
        with self._recovering:  # a look for dead journals in progress ends first
            pass
        if self._copier is not None and self._stop_copier():
            with self._lock:  # all copied, every file deleted by the copier
                self._appended = self._copied
                for item in self._files:
                    with contextlib.suppress(OSError):
                        os.close(item.fd)
                self._files.clear()
        self.copy()
        with self._lock:
            for item in self._files:
                if self.lag == 0:
                    with contextlib.suppress(OSError):
                        item.path.unlink()
                with contextlib.suppress(OSError):
                    os.close(item.fd)
            self._files.clear()
            if self._connection is not None:
                with contextlib.suppress(Exception):
                    self._connection.close()
                self._connection = None
            self._finished = True

    def _stop_copier(self) -> bool:
        """Have the copier copy what is left, delete the files and stop: True if it did."""
        copier, self._copier = self._copier, None
        assert copier is not None and copier.stdin is not None
        try:
            copier.stdin.write(b"close\n")
            copier.stdin.close()
            return copier.wait(_COPIER_CLOSE_SECONDS) == 0
        except (OSError, subprocess.TimeoutExpired):
            log.error("audit journal copier did not finish: the journal is copied here")
            copier.kill()
            copier.wait()
            return False

    def _check_copier(self, loop: asyncio.AbstractEventLoop) -> None:
        """A copier that died (killed, out of memory) is replaced by copies on the loop, from
        the start of the files (a record copied twice is added once)."""
        copier = self._copier
        if copier is None or copier.poll() is None or self._closed:
            return
        log.error("audit journal copier ended: the journal is copied on the event loop")
        self._copier = None
        if copier.stdin is not None:
            with contextlib.suppress(OSError):
                copier.stdin.close()
        self._timer = loop.call_later(_COPY_SECONDS, self._tick, loop)

    def _tell_copier(self, path: Path) -> None:
        copier = self._copier
        if copier is None or copier.stdin is None:
            return
        try:
            copier.stdin.write(os.fsencode(path) + b"\n")
            copier.stdin.flush()
        except OSError:  # it died: `_check_copier` replaces it
            pass

    # --- copying ----------------------------------------------------------------------------

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        # On the event loop itself: a copy is mostly SQLite's own work, and a thread would
        # fight the loop for the interpreter lock on every request. A bounded piece at a time.
        more = self.copy(busy_ms=_LOOP_BUSY_MS, max_bytes=_LOOP_BYTES)
        # `close` runs in another thread and may cancel the timer of this very tick: so the
        # closed journal is looked at here too.
        if not self._closed:
            delay = _AGAIN_SECONDS if more else _COPY_SECONDS
            self._timer = loop.call_later(delay, self._tick, loop)

    def copy(self, busy_ms: int | None = None, max_bytes: int | None = None) -> bool:
        """Copy the records appended so far (at most about `max_bytes` of them) into the
        database, many per transaction; True when some are left. With `busy_ms`, give up
        (until the next copy) when another process holds the database longer than that."""
        budget = [max_bytes if max_bytes is not None else -1]
        with self._lock:
            if self._finished:  # a tick that waited for `close`: the files are closed
                return False
            try:
                self._connection = copying_connection(
                    self.store, self._connection, busy_ms or _BUSY_MS
                )
                for item in list(self._files):
                    if budget[0] == 0:
                        break
                    self._copy_file(item, budget)
            except Exception as exc:  # busy or down: the journal keeps the records meanwhile
                self._copy_failed(exc)
                return False
            if self._failing:
                log.warning("audit journal copied again")
            self._failing = False
            self._busy_since = None
            return self.lag > 0

    def _copy_failed(self, error: Exception) -> None:
        if is_busy(error):  # another process writes: normal, unless it never ends
            now = time.monotonic()
            self._busy_since = self._busy_since or now
            if now - self._busy_since < _BUSY_LOG_SECONDS or self._failing:
                return
        if not self._failing:
            log.error("audit journal copy failed", extra={"error": repr(error)})
        self._failing = True
        with contextlib.suppress(Exception):
            self._connection.close()
        self._connection = None

    def _copy_file(self, item: JournalFile, budget: list[int]) -> None:
        for count in copy_file(self.store, self._connection, item, budget):
            self._copied += count
        if item.closed and item.copied >= item.path.stat().st_size:
            self._files.remove(item)
            item.path.unlink()
            os.close(item.fd)  # its lock goes only now: nobody takes it for a dead one's

    # --- files ----------------------------------------------------------------------------

    def _open_file(self) -> None:
        """Start a new journal file, locked as ours for as long as the process lives; the one
        before is closed, to be deleted once copied (and locked until then)."""
        name = f"journal-{uuid.uuid4().hex}.jsonl"
        # Made under another name and locked before it is named as a journal: another process
        # looking for dead journals would otherwise find it unlocked in between, take it for a
        # dead one's and delete it, with the records then written to it.
        making = self.directory / f"new-{name}"
        fd = os.open(making, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path = self.directory / name
        making.rename(path)
        if self._files:
            self._files[-1].closed = True
        self._files.append(JournalFile(path, fd))
        self._fd, self._written = fd, 0
        if self._copier is not None:
            self._tell_copier(path)
            for item in list(self._files):  # deleted by the copier once copied
                if item.closed and os.fstat(item.fd).st_nlink == 0:
                    os.close(item.fd)
                    self._files.remove(item)

    # --- the journals of dead processes -------------------------------------------------------

    def _recover_tick(self, loop: asyncio.AbstractEventLoop) -> None:
        def again(_: object) -> None:
            if not self._closed:
                self._recovery = loop.call_later(_RECOVER_SECONDS, self._recover_tick, loop)

        if not self._closed:
            self._check_copier(loop)
            loop.run_in_executor(None, self.recover).add_done_callback(again)

    def recover(self) -> None:
        """Copy in, then delete, the journals of processes that died (files nobody locks)."""
        with self._recovering:
            for path in sorted(self.directory.glob("journal-*.jsonl")):
                if self._closed:
                    return
                self._recover_file(path)

    def _recover_file(self, path: Path) -> None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:  # another process recovered it meanwhile
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a live process's journal, or being recovered
                return
            if os.fstat(fd).st_nlink == 0:  # recovered and deleted while we opened it
                return
            records = 0
            with open(fd, "rb", closefd=False) as stream:
                for batch in _lines(stream):
                    self.store.append([_record(line) for line in batch])
                    records += len(batch)
            path.unlink()
            self._recovery_logged.discard(path)
            log.warning("audit journal recovered", extra={"records": records})
        except StoreUnavailable:  # the outage is logged by the store; the file waits
            pass
        except Exception as exc:  # the file stays for the next look
            if path not in self._recovery_logged:
                self._recovery_logged.add(path)
                log.error(
                    "audit journal recovery failed",
                    extra={"journal": path.name, "error": f"{type(exc).__name__}: {exc}"},
                )
        finally:
            os.close(fd)  # releases the lock


def _id_of_last(data: bytes) -> str | None:
    """The id of the last record of journal lines (`_line`: a JSON array, the id first)."""
    start = data.rfind(b"\n", 0, len(data) - 1) + 1
    if not data[start:].startswith(b'["'):
        return None
    return data[start + 2 : data.index(b'"', start + 2)].decode()


def _start_copier(store: AuditStore, paths: Sequence[Path]) -> subprocess.Popen[bytes] | None:
    """The copier process of this journal, told its files so far; None if it cannot start."""
    root = str(Path(__file__).resolve().parents[2])  # where `service` is imported from
    path = os.environ.get("PYTHONPATH")
    env = os.environ | {"PYTHONPATH": f"{root}{os.pathsep}{path}" if path else root}
    url = store.engine.url.render_as_string(hide_password=False)
    try:
        copier = subprocess.Popen(
            [sys.executable, "-m", "service.store.copier", url],
            stdin=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
    except OSError as exc:
        log.error("audit journal copier not started", extra={"error": repr(exc)})
        return None
    assert copier.stdin is not None
    copier.stdin.write(b"".join(os.fsencode(p) + b"\n" for p in paths))
    copier.stdin.flush()
    return copier
