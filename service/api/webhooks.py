"""`/v1/webhooks`: register a receiver for events (its secret shown once), list, read and
delete webhooks, rotate a secret, page through a webhook's deliveries and send one again.
Admin keys manage webhooks; auditor keys read them; screener keys neither."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, Response, delete, get, post
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from service.api.access import KEY_REQUIRED, caller_of, needs
from service.api.body import documented_body, parse_body, read_body
from service.api.context import runtime_of
from service.api.jobs import jobs_of
from service.api.responses import KEYED, errors
from service.auth.callers import Permission
from service.errors import Unavailable
from service.store.deliveries import Delivery, DeliveryStatus
from service.store.webhooks import Webhook
from service.webhooks.addresses import MAX_URL_CHARS
from service.webhooks.events import EventType
from service.webhooks.registration import register, rotate

log = logging.getLogger(__name__)

WebhookId = Annotated[
    str,
    PathParameter(description="The webhook's id (`wh_...`).", max_length=40, pattern=r"^\w+$"),
]
#: The largest delivery id: the databases' 64-bit integer (a larger one is no delivery, and
#: SQLite's driver cannot even send it).
MAX_DELIVERY_ID = 2**63 - 1
DeliveryId = Annotated[
    int, PathParameter(description="The delivery's id.", ge=1, le=MAX_DELIVERY_ID)
]
#: Most deliveries one page lists.
MAX_PAGE = 200
_NOT_FOUND = {
    404: "No webhook has this id (`webhook_not_found`).",
    422: "The id is not one a webhook can have (`invalid_parameter`).",
}


class WebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        min_length=1,
        max_length=MAX_URL_CHARS,
        description="Where deliveries are POSTed: http(s), to a public address.",
        examples=["https://erp.example.com/hooks/screening"],
    )
    events: list[EventType] = Field(
        min_length=1, max_length=len(EventType), examples=[["alert.opened", "alert.closed"]]
    )
    description: str = Field(default="", max_length=500, examples=["ERP supplier blocks"])


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str
    created_at: datetime
    created_by: str | None = Field(description="The id of the key that registered it.")
    previous_secret_until: datetime | None = Field(
        description="After a rotation: until when deliveries are signed with the old secret too."
    )

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookOut:
        return cls.model_validate(webhook, from_attributes=True)


class WebhookWithSecret(WebhookOut):
    secret: str = Field(
        description="The signing secret (`whsec_...`, Standard Webhooks): shown this once."
    )


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    event_id: str = Field(description="Also the `webhook-id` header of its requests.")
    event_type: str
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_response: str | None = Field(description="The start of the receiver's last answer.")
    delivered_at: datetime | None

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryOut:
        return cls.model_validate(delivery, from_attributes=True)


class DeliveryPage(BaseModel):
    deliveries: list[DeliveryOut] = Field(description="The newest first.")
    next_before: int | None = Field(
        description="Pass as `before` for the next page; null on the last one."
    )


class WebhooksController(Controller):
    path = "/v1/webhooks"
    security = KEY_REQUIRED
    tags = ("webhooks",)

    @post(
        "/",
        operation_id="createWebhook",
        operation_class=documented_body(WebhookRequest),
        summary="Register a webhook",
        description="The answer holds its signing secret, once. The URL is refused unless it "
        "is http(s) and its host resolves to public addresses only (or to networks allowed by "
        "`SCREENING_WEBHOOK_ALLOWED_NETWORKS`). Admin keys only.",
        opt=needs(Permission.MANAGE_WEBHOOKS),
        status_code=201,
        responses={201: ResponseSpec(WebhookWithSecret), **errors(400, 413, 415, 422, *KEYED)},
    )
    async def create(self, request: Request[Any, Any, Any]) -> WebhookWithSecret:
        runtime = runtime_of(request.app.state)
        settings = runtime.settings
        data = parse_body(await read_body(request, settings.max_body_bytes), WebhookRequest)
        webhook = await register(
            runtime.store,
            settings,
            data.url,
            data.events,
            data.description,
            caller_of(request).key_id,
        )
        try:  # the workers deliver: this process's own starts now if it is to run one
            await jobs_of(request.app.state).queue()
        except Unavailable as exc:
            log.warning("webhook registered, but no job queue here: %s", exc.message)
        return WebhookWithSecret.model_validate(webhook, from_attributes=True)

    @get(
        "/",
        operation_id="listWebhooks",
        summary="List the webhooks (no secrets)",
        opt=needs(Permission.READ_WEBHOOKS),
        responses=errors(*KEYED),
    )
    async def list_webhooks(self, request: Request[Any, Any, Any]) -> WebhookList:
        store = runtime_of(request.app.state).store
        webhooks = await anyio.to_thread.run_sync(store.webhooks.list)
        return WebhookList(webhooks=[WebhookOut.of(webhook) for webhook in webhooks])

    @get(
        "/{webhook_id:str}",
        operation_id="getWebhook",
        summary="A webhook (no secret)",
        opt=needs(Permission.READ_WEBHOOKS),
        responses=errors(400, 404, 422, *KEYED, described=_NOT_FOUND),
    )
    async def get_webhook(
        self, request: Request[Any, Any, Any], webhook_id: WebhookId
    ) -> WebhookOut:
        store = runtime_of(request.app.state).store
        return WebhookOut.of(await anyio.to_thread.run_sync(store.webhooks.get, webhook_id))

    @delete(
        "/{webhook_id:str}",
        operation_id="deleteWebhook",
        summary="Delete a webhook",
        description="Its deliveries go with it: those not sent yet are not sent. Admin keys only.",
        opt=needs(Permission.MANAGE_WEBHOOKS),
        status_code=204,
        responses=errors(400, 404, 422, *KEYED, described=_NOT_FOUND),
    )
    async def delete_webhook(self, request: Request[Any, Any, Any], webhook_id: WebhookId) -> None:
        store = runtime_of(request.app.state).store
        await anyio.to_thread.run_sync(store.webhooks.delete, webhook_id)

    @post(
        "/{webhook_id:str}/rotate-secret",
        operation_id="rotateWebhookSecret",
        summary="Give a webhook a new secret",
        description="The answer holds the new secret, once. Deliveries are signed with the new "
        "and the old secret (two signatures in `webhook-signature`) for "
        "`SCREENING_WEBHOOK_SECRET_GRACE_SECONDS` (a day by default), then with the new one "
        "only. Admin keys only.",
        opt=needs(Permission.MANAGE_WEBHOOKS),
        status_code=200,
        responses={
            200: ResponseSpec(WebhookWithSecret),
            **errors(400, 404, 422, *KEYED, described=_NOT_FOUND),
        },
    )
    async def rotate_secret(
        self, request: Request[Any, Any, Any], webhook_id: WebhookId
    ) -> WebhookWithSecret:
        runtime = runtime_of(request.app.state)
        webhook = await rotate(runtime.store, runtime.settings, webhook_id)
        return WebhookWithSecret.model_validate(webhook, from_attributes=True)

    @get(
        "/{webhook_id:str}/deliveries",
        operation_id="listWebhookDeliveries",
        summary="A webhook's deliveries, the newest first",
        description="Each with its status (pending, delivering, delivered, failed), attempts, "
        "the receiver's last status code and the start of its answer, and the next attempt.",
        opt=needs(Permission.READ_WEBHOOKS),
        responses=errors(
            400,
            404,
            422,
            *KEYED,
            described=_NOT_FOUND | {422: "The id or a query parameter is wrong."},
        ),
    )
    async def deliveries(
        self,
        request: Request[Any, Any, Any],
        webhook_id: WebhookId,
        status: Annotated[
            DeliveryStatus | None, QueryParameter(description="Only those in this status.")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
        before: Annotated[
            int | None, QueryParameter(ge=1, description="Those older than this delivery id.")
        ] = None,
    ) -> DeliveryPage:
        store = runtime_of(request.app.state).store

        def page() -> list[Delivery]:
            store.webhooks.get(webhook_id)  # NotFound for an unknown webhook
            return store.deliveries.page(webhook_id, limit=limit, before=before, status=status)

        found = await anyio.to_thread.run_sync(page)
        return DeliveryPage(
            deliveries=[DeliveryOut.of(delivery) for delivery in found],
            next_before=found[-1].id if len(found) == limit else None,
        )

    @post(
        "/{webhook_id:str}/deliveries/{delivery_id:int}/redeliver",
        operation_id="redeliverWebhookDelivery",
        summary="Send a delivery again",
        description="A delivered or failed delivery is sent again at once, with a new period "
        "of retries (409 while it is pending or being delivered). Admin keys only.",
        opt=needs(Permission.MANAGE_WEBHOOKS),
        status_code=202,
        responses={
            202: ResponseSpec(DeliveryOut),
            **errors(
                400,
                404,
                409,
                422,
                *KEYED,
                described={
                    404: "No such webhook or delivery (`delivery_not_found`).",
                    409: "The delivery is pending or being delivered (`delivery_in_progress`).",
                },
            ),
        },
    )
    async def redeliver(
        self, request: Request[Any, Any, Any], webhook_id: WebhookId, delivery_id: DeliveryId
    ) -> Response[DeliveryOut]:
        store = runtime_of(request.app.state).store
        delivery = await anyio.to_thread.run_sync(
            store.deliveries.redeliver, webhook_id, delivery_id
        )
        return Response(DeliveryOut.of(delivery), status_code=202)
