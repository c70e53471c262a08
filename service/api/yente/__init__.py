"""The yente-compatible API (OpenSanctions' matching server): its routes on this service's
engine, cache, keys, rate limits and audit trail. Errors are the service's JSON errors with
yente's `detail` added, so that a yente client reads them too.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router
from litestar.types import ExceptionHandlersMap

from service.api.errors import exception_handlers
from service.api.yente.lookup import LookupController, StatusController
from service.api.yente.routes import MatchController


def _with_detail(handler: Any) -> Any:
    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        response: Response[Any] = handler(request, exc)
        body = response.content
        if isinstance(body, dict) and "message" in body:
            response.content = body | {"detail": body["message"]}
        return response

    return handle


def _handlers() -> ExceptionHandlersMap:
    return {kind: _with_detail(handler) for kind, handler in exception_handlers().items()}


def yente_router() -> Router:
    """Every route of the yente-compatible API, at the root as yente serves them."""
    return Router(
        path="/",
        route_handlers=[MatchController, LookupController, StatusController],
        exception_handlers=_handlers(),
    )
