"""Decisions on alerts: confirmed (a true match) or dismissed (a false positive), with a reason
code, a comment, the key and the time; in four-eyes mode a dismissal waits for a second,
different key to approve it (or reject it: the alert is open again). A decision covers the
names and identifiers of both sides as they are now (`basis`): a dismissal stands until they
change (`service.monitoring.alerting`).

Each decision is a row of the alert's append-only history (the decision trail) and an
`alert.updated` event, in one transaction. Synchronous; no web framework.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from service.errors import Conflict, Forbidden, NotFound
from service.monitoring.alerting import event_data
from service.monitoring.events import ALERT_UPDATED, Outbox
from service.monitoring.findings import entity_basis
from service.monitoring.registry import subject_of
from service.screening.screener import Screener
from service.store.monitoring import Alert, MonitoringStore


class Decision(StrEnum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    #: Four-eyes: a second key approves a dismissal awaiting approval.
    APPROVE = "approve"
    #: Four-eyes: a second key refuses it; the alert is open again.
    REJECT = "reject"


#: The statuses each decision may be taken from.
_FROM: dict[Decision, tuple[str, ...]] = {
    Decision.CONFIRM: ("open", "pending_approval", "dismissed"),
    Decision.DISMISS: ("open", "confirmed"),
    Decision.APPROVE: ("pending_approval",),
    Decision.REJECT: ("pending_approval",),
}


@dataclass(frozen=True, slots=True)
class DecisionIn:
    decision: Decision
    reason_code: str | None
    comment: str | None
    #: The deciding key's id (None in open mode).
    key_id: str | None


def decide(
    store: MonitoringStore, screener: Screener, alert_id: str, given: DecisionIn, four_eyes: bool
) -> Alert:
    """Apply a decision to an alert and return it as it now is. `Conflict` from a status the
    decision cannot be taken from; `Forbidden` when the key that asked for a dismissal tries
    to approve or reject it itself."""
    now = datetime.now(UTC)
    with store.transaction() as tx:
        alert = tx.alert(alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id!r}", code="alert_not_found")
        if alert.status not in _FROM[given.decision]:
            raise Conflict(
                f"an alert that is {alert.status} cannot be given the decision "
                f"{given.decision.value!r}",
                code="decision_not_allowed",
            )
        if given.decision in (Decision.APPROVE, Decision.REJECT) and (
            given.key_id is None or given.key_id == alert.requested_by
        ):
            raise Forbidden(
                "four-eyes: a dismissal is approved or rejected by a key other than the one "
                "that asked for it",
                code="four_eyes_same_key",
            )
        counterparty = tx.counterparty(alert.counterparty_id)
        entity = screener.watchlist.get(alert.entity_id)
        basis = {
            "counterparty": subject_of(counterparty).basis() if counterparty else None,
            "entity": entity_basis(entity) if entity else alert.basis and alert.basis.get("entity"),
        }
        decided, action = _decided(alert, given, four_eyes, basis, now)
        tx.put_alert(decided, new=False)
        tx.add_history(
            decided,
            action,
            key_id=given.key_id,
            reason_code=given.reason_code,
            comment=given.comment,
            details={"requested_by": alert.requested_by} if alert.requested_by else {},
        )
        Outbox(tx).publish(
            ALERT_UPDATED, event_data(decided, decision=action), decided.counterparty_id
        )
        tx.refresh_status([decided.counterparty_id])
    return decided


def _decided(
    alert: Alert, given: DecisionIn, four_eyes: bool, basis: object, now: datetime
) -> tuple[Alert, str]:
    """The alert after the decision, and the history's name for it."""
    taken = dataclasses.replace(
        alert,
        updated_at=now,
        decided_by=given.key_id,
        decided_at=now,
        decision_code=given.reason_code,
        decision_comment=given.comment,
        requested_by=None,
        basis=basis,
    )
    match given.decision:
        case Decision.CONFIRM:
            return dataclasses.replace(taken, status="confirmed"), "confirmed"
        case Decision.DISMISS if four_eyes:
            waiting = dataclasses.replace(
                taken, status="pending_approval", requested_by=given.key_id, basis=alert.basis
            )
            return waiting, "dismissal_requested"
        case Decision.DISMISS:
            return dataclasses.replace(taken, status="dismissed"), "dismissed"
        case Decision.APPROVE:
            # The decision is the dismissal asked for; the approver is who decided it last.
            return dataclasses.replace(
                taken,
                status="dismissed",
                decision_code=alert.decision_code,
                decision_comment=given.comment or alert.decision_comment,
            ), "dismissed"
        case Decision.REJECT:
            return dataclasses.replace(
                taken, status="open", basis=alert.basis
            ), "dismissal_rejected"
