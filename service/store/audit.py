"""The audit trail: one record per screening (a single name, a query of a batch, a row of a
job) with who asked, when, what, against which watchlist version and what came back.

Records are only ever added (a trigger refuses updates); `purge` deletes those past the
retention period and is run by the command line, never by the API. A job row's record has a
fixed id (`<job id>.<row>`), so a chunk redone after a worker died adds no second record.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, delete, select

from service.store.availability import Availability, guarded
from service.store.schema import screening_matches, screenings

#: `single` and `batch` screenings of the API (`single` of the `screen` command too), `job`
#: rows of the API's batch jobs, `file` rows of the `screen-file` command, `register` the
#: screening of a counterparty registered or changed (alone, or a row of an import), and
#: `rescreen` one record per re-screening run of the monitoring, with its counts.
Kind = Literal["single", "batch", "job", "file", "register", "rescreen"]
Outcome = Literal["hit", "clear", "error"]
#: Rows fetched at a time while streaming an export.
_EXPORT_BATCH = 1000


#: Random bits of a screening id: a generator seeded from the system's randomness, not a system
#: call per id (this runs on every request). Ids name records; they grant no access.
_random = random.Random(int.from_bytes(os.urandom(16), "big"))


def new_screening_id() -> str:
    """Time-ordered and unique: milliseconds since the epoch, then 64 random bits."""
    return f"{time.time_ns() // 1_000_000:012x}{_random.getrandbits(64):016x}"


@dataclass(frozen=True, slots=True)
class ScreeningRecord:
    id: str
    screened_at: datetime
    kind: Kind
    key_id: str | None
    request_id: str | None
    query_name: str | None
    query_country: str | None
    threshold: float | None
    limit: int | None
    watchlist_version: str | None
    outcome: Outcome
    #: (entity id, score) of each match returned, best first.
    matches: Sequence[tuple[str, float]]
    #: The answer as given, JSON text.
    response: str
    job_id: str | None = None
    row: int | None = None
    #: Who ran a command-line screening (OS user and host); None for the API's.
    operator: str | None = None

    def summary(self) -> dict[str, Any]:
        """The record as JSON-able data, the response parsed (the audit export's line)."""
        return {
            "screening_id": self.id,
            "screened_at": self.screened_at.isoformat(timespec="microseconds"),
            "kind": self.kind,
            "key_id": self.key_id,
            "operator": self.operator,
            "request_id": self.request_id,
            "job_id": self.job_id,
            "row": self.row,
            "query": {"name": self.query_name, "country": self.query_country},
            "parameters": {"threshold": self.threshold, "limit": self.limit},
            "watchlist_version": self.watchlist_version,
            "outcome": self.outcome,
            "matches": [{"entity_id": e, "score": s} for e, s in self.matches],
            "response": json.loads(self.response),
        }


@dataclass(frozen=True, slots=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    key_id: str | None = None
    entity_id: str | None = None
    outcome: Outcome | None = None
    kinds: tuple[Kind, ...] = field(default=())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_COLUMNS = (
    "id", "screened_at", "kind", "key_id", "request_id", "job_id", "row", "query_name",
    "query_country", "threshold", "match_limit", "watchlist_version", "outcome", "match_count",
    "matches", "response", "operator",
)  # fmt: skip
_QUOTED = ", ".join(f'"{c}"' for c in _COLUMNS)
#: Records per INSERT statement: within SQLite's 32,766 bound values and PostgreSQL's 65,535.
_ROWS_PER_STATEMENT = 1000


class AuditStore:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability
        self._dialect = engine.dialect.name

    def _insert(self, rows: int) -> str:
        """One INSERT of `rows` rows, in the driver's own SQL: the hot path of every screening
        skips SQLAlchemy's statement building, and a whole group is one statement. Idempotent
        (a redone job chunk adds nothing twice)."""
        mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        row = "(" + ", ".join([mark] * len(_COLUMNS)) + ")"
        return f"INSERT INTO screenings ({_QUOTED}) VALUES {', '.join([row] * rows)} " + (
            "ON CONFLICT DO NOTHING"
        )

    def _moment(self, moment: datetime) -> Any:
        # As SQLAlchemy's SQLite type stores it (naive UTC text), so it reads it back.
        if self._dialect == "sqlite":
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment

    def _bound(self, moment: datetime) -> datetime:
        # SQLite compares the stored text (naive UTC), and its type drops a zone unconverted.
        if self._dialect == "sqlite":
            return _aware(moment).astimezone(UTC).replace(tzinfo=None)
        return moment

    def rows(self, records: Sequence[ScreeningRecord]) -> list[Any]:
        """The records' values, flat, in `_COLUMNS` order: what `write` binds."""
        moment = self._moment
        values: list[Any] = []
        for r in records:
            values += (
                r.id, moment(r.screened_at), r.kind, r.key_id, r.request_id, r.job_id, r.row,
                r.query_name, r.query_country, r.threshold, r.limit, r.watchlist_version,
                r.outcome, len(r.matches), json.dumps(r.matches), r.response, r.operator,
            )  # fmt: skip
        return values

    def statements(self, records: Sequence[ScreeningRecord]) -> Iterator[tuple[str, list[Any]]]:
        """The INSERTs that add the records, with their values: one per `_ROWS_PER_STATEMENT`
        records (the matches follow by trigger)."""
        for start in range(0, len(records), _ROWS_PER_STATEMENT):
            part = records[start : start + _ROWS_PER_STATEMENT]
            yield self._insert(len(part)), self.rows(part)

    def write(self, connection: Any, records: Sequence[ScreeningRecord]) -> None:
        """Add the records on a DBAPI connection and commit (`statements`)."""
        cursor = connection.cursor()
        try:
            for statement, values in self.statements(records):
                cursor.execute(statement, values)
            connection.commit()
        except BaseException:
            with contextlib.suppress(Exception):  # a cut connection cannot roll back either
                connection.rollback()
            raise
        finally:
            cursor.close()

    def add_in(self, connection: Connection, records: Sequence[ScreeningRecord]) -> None:
        """Add the records in the caller's transaction (committed, or rolled back, with the
        change they were made for)."""
        for start in range(0, len(records), _ROWS_PER_STATEMENT):
            part = records[start : start + _ROWS_PER_STATEMENT]
            connection.exec_driver_sql(self._insert(len(part)), tuple(self.rows(part)))

    @guarded
    def append(self, records: Sequence[ScreeningRecord]) -> None:
        """Add the records in one transaction: all are committed when this returns."""
        if not records:
            return
        connection = self.engine.raw_connection()
        try:
            self.write(connection, records)
        finally:
            connection.close()

    @guarded
    def get(self, screening_id: str) -> ScreeningRecord | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(screenings).where(screenings.c.id == screening_id)
            ).first()
        return _record(row._mapping) if row else None

    def find(self, where: AuditFilter, limit: int | None = None) -> Iterator[ScreeningRecord]:
        """The records that pass the filter, oldest first, streamed. The order is total, the
        same on SQLite and PostgreSQL: records of one moment (a batch's queries, the rows of a
        job chunk) follow in row order (`<job>.10` after `<job>.9`), then by id (a batch's
        ids ascend in query order)."""
        query = select(screenings).order_by(
            screenings.c.screened_at, screenings.c.row.asc().nulls_first(), screenings.c.id
        )
        if where.since:
            query = query.where(screenings.c.screened_at >= self._bound(where.since))
        if where.until:
            query = query.where(screenings.c.screened_at < self._bound(where.until))
        if where.key_id:
            query = query.where(screenings.c.key_id == where.key_id)
        if where.outcome:
            query = query.where(screenings.c.outcome == where.outcome)
        if where.kinds:
            query = query.where(screenings.c.kind.in_(where.kinds))
        if where.entity_id:
            query = query.where(
                screenings.c.id.in_(
                    select(screening_matches.c.screening_id).where(
                        screening_matches.c.entity_id == where.entity_id
                    )
                )
            )
        if limit is not None:
            query = query.limit(limit)
        # Guarded fetch by fetch, not around the `yield`: the reader's own errors are not the
        # database's. Once the export runs, an outage elsewhere does not stop it.
        guard = self.availability.guard
        with guard():
            connection = self.engine.connect()
        try:
            with guard(admit=False):
                result = connection.execution_options(yield_per=_EXPORT_BATCH).execute(query)
                parts = result.partitions()
            while True:
                with guard(admit=False):
                    part = next(parts, None)
                if part is None:
                    return
                for row in part:
                    yield _record(row._mapping)
        finally:
            connection.close()

    @guarded
    def purge(self, before: datetime) -> int:
        """Delete the records screened before `before` (the retention period's end)."""
        old = select(screenings.c.id).where(screenings.c.screened_at < before)
        with self.engine.begin() as connection:
            connection.execute(
                delete(screening_matches).where(screening_matches.c.screening_id.in_(old))
            )
            deleted = connection.execute(
                delete(screenings).where(screenings.c.screened_at < before)
            )
        return int(deleted.rowcount)


def _record(values: Any) -> ScreeningRecord:
    return ScreeningRecord(
        id=values["id"],
        screened_at=_aware(values["screened_at"]),
        kind=values["kind"],
        key_id=values["key_id"],
        request_id=values["request_id"],
        job_id=values["job_id"],
        row=values["row"],
        query_name=values["query_name"],
        query_country=values["query_country"],
        threshold=values["threshold"],
        limit=values["match_limit"],
        watchlist_version=values["watchlist_version"],
        outcome=values["outcome"],
        matches=[(entity, float(score)) for entity, score in json.loads(values["matches"])],
        response=values["response"],
        operator=values["operator"],
    )
