"""The monitoring's tables: counterparties, alerts with their history, the outbox of events.
Changes go through a `MonitoringTx` (one transaction: the change, its history and its events
commit together or not at all); reads through `MonitoringStore`.

Rows are plain values here; what they mean (when an alert opens, what a decision covers) is
`service.monitoring`'s. Nothing of the service but the errors and the other store modules.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from service.store.availability import Availability, guarded
from service.store.outbox import add_event
from service.store.schema import (
    alert_history,
    alerts,
    counterparties,
    events,
    monitoring_runs,
)

#: Alert statuses that still ask a reviewer for something.
PENDING = ("open", "pending_approval")


def new_id() -> str:
    """Time-ordered and unique (alerts and runs list in the order they were made)."""
    return f"{int(datetime.now(UTC).timestamp() * 1000):012x}{secrets.token_hex(8)}"


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Counterparty:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str | None
    #: (type, value) of each registration or tax number, as given.
    identifiers: tuple[tuple[str | None, str], ...]
    attributes: Any
    status: str
    created_at: datetime
    updated_at: datetime
    screened_at: datetime | None = None
    watchlist_version: str | None = None


def _counterparty_values(counterparty: Counterparty) -> dict[str, Any]:
    """A counterparty's columns but its id and creation time, as stored."""
    return {
        "name": counterparty.name,
        "aliases": json.dumps(list(counterparty.aliases), ensure_ascii=False),
        "country": counterparty.country,
        "identifiers": json.dumps([list(i) for i in counterparty.identifiers]),
        "attributes": json.dumps(counterparty.attributes, ensure_ascii=False),
        "status": counterparty.status,
        "updated_at": counterparty.updated_at,
        "screened_at": counterparty.screened_at,
        "watchlist_version": counterparty.watchlist_version,
    }


def _counterparty(values: Any) -> Counterparty:
    return Counterparty(
        id=values["id"],
        name=values["name"],
        aliases=tuple(json.loads(values["aliases"])),
        country=values["country"],
        identifiers=tuple((t, v) for t, v in json.loads(values["identifiers"])),
        attributes=json.loads(values["attributes"]),
        status=values["status"],
        created_at=_aware(values["created_at"]) or datetime.now(UTC),
        updated_at=_aware(values["updated_at"]) or datetime.now(UTC),
        screened_at=_aware(values["screened_at"]),
        watchlist_version=values["watchlist_version"],
    )


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    counterparty_id: str
    entity_id: str
    entity_name: str
    status: str
    score: float
    #: The match as reported, explanation included.
    match: Any
    reason: str
    #: Both sides' names and identifiers when last decided; None before any decision.
    basis: Any
    watchlist_version: str | None
    opened_at: datetime
    updated_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_code: str | None = None
    decision_comment: str | None = None
    requested_by: str | None = None
    close_reason: str | None = None


def _alert(values: Any) -> Alert:
    basis = values["basis"]
    return Alert(
        id=values["id"],
        counterparty_id=values["counterparty_id"],
        entity_id=values["entity_id"],
        entity_name=values["entity_name"],
        status=values["status"],
        score=float(values["score"]),
        match=json.loads(values["match"]),
        reason=values["reason"],
        basis=json.loads(basis) if basis else None,
        watchlist_version=values["watchlist_version"],
        opened_at=_aware(values["opened_at"]) or datetime.now(UTC),
        updated_at=_aware(values["updated_at"]) or datetime.now(UTC),
        decided_by=values["decided_by"],
        decided_at=_aware(values["decided_at"]),
        decision_code=values["decision_code"],
        decision_comment=values["decision_comment"],
        requested_by=values["requested_by"],
        close_reason=values["close_reason"],
    )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    action: str
    status: str
    key_id: str | None
    reason_code: str | None
    comment: str | None
    details: Any


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    data: Any
    ordering_key: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AlertFilter:
    status: str | None = None
    counterparty_id: str | None = None
    entity_id: str | None = None
    since: datetime | None = None


