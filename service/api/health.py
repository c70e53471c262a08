"""`GET /health` (the process answers) and `GET /ready` (a watchlist is loaded; the state of
the result cache; the last watchlist load), for load balancers and orchestrators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.openapi import ResponseSpec

from service.api.context import runtime_of
from service.api.errors import public_text
from service.api.schemas import (
    AccessStatus,
    CacheStatus,
    Health,
    LastReload,
    Readiness,
    ReloadStatus,
    WatchlistStatus,
)
from service.errors import Unavailable
from service.runtime import Runtime
from service.state import WatchlistState


def _reload_status(runtime: Runtime) -> ReloadStatus:
    try:
        reloader = runtime.reloader
    except Unavailable:  # starting or stopping
        return ReloadStatus(in_progress=False, last=None)
    last = reloader.last
    return ReloadStatus(
        in_progress=reloader.in_progress,
        last=LastReload(
            trigger=last.trigger.value,
            started_at=last.started_at,
            seconds=round(last.seconds, 3),
            ok=last.error is None,
            version=last.version,
            error=public_text(last.error) if last.error else None,
        )
        if last
        else None,
    )


async def _access_status(runtime: Runtime, server: Sequence[object] | None) -> AccessStatus | None:
    try:
        auth, store = runtime.auth, runtime.store
    except Unavailable:  # starting or stopping
        return None
    return AccessStatus(
        # For this request: open mode depends on the address it reached.
        mode="open" if await auth.open_mode(server) else "keys",
        audit="on" if runtime.auditing else "off",
        database=store.engine.dialect.name,
    )


class HealthController(Controller):
    tags = ("operations",)

    @get("/health", operation_id="health", summary="Liveness", sync_to_thread=False)
    def health(self) -> Health:
        return Health(status="ok")

    @get(
        "/ready",
        operation_id="ready",
        summary="Readiness",
        description="200 once a watchlist is loaded, 503 before or when loading failed. A "
        "degraded cache does not make the service unready: it screens uncached. A failed "
        "reload does not either: the version loaded before stays in service, and `reload` "
        "says when and why the last load failed.",
        responses={503: ResponseSpec(Readiness, description="No watchlist loaded.")},
    )
    async def ready(self, request: Request[Any, Any, Any]) -> Response[Readiness]:
        runtime = runtime_of(request.app.state)
        screener = runtime.holder.peek()
        cache = runtime.cache
        if cache is None:
            cache_status = CacheStatus(backend="none", state="starting")
        else:
            cache_status = CacheStatus(backend=cache.backend, state=await cache.check())
        watchlist = WatchlistStatus(
            state=runtime.holder.state,
            version=screener.version if screener else None,
            entities=len(screener.watchlist.entities) if screener else None,
            # Public: a file is named, not the server's directories.
            error=public_text(runtime.holder.error) if runtime.holder.error else None,
        )
        ready = runtime.holder.state is WatchlistState.READY
        body = Readiness(
            ready=ready,
            watchlist=watchlist,
            cache=cache_status,
            reload=_reload_status(runtime),
            access=await _access_status(runtime, request.scope.get("server")),
        )
        return Response(body, status_code=200 if ready else 503, media_type=MediaType.JSON)
