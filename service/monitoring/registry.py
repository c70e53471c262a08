"""Counterparties registered, changed and deleted: each change screened at once against the
version served and its alerts brought in line, in one transaction with their events. A change
that leaves the counterparty as it was changes nothing (an import of the same file again).

Synchronous (the callers run it in a worker thread); no web framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.errors import NotFound
from service.monitoring.alerting import COUNTERPARTY_DELETED, Alerting, Counts
from service.monitoring.auditing import Asker, registration_record
from service.monitoring.events import Outbox
from service.monitoring.findings import Finding, Subject, check_subject, find, find_all
from service.screening.queries import Limits, Parameters
from service.screening.screener import Screener
from service.store.audit import AuditStore
from service.store.monitoring import Alert, Counterparty, MonitoringStore, MonitoringTx

#: A registration no key asked for (open mode, or a caller that does not say).
_NOBODY = Asker(None)


@dataclass(frozen=True, slots=True)
class CounterpartyIn:
    """A counterparty as given. `aliases` or `attributes` None (a row of an imported file,
    which has no such column): kept as they are, empty for a new one."""

    id: str
    name: str
    country: str | None
    identifiers: tuple[tuple[str | None, str], ...]
    aliases: tuple[str, ...] | None = None
    attributes: Any = None
    #: The row of an imported file it was read from.
    row: int | None = None

    def over(self, before: Counterparty | None, version: str, now: datetime) -> Counterparty:
        """The counterparty stored once this is applied over `before`."""
        aliases = self.aliases if self.aliases is not None else before.aliases if before else ()
        attributes = (
            self.attributes if self.attributes is not None else before.attributes if before else {}
        )
        return Counterparty(
            id=self.id,
            name=self.name,
            aliases=tuple(dict.fromkeys(a for a in aliases if a != self.name)),
            country=self.country,
            identifiers=self.identifiers,
            attributes=attributes,
            status=before.status if before else "clear",
            created_at=before.created_at if before else now,
            updated_at=now,
            screened_at=now,
            watchlist_version=version,
        )


def subject_of(counterparty: Counterparty) -> Subject:
    return Subject(
        counterparty.id,
        counterparty.name,
        counterparty.aliases,
        counterparty.country,
        counterparty.identifiers,
    )


def _same(before: Counterparty, after: Counterparty) -> bool:
    return subject_of(before) == subject_of(after) and before.attributes == after.attributes


@dataclass(frozen=True, slots=True)
class Registered:
    counterparty: Counterparty
    alerts: list[Alert]
    created: bool


class Registry:
    """`audit`: where each screening of a counterparty is recorded (None: the audit is off),
    in the transaction that registers it."""

    def __init__(
        self,
        store: MonitoringStore,
        parameters: Parameters,
        limits: Limits,
        audit: AuditStore | None = None,
    ) -> None:
        self.store = store
        self.parameters = parameters
        self.limits = limits
        self.audit = audit

    def _record(
        self,
        tx: MonitoringTx,
        asker: Asker,
        screened: Sequence[tuple[Subject, dict[str, Finding] | None, int | None]],
        version: str,
        now: datetime,
    ) -> None:
        if self.audit is None or not screened:
            return
        records = [
            registration_record(asker, subject, found, self.parameters, version, now, row)
            for subject, found, row in screened
        ]
        self.audit.add_in(tx.connection, records)

    def register(
        self, given: CounterpartyIn, screener: Screener, asker: Asker = _NOBODY
    ) -> Registered:
        """Register or change one counterparty, screened at once when its names, country or
        identifiers changed (and recorded in the audit trail); `InvalidInput` if a name or
        identifier cannot be screened."""
        now = datetime.now(UTC)
        before = self.store.counterparty(given.id)
        after = given.over(before, screener.version, now)
        subject = subject_of(after)
        check_subject(subject, self.parameters, self.limits)
        screen = before is None or subject_of(before) != subject
        findings = find(screener, subject, self.parameters, self.limits) if screen else None
        with self.store.transaction() as tx:
            before = tx.counterparty(given.id)  # as of this transaction
            if before is None or not _same(before, after):
                after = given.over(before, screener.version, now)
                tx.put_counterparty(after, new=before is None)
                if findings is not None:
                    alerting = Alerting(tx, Outbox(tx), screener.version, now)
                    alerting.reconcile([subject], [findings], None)
                    self._record(tx, asker, [(subject, findings, None)], screener.version, now)
            stored = tx.counterparty(given.id)
            alerts = tx.alerts_of([given.id])
        assert stored is not None
        return Registered(stored, sorted(alerts, key=lambda a: a.id), before is None)

    def register_many(
        self,
        given: Sequence[CounterpartyIn],
        screener: Screener,
        then: Callable[[MonitoringTx, Counts, int], None] | None = None,
        asker: Asker = _NOBODY,
    ) -> tuple[Counts, int]:
        """Register or change a page of counterparties (an import's): those unchanged are
        skipped, the others screened and written in one transaction, in which `then` is given
        the alert counts and how many could not be screened (kept unchanged). Returns those."""
        now = datetime.now(UTC)
        with self.store.transaction() as tx:
            before = tx.counterparties_by_id([g.id for g in given])
        changed: list[tuple[CounterpartyIn, Counterparty, bool]] = []
        for item in dict((g.id, g) for g in given).values():  # the last row of an id wins
            old = before.get(item.id)
            after = item.over(old, screener.version, now)
            if old is None or not _same(old, after):
                rescreen = old is None or subject_of(old) != subject_of(after)
                changed.append((item, after, rescreen))
        subjects = [subject_of(after) for _, after, rescreen in changed if rescreen]
        findings, errors = find_all(screener, subjects, self.parameters, self.limits)
        screened: dict[str, dict[str, Finding] | None] = {
            s.id: f for s, f in zip(subjects, findings, strict=True)
        }
        counts = Counts()
        # Those that cannot be screened are not registered as given.
        kept = [(i, a) for i, a, rescreen in changed if not rescreen or screened[i.id] is not None]
        with self.store.transaction() as tx:
            tx.put_counterparties([a for i, a in kept if i.id not in before], new=True)
            tx.put_counterparties([a for i, a in kept if i.id in before], new=False)
            alerting = Alerting(tx, Outbox(tx), screener.version, now)
            counts.add(alerting.reconcile(subjects, findings, None))
            rows = {item.id: item.row for item, _, rescreen in changed if rescreen}
            done = [(s, f, rows[s.id]) for s, f in zip(subjects, findings, strict=True)]
            self._record(tx, asker, done, screener.version, now)
            if then is not None:
                then(tx, counts, errors)
        return counts, errors

    def delete(self, counterparty_id: str) -> None:
        """Delete a counterparty; its alerts are closed (and kept, with their history)."""
        with self.store.transaction() as tx:
            if tx.counterparty(counterparty_id) is None:
                raise NotFound(
                    f"no counterparty {counterparty_id!r}", code="counterparty_not_found"
                )
            alerting = Alerting(tx, Outbox(tx), "", datetime.now(UTC))
            for alert in tx.alerts_of([counterparty_id]):
                if alert.status != "closed":
                    alerting.close(alert, COUNTERPARTY_DELETED)
            tx.delete_counterparty(counterparty_id)