class MonitoringTx:
    """One transaction of the monitoring: reads and writes on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # --- counterparties ----------------------------------------------------------------------

    def counterparty(self, counterparty_id: str) -> Counterparty | None:
        row = self.connection.execute(
            select(counterparties).where(counterparties.c.id == counterparty_id)
        ).first()
        return _counterparty(row._mapping) if row else None

    def counterparties_by_id(self, ids: Sequence[str]) -> dict[str, Counterparty]:
        rows = self.connection.execute(select(counterparties).where(counterparties.c.id.in_(ids)))
        return {row.id: _counterparty(row._mapping) for row in rows}

    def put_counterparty(self, counterparty: Counterparty, *, new: bool) -> None:
        self.put_counterparties([counterparty], new=new)

    def put_counterparties(self, given: Sequence[Counterparty], *, new: bool) -> None:
        """Insert (`new`) or update these counterparties, in one statement (an import's page
        spent most of its time building one per row)."""
        if not given:
            return
        rows = [_counterparty_values(c) for c in given]
        if new:
            for row, counterparty in zip(rows, given, strict=True):
                row |= {"id": counterparty.id, "created_at": counterparty.created_at}
            self.connection.execute(insert(counterparties), rows)
            return
        for row, counterparty in zip(rows, given, strict=True):
            row["key"] = counterparty.id
        columns: dict[str, Any] = {name: bindparam(name) for name in rows[0] if name != "key"}
        self.connection.execute(
            update(counterparties).where(counterparties.c.id == bindparam("key")).values(columns),
            rows,
        )

    def mark_screened(self, ids: Sequence[str], version: str, at: datetime) -> None:
        self.connection.execute(
            update(counterparties)
            .where(counterparties.c.id.in_(ids))
            .values(screened_at=at, watchlist_version=version)
        )

    def delete_counterparty(self, counterparty_id: str) -> None:
        self.connection.execute(
            delete(counterparties).where(counterparties.c.id == counterparty_id)
        )

    def refresh_status(self, counterparty_ids: Sequence[str]) -> None:
        """Set each counterparty's status from its alerts: a confirmed hit, else an open alert
        (or one awaiting approval), else clear."""
        for counterparty_id in counterparty_ids:
            statuses = set(
                self.connection.execute(
                    select(alerts.c.status).where(alerts.c.counterparty_id == counterparty_id)
                ).scalars()
            )
            status = (
                "confirmed_hit"
                if "confirmed" in statuses
                else "open_alert"
                if statuses & set(PENDING)
                else "clear"
            )
            self.connection.execute(
                update(counterparties)
                .where(counterparties.c.id == counterparty_id)
                .values(status=status)
            )

    # --- alerts ------------------------------------------------------------------------------

    def alert(self, alert_id: str) -> Alert | None:
        row = self.connection.execute(select(alerts).where(alerts.c.id == alert_id)).first()
        return _alert(row._mapping) if row else None

    def alerts_of(
        self, counterparty_ids: Sequence[str], entity_ids: Sequence[str] | None = None
    ) -> list[Alert]:
        """The alerts of these counterparties (on these entities only, if given)."""
        query = select(alerts).where(alerts.c.counterparty_id.in_(counterparty_ids))
        if entity_ids is not None:
            query = query.where(alerts.c.entity_id.in_(entity_ids))
        return [_alert(row._mapping) for row in self.connection.execute(query)]

    def alerts_on(self, entity_ids: Sequence[str]) -> list[Alert]:
        """The alerts not closed on these entities."""
        query = select(alerts).where(
            alerts.c.entity_id.in_(entity_ids), alerts.c.status != "closed"
        )
        return [_alert(row._mapping) for row in self.connection.execute(query)]

    def put_alert(self, alert: Alert, *, new: bool) -> None:
        values = {
            "entity_name": alert.entity_name,
            "status": alert.status,
            "score": alert.score,
            "match": json.dumps(alert.match, ensure_ascii=False),
            "reason": alert.reason,
            "basis": None if alert.basis is None else json.dumps(alert.basis, ensure_ascii=False),
            "watchlist_version": alert.watchlist_version,
            "updated_at": alert.updated_at,
            "decided_by": alert.decided_by,
            "decided_at": alert.decided_at,
            "decision_code": alert.decision_code,
            "decision_comment": alert.decision_comment,
            "requested_by": alert.requested_by,
            "close_reason": alert.close_reason,
        }
        if new:
            self.connection.execute(
                insert(alerts).values(
                    id=alert.id,
                    counterparty_id=alert.counterparty_id,
                    entity_id=alert.entity_id,
                    opened_at=alert.opened_at,
                    **values,
                )
            )
        else:
            self.connection.execute(update(alerts).where(alerts.c.id == alert.id).values(values))

    def add_history(
        self,
        alert: Alert,
        action: str,
        *,
        key_id: str | None = None,
        reason_code: str | None = None,
        comment: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.connection.execute(
            insert(alert_history).values(
                alert_id=alert.id,
                at=alert.updated_at,
                action=action,
                status=alert.status,
                key_id=key_id,
                reason_code=reason_code,
                comment=comment,
                details=json.dumps(details or {}, ensure_ascii=False),
            )
        )

    # --- events and runs ---------------------------------------------------------------------

    def publish(self, event_type: str, data: dict[str, Any], ordering_key: str | None) -> None:
        """Add an event to the outbox, committed with this transaction's changes."""
        add_event(
            self.connection,
            event_type,
            json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":")),
            ordering_key,
        )

    def count_run(
        self,
        run_id: str,
        *,
        done: int,
        opened: int,
        closed: int,
        errors: int,
        cursor: str | None = None,
    ) -> None:
        """Add a page's counts to its run (and move an import's cursor past it), with the
        page's changes: a page is counted once, whatever happens to the worker."""
        c = monitoring_runs.c
        moved = {} if cursor is None else {"cursor": cursor}
        self.connection.execute(
            update(monitoring_runs)
            .where(c.id == run_id)
            .values(
                **moved,
                done=c.done + done,
                alerts_opened=c.alerts_opened + opened,
                alerts_closed=c.alerts_closed + closed,
                errors=c.errors + errors,
            )
        )


