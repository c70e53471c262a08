"""The store's view of its database: an outage is `StoreUnavailable` (503 with Retry-After),
logged once when it starts and once when it ends; while it lasts one call per probe interval
tries the database; a wrong query is not an outage; nothing goes to a database not yet open;
and a real PostgreSQL that goes away and comes back is noticed both ways."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest
from sqlalchemy import create_engine
from sqlalchemy import exc as sa
from sqlalchemy.engine import make_url

from service.errors import StoreUnavailable
from service.store import connect_store, open_store
from service.store.availability import PROBE_SECONDS, Availability, is_outage

DOWN = sa.OperationalError("SELECT 1", {}, Exception("connection refused"))


def _fail(availability: Availability, error: Exception) -> None:
    with availability.guard():
        raise error


def _opened() -> Availability:
    availability = Availability("postgresql")
    availability.opened()
    return availability


def test_what_counts_as_an_outage() -> None:
    assert is_outage(DOWN)
    assert is_outage(sa.TimeoutError("QueuePool limit reached"))
    assert is_outage(sqlite3.OperationalError("database is locked"))
    assert is_outage(sa.DBAPIError("x", {}, Exception("cut"), connection_invalidated=True))
    assert not is_outage(sa.ProgrammingError("SELECT nope", {}, Exception("no such column")))
    assert not is_outage(sa.IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not is_outage(ValueError("a bug"))


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    availability = _opened()
    with caplog.at_level(logging.INFO, logger="service.store.availability"):
        for _ in range(50):
            with pytest.raises(StoreUnavailable) as caught:
                _fail(availability, DOWN)
            assert caught.value.headers["Retry-After"] == "2"
            assert caught.value.status_code == 503
        assert availability.state == "down"
        time.sleep(PROBE_SECONDS)
        with availability.guard():
            pass  # the probe gets through, and the database answers
    # mypy keeps the state narrowed to "down" across the guard, which changes it.
    assert availability.state == "ok" and availability.error is None  # type: ignore[comparison-overlap]
    messages = [r.getMessage().split(":")[0] for r in caplog.records]
    assert messages == ["database unavailable", "database available again"]
    assert caplog.records[1].__dict__["refused_calls"] == 49


def test_while_down_one_call_per_probe_interval_tries_the_database() -> None:
    availability = _opened()
    with pytest.raises(StoreUnavailable):
        _fail(availability, DOWN)
    tried = 0

    def call() -> None:
        nonlocal tried
        with availability.guard():
            tried += 1
            raise DOWN

    for _ in range(20):
        with pytest.raises(StoreUnavailable):
            call()
    assert tried == 0  # refused at once: no wait on a connection that cannot be made
    time.sleep(PROBE_SECONDS)
    for _ in range(20):
        with pytest.raises(StoreUnavailable):
            call()
    assert tried == 1


def test_a_wrong_query_is_not_an_outage() -> None:
    availability = _opened()
    with pytest.raises(sa.ProgrammingError):
        _fail(availability, sa.ProgrammingError("SELECT nope", {}, Exception("no column")))
    assert availability.state == "ok"


def test_nothing_goes_to_a_database_not_yet_open() -> None:
    availability = Availability("postgresql")
    with pytest.raises(StoreUnavailable, match="not reachable yet"), availability.guard():
        raise AssertionError("not called")


def test_a_postgresql_that_goes_away_and_comes_back(postgres_url: str) -> None:
    store = open_store(postgres_url)
    store.keys.list()
    # The server ends every connection of the database (as a restart does)...
    admin = create_engine(make_url(postgres_url).set(database="postgres"))
    name = store.engine.url.database
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        )
    admin.dispose()
    # ...and the pool replaces the dead connections: no error at all.
    assert store.keys.list() == []
    assert store.availability.state == "ok"
    store.close()


def test_an_unreachable_database_at_start_up_is_a_clear_error() -> None:
    store = connect_store("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable):
        store.keys.list()
    assert store.availability.state == "starting"
    store.close()
