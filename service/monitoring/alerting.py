"""Alerts from findings: one per (counterparty, listed entity). A new match opens one; a
dismissed pair stays dismissed until a name or identifier of either side changes, then it
opens again saying what changed; a confirmed hit stays confirmed; an open alert whose match is
gone, whose entity left the list or whose counterparty was deleted is closed with the reason.

Every change is written with its history row and its event in the caller's transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.monitoring.events import ALERT_CLOSED, ALERT_OPENED, ALERT_UPDATED, EventSink
from service.monitoring.findings import Basis, Finding, Subject
from service.store.monitoring import PENDING, Alert, MonitoringTx, new_id

#: Why an alert was closed.
NO_LONGER_MATCHES = "no_longer_matches"
ENTITY_REMOVED = "entity_removed"
COUNTERPARTY_DELETED = "counterparty_deleted"
#: A score moving less than this is not an update worth an event.
SCORE_STEP = 0.005


@dataclass
class Counts:
    opened: int = 0
    closed: int = 0
    updated: int = 0

    def add(self, other: Counts) -> None:
        self.opened += other.opened
        self.closed += other.closed
        self.updated += other.updated


def event_data(alert: Alert, **extra: object) -> dict[str, object]:
    return {
        "alert_id": alert.id,
        "counterparty_id": alert.counterparty_id,
        "entity_id": alert.entity_id,
        "entity_name": alert.entity_name,
        "status": alert.status,
        "score": alert.score,
        "reason": alert.reason,
        "watchlist_version": alert.watchlist_version,
        **extra,
    }


def what_changed(basis: Any, subject: Basis, entity: Basis) -> list[str]:
    """What differs between the sides a decision covered and the sides now, in words."""
    changes: list[str] = []
    for side, label, now in (
        ("counterparty", "the counterparty", subject),
        ("entity", "the listed entity", entity),
    ):
        then = basis.get(side, {}) if isinstance(basis, dict) else {}
        old_names, new_names = set(then.get("names", [])), set(now.get("names", []))
        added = sorted(new_names - old_names)
        removed = sorted(old_names - new_names)
        if added:
            changes.append(f"{label} gained the name(s) {', '.join(added)}")
        if removed:
            changes.append(f"{label} lost the name(s) {', '.join(removed)}")
        if then.get("identifiers", []) != now.get("identifiers", []):
            changes.append(f"{label}'s identifiers changed")
    return changes


class Alerting:
    """The alert rules, applied in one transaction; events go to `sink`."""

    def __init__(self, tx: MonitoringTx, sink: EventSink, version: str, now: datetime) -> None:
        self.tx = tx
        self.sink = sink
        self.version = version
        self.now = now

    def reconcile(
        self,
        subjects: Sequence[Subject],
        findings: Sequence[dict[str, Finding] | None],
        scope: Collection[str] | None,
    ) -> Counts:
        """Bring the alerts of these counterparties on the entities of `scope` (None: every
        entity) in line with what their screening found; a subject not screened (None) keeps
        its alerts as they are."""
        counts = Counts()
        screened = [s for s, f in zip(subjects, findings, strict=True) if f is not None]
        if not screened:
            return counts
        ids = [s.id for s in screened]
        existing: dict[tuple[str, str], Alert] = {
            (a.counterparty_id, a.entity_id): a
            for a in self.tx.alerts_of(ids, None if scope is None else list(scope))
        }
        touched: set[str] = set()
        for subject, found in zip(subjects, findings, strict=True):
            if found is None:
                continue
            for finding in found.values():
                if scope is not None and finding.entity_id not in scope:
                    continue  # an entity this run does not bring in line
                alert = existing.pop((subject.id, finding.entity_id), None)
                if self._found(subject, finding, alert, counts):
                    touched.add(subject.id)
        for alert in existing.values():  # in scope, not found again
            if alert.status in PENDING:
                self.close(alert, NO_LONGER_MATCHES)
                counts.closed += 1
                touched.add(alert.counterparty_id)
        if touched:
            self.tx.refresh_status(sorted(touched))
        return counts

    def _found(
        self, subject: Subject, finding: Finding, alert: Alert | None, counts: Counts
    ) -> bool:
        """Apply one finding; whether an alert changed."""
        if alert is None:
            self._open(subject, finding, f"matched at {finding.score:.2f}", new=True)
            counts.opened += 1
            return True
        if alert.status == "closed":
            reason = f"matched again at {finding.score:.2f} (it was closed: {alert.close_reason})"
            self._open(subject, finding, reason, alert=alert)
            counts.opened += 1
            return True
        if alert.status == "dismissed":
            changes = what_changed(alert.basis, subject.basis(), finding.entity)
            if not changes:
                return False  # the decision stands
            reason = "dismissed before; since then " + "; ".join(changes)
            self._open(subject, finding, reason, alert=alert, changes=changes)
            counts.opened += 1
            return True
        if alert.status in PENDING and abs(alert.score - finding.score) >= SCORE_STEP:
            updated = dataclasses.replace(
                alert, score=finding.score, match=finding.match, updated_at=self.now,
                watchlist_version=self.version,
            )  # fmt: skip
            self.tx.put_alert(updated, new=False)
            self.tx.add_history(updated, "updated", details={"score": finding.score})
            self.sink.publish(ALERT_UPDATED, event_data(updated), updated.counterparty_id)
            counts.updated += 1
            return True
        return False  # confirmed stays confirmed; an unchanged open alert stays as it is

    def _open(
        self,
        subject: Subject,
        finding: Finding,
        reason: str,
        *,
        alert: Alert | None = None,
        new: bool = False,
        changes: list[str] | None = None,
    ) -> Alert:
        opened = Alert(
            id=alert.id if alert else new_id(),
            counterparty_id=subject.id,
            entity_id=finding.entity_id,
            entity_name=finding.entity_name,
            status="open",
            score=finding.score,
            match=finding.match,
            reason=reason,
            basis=alert.basis if alert else None,
            watchlist_version=self.version,
            opened_at=alert.opened_at if alert else self.now,
            updated_at=self.now,
        )
        self.tx.put_alert(opened, new=new)
        details: dict[str, Any] = {"score": finding.score, "reason": reason}
        if changes:
            details["changes"] = changes
        self.tx.add_history(opened, "opened" if new else "reopened", details=details)
        extra: dict[str, object] = {"reopened": not new}
        if changes:
            extra["changes"] = changes
        self.sink.publish(ALERT_OPENED, event_data(opened, **extra), opened.counterparty_id)
        return opened

    def close(self, alert: Alert, reason: str) -> Alert:
        closed = dataclasses.replace(
            alert, status="closed", close_reason=reason, updated_at=self.now
        )
        self.tx.put_alert(closed, new=False)
        self.tx.add_history(closed, "closed", reason_code=reason)
        self.sink.publish(
            ALERT_CLOSED, event_data(closed, close_reason=reason), alert.counterparty_id
        )
        return closed

    def close_on_entities(self, entity_ids: Sequence[str], reason: str) -> int:
        """Close every alert not closed yet on these entities (they left the list)."""
        found = self.tx.alerts_on(entity_ids) if entity_ids else []
        for alert in found:
            self.close(alert, reason)
        self.tx.refresh_status(sorted({a.counterparty_id for a in found}))
        return len(found)
