"""Opening the database of `DATABASE_URL` (a SQLite file in the data directory by default) and
bringing its tables to the newest migration.

SQLite runs in WAL mode with `synchronous=NORMAL`: a committed transaction survives the crash
of any process (it is in the operating system's hands); only a power cut may lose the last
commits. PostgreSQL commits durably (`synchronous_commit` on) and is the production choice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from service.errors import Unavailable

_MIGRATIONS = Path(__file__).with_name("migrations")
#: Seconds a SQLite writer waits for another process's transaction before giving up.
_SQLITE_BUSY_SECONDS = 30


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file's directory is created. Raises `Unavailable` for a
    URL that cannot be used (bad syntax, unknown driver)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise Unavailable(f"DATABASE_URL is not a database URL: {exc}", code="database") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver we ship
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": _SQLITE_BUSY_SECONDS, "check_same_thread": False}
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        raise Unavailable(f"DATABASE_URL cannot be used: {exc}", code="database") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the database to the newest migration (a no-op when it is there already)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    # Alembic tells every step at INFO; the service logs that the store is open instead.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise Unavailable(
            f"the database cannot be reached or migrated: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}",
            code="database_unavailable",
        ) from None
