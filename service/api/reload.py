"""`POST /v1/watchlist/reload`: load the configured watchlist again and serve it (SIGHUP does
the same, see `service.reload`). For admin keys only."""

from __future__ import annotations

from litestar import Controller, post
from litestar.datastructures import State

from service.api.access import KEY_REQUIRED, needs
from service.api.context import runtime_of
from service.api.responses import KEYED, errors
from service.api.schemas import ReloadResponse
from service.auth import Permission
from service.reload import ReloadTrigger


class ReloadController(Controller):
    path = "/v1/watchlist"
    opt = needs(Permission.RELOAD)
    security = KEY_REQUIRED
    tags = ("watchlist",)

    @post(
        "/reload",
        operation_id="reloadWatchlist",
        summary="Load the watchlist again",
        description="Reads the configured watchlist files again, builds the new index off the "
        "event loop and swaps it in at once: every request is answered against one version, "
        "the old or the new. The same files give the same version (`changed: false`). A broken "
        "file keeps the version being served in service and answers 422 `watchlist_invalid` "
        "naming the file and line; `/ready` then reports the failure. One reload at a time: "
        "another request meanwhile gets 409 `reload_in_progress` (retry). Each process reloads "
        "itself: with several workers or replicas, call each (or send each SIGHUP). Admin keys.",
        status_code=200,
        responses=errors(
            409,
            422,
            *KEYED,
            described={
                409: "A reload is already in progress (`reload_in_progress`).",
                422: "A watchlist file is invalid (`watchlist_invalid`); the version served "
                "stays in service.",
            },
        ),
    )
    async def reload(self, state: State) -> ReloadResponse:
        outcome = await runtime_of(state).reloader.reload(ReloadTrigger.API)
        return ReloadResponse(
            version=outcome.version,
            previous_version=outcome.previous_version,
            changed=outcome.changed,
            entities=outcome.entities,
            sources=list(outcome.sources),
            loaded_at=outcome.loaded_at,
            load_seconds=round(outcome.seconds, 3),
        )