class MonitoringStore:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability

    @contextmanager
    def transaction(self) -> Iterator[MonitoringTx]:
        """A transaction, committed when the block ends without an error."""
        with self.availability.guard(), self.engine.begin() as connection:
            yield MonitoringTx(connection)

    @guarded
    def counterparty(self, counterparty_id: str) -> Counterparty | None:
        with self.engine.connect() as connection:
            return MonitoringTx(connection).counterparty(counterparty_id)

    @guarded
    def counterparties(
        self, *, status: str | None, after: str | None, limit: int
    ) -> list[Counterparty]:
        """A page of counterparties in id order, after the id `after`."""
        query = select(counterparties).order_by(counterparties.c.id).limit(limit)
        if status is not None:
            query = query.where(counterparties.c.status == status)
        if after is not None:
            query = query.where(counterparties.c.id > after)
        with self.engine.connect() as connection:
            return [_counterparty(row._mapping) for row in connection.execute(query)]

    @guarded
    def count_counterparties(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(counterparties)).scalar_one()
            )

    @guarded
    def alerted_entities(self) -> set[str]:
        """The entities that alerts not closed are on."""
        query = select(alerts.c.entity_id).where(alerts.c.status != "closed").distinct()
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())

    @guarded
    def alert(self, alert_id: str) -> Alert | None:
        with self.engine.connect() as connection:
            return MonitoringTx(connection).alert(alert_id)

    @guarded
    def alerts(self, where: AlertFilter, *, after: str | None, limit: int) -> list[Alert]:
        """A page of alerts in id order (the order they were first opened), after `after`."""
        c = alerts.c
        query = select(alerts).order_by(c.id).limit(limit)
        if where.status is not None:
            query = query.where(c.status == where.status)
        if where.counterparty_id is not None:
            query = query.where(c.counterparty_id == where.counterparty_id)
        if where.entity_id is not None:
            query = query.where(c.entity_id == where.entity_id)
        if where.since is not None:
            since = where.since.astimezone(UTC)
            if self.engine.dialect.name == "sqlite":  # stored as naive UTC text, compared so
                since = since.replace(tzinfo=None)
            query = query.where(c.updated_at >= since)
        if after is not None:
            query = query.where(c.id > after)
        with self.engine.connect() as connection:
            return [_alert(row._mapping) for row in connection.execute(query)]

    @guarded
    def history(self, alert_id: str) -> list[HistoryEntry]:
        query = (
            select(alert_history)
            .where(alert_history.c.alert_id == alert_id)
            .order_by(alert_history.c.id)
        )
        with self.engine.connect() as connection:
            return [
                HistoryEntry(
                    at=_aware(row.at) or datetime.now(UTC),
                    action=row.action,
                    status=row.status,
                    key_id=row.key_id,
                    reason_code=row.reason_code,
                    comment=row.comment,
                    details=json.loads(row.details),
                )
                for row in connection.execute(query)
            ]

    @guarded
    def events(self, *, after: str = "", limit: int = 1000) -> list[Event]:
        """The outbox's events in the order they were published, after the id `after`."""
        query = select(events).where(events.c.id > after).order_by(events.c.id).limit(limit)
        with self.engine.connect() as connection:
            return [
                Event(
                    row.id,
                    row.type,
                    json.loads(row.data),
                    row.ordering_key,
                    _aware(row.created_at) or datetime.now(UTC),
                )
                for row in connection.execute(query)
            ]

    @guarded
    def page_bounds(self, rows: int) -> tuple[int, list[str]]:
        """How many counterparties there are, and the id of every `rows`-th in id order: the
        last ids of the pages of `rows` counterparties a re-screening is cut into."""
        c = counterparties.c
        numbered = select(c.id, func.row_number().over(order_by=c.id).label("number")).subquery()
        query = select(numbered.c.id).where(numbered.c.number % rows == 0).order_by(numbered.c.id)
        with self.engine.connect() as connection:
            total = connection.execute(select(func.count()).select_from(counterparties))
            count = int(total.scalar_one())
            return count, list(connection.execute(query).scalars())

    @guarded
    def page_for_screening(
        self, *, after: str | None, until: str | None
    ) -> list[tuple[str, str, tuple[str, ...], str | None, tuple[tuple[str | None, str], ...]]]:
        """(id, name, aliases, country, identifiers) of the counterparties `after` < id <=
        `until` (None: no bound) in id order: what a page of a re-screening reads, and no
        more."""
        c = counterparties.c
        query = select(c.id, c.name, c.aliases, c.country, c.identifiers).order_by(c.id)
        if after is not None:
            query = query.where(c.id > after)
        if until is not None:
            query = query.where(c.id <= until)
        with self.engine.connect() as connection:
            return [
                (
                    row.id,
                    row.name,
                    tuple(json.loads(row.aliases)),
                    row.country,
                    tuple((t, v) for t, v in json.loads(row.identifiers)),
                )
                for row in connection.execute(query)
            ]
