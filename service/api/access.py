"""Access control on the routes: the one guard of the app (`authorize`) checks the API key of
every route that names a permission in its `opt`, the caller's role, and the caller's request
rate; routes without one (health, readiness, metrics, the pages) are public.

The key comes in the `X-API-Key` header, or as `Authorization: Bearer <key>`.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Headers
from litestar.handlers.base import BaseRouteHandler

from service.api.context import runtime_of
from service.auth import Caller, Permission
from service.logs import annotate

#: `opt` key of a route: the permission a caller needs. Absent: a public route.
PERMISSION = "permission"
#: `opt` value for routes that any valid key may call; the handler decides what it shows.
ANY_KEY = "any key"
_CALLER = "caller"


def needs(permission: Permission | str) -> dict[str, Any]:
    """The `opt` of a route (or controller) that requires `permission`."""
    return {PERMISSION: permission}


def presented_key(headers: Headers) -> str | None:
    key = headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, value = (headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """401 without a valid key, 403 when its role lacks the permission, 429 over its rate."""
    permission = handler.opt.get(PERMISSION)
    if permission is None:
        return
    runtime = runtime_of(connection.app.state)
    caller = await runtime.auth.authenticate(presented_key(connection.headers))
    if permission != ANY_KEY:
        caller.require(Permission(permission))
    annotate(key_id=caller.key_id)  # the public id, on the access line; never the key
    await runtime.limit(caller)
    connection.state[_CALLER] = caller


def caller_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """Who is calling, as `authorize` found; only for routes that name a permission."""
    caller: Caller | None = connection.state.get(_CALLER)
    if caller is None:  # a public route asking: a programming error, never open access
        raise RuntimeError("caller_of() on a route without a permission")
    return caller
