"""`POST /v1/keys` (create a key, shown once), `GET /v1/keys` (list them, without secrets) and
`DELETE /v1/keys/{key_id}` (revoke one, at once in every process): for admin keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, delete, get, post
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter
from pydantic import BaseModel, ConfigDict, Field

from service.api.access import KEY_REQUIRED, needs
from service.api.body import documented_body, parse_body, read_body
from service.api.context import runtime_of
from service.api.responses import KEYED, errors
from service.auth import revocations
from service.auth.callers import Permission
from service.store.apikeys import ApiKey, Role

KeyId = Annotated[str, PathParameter(description="The key's public id (`scr_<id>_...`).")]


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200, examples=["procurement-erp"])
    role: Role = Field(examples=["screener"])
    requests_per_minute: int | None = Field(
        default=None, ge=0, description="Null: the service default; 0: unlimited."
    )
    rows_per_hour: int | None = Field(
        default=None, ge=0, description="Batch rows per hour. Null: the default; 0: unlimited."
    )


class KeyOut(BaseModel):
    id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None
    requests_per_minute: int | None
    rows_per_hour: int | None

    @classmethod
    def of(cls, key: ApiKey) -> KeyOut:
        return cls(
            id=key.id,
            name=key.name,
            role=key.role,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            requests_per_minute=key.requests_per_minute,
            rows_per_hour=key.rows_per_hour,
        )


class CreatedKey(KeyOut):
    key: str = Field(description="The key itself: shown this once, never stored.")


class KeyList(BaseModel):
    keys: list[KeyOut]


class KeysController(Controller):
    path = "/v1/keys"
    opt = needs(Permission.MANAGE_KEYS)
    security = KEY_REQUIRED
    tags = ("access",)

    @post(
        "/",
        operation_id="createKey",
        operation_class=documented_body(KeyRequest),
        summary="Create an API key",
        description="The answer holds the key itself, once. Admin keys only.",
        status_code=201,
        responses={201: ResponseSpec(CreatedKey), **errors(400, 413, 415, 422, *KEYED)},
    )
    async def create(self, request: Request[Any, Any, Any]) -> CreatedKey:
        runtime = runtime_of(request.app.state)
        data = parse_body(await read_body(request, runtime.settings.max_body_bytes), KeyRequest)
        key, text = await anyio.to_thread.run_sync(
            lambda: runtime.store.keys.create(
                data.name,
                data.role,
                requests_per_minute=data.requests_per_minute,
                rows_per_hour=data.rows_per_hour,
            )
        )
        runtime.auth.forget_all()  # open mode, if it was on, ends now
        return CreatedKey(**KeyOut.of(key).model_dump(), key=text)

    @get(
        "/",
        operation_id="listKeys",
        summary="List the API keys (no secrets)",
        responses=errors(*KEYED),
    )
    async def list_keys(self, request: Request[Any, Any, Any]) -> KeyList:
        runtime = runtime_of(request.app.state)
        keys = await anyio.to_thread.run_sync(runtime.store.keys.list)
        return KeyList(keys=[KeyOut.of(k) for k in keys])

    @delete(
        "/{key_id:str}",
        operation_id="revokeKey",
        summary="Revoke an API key",
        description="Refused from the next request on, by every process of the deployment "
        "(announced through Redis when configured). The key stays listed, revoked.",
        status_code=200,
        responses={
            200: ResponseSpec(KeyOut),
            **errors(400, 404, *KEYED, described={404: "No key has this id (`key_not_found`)."}),
        },
    )
    async def revoke(self, request: Request[Any, Any, Any], key_id: KeyId) -> KeyOut:
        runtime = runtime_of(request.app.state)
        key = await anyio.to_thread.run_sync(runtime.store.keys.revoke, key_id)
        runtime.auth.forget(key.id)
        if runtime.settings.redis_url:
            await anyio.to_thread.run_sync(
                revocations.announce, runtime.settings.redis_url, runtime.keys, key.id
            )
        return KeyOut.of(key)
