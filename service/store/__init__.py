"""The durable store: a SQL database (SQLAlchemy, migrated by Alembic) holding what must
outlive Redis and be kept for years: API keys, the audit trail of screenings, job records, the
monitored counterparties and their alerts, and the outbox of events with the webhooks and their
deliveries.

No web framework, no Redis, nothing of the service but the settings and the errors; the API,
the workers and the command line open it alike. The API and the workers start before their
database answers (`open_when_reachable`): until it does, and during any outage, the store's
calls raise `StoreUnavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from service.errors import Unavailable
from service.settings import Settings
from service.store.apikeys import KeyStore
from service.store.audit import AuditStore
from service.store.availability import Availability
from service.store.database import migrate, open_engine
from service.store.deliveries import DeliveryStore
from service.store.jobs import JobArchive
from service.store.journal import AuditJournal
from service.store.monitoring import MonitoringStore
from service.store.outbox import Outbox
from service.store.runs import RunStore
from service.store.webhooks import WebhookStore

log = logging.getLogger(__name__)

#: Seconds between two attempts to open a database that does not answer at start-up: the
#: first wait, doubled after each failure up to the last.
_RETRY_FIRST_SECONDS = 0.5
_RETRY_MAX_SECONDS = 5.0


@dataclass(frozen=True)
class Store:
    engine: Engine
    availability: Availability
    keys: KeyStore
    audit: AuditStore
    jobs: JobArchive
    monitoring: MonitoringStore
    runs: RunStore
    outbox: Outbox
    webhooks: WebhookStore
    deliveries: DeliveryStore

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction of the store, committed when the block ends without an error (and
        rolled back otherwise): for writes that must be committed together, such as a change
        and the event that tells of it (`service.webhooks.events.publish`)."""
        with self.availability.guard(), self.engine.begin() as connection:
            yield connection

    def migrate(self) -> None:
        """Bring the tables to the newest migration; the store's calls go to the database from
        then on. `Unavailable` if the database cannot be reached or migrated."""
        try:
            migrate(self.engine)
        except Unavailable:
            self.availability.starting_failed()
            raise
        self.availability.opened()

    def ping(self) -> None:
        """Ask the database for nothing: `StoreUnavailable` if it does not answer."""
        with self.availability.guard(), self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()


def connect_store(url: str) -> Store:
    """The store of the database at `url`, without connecting yet: `migrate` opens it.
    `Unavailable` at once for a URL that cannot be used."""
    engine = open_engine(url)
    availability = Availability(engine.dialect.name)
    return Store(
        engine,
        availability,
        KeyStore(engine, availability),
        AuditStore(engine, availability),
        JobArchive(engine, availability),
        MonitoringStore(engine, availability),
        RunStore(engine, availability),
        Outbox(engine, availability),
        WebhookStore(engine, availability),
        DeliveryStore(engine, availability),
    )


def open_store(url: str) -> Store:
    """Open the database at `url` and migrate it to the newest tables (the command line:
    `Unavailable` if it does not answer)."""
    store = connect_store(url)
    try:
        store.migrate()
    except Unavailable:
        store.close()
        raise
    return store


async def open_when_reachable(store: Store) -> None:
    """Migrate the store, trying again until the database answers: a server or worker may
    start before its database. The wait is logged once, and its end."""
    delay, started, waiting = _RETRY_FIRST_SECONDS, time.monotonic(), False
    while True:
        try:
            await asyncio.to_thread(store.migrate)
        except Unavailable as exc:
            if not waiting:
                log.error(
                    "database not reachable at start-up: trying again until it answers",
                    extra={"database": store.engine.dialect.name, "error": exc.message},
                )
                waiting = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, _RETRY_MAX_SECONDS)
            continue
        if waiting:
            log.warning(
                "database reachable: the durable store is open",
                extra={"seconds_waited": round(time.monotonic() - started, 3)},
            )
        return


def open_journal(settings: Settings, store: Store) -> AuditJournal | None:
    """The audit journal of a SQLite store with the audit on (PostgreSQL commits each group
    directly); journals left by dead processes are copied in first."""
    if not settings.audit_enabled or store.engine.dialect.name != "sqlite":
        return None
    return AuditJournal(store.audit)
