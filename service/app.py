"""The application factory, used alike by the server, the command line and the tests:
routes, start-up and shut-down, error handlers, OpenAPI, request logging and metrics.

Start-up opens the result cache and the version store and loads the watchlist in a worker
thread, in the background: `/health` answers at once, `/ready` says 503 until the watchlist is
in. SIGHUP reloads the watchlist (`service.reload`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.plugins.pydantic import PydanticPlugin

from service import __version__
from service.api.context import STATE_KEY, runtime_of
from service.api.errors import exception_handlers
from service.api.health import HealthController
from service.api.jobs import JobsController, jobs_lifespan
from service.api.metrics import MetricsController
from service.api.middleware import RequestObserver
from service.api.page import PageController
from service.api.reload import ReloadController
from service.api.screen import ScreenController
from service.api.versions import VersionsController
from service.api.watchlist import WatchlistController
from service.cache import open_cache
from service.logs import configure_logging
from service.metrics import Metrics
from service.reload import Reloader
from service.runtime import Runtime
from service.screening import Screener
from service.settings import Settings, load_settings
from service.state import ScreenerHolder
from service.versions import open_versions

log = logging.getLogger(__name__)


def _reload_on_sighup(reloader: Reloader) -> Callable[[], None]:
    """Reload the watchlist on SIGHUP; return what undoes it. Only a process's main thread
    may handle signals: an app served from another (the tests' client) does not."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGHUP, reloader.on_signal)

    def stop() -> None:
        loop.remove_signal_handler(signal.SIGHUP)

    return stop


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    runtime = runtime_of(app.state)
    cache = open_cache(runtime.settings)
    versions = open_versions(runtime.settings, runtime.keys)
    runtime.start(cache, versions)
    log.info("result cache", extra={"backend": cache.backend, "state": await cache.check()})
    reloader = runtime.reloader
    if (screener := runtime.holder.peek()) is None:
        reloader.start()
    else:
        await reloader.adopt(screener)
    stop_handling_sighup = _reload_on_sighup(reloader)
    try:
        yield
    finally:
        stop_handling_sighup()
        await reloader.close()
        runtime.stop()
        await cache.close()
        await versions.close()


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
            JobsController,
            WatchlistController,
            VersionsController,
            ReloadController,
            HealthController,
            MetricsController,
            PageController,
        ],
        # The jobs backend's worker screens through the runtime that `_lifespan` starts.
        lifespan=[_lifespan, jobs_lifespan],
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
