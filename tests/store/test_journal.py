"""The audit journal of the SQLite store: records appended are copied into the database, a
reader waits for them, another process holding the database is no error, and the journal of a
process that was killed (SIGKILL) is copied in by a live one, once."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.store import Store, open_store
from service.store import journal as journal_module
from service.store.audit import AuditFilter, ScreeningRecord, new_screening_id
from service.store.journal import AuditJournal


def record(n: int) -> ScreeningRecord:
    return ScreeningRecord(
        id=new_screening_id(),
        screened_at=datetime.now(UTC),
        kind="single",
        key_id="k1",
        request_id=f"r-{n}",
        query_name=f"Завод «{n}»\n\x1f",  # any text survives the journal
        query_country=None,
        threshold=0.75,
        limit=10,
        watchlist_version="v1",
        outcome="hit",
        matches=[("by-belaz", 0.97)],
        response='{"matches": []}',
    )


def test_records_reach_the_database(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    journal = AuditJournal(store.audit)
    written = [record(n) for n in range(3000)]
    for start in range(0, 3000, 7):
        journal.append(written[start : start + 7])
    asyncio.run(journal.caught_up())
    assert journal.lag == 0
    assert [r.id for r in store.audit.find(AuditFilter())] == [r.id for r in written]
    assert store.audit.get(written[5].id) == written[5]
    journal.close()
    assert not list(journal.directory.glob("journal-*"))  # copied, then deleted


_KILLED = """
import os, sys
from service.store import open_store
from service.store.journal import AuditJournal
from tests.store.test_journal import record
# Never started on an event loop, this process only appends: it never copies.
store = open_store(sys.argv[1])
journal = AuditJournal(store.audit)
journal.append([record(n) for n in range(50)])
print("appended", flush=True)
__import__("time").sleep(3600)
"""


def test_the_journal_of_a_killed_process_is_copied_by_the_next(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    root = Path(__file__).parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED, url], cwd=root, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "appended"
    store = open_store(url)
    assert list(store.audit.find(AuditFilter())) == []
    live = AuditJournal(store.audit)  # the child's journal is locked: left alone
    assert len(list(live.directory.glob("journal-*"))) == 2
    child.kill()
    child.wait()
    child.stdout.close()
    live.close()
    time.sleep(0.05)
    after = AuditJournal(store.audit)  # the next process: copies the dead one's journal in
    found = list(store.audit.find(AuditFilter()))
    assert sorted(r.request_id or "" for r in found) == sorted(f"r-{n}" for n in range(50))
    assert {r.response for r in found} == {'{"matches": []}'}  # the answer as it was
    assert {r.query_name for r in found} == {f"Завод «{n}»\n\x1f" for n in range(50)}
    assert len(list(after.directory.glob("journal-*"))) == 1  # its own only
    after.close()
    again = AuditJournal(store.audit)
    assert len(list(store.audit.find(AuditFilter()))) == 50  # nothing twice
    again.close()
    os.sync()


def _journal(tmp_path: Path) -> tuple[Store, AuditJournal]:
    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    return store, AuditJournal(store.audit)


def test_another_process_holding_the_database_is_no_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker beside the server: the loop's copy finds the database busy now and then."""
    store, journal = _journal(tmp_path)
    journal.append([record(n) for n in range(10)])
    other = sqlite3.connect(tmp_path / "a.sqlite3", timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another process writes
    with caplog.at_level(logging.INFO, logger="service.store.journal"):
        journal.copy(busy_ms=10)
        assert journal.lag == 10  # kept for the next copy
        other.rollback()
        journal.copy(busy_ms=10)
    other.close()
    assert journal.lag == 0
    assert caplog.records == []
    journal.close()
    store.close()


def test_the_journals_short_busy_timeout_stays_its_own(tmp_path: Path) -> None:
    """The loop's copy waits 10 ms for the database; the store's other writers 30 s."""
    store, journal = _journal(tmp_path)
    journal.append([record(1)])
    other = sqlite3.connect(tmp_path / "a.sqlite3", timeout=0)
    other.execute("BEGIN IMMEDIATE")
    journal.copy(busy_ms=10)  # busy: given up, its connection let go
    other.rollback()
    other.close()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    journal.close()
    store.close()


def _orphan(store: Store, records: int) -> Path:
    """The journal of a process that died: written, and no longer locked by anyone."""
    dead = AuditJournal(store.audit)
    dead.append([record(n) for n in range(records)])
    (item,) = dead._files
    os.close(item.fd)  # what the death of its process does
    return item.path


def test_a_dead_journal_is_recovered_once_by_processes_looking_together(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store, first = _journal(tmp_path)
    second = AuditJournal(store.audit)
    path = _orphan(store, 6000)
    with caplog.at_level(logging.INFO, logger="service.store.journal"):
        threads = [threading.Thread(target=j.recover) for j in (first, second, first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    recovered = [r for r in caplog.records if r.getMessage() == "audit journal recovered"]
    assert [r.records for r in recovered] == [6000]  # type: ignore[attr-defined]
    assert not path.exists()
    assert len(list(store.audit.find(AuditFilter()))) == 6000
    first.close()
    second.close()
    store.close()


def test_a_rotated_journal_stays_locked_until_its_process_copied_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "_ROTATE_BYTES", 1000)
    store, journal = _journal(tmp_path)
    for n in range(20):
        journal.append([record(n)])  # a new file every few records
    assert len(journal._files) > 2
    other = AuditJournal(store.audit)
    other.recover()  # finds no dead journal: the closed files are still locked by their owner
    assert list(store.audit.find(AuditFilter())) == []
    asyncio.run(journal.caught_up())
    assert len(list(store.audit.find(AuditFilter()))) == 20
    assert len(journal._files) == 1  # the copied closed files are deleted
    journal.close()
    other.close()
    assert not list(journal.directory.glob("journal-*"))
    store.close()


def test_a_journal_closed_while_the_database_is_busy_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "_BUSY_MS", 50)  # the last copy's wait, shortened
    store, journal = _journal(tmp_path)
    journal.append([record(n) for n in range(30)])
    other = sqlite3.connect(tmp_path / "a.sqlite3", timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another process holds the database past the wait
    journal.close()
    other.rollback()
    other.close()
    assert len(list(journal.directory.glob("journal-*"))) == 1  # kept, not deleted
    after = AuditJournal(store.audit)  # the next process copies it in
    assert len(list(store.audit.find(AuditFilter()))) == 30
    after.close()
    store.close()


def test_a_batchs_records_are_written_and_copied_a_bounded_piece_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many records (a batch's, as large as its answer) are written in pieces of whole lines,
    other answers' records between them, and the copy on the event loop takes a bounded piece
    at a time: the loop is never held for the whole."""
    monkeypatch.setattr(journal_module, "_PIECE_BYTES", 2048)
    monkeypatch.setattr(journal_module, "_LOOP_BYTES", 4096)
    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    journal = AuditJournal(store.audit)
    many = [record(n) for n in range(200)]
    alone = [record(1000 + n) for n in range(20)]

    async def write() -> None:
        async def others() -> None:
            for one in alone:
                journal.append([one])
                await asyncio.sleep(0)

        await asyncio.gather(journal.append_many(journal_module.encode(many)), others())

    asyncio.run(write())
    assert journal.lag == 220
    copies = 0
    while journal.copy(max_bytes=4096):  # as the loop's ticks do
        copies += 1
        assert journal.lag > 0
    assert journal.lag == 0 and copies >= 5
    found = {r.id: r for r in store.audit.find(AuditFilter())}
    assert set(found) == {r.id for r in many + alone}
    assert found[many[7].id] == many[7]
    journal.close()


def test_a_new_journal_is_never_taken_for_a_dead_ones(tmp_path: Path) -> None:
    """A process starting its journal file while another looks for the journals of dead
    processes: the file is locked before it carries a journal's name, so it is never copied
    and deleted as a dead one's (with the records written to it after)."""
    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    looking, starting = AuditJournal(store.audit), AuditJournal(store.audit)
    done = threading.Event()

    def look() -> None:
        while not done.is_set():
            looking.recover()

    thread = threading.Thread(target=look)
    thread.start()
    deleted = 0
    try:
        for _ in range(2000):  # before the fix, some 4 in 1,000 files were deleted
            starting._open_file()
            deleted += not starting._files[-1].path.exists()
    finally:
        done.set()
        thread.join()
    assert deleted == 0
    starting.close()
    looking.close()
    store.close()


async def test_a_tick_running_while_the_journal_closes_copies_nothing_more(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server closes its journal in a worker thread; a copy already running on the loop
    then (its timer too late to cancel) finds the journal closed, not its connection gone."""
    store, journal = _journal(tmp_path)
    loop = asyncio.get_running_loop()
    journal.start(loop, copier=False)
    journal.append([record(n) for n in range(10)])
    await asyncio.to_thread(journal.close)
    with caplog.at_level(logging.INFO, logger="service.store.journal"):
        journal._tick(loop)  # the tick that waited for the close to end
    assert caplog.records == []
    assert journal._timer is not None and journal._timer.cancelled()  # none scheduled again
    assert len(list(store.audit.find(AuditFilter()))) == 10
    store.close()
