"""`GET /health` (the process answers) and `GET /ready` (a watchlist is loaded and the durable
store's database answers; the state of the result cache; the last watchlist load), for load
balancers and orchestrators."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import anyio.to_thread
from litestar import Controller, MediaType, Request, Response, get
from litestar.openapi import ResponseSpec

from service.api.context import runtime_of
from service.api.errors import public_text
from service.api.schemas import (
    AccessStatus,
    CacheStatus,
    DatabaseStatus,
    Health,
    LastReload,
    Readiness,
    ReloadStatus,
    WatchlistStatus,
)
from service.errors import StoreUnavailable, Unavailable
from service.lifecycle.state import WatchlistState
from service.runtime import Runtime


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


async def _database_status(runtime: Runtime) -> DatabaseStatus | None:
    """The database's state, checked now (at most once per probe interval while it is down)."""
    try:
        store = runtime.store
    except Unavailable:  # starting or stopping
        return None
    availability = store.availability
    if availability.state != "starting":
        with suppress(StoreUnavailable):  # the state and error say it
            await anyio.to_thread.run_sync(store.ping)
    return DatabaseStatus(
        state="unavailable" if availability.state == "down" else availability.state,
        database=availability.database,
        error=availability.error,
        since=availability.since,
    )


async def _access_status(runtime: Runtime, server: Sequence[object] | None) -> AccessStatus | None:
    try:
        auth, store = runtime.auth, runtime.store
        # For this request: open mode depends on the address it reached.
        mode = "open" if await auth.open_mode(server) else "keys"
    except Unavailable:  # starting or stopping, or the database does not answer
        return None
    return AccessStatus(
        mode=mode,
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
        description="200 once a watchlist is loaded and the database answers, 503 before, "
        "when loading failed, or while the database does not answer (`database` says why). A "
        "degraded cache does not make the service unready: it screens uncached. A failed "
        "reload does not either: the version loaded before stays in service, and `reload` "
        "says when and why the last load failed.",
        responses={
            503: ResponseSpec(
                Readiness, description="No watchlist loaded, or the database does not answer."
            )
        },
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
        database = await _database_status(runtime)
        ready = runtime.holder.state is WatchlistState.READY and (
            database is not None and database.state == "ok"
        )
        body = Readiness(
            ready=ready,
            watchlist=watchlist,
            cache=cache_status,
            reload=_reload_status(runtime),
            database=database,
            access=await _access_status(runtime, request.scope.get("server")),
        )
        return Response(body, status_code=200 if ready else 503, media_type=MediaType.JSON)
