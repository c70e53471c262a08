"""Request and response bodies of the monitoring API (`/v1/counterparties`, `/v1/alerts`),
with the examples shown on the OpenAPI page. Pydantic only, and the rows they are made of.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.api.schemas import IdentifierIn
from service.monitoring.decisions import Decision
from service.store.monitoring import Alert, Counterparty, HistoryEntry
from service.store.runs import Run

#: A counterparty's id: the caller's own, URL-safe.
COUNTERPARTY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$"
#: Ids that name the endpoints beside `/v1/counterparties/{id}`.
RESERVED_IDS = frozenset({"import", "rescreen", "runs"})
#: Most aliases and identifiers of one counterparty.
MAX_ALIASES = 50
MAX_IDENTIFIERS = 20

CounterpartyStatus = Literal["clear", "open_alert", "confirmed_hit"]
AlertStatus = Literal["open", "pending_approval", "confirmed", "dismissed", "closed"]


class CounterpartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(min_length=1, examples=["Minsk Wheeled Tractor Plant"])
    aliases: list[str] = Field(
        default_factory=list,
        max_length=MAX_ALIASES,
        description="Other names of the counterparty, each screened as a name of its own.",
        examples=[["MZKT"]],
    )
    country: str | None = Field(default=None, examples=["BY"])
    identifiers: list[IdentifierIn] = Field(
        default_factory=list,
        max_length=MAX_IDENTIFIERS,
        description="Registration and tax numbers, screened with the name as in `POST /v1/screen`.",
        examples=[[{"type": "unp", "value": "100230519"}]],
    )
    attributes: dict[str, Any] = Field(
        default_factory=dict,
        description="Anything the caller wants back with the counterparty (its own fields).",
        examples=[{"vendor_no": "V-1001", "buyer": "j.doe"}],
    )


class AlertOut(BaseModel):
    id: str
    counterparty_id: str
    entity_id: str
    entity_name: str
    status: AlertStatus
    score: float
    reason: str = Field(description="Why the alert was (re)opened, saying what changed.")
    watchlist_version: str | None
    opened_at: datetime
    updated_at: datetime
    decided_by: str | None = Field(description="The key id of the last decision.")
    decided_at: datetime | None
    decision_code: str | None
    decision_comment: str | None
    requested_by: str | None = Field(
        description="Four-eyes: the key that asked for the dismissal awaiting approval."
    )
    close_reason: str | None = Field(
        description="no_longer_matches, entity_removed or counterparty_deleted."
    )

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls.model_validate(alert, from_attributes=True)


class HistoryOut(BaseModel):
    at: datetime
    action: str = Field(
        description="opened, reopened, updated, confirmed, dismissal_requested, dismissed, "
        "dismissal_rejected or closed."
    )
    status: AlertStatus
    key_id: str | None
    reason_code: str | None
    comment: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, entry: HistoryEntry) -> HistoryOut:
        return cls.model_validate(entry, from_attributes=True)


class AlertDetail(AlertOut):
    match: dict[str, Any] = Field(
        description="The match as `POST /v1/screen` reports it, with its explanation."
    )
    history: list[HistoryOut]


class AlertPage(BaseModel):
    alerts: list[AlertOut]
    next_after: str | None = Field(description="Pass as `after` for the next page; null: last.")


class CounterpartyOut(BaseModel):
    id: str
    name: str
    aliases: list[str]
    country: str | None
    identifiers: list[dict[str, str | None]]
    attributes: Any
    status: CounterpartyStatus
    created_at: datetime
    updated_at: datetime
    screened_at: datetime | None
    watchlist_version: str | None

    @classmethod
    def of(cls, counterparty: Counterparty) -> CounterpartyOut:
        return cls(
            id=counterparty.id,
            name=counterparty.name,
            aliases=list(counterparty.aliases),
            country=counterparty.country,
            identifiers=[{"type": t, "value": v} for t, v in counterparty.identifiers],
            attributes=counterparty.attributes,
            status=counterparty.status,
            created_at=counterparty.created_at,
            updated_at=counterparty.updated_at,
            screened_at=counterparty.screened_at,
            watchlist_version=counterparty.watchlist_version,
        )


class CounterpartyDetail(CounterpartyOut):
    alerts: list[AlertOut] = Field(description="Its alerts, closed ones included.")


class CounterpartyPage(BaseModel):
    counterparties: list[CounterpartyOut]
    next_after: str | None = Field(description="Pass as `after` for the next page; null: last.")


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: Decision = Field(
        description="confirm (a true match), dismiss (a false positive); in four-eyes mode "
        "approve or reject a dismissal awaiting approval (another key than the one that "
        "asked for it).",
        examples=["dismiss"],
    )
    reason_code: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9_.-]{1,64}$",
        description="Required to confirm or dismiss: the team's own code for the reason.",
        examples=["different_entity"],
    )
    comment: str | None = Field(default=None, max_length=2000, examples=["Other registry no."])


class RunOut(BaseModel):
    id: str
    kind: Literal["changes", "full", "import"]
    status: Literal["queued", "running", "done", "failed"]
    from_version: str | None
    to_version: str | None
    total: int | None = Field(description="Counterparties (rows of an import) to go through.")
    done: int
    alerts_opened: int
    alerts_closed: int
    errors: int = Field(description="Counterparties (rows) that could not be screened.")
    percent: float | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None

    @classmethod
    def of(cls, run: Run) -> RunOut:
        percent = None
        if run.total:
            percent = round(min(100.0, 100.0 * run.done / run.total), 2)
        elif run.status == "done":
            percent = 100.0
        return cls(
            id=run.id,
            kind=run.kind,
            status=run.status,
            from_version=run.from_version,
            to_version=run.to_version,
            total=run.total,
            done=run.done,
            alerts_opened=run.alerts_opened,
            alerts_closed=run.alerts_closed,
            errors=run.errors,
            percent=percent,
            created_at=run.created_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            error=run.error,
        )


class RunList(BaseModel):
    runs: list[RunOut]
