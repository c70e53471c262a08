"""The application factory, used alike by the server, the command line and the tests:
routes, start-up and shut-down, error handlers, OpenAPI, request logging and metrics.

Start-up opens the result cache and the version store, and in the background loads the
watchlist in a worker thread and opens the durable store (trying again until its database
answers): `/health` answers at once, `/ready` says 503 until both are in. SIGHUP reloads the
watchlist (`service.lifecycle.reload`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from importlib.resources import files
from pathlib import Path

import anyio.to_thread
from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.plugins.pydantic import PydanticPlugin
from litestar.static_files import create_static_files_router

from service import __version__
from service.api.access import SECURITY_SCHEMES, Authorize
from service.api.alerts import AlertsController
from service.api.apikeys import KeysController
from service.api.audit import AuditController
from service.api.context import MONITOR_KEY, STATE_KEY, runtime_of
from service.api.counterparties import CounterpartiesController
from service.api.errors import exception_handlers
from service.api.health import HealthController
from service.api.jobs import JobsController, jobs_lifespan
from service.api.metrics import MetricsController
from service.api.middleware import RequestObserver
from service.api.page import PageController
from service.api.reconcile import ReconcileController
from service.api.reload import ReloadController
from service.api.screen import ScreenController
from service.api.security import SecurityHeaders, cors_config
from service.api.versions import VersionsController
from service.api.watchlist import WatchlistController
from service.api.web import template_config, uploads_lifespan, web_router
from service.api.web.gate import SESSIONS_KEY
from service.api.web.sessions import Sessions
from service.api.webhooks import WebhooksController
from service.api.yente import yente_router
from service.auth import revocations
from service.auth.ratelimit import open_rate_limiter
from service.errors import StoreUnavailable
from service.lifecycle import announcements
from service.lifecycle.reload import Reloader
from service.lifecycle.state import ScreenerHolder
from service.lifecycle.supervision import Supervision
from service.lifecycle.versions import open_versions
from service.logs import configure_logging
from service.metrics import Metrics
from service.monitoring.monitor import Monitor
from service.runtime import Runtime
from service.screening.cache import open_cache
from service.screening.screener import Screener
from service.settings import Settings, load_settings
from service.store import Store, connect_store, open_journal, open_when_reachable
from service.watchlist.countries import load_country_names

log = logging.getLogger(__name__)
#: Seconds start-up waits for the durable store to open before it goes on without it (and
#: opens it in the background): a database that answers is open before the first request.
_STORE_WAIT_SECONDS = 2.0


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


async def _open_store(runtime: Runtime, store: Store) -> None:
    """Open the durable store once its database answers, then record screenings."""
    await open_when_reachable(store)
    journal = await anyio.to_thread.run_sync(open_journal, runtime.settings, store)
    runtime.open_audit(journal)
    with suppress(StoreUnavailable):  # gone again at once: the outage is logged
        await _announce_access(runtime)


async def _announce_access(runtime: Runtime) -> None:
    store = runtime.store
    log.info("durable store", extra={"database": store.engine.dialect.name})
    if not await runtime.auth.keys_created():
        log.warning(
            "OPEN MODE: no API key has been created, so requests that reach the server on a "
            "loopback address need no key (others always do); create one with `python -m "
            "service keys create` to end it for good"
        )
    if not runtime.auditing:
        log.warning("AUDIT OFF: screenings are not recorded (SCREENING_AUDIT_ENABLED=false)")


def _listen_for_revocations(runtime: Runtime) -> asyncio.Task[None] | None:
    """With Redis: forget a revoked key the moment any process announces it."""
    url = runtime.settings.redis_url
    if not url:
        return None
    auth = runtime.auth
    return asyncio.create_task(
        revocations.listen(url, runtime.keys, auth.forget, auth.forget_all),
        name="key-revocations",
    )


def _follow_reloads(runtime: Runtime) -> asyncio.Task[None] | None:
    """With Redis: load the watchlist when another process announces it reloaded (a process
    forked by `serve --workers` leaves that to its supervisor)."""
    url = runtime.settings.redis_url
    if not url or runtime.supervision is not None:
        return None
    return asyncio.create_task(
        announcements.follow(
            url, runtime.keys, runtime.reloader.follow, runtime.settings.reload_poll_seconds
        ),
        name="watchlist-reloads",
    )


async def _serve_first(runtime: Runtime, screener: Screener | None) -> None:
    """Load the watchlist in the background, or serve the one given (the supervisor's, with
    its entities encoded already)."""
    reloader = runtime.reloader
    if screener is None:
        reloader.start()
        return
    supervision = runtime.supervision
    if supervision is None or runtime.link is None:
        await reloader.adopt(screener)
        return
    await runtime.link.open()
    await reloader.adopt(screener, encoded=supervision.encoded_entities, announce=True)


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    runtime = runtime_of(app.state)
    settings = runtime.settings
    # No store, no screening: screening without an audit trail or key checks is not an option,
    # so until its database answers every request that needs it gets 503 (a bad URL stops here).
    store = connect_store(settings.store_url)
    # Country names in every language, read now rather than by the first request that names one.
    await anyio.to_thread.run_sync(load_country_names)
    cache = open_cache(settings)
    versions = open_versions(settings, runtime.keys)
    runtime.start(cache, versions, store, open_rate_limiter(settings, runtime.keys))
    log.info("result cache", extra={"backend": cache.backend, "state": await cache.check()})
    opening = asyncio.create_task(_open_store(runtime, store), name="open-store")
    listener = _listen_for_revocations(runtime)
    reloader = runtime.reloader
    await _serve_first(runtime, runtime.holder.peek())
    follower = _follow_reloads(runtime)
    stop_handling_sighup = _reload_on_sighup(reloader)
    await asyncio.wait({opening}, timeout=_STORE_WAIT_SECONDS)
    try:
        yield
    finally:
        stop_handling_sighup()
        opening.cancel()
        with suppress(asyncio.CancelledError):
            await opening
        for task in (listener, follower):
            if task is not None:
                task.cancel()
        if runtime.link is not None:
            await runtime.link.close()
        await reloader.close()
        limiter = runtime.limiter
        await runtime.close_audit()  # commits the audit records it holds
        await anyio.to_thread.run_sync(runtime.stop)  # copies the audit journal in
        await limiter.close()
        store.close()
        await cache.close()
        await versions.close()


#: Swagger UI's files, served by the app (no CDN: the reference page works offline).
_SWAGGER_FILES = Path(str(files("service.api").joinpath("static/swagger-ui")))
_SWAGGER_PATH = "/schema/assets"


def _swagger_ui() -> SwaggerRenderPlugin:
    return SwaggerRenderPlugin(
        path="/",
        js_url=f"{_SWAGGER_PATH}/swagger-ui-bundle.js",
        css_url=f"{_SWAGGER_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{_SWAGGER_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{_SWAGGER_PATH}/favicon-32x32.png'>",
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Sanctions screening",
        version=__version__,
        description="Fuzzy screening of company names against a watchlist of Belarusian "
        "defence and military-industrial enterprises, with an explanation of every match.",
        path="/schema",
        render_plugins=[_swagger_ui(), JsonRenderPlugin(path="/openapi.json")],
        components=Components(security_schemes=dict(SECURITY_SCHEMES)),
    )


def create_app(
    settings: Settings | None = None,
    *,
    screener: Screener | None = None,
    supervision: Supervision | None = None,
) -> Litestar:
    """The ASGI app. `settings` default to the environment; a prebuilt `screener` is served
    instead of loading the configured watchlist (tests, the command line, the workers of
    `serve --workers`, with their `supervision`)."""
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    metrics = Metrics(settings.prometheus_multiproc_dir)
    runtime = Runtime(settings, ScreenerHolder(screener), metrics, supervision)
    app = Litestar(
        route_handlers=[
            ScreenController,
            JobsController,
            CounterpartiesController,
            AlertsController,
            WatchlistController,
            VersionsController,
            ReloadController,
            KeysController,
            WebhooksController,
            AuditController,
            HealthController,
            MetricsController,
            PageController,
            ReconcileController,
            web_router(),
            yente_router(),
            create_static_files_router(
                _SWAGGER_PATH, [_SWAGGER_FILES], include_in_schema=False, name="swagger-ui"
            ),
        ],
        # The jobs backend's worker screens through the runtime that `_lifespan` starts.
        lifespan=[_lifespan, jobs_lifespan, uploads_lifespan],
        # Every route that names a permission in its `opt` checks the caller's key first.
        middleware=[Authorize],
        exception_handlers=exception_handlers(),
        openapi_config=_openapi(),
        plugins=[PydanticPlugin(prefer_alias=True)],
        request_max_body_size=settings.max_body_bytes,
        cors_config=cors_config(settings),
        state=State({STATE_KEY: runtime, MONITOR_KEY: Monitor(runtime), SESSIONS_KEY: Sessions()}),
        template_config=template_config(),
        logging_config=None,
    )
    # Around the whole app, routing and error handling included, so every response is
    # logged, counted and carries the request id and the security headers (litestar's own
    # middleware runs per route).
    headers = SecurityHeaders(
        hsts=settings.hsts, preview_ancestors=settings.reconcile_frame_ancestors
    )
    app.asgi_handler = RequestObserver(app.asgi_handler, metrics, headers)
    return app
