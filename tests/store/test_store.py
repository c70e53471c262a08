"""The durable store on SQLite and on PostgreSQL: migrations, API keys (only a hash kept,
revocation), the audit trail (append-only, idempotent, filters, purge) and job records."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.errors import InvalidInput, NotFound, Unavailable
from service.store import Store, open_store
from service.store.apikeys import Role, split_key
from service.store.audit import AuditFilter, ScreeningRecord, new_screening_id
from service.store.schema import metadata

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


def record(
    at: datetime = T0,
    key_id: str | None = "k1",
    matches: tuple[tuple[str, float], ...] = (("by-belaz", 0.97),),
    **fields: object,
) -> ScreeningRecord:
    values: dict[str, object] = {
        "id": new_screening_id(),
        "screened_at": at,
        "kind": "single",
        "key_id": key_id,
        "request_id": "r-1",
        "query_name": "ОАО «БЕЛАЗ»",
        "query_country": "BY",
        "threshold": 0.75,
        "limit": 10,
        "watchlist_version": "0a2753587936b3be",
        "outcome": "hit" if matches else "clear",
        "matches": list(matches),
        "response": '{"matches": []}',
    }
    return ScreeningRecord(**(values | fields))  # type: ignore[arg-type]


def test_migrating_again_changes_nothing(database_url: str) -> None:
    open_store(database_url).close()
    again = open_store(database_url)
    with again.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    again.close()
    assert version == "0005"


def test_the_migrations_make_the_tables_the_schema_states(database_url: str) -> None:
    # The migrations write their tables out; the schema the code queries must say the same
    # (columns, types, nullability, indexes, constraints), on SQLite and PostgreSQL alike.
    store = open_store(database_url)
    try:
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        store.close()


def test_a_database_that_cannot_be_reached_is_a_clear_error() -> None:
    with pytest.raises(Unavailable) as caught:
        open_store("postgresql://nobody@127.0.0.1:1/none")
    assert caught.value.code == "database_unavailable"
    with pytest.raises(Unavailable):
        open_store("not a url")


def test_keys_are_stored_as_a_hash_and_shown_once(store: Store) -> None:
    key, full = store.keys.create("procurement-erp", Role.SCREENER, requests_per_minute=60)
    parts = split_key(full)
    assert parts is not None and parts[0] == key.id
    assert key.secret_hash == hashlib.sha256(parts[1].encode()).hexdigest()
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT * FROM api_keys")).mappings().one()
    assert parts[1] not in str(dict(stored))
    assert stored["secret_hash"] == key.secret_hash
    found = store.keys.get(key.id)
    assert found is not None and found.matches(parts[1]) and not found.matches(parts[1][:-1] + "x")
    assert (found.role, found.requests_per_minute, found.rows_per_hour) == (Role.SCREENER, 60, None)


def test_listing_counting_and_revoking(store: Store) -> None:
    assert not store.keys.any_created()
    first, _ = store.keys.create("one", Role.ADMIN)
    second, _ = store.keys.create("two", Role.AUDITOR, rows_per_hour=0)
    assert [k.id for k in store.keys.list()] == [first.id, second.id]
    assert store.keys.any_created()
    revoked = store.keys.revoke(first.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert store.keys.revoke(first.id).revoked_at == revoked.revoked_at  # once, for good
    store.keys.revoke(second.id)
    assert store.keys.any_created()  # revoked keys still count: open mode never comes back
    with pytest.raises(NotFound):
        store.keys.revoke("000000000000")


def test_bad_key_fields_are_refused(store: Store) -> None:
    with pytest.raises(InvalidInput):
        store.keys.create("  ", Role.SCREENER)
    with pytest.raises(InvalidInput):
        store.keys.create("x", Role.SCREENER, requests_per_minute=-1)


def test_malformed_keys_are_not_split() -> None:
    for text_ in ("", "scr_", "scr_abc_def", "xyz_0123456789ab_" + "a" * 43, "scr_0123456789ab_"):
        assert split_key(text_) is None


def test_audit_records_round_trip(store: Store) -> None:
    written = record(matches=(("by-belaz", 0.97), ("by-mzkt", 0.8)))
    store.audit.append([written])
    read = store.audit.get(written.id)
    assert read == written
    assert store.audit.get("nosuch") is None


def test_appending_the_same_record_twice_keeps_one(store: Store) -> None:
    job_row = record(id="job1.7", kind="job", job_id="job1", row=7)
    store.audit.append([job_row])
    store.audit.append([job_row])  # a redone chunk
    assert [r.id for r in store.audit.find(AuditFilter())] == ["job1.7"]


def test_the_audit_trail_cannot_be_updated(store: Store) -> None:
    written = record()
    store.audit.append([written])
    for statement in (
        "UPDATE screenings SET outcome = 'clear'",
        "UPDATE screening_matches SET score = 0",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as c:
            c.execute(text(statement))
    assert store.audit.get(written.id) == written


def test_filters(store: Store) -> None:
    early = record(at=T0, key_id="k1")
    late = record(at=T0 + timedelta(hours=2), key_id="k2", matches=(("by-mzkt", 0.9),))
    clear = record(at=T0 + timedelta(hours=1), key_id="k1", matches=())
    store.audit.append([late, early, clear])

    def ids(**where: object) -> list[str]:
        return [r.id for r in store.audit.find(AuditFilter(**where))]  # type: ignore[arg-type]

    assert ids() == [early.id, clear.id, late.id]  # oldest first
    assert ids(since=T0 + timedelta(minutes=30)) == [clear.id, late.id]
    assert ids(until=T0 + timedelta(hours=1)) == [early.id]
    assert ids(key_id="k1") == [early.id, clear.id]
    assert ids(entity_id="by-mzkt") == [late.id]
    assert ids(outcome="clear") == [clear.id]
    assert ids(kinds=("batch",)) == []
    assert [r.id for r in store.audit.find(AuditFilter(), limit=1)] == [early.id]


def test_an_export_larger_than_a_fetch_batch(store: Store) -> None:
    records = [record(at=T0 + timedelta(seconds=n)) for n in range(2500)]
    store.audit.append(records)
    found = list(store.audit.find(AuditFilter()))
    assert [r.id for r in found] == [r.id for r in records]
    assert all(r.matches == [("by-belaz", 0.97)] for r in found)


def test_records_of_one_moment_are_exported_in_row_order(store: Store) -> None:
    # A job chunk's rows share their moment; their ids (`<job>.<row>`) sort 1, 10, 11, 2...
    chunk = [record(id=f"job1.{n}", kind="job", job_id="job1", row=n) for n in range(1, 13)]
    batch = sorted(new_screening_id() for _ in range(3))
    queries = [record(id=sid, kind="batch") for sid in batch]
    store.audit.append([*reversed(chunk), *reversed(queries)])
    found = [r.id for r in store.audit.find(AuditFilter())]
    assert found == [*batch, *(f"job1.{n}" for n in range(1, 13))]


def test_purge_deletes_only_what_is_past_retention(store: Store) -> None:
    old, new = record(at=T0 - timedelta(days=4000)), record(at=T0)
    store.audit.append([old, new])
    assert store.audit.purge(T0 - timedelta(days=3650)) == 1
    assert store.audit.get(old.id) is None and store.audit.get(new.id) == new


def test_job_records(store: Store) -> None:
    values: dict[str, Any] = {
        "key_id": "k1",
        "created_at": T0,
        "filename": "suppliers.csv",
        "size": 120,
        "fingerprint": "f" * 64,
    }
    store.jobs.save("job1", status="queued", record_json='{"status": "queued"}', **values)
    store.jobs.save("job1", status="done", record_json='{"status": "done"}', **values)
    saved = store.jobs.get("job1")
    assert saved is not None
    assert (saved["status"], saved["record"], saved["key_id"]) == (
        "done",
        '{"status": "done"}',
        "k1",
    )
    assert store.jobs.get("job2") is None
