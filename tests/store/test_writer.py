"""The audit writer of PostgreSQL, on the event loop: every write returns once its records are
committed (visible to any other connection), the writes of one moment share a commit, a batch
larger than a statement is one transaction, and its connection commits durably unless told."""

from __future__ import annotations

import asyncio
from typing import Any

from service.store import open_store
from service.store.audit import AuditFilter
from service.store.writer import AuditWriter
from tests.store.test_journal import record


async def _setting(writer: AuditWriter) -> str:
    [lane] = writer._lanes.values()
    cursor: Any = await lane.idle[0].execute("SHOW synchronous_commit")
    [value] = await cursor.fetchone()
    return str(value)


async def test_writes_are_committed_together_before_they_return(postgres_url: str) -> None:
    store = open_store(postgres_url)
    writer = AuditWriter(store.audit)
    commits = 0
    insert = writer._insert

    async def counted(connection: Any, records: Any) -> None:
        nonlocal commits
        commits += 1
        await insert(connection, records)

    writer._insert = counted  # type: ignore[method-assign]
    singles = [[record(n)] for n in range(40)]
    batch = [record(100 + n) for n in range(2500)]  # three statements, one transaction
    await asyncio.gather(*(writer.write(r) for r in singles), writer.write(batch))
    found = {r.id for r in store.audit.find(AuditFilter())}  # another connection
    assert found == {r.id for r in batch} | {r[0].id for r in singles}
    assert commits < 41  # the writes that came while one commit ran waited for the next
    assert await _setting(writer) == "on"  # durable: flushed to disk before it returns
    await writer.close()
    assert writer._lanes == {}
    store.close()


async def test_unflushed_commits_are_committed_all_the_same(postgres_url: str) -> None:
    store = open_store(postgres_url + "?application_name=audit-test")
    writer = AuditWriter(store.audit, unflushed=True)
    written = [record(n) for n in range(5)]
    await writer.write(written)
    assert await _setting(writer) == "off"
    assert {r.id for r in store.audit.find(AuditFilter())} == {r.id for r in written}
    await writer.close()
    store.close()
