"""Job records kept beyond Redis: who submitted which file when, with its options, detected
table, watchlist version and final counts (the job's Redis record as JSON), for the years the
audit trail is kept. The rows' screenings are in the audit trail under the job's id."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from service.store.availability import Availability, guarded
from service.store.schema import jobs


class JobArchive:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability

    @guarded
    def save(
        self,
        job_id: str,
        *,
        key_id: str | None,
        created_at: datetime,
        filename: str,
        size: int,
        fingerprint: str,
        status: str,
        record_json: str,
    ) -> None:
        """Insert the job, or bring its record up to date."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(status=status, record=record_json, updated_at=now)
            )
            if changed.rowcount == 0:
                connection.execute(
                    insert(jobs).values(
                        id=job_id,
                        key_id=key_id,
                        created_at=created_at,
                        filename=filename,
                        size=size,
                        fingerprint=fingerprint,
                        record=record_json,
                        status=status,
                        updated_at=now,
                    )
                )

    @guarded
    def get(self, job_id: str) -> dict[str, object] | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return dict(row._mapping) if row else None
