"""The events of the monitoring and where they go: an `EventSink` (the store's outbox of
events, `service.store.outbox`, written in the transaction of the change, so that an event
exists if and only if its change was committed). The signed webhooks deliver from that outbox.

Each event names its type, carries JSON data and an ordering key (the counterparty's id):
events of one key are delivered in the order they were committed.
"""

from __future__ import annotations

from typing import Protocol

from service.store.monitoring import MonitoringTx

ALERT_OPENED = "alert.opened"
ALERT_UPDATED = "alert.updated"
ALERT_CLOSED = "alert.closed"
RESCREEN_FINISHED = "rescreen.finished"


class EventSink(Protocol):
    def publish(
        self, event_type: str, data: dict[str, object], ordering_key: str | None
    ) -> None: ...


class Outbox:
    """The sink of one transaction: its events commit with its changes."""

    def __init__(self, tx: MonitoringTx) -> None:
        self._tx = tx

    def publish(self, event_type: str, data: dict[str, object], ordering_key: str | None) -> None:
        self._tx.publish(event_type, data, ordering_key)
