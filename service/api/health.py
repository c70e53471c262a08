"""`GET /health` (the process answers) and `GET /ready` (a watchlist is loaded; the state of
the result cache), for load balancers and orchestrators."""

from __future__ import annotations

from litestar import Controller, MediaType, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec

from service.api.context import runtime_of
from service.api.schemas import CacheStatus, Health, Readiness, WatchlistStatus
from service.state import WatchlistState


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
        "degraded cache does not make the service unready: it screens uncached.",
        responses={503: ResponseSpec(Readiness, description="No watchlist loaded.")},
    )
    async def ready(self, state: State) -> Response[Readiness]:
        runtime = runtime_of(state)
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
            error=runtime.holder.error,
        )
        ready = runtime.holder.state is WatchlistState.READY
        body = Readiness(ready=ready, watchlist=watchlist, cache=cache_status)
        return Response(body, status_code=200 if ready else 503, media_type=MediaType.JSON)
