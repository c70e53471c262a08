"""Opening the database of `DATABASE_URL` (a SQLite file in the data directory by default) and
bringing its tables to the newest migration, once however many processes start together: under
a PostgreSQL advisory lock, or a lock file beside the SQLite database.

SQLite runs in WAL mode with `synchronous=NORMAL`: a committed transaction survives the crash
of any process (it is in the operating system's hands); only a power cut may lose the last
commits. Its writers wait for each other (`_SQLITE_BUSY_SECONDS`) rather than fail. PostgreSQL
commits durably (`synchronous_commit` on) and is the production choice.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from service.errors import Unavailable

_MIGRATIONS = Path(__file__).with_name("migrations")
#: Seconds a SQLite writer waits for another process's transaction before giving up.
_SQLITE_BUSY_SECONDS = 30
#: Seconds to open a PostgreSQL connection before the database counts as unreachable (the
#: driver's default is to wait for the operating system, minutes on a dead host).
_CONNECT_SECONDS = 5
#: Seconds a request waits for a free connection of the pool (all busy) before a 503.
_POOL_WAIT_SECONDS = 10
#: The PostgreSQL advisory lock held while migrating (any number no other code uses).
_MIGRATION_LOCK = 0x5C2EE0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _with_driver(parsed: URL) -> URL:
    """A `postgresql://` URL with the driver we use (the `postgres` extra's)."""
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def check_driver(url: str) -> None:
    """`Unavailable` when `url` names PostgreSQL and its driver is not installed: a server or
    worker says so before it starts (not in a traceback of its start-up). Any other URL is
    checked when the store opens it."""
    with contextlib.suppress(ArgumentError):
        _require_driver(_with_driver(make_url(url)))


def _require_driver(parsed: URL) -> None:
    # psycopg comes with the `postgres` extra: the default install (SQLite) goes without it.
    if parsed.drivername == "postgresql+psycopg" and importlib.util.find_spec("psycopg") is None:
        raise Unavailable(
            "DATABASE_URL names a PostgreSQL database, but its driver is not installed: pip "
            "install 'sanctions-screening[postgres]' (in a checkout: pip install '.[postgres]')",
            code="database",
        )


def open_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's directory is created. Raises `Unavailable` for a
    URL that cannot be used (bad syntax, unknown driver)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise Unavailable(f"DATABASE_URL is not a database URL: {exc}", code="database") from None
    parsed = _with_driver(parsed)
    # A connection cut under the pool (a database restart, a network cut) is replaced when it
    # is next taken out of the pool, instead of failing the request that takes it.
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            options["pool_timeout"] = _POOL_WAIT_SECONDS
        options["connect_args"] = {"timeout": _SQLITE_BUSY_SECONDS, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        options["pool_timeout"] = _POOL_WAIT_SECONDS
        options["connect_args"] = {"connect_timeout": _CONNECT_SECONDS}
    _require_driver(parsed)
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        raise Unavailable(f"DATABASE_URL cannot be used: {exc}", code="database") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def driver_arguments(engine: Engine) -> dict[str, Any]:
    """The arguments the engine opens a PostgreSQL connection with, for a connection of the
    driver's own (the audit writer's, on the event loop)."""
    _, arguments = engine.dialect.create_connect_args(engine.url)
    arguments.pop("context", None)  # SQLAlchemy's adapters: the writer binds plain values
    return dict(arguments) | {"connect_timeout": _CONNECT_SECONDS}


def migrate(engine: Engine) -> None:
    """Bring the database to the newest migration (a no-op when it is there already). Two
    processes starting at once on a new database migrate it one after the other: the second
    finds it done."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    # Alembic tells every step at INFO; the service logs that the store is open instead.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with _sqlite_lock(engine), engine.begin() as connection:
            _postgresql_lock(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise Unavailable(
            f"the database cannot be reached or migrated: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}",
            code="database_unavailable",
        ) from None


def _postgresql_lock(connection: Connection) -> None:
    """Hold the migration lock until this transaction ends (PostgreSQL runs DDL in
    transactions: the next process to take the lock sees the tables made)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


@contextlib.contextmanager
def _sqlite_lock(engine: Engine) -> Iterator[None]:
    """Hold a lock file beside a SQLite database while migrating (SQLite's own locks do not
    span the several statements of a migration, which its driver runs outside a transaction).
    Released when the process ends, however it ends."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    path = Path(database).with_name(Path(database).name + ".migrate.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
