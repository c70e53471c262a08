"""The alerts pages: the queue (filtered by status, counterparty and entity; sorted), one alert
with the counterparty, the listed entity and the explanation side by side, its history, and
the decision on it (confirm or dismiss with a reason and a comment; approve or reject a
dismissal in four-eyes mode), taken by the monitoring as `POST /v1/alerts/{id}/decision` is."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from pydantic import ValidationError

from service.api.alerts import MAX_PAGE, alert_detail
from service.api.context import monitor_of, runtime_of
from service.api.monitoring_schemas import DecisionRequest
from service.api.web.forms import DecisionForm
from service.api.web.gate import PREFIX, caller_of_page, page, redirect, render
from service.api.web.pages import Form, PathId
from service.auth.callers import Permission
from service.errors import InvalidInput
from service.monitoring.decisions import Decision, DecisionIn
from service.store.monitoring import Alert, AlertFilter

#: The reason codes offered for a decision (the API takes any code of the team's own).
REASON_CODES = {
    "confirm": (
        ("same_entity", "The same entity"),
        ("same_identifier", "The same registration or tax number"),
    ),
    "dismiss": (
        ("different_entity", "A different entity with a similar name"),
        ("different_country", "A different country"),
        ("different_identifier", "A different registration or tax number"),
        ("other", "Another reason (say which in the comment)"),
    ),
}
STATUSES = ("open", "pending_approval", "confirmed", "dismissed", "closed")
_SORTS = {
    "opened": lambda a: a.opened_at,
    "score": lambda a: -a.score,
    "counterparty": lambda a: a.counterparty_id,
    "entity": lambda a: a.entity_name.casefold(),
}


class AlertPages(Controller):
    path = f"{PREFIX}/alerts"
    include_in_schema = False
    opt = page(Permission.READ_MONITORING)

    @get("/")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        status: Annotated[str | None, QueryParameter(max_length=20)] = "open",
        counterparty: Annotated[str | None, QueryParameter(max_length=200)] = None,
        entity: Annotated[str | None, QueryParameter(max_length=200)] = None,
        sort: Annotated[str, QueryParameter(max_length=20)] = "opened",
    ) -> Any:
        store = runtime_of(request.app.state).store.monitoring
        chosen = status if status in STATUSES else None
        where = AlertFilter(chosen, counterparty or None, entity or None)
        found: list[Alert] = await anyio.to_thread.run_sync(
            lambda: store.alerts(where, after=None, limit=MAX_PAGE)
        )
        found.sort(key=_SORTS.get(sort, _SORTS["opened"]))
        return render(
            request, "alerts.html", title="Alerts", alerts=found, status=chosen or "",
            counterparty=counterparty or "", entity=entity or "", sort=sort, statuses=STATUSES,
            sorts=tuple(_SORTS), more=len(found) == MAX_PAGE,
        )  # fmt: skip

    @get("/{alert_id:str}")
    async def alert(self, request: Request[Any, Any, Any], alert_id: PathId) -> Any:
        runtime = runtime_of(request.app.state)
        store = runtime.store.monitoring
        detail = await anyio.to_thread.run_sync(alert_detail, store, alert_id)
        counterparty = await anyio.to_thread.run_sync(store.counterparty, detail.counterparty_id)
        entity = runtime.holder.current().watchlist.get(detail.entity_id)
        return render(
            request, "alert.html", title=f"Alert on {detail.counterparty_id}", alert=detail,
            counterparty=counterparty, entity=entity, reasons=REASON_CODES,
            four_eyes=runtime.settings.monitoring_four_eyes,
        )  # fmt: skip

    @post("/{alert_id:str}/decision", status_code=200, opt=page(Permission.MONITOR))
    async def decide(
        self,
        request: Request[Any, Any, Any],
        alert_id: PathId,
        data: Annotated[DecisionForm, Form],
    ) -> Any:
        try:
            body = DecisionRequest.model_validate(
                {
                    "decision": data.decision,
                    "reason_code": data.reason_code or None,
                    "comment": data.comment.strip() or None,
                }
            )
        except ValidationError as exc:
            problems = "; ".join(str(e["msg"]) for e in exc.errors(include_url=False))
            raise InvalidInput(f"the decision is invalid: {problems}") from None
        if body.decision in (Decision.CONFIRM, Decision.DISMISS) and body.reason_code is None:
            raise InvalidInput(f"choose a reason to {body.decision.value} the alert")
        given = DecisionIn(
            body.decision, body.reason_code, body.comment, caller_of_page(request).key_id
        )
        monitor = monitor_of(request.app.state)
        await anyio.to_thread.run_sync(monitor.decide, alert_id, given)
        return redirect(request, f"{PREFIX}/alerts")
