"""The durable store: a SQL database (SQLAlchemy, migrated by Alembic) holding what must
outlive Redis and be kept for years: API keys, the audit trail of screenings, job records.

No web framework and no Redis here; the API, the workers and the command line open it alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from service.settings import Settings
from service.store.apikeys import KeyStore
from service.store.audit import AuditStore
from service.store.database import migrate, open_engine
from service.store.jobs import JobArchive
from service.store.journal import AuditJournal


@dataclass(frozen=True)
class Store:
    engine: Engine
    keys: KeyStore
    audit: AuditStore
    jobs: JobArchive

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Open the database at `url` and migrate it to the newest tables."""
    engine = open_engine(url)
    migrate(engine)
    return Store(engine, KeyStore(engine), AuditStore(engine), JobArchive(engine))


def open_journal(settings: Settings, store: Store) -> AuditJournal | None:
    """The audit journal of a SQLite store with the audit on (PostgreSQL commits each group
    directly); journals left by dead processes are copied in first."""
    if not settings.audit_enabled or store.engine.dialect.name != "sqlite":
        return None
    return AuditJournal(store.audit)
