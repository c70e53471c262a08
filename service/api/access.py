"""Access control on the routes: one middleware (`Authorize`) checks, for every route that
names a permission in its `opt`, the API key, the caller's role and the caller's request rate;
routes without one (health, readiness, metrics, the pages) are public. A middleware rather than
a litestar guard: it runs after routing (the route's `opt` is known) and costs less per request.

The key comes in the `X-API-Key` header, or as `Authorization: Bearer <key>`, or as
`Authorization: ApiKey <key>` (the scheme of OpenSanctions' hosted API, which yente's clients
send).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.openapi.spec import SecurityRequirement, SecurityScheme
from litestar.types import ASGIApp, Receive, Scope, Send

from service.api.context import runtime_of
from service.auth.callers import Caller, Permission
from service.logs import annotate

#: `opt` key of a route: the permission a caller needs. Absent: a public route.
PERMISSION = "permission"
#: `opt` value for routes that any valid key may call; the handler decides what it shows.
ANY_KEY = "any key"
#: Where the caller is kept in the request's scope.
_CALLER = "screening.caller"

#: The two ways of presenting a key, as OpenAPI security schemes (the document's components).
SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    "ApiKeyHeader": SecurityScheme(
        type="apiKey",
        name="X-API-Key",
        security_scheme_in="header",
        description="The API key (`scr_<id>_<secret>`). Until the first key is created, a "
        "request reaching the server on a loopback address needs none (open mode).",
    ),
    "BearerKey": SecurityScheme(
        type="http",
        scheme="bearer",
        description="The same API key, as `Authorization: Bearer <key>`.",
    ),
    "ApiKeyAuthorization": SecurityScheme(
        type="apiKey",
        name="Authorization",
        security_scheme_in="header",
        description="The same API key, as `Authorization: ApiKey <key>` (OpenSanctions' "
        "scheme, which yente's clients send).",
    ),
}
#: Schemes of the `Authorization` header that carry the key (case-insensitive).
_KEY_SCHEMES = frozenset({"bearer", "apikey"})
#: The `security` of every route that names a permission: any scheme will do.
KEY_REQUIRED: list[SecurityRequirement] = [
    {"ApiKeyHeader": []},
    {"BearerKey": []},
    {"ApiKeyAuthorization": []},
]


def needs(permission: Permission | str) -> dict[str, Any]:
    """The `opt` of a route (or controller) that requires `permission`."""
    return {PERMISSION: permission}


def presented_key(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The key of `X-API-Key`, else of `Authorization: Bearer` or `Authorization: ApiKey`, from
    the raw ASGI headers. An empty `X-API-Key` (a client's unset variable) is no key: it does
    not hide the `Authorization` one."""
    bearer = None
    for name, value in headers:
        if name == b"x-api-key":
            if key := value.decode("latin-1").strip():
                return key
        elif name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() in _KEY_SCHEMES and token.strip():
                bearer = token.strip()
    return bearer


class Authorize:
    """401 without a valid key, 403 when its role lacks the permission, 429 over its rate."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        permission = handler.opt.get(PERMISSION) if handler is not None else None
        if permission is not None:
            await admit(scope, permission)
        await self.app(scope, receive, send)


async def admit(scope: Scope, permission: Permission | str) -> Caller:
    """Check the request's key for `permission` (any valid key for `ANY_KEY`), count it
    against the caller's rate, and keep the caller for `caller_of`. `Authorize` calls it for
    the routes that name a permission; a public route whose requests need one or another
    (the reconciliation service's root) calls it itself."""
    runtime = runtime_of(scope["litestar_app"].state)
    # The open mode is decided by the address the request reached: `server` is the local
    # address of its connection, read by the ASGI server from the socket.
    caller = await runtime.auth.authenticate(presented_key(scope["headers"]), scope.get("server"))
    if permission != ANY_KEY:
        caller.require(Permission(permission))
    if caller.key is not None:
        annotate(key_id=caller.key.id)  # the public id, on the access line; not the key
        await runtime.limit(caller)
    scope[_CALLER] = caller  # type: ignore[literal-required]
    return caller


def caller_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """Who is calling, as `Authorize` found; only for routes that name a permission."""
    caller: Caller | None = connection.scope.get(_CALLER)  # type: ignore[assignment]
    if caller is None:  # a public route asking: a programming error, never open access
        raise RuntimeError("caller_of() on a route without a permission")
    return caller
