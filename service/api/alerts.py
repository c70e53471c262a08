"""`/v1/alerts`: the alerts of the monitored counterparties, filtered and a page at a time;
one alert with its whole history and the explanation of its match; a decision on it.
Screeners and admins decide, auditors read."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter, QueryParameter

from service.api.access import KEY_REQUIRED, caller_of, needs
from service.api.audit import iso_moment
from service.api.body import documented_body, parse_body, read_body
from service.api.context import monitor_of, runtime_of
from service.api.monitoring_schemas import (
    AlertDetail,
    AlertOut,
    AlertPage,
    AlertStatus,
    DecisionRequest,
    HistoryOut,
)
from service.api.responses import KEYED, errors
from service.auth.callers import Permission
from service.errors import InvalidInput, NotFound
from service.monitoring.decisions import Decision, DecisionIn
from service.store.monitoring import AlertFilter, MonitoringStore

AlertId = Annotated[str, PathParameter(description="The alert's id.")]
MAX_PAGE = 1000


def alert_detail(store: MonitoringStore, alert_id: str) -> AlertDetail:
    alert = store.alert(alert_id)
    if alert is None:
        raise NotFound(f"no alert {alert_id!r}", code="alert_not_found")
    history = [HistoryOut.of(h) for h in store.history(alert_id)]
    return AlertDetail(**AlertOut.of(alert).model_dump(), match=alert.match, history=history)


class AlertsController(Controller):
    path = "/v1/alerts"
    opt = needs(Permission.READ_MONITORING)
    security = KEY_REQUIRED
    tags = ("monitoring",)

    @get(
        "/",
        operation_id="listAlerts",
        summary="Alerts, filtered, in the order they were first opened",
        responses={200: ResponseSpec(AlertPage), **errors(422, *KEYED)},
    )
    async def list_alerts(
        self,
        request: Request[Any, Any, Any],
        status: Annotated[AlertStatus | None, QueryParameter()] = None,
        counterparty: Annotated[
            str | None, QueryParameter(description="A counterparty's id.", max_length=200)
        ] = None,
        entity: Annotated[
            str | None, QueryParameter(description="A listed entity's id.", max_length=200)
        ] = None,
        since: Annotated[
            str | None,
            QueryParameter(description="ISO 8601; changed at or after this (UTC if no zone)."),
        ] = None,
        after: Annotated[
            str | None, QueryParameter(description="The `next_after` of the page before.")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> AlertPage:
        store = runtime_of(request.app.state).store.monitoring
        where = AlertFilter(status, counterparty, entity, iso_moment("since", since))
        found = await anyio.to_thread.run_sync(
            lambda: store.alerts(where, after=after, limit=limit)
        )
        return AlertPage(
            alerts=[AlertOut.of(a) for a in found],
            next_after=found[-1].id if len(found) == limit else None,
        )

    @get(
        "/{alert_id:str}",
        operation_id="getAlert",
        summary="An alert, its history and the explanation of its match",
        responses={200: ResponseSpec(AlertDetail), **errors(404, *KEYED)},
    )
    async def get_alert(self, request: Request[Any, Any, Any], alert_id: AlertId) -> AlertDetail:
        store = runtime_of(request.app.state).store.monitoring
        return await anyio.to_thread.run_sync(alert_detail, store, alert_id)

    @post(
        "/{alert_id:str}/decision",
        operation_id="decideAlert",
        operation_class=documented_body(DecisionRequest),
        summary="Confirm or dismiss an alert (or approve or reject a dismissal)",
        description="A dismissal stands on the next list versions and re-screens until a name "
        "or an identifier of the counterparty or of the listed entity changes. With "
        "`SCREENING_MONITORING_FOUR_EYES` a dismissal waits (`pending_approval`) for another "
        "key's `approve`. Every decision is kept in the alert's history.",
        status_code=200,
        opt=needs(Permission.MONITOR),
        responses={
            200: ResponseSpec(AlertDetail),
            **errors(
                400,
                404,
                409,
                413,
                415,
                422,
                *KEYED,
                described={
                    403: "The key's role may not decide (`forbidden`), or four-eyes: the key "
                    "that asked for the dismissal cannot approve it (`four_eyes_same_key`).",
                    409: "The alert's status does not allow this decision "
                    "(`decision_not_allowed`).",
                },
            ),
        },
    )
    async def decide(self, request: Request[Any, Any, Any], alert_id: AlertId) -> AlertDetail:
        runtime = runtime_of(request.app.state)
        body = parse_body(
            await read_body(request, runtime.settings.max_body_bytes), DecisionRequest
        )
        if body.decision in (Decision.CONFIRM, Decision.DISMISS) and body.reason_code is None:
            raise InvalidInput(
                f"a decision to {body.decision.value} needs a reason_code",
                code="reason_code_missing",
            )
        given = DecisionIn(body.decision, body.reason_code, body.comment, caller_of(request).key_id)
        monitor = monitor_of(request.app.state)
        await anyio.to_thread.run_sync(monitor.decide, alert_id, given)
        return await anyio.to_thread.run_sync(alert_detail, runtime.store.monitoring, alert_id)
