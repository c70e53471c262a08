"""The audit journal's copier process: it copies the records of a serving process into the
database while that process only appends; a reader waits for them; a closed journal leaves no
file and no process; a server killed with SIGKILL takes its copier with it and loses no record;
a copier that dies is replaced by copies on the event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from service.store import journal as journal_module
from service.store import open_store
from service.store.audit import AuditFilter
from service.store.journal import AuditJournal
from tests.store.test_journal import record

ROOT = Path(__file__).parents[2]


def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (its parent not reaped yet) is gone as far as copying goes.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


async def test_the_copier_copies_what_the_server_appends(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    journal = AuditJournal(store.audit)
    journal.start(asyncio.get_running_loop())
    assert journal._copier is None  # started with the first record
    written = [record(n) for n in range(500)]
    for start in range(0, 500, 5):
        journal.append(written[start : start + 5])
    copier = journal._copier
    assert copier is not None and copier.poll() is None
    # Nothing copies on this loop: the records reach the database through the copier.
    assert journal._timer is None
    await journal.caught_up()
    assert [r.id for r in store.audit.find(AuditFilter())] == [r.id for r in written]
    await asyncio.to_thread(journal.close)
    assert copier.returncode == 0
    assert not list(journal.directory.glob("journal-*"))  # copied, then deleted
    store.close()


async def test_rotated_files_are_copied_in_order_and_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "_ROTATE_BYTES", 4096)
    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    journal = AuditJournal(store.audit)
    journal.start(asyncio.get_running_loop())
    written = [record(n) for n in range(300)]
    for one in written:
        journal.append([one])
    await journal.caught_up()
    assert [r.id for r in store.audit.find(AuditFilter())] == [r.id for r in written]
    # The copier deletes each rotated file once copied; the newest stays while in use.
    assert _wait_for(lambda: len(list(journal.directory.glob("journal-*"))) == 1, 10)
    await asyncio.to_thread(journal.close)
    assert not list(journal.directory.glob("journal-*"))
    store.close()


_SERVER = """
import asyncio, os, sys
from service.store import open_store
from service.store.journal import AuditJournal
from tests.store.test_journal import record

async def main():
    journal = AuditJournal(open_store(sys.argv[1]).audit)
    journal.start(asyncio.get_running_loop())
    for n in range(400):
        journal.append([record(n)])
    print(journal._copier.pid, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def test_a_server_killed_takes_its_copier_along_and_loses_no_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        copier_pid = int(server.stdout.readline())
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.communicate()
    # Its input closed by the kill, the copier ends on its own: nothing is left running.
    assert _wait_for(lambda: not _alive(copier_pid), 10)
    store = open_store(url)
    after = AuditJournal(store.audit)  # the next process copies the dead one's journal in
    found = list(store.audit.find(AuditFilter()))
    assert sorted(r.request_id or "" for r in found) == sorted(f"r-{n}" for n in range(400))
    after.close()
    store.close()


async def test_a_copier_that_died_is_replaced_by_copies_on_the_loop(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    journal = AuditJournal(store.audit)
    loop = asyncio.get_running_loop()
    journal.start(loop)
    journal.append([record(0)])
    copier = journal._copier
    assert copier is not None
    copier.kill()
    copier.wait()
    journal.append([record(n) for n in range(1, 30)])
    journal._check_copier(loop)  # what the look for dead journals does every 2 s
    assert journal._copier is None and journal._timer is not None
    await journal.caught_up()
    assert len(list(store.audit.find(AuditFilter()))) == 30
    await asyncio.to_thread(journal.close)
    assert not list(journal.directory.glob("journal-*"))
    store.close()
