"""Re-screenings and imports of counterparties (runs) with their progress, the pages of a
re-screening (`RunTx`, in the transaction of the monitoring that commits a page's alerts), and
the small facts of the monitoring by name (`screened_version`). Nothing of the service but the
store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, or_, select, update

from service.store.availability import Availability, guarded
from service.store.monitoring import new_id
from service.store.schema import monitoring_pages, monitoring_runs, monitoring_state

#: The statuses of a run that has ended.
ENDED = ("done", "failed")


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


@dataclass(frozen=True, slots=True)
class Page:
    """Counterparties `after` < id <= `until` of a re-screening (None: no bound)."""

    run_id: str
    number: int
    after: str | None
    until: str | None
    done: bool


class RunTx:
    """The runs' part of one transaction of the monitoring (its connection)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def run(self, run_id: str) -> Run | None:
        row = self.connection.execute(
            select(monitoring_runs).where(monitoring_runs.c.id == run_id)
        ).first()
        if row is None:
            return None
        values: dict[str, Any] = {
            k: _aware(v) if isinstance(v, datetime) else v for k, v in row._mapping.items()
        }
        return Run(**values)

    def plan(self, run_id: str, plan: str, total: int, bounds: Sequence[str] | None) -> bool:
        """Record a re-screening's plan, total and pages (`bounds`: the last id of each but the
        last, which has no end; None: no pages), once: False when they were recorded before (a
        redone task). Written first, so the transaction holds the run's row (and SQLite's
        lock) from the start."""
        c = monitoring_runs.c
        recorded = self.connection.execute(
            update(monitoring_runs)
            .where(c.id == run_id, c.options.is_(None))
            .values(options=plan, total=total)
        )
        if recorded.rowcount == 0:
            return False
        if bounds is not None:
            edges: list[str | None] = [None, *bounds, None]
            pages = [
                {"run_id": run_id, "number": n, "after": edges[n], "until": edges[n + 1]}
                for n in range(len(bounds) + 1)
            ]
            self.connection.execute(insert(monitoring_pages), pages)
        return True

    def claim_page(self, run_id: str, number: int, at: datetime) -> bool:
        """Mark a page done, in the transaction that commits its changes: False when it was
        done already (another worker redid it), and then the transaction must change nothing.
        The first write of the transaction, so a second worker on the page waits here."""
        c = monitoring_pages.c
        claimed = self.connection.execute(
            update(monitoring_pages)
            .where(c.run_id == run_id, c.number == number, c.done_at.is_(None))
            .values(done_at=at)
        )
        return claimed.rowcount == 1

    def pages_left(self, run_id: str) -> int:
        c = monitoring_pages.c
        query = select(func.count()).where(c.run_id == run_id, c.done_at.is_(None))
        return int(self.connection.execute(query).scalar_one())

    def end(self, run_id: str, status: str, at: datetime, error: str | None = None) -> bool:
        """End a run, once: False when it had ended already."""
        c = monitoring_runs.c
        ended = self.connection.execute(
            update(monitoring_runs)
            .where(c.id == run_id, c.status.not_in(ENDED))
            .values(status=status, finished_at=at, error=error)
        )
        return ended.rowcount == 1

    def set_state(self, name: str, value: str) -> None:
        changed = self.connection.execute(
            update(monitoring_state).where(monitoring_state.c.name == name).values(value=value)
        )
        if changed.rowcount == 0:
            self.connection.execute(insert(monitoring_state).values(name=name, value=value))


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
            return RunTx(connection).run(run_id)

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
            RunTx(connection).set_state(name, value)

    @guarded
    def pages(self, run_id: str, *, left: bool = False) -> list[Page]:
        """A re-screening's pages in order (those not done yet only, if `left`)."""
        c = monitoring_pages.c
        query = select(monitoring_pages).where(c.run_id == run_id).order_by(c.number)
        if left:
            query = query.where(c.done_at.is_(None))
        with self.engine.connect() as connection:
            return [
                Page(row.run_id, row.number, row.after, row.until, row.done_at is not None)
                for row in connection.execute(query)
            ]
