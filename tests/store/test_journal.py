"""The audit journal of the SQLite store: records appended are copied into the database, a
reader waits for them, and the journal of a process that was killed (SIGKILL) is copied in by
the next one, once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from service.store import open_store
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
