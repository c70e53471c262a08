"""The application factory, used alike by the server, the command line and the tests:
routes, start-up and shut-down, error handlers, OpenAPI, request logging and metrics.

Start-up opens the result cache and loads the watchlist in a worker thread, in the background:
`/health` answers at once, `/ready` says 503 until the watchlist is in.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import anyio.to_thread
from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.plugins.pydantic import PydanticPlugin

from service import __version__
from service.api.context import STATE_KEY, runtime_of
from service.api.errors import exception_handlers
from service.api.health import HealthController
from service.api.metrics import MetricsController
from service.api.middleware import RequestObserver
from service.api.page import PageController
from service.api.screen import ScreenController
from service.api.watchlist import WatchlistController
from service.cache import open_cache
from service.errors import ServiceError
from service.logs import configure_logging
from service.metrics import Metrics
from service.runtime import Runtime
from service.screening import Screener
from service.settings import Settings, load_settings
from service.state import ScreenerHolder, load_screener

log = logging.getLogger(__name__)


async def _load_watchlist(runtime: Runtime) -> None:
    paths = runtime.settings.watchlist_paths
    started = time.perf_counter()
    try:
        # abandon_on_cancel: a shut-down during a long load does not wait for it.
        screener = await anyio.to_thread.run_sync(load_screener, paths, abandon_on_cancel=True)
    except ServiceError as exc:
        log.error("watchlist not loaded: %s", exc.message)
        runtime.holder.fail(exc.message)
        return
    except Exception as exc:
        log.exception("watchlist not loaded")
        runtime.holder.fail(f"unexpected error: {type(exc).__name__}")
        return
    _serve(runtime, screener)
    log.info(
        "watchlist loaded",
        extra={
            "version": screener.version,
            "entities": len(screener.watchlist.entities),
            "files": [p.name for p in paths] or ["seed"],
            "seconds": round(time.perf_counter() - started, 3),
        },
    )


def _serve(runtime: Runtime, screener: Screener) -> None:
    runtime.holder.swap(screener)
    runtime.metrics.watchlist_entities.set(len(screener.watchlist.entities))


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    runtime = runtime_of(app.state)
    cache = open_cache(runtime.settings)
    runtime.start(cache)
    log.info("result cache", extra={"backend": cache.backend, "state": await cache.check()})
    loading = None
    if (screener := runtime.holder.peek()) is None:
        loading = asyncio.create_task(_load_watchlist(runtime))
    else:
        _serve(runtime, screener)
    try:
        yield
    finally:
        if loading is not None:
            loading.cancel()
            with suppress(asyncio.CancelledError):
                await loading
        runtime.stop()
        await cache.close()


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Sanctions screening",
        version=__version__,
        description="Fuzzy screening of company names against a watchlist of Belarusian "
        "defence and military-industrial enterprises, with an explanation of every match.",
        path="/schema",
        render_plugins=[SwaggerRenderPlugin(path="/"), JsonRenderPlugin(path="/openapi.json")],
    )


def create_app(settings: Settings | None = None, *, screener: Screener | None = None) -> Litestar:
    """The ASGI app. `settings` default to the environment; a prebuilt `screener` is served
    instead of loading the configured watchlist (tests, the command line)."""
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    metrics = Metrics()
    runtime = Runtime(settings, ScreenerHolder(screener), metrics)
    app = Litestar(
        route_handlers=[
            ScreenController,
            WatchlistController,
            HealthController,
            MetricsController,
            PageController,
        ],
        lifespan=[_lifespan],
        exception_handlers=exception_handlers(),
        openapi_config=_openapi(),
        plugins=[PydanticPlugin(prefer_alias=True)],
        request_max_body_size=settings.max_body_bytes,
        state=State({STATE_KEY: runtime}),
        logging_config=None,
    )
    # Around the whole app, routing and error handling included, so every response is
    # logged, counted and carries the request id (litestar's own middleware runs per route).
    app.asgi_handler = RequestObserver(app.asgi_handler, metrics)
    return app
