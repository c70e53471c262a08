"""Re-screenings and imports of counterparties (runs) with their progress, and the small
facts of the monitoring by name (`screened_version`). Nothing of the service but the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, or_, select, update

from service.store.availability import Availability, guarded
from service.store.monitoring import new_id
from service.store.schema import monitoring_runs, monitoring_state


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    kind: str
    status: str
    key_id: str | None
    from_version: str | None
    to_version: str | None
    total: int | None
    done: int
    alerts_opened: int
    alerts_closed: int
    errors: int
    cursor: str | None
    options: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class RunStore:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability

    # --- runs and state ----------------------------------------------------------------------

    @guarded
    def create_run(
        self,
        kind: str,
        *,
        key_id: str | None,
        from_version: str | None = None,
        to_version: str | None = None,
        options: str | None = None,
    ) -> Run:
        run_id = new_id()
        with self.engine.begin() as connection:
            connection.execute(
                insert(monitoring_runs).values(
                    id=run_id,
                    kind=kind,
                    status="queued",
                    key_id=key_id,
                    from_version=from_version,
                    to_version=to_version,
                    done=0,
                    alerts_opened=0,
                    alerts_closed=0,
                    errors=0,
                    options=options,
                    created_at=datetime.now(UTC),
                )
            )
        run = self.run(run_id)
        assert run is not None
        return run

    @guarded
    def run(self, run_id: str) -> Run | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(monitoring_runs).where(monitoring_runs.c.id == run_id)
            ).first()
        if row is None:
            return None
        values: dict[str, Any] = {
            k: _aware(v) if isinstance(v, datetime) else v for k, v in row._mapping.items()
        }
        return Run(**values)

    @guarded
    def latest(self, limit: int) -> list[Run]:
        """The runs last made, the newest first."""
        query = select(monitoring_runs.c.id).order_by(monitoring_runs.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            ids = list(connection.execute(query).scalars())
        return [run for run_id in ids if (run := self.run(run_id)) is not None]

    @guarded
    def update_run(self, run_id: str, /, **values: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(monitoring_runs).where(monitoring_runs.c.id == run_id).values(values)
            )

    @guarded
    def unfinished_run(self, kind: str, from_version: str | None, to_version: str) -> Run | None:
        """A queued or running run of this kind between these versions, if any."""
        c = monitoring_runs.c
        query = select(c.id).where(
            c.kind == kind,
            c.to_version == to_version,
            or_(c.status == "queued", c.status == "running"),
            c.from_version.is_(None) if from_version is None else c.from_version == from_version,
        )
        with self.engine.connect() as connection:
            run_id = connection.execute(query.limit(1)).scalar()
        return self.run(run_id) if run_id else None

    @guarded
    def state(self, name: str) -> str | None:
        with self.engine.connect() as connection:
            value = connection.execute(
                select(monitoring_state.c.value).where(monitoring_state.c.name == name)
            ).scalar()
        return None if value is None else str(value)

    @guarded
    def set_state(self, name: str, value: str) -> None:
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(monitoring_state).where(monitoring_state.c.name == name).values(value=value)
            )
            if changed.rowcount == 0:
                connection.execute(insert(monitoring_state).values(name=name, value=value))
