"""`POST /v1/watchlist/reload`: load the configured watchlist again and serve it (SIGHUP does
the same, see `service.lifecycle.reload`). For admin keys only."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, post
from litestar.datastructures import State
from litestar.params import Parameter

from service.api.access import KEY_REQUIRED, needs
from service.api.context import runtime_of
from service.api.responses import KEYED, errors
from service.api.schemas import ReloadResponse
from service.auth.callers import Permission
from service.lifecycle.reload import ReloadTrigger


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
        "naming the file and line; `/ready` then reports the failure. A version that drops more "
        "than `SCREENING_RELOAD_MAX_SHRINK` (10 %) of the entities served is refused the same "
        "way (422 `watchlist_shrunk`) unless `force=true`. One reload at a time: "
        "another request meanwhile gets 409 `reload_in_progress` (retry). With Redis, every other "
        "process of the deployment loads the watchlist too once this one has; without it, "
        "each process reloads only itself. Admin keys.",
        status_code=200,
        responses=errors(
            409,
            422,
            *KEYED,
            described={
                409: "A reload is already in progress (`reload_in_progress`).",
                422: "A watchlist file is invalid (`watchlist_invalid`), or the new version "
                "drops more entities than allowed (`watchlist_shrunk`; retry with `force=true` "
                "if intended); the version served stays in service.",
            },
        ),
    )
    async def reload(
        self,
        state: State,
        force: Annotated[
            bool,
            Parameter(
                description="Serve the new version even if it drops more entities than "
                "`SCREENING_RELOAD_MAX_SHRINK` allows (a list that really shrank)."
            ),
        ] = False,
    ) -> ReloadResponse:
        outcome = await runtime_of(state).reloader.reload(ReloadTrigger.API, force=force)
        return ReloadResponse(
            version=outcome.version,
            previous_version=outcome.previous_version,
            changed=outcome.changed,
            entities=outcome.entities,
            sources=list(outcome.sources),
            loaded_at=outcome.loaded_at,
            load_seconds=round(outcome.seconds, 3),
        )
