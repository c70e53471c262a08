"""`GET /v1/watchlist` (paged) and `GET /v1/watchlist/{entity_id}`: the entities screened
against, as they are stored, with the watchlist version and counts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from litestar import Controller, Response, Router, get
from litestar.datastructures import ResponseHeader, State
from litestar.params import Parameter

from service.api.access import KEY_REQUIRED, needs
from service.api.context import runtime_of
from service.api.responses import KEYED, errors
from service.api.schemas import WatchlistCounts, WatchlistPage
from service.auth import Permission
from service.errors import NotFound
from service.watchlist.loader import Watchlist
from service.watchlist.model import Entity

#: Most entities on one page.
MAX_PAGE = 500
#: The watchlist version an entity was read from (a page says it in its body).
VERSION_HEADER = "X-Watchlist-Version"


def count(watchlist: Watchlist) -> WatchlistCounts:
    return WatchlistCounts(
        entities=len(watchlist.entities),
        names=sum(len(e.all_names) for e in watchlist.entities),
        aliases=sum(len(e.aliases) for e in watchlist.entities),
        defence_entities=sum(1 for e in watchlist.entities if e.defence),
    )


class WatchlistController(Controller):
    path = "/v1/watchlist"
    opt = needs(Permission.READ_WATCHLIST)
    security = KEY_REQUIRED
    tags = ("watchlist",)

    def __init__(self, owner: Router) -> None:
        super().__init__(owner)
        # Counts per watchlist version: a page request must not walk a million entities.
        self._counts: dict[str, WatchlistCounts] = {}

    def _counts_of(self, watchlist: Watchlist) -> WatchlistCounts:
        counts = self._counts.get(watchlist.version)
        if counts is None:
            counts = count(watchlist)
            self._counts = {watchlist.version: counts}
        return counts

    @get(
        "/",
        operation_id="listWatchlist",
        summary="Page through the watchlist",
        sync_to_thread=True,
        responses=errors(400, 422, *KEYED, described={422: "offset or limit out of range."}),
    )
    def list_entities(
        self,
        state: State,
        offset: Annotated[int, Parameter(ge=0, description="Entities to skip.")] = 0,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="Page size.")] = 50,
    ) -> WatchlistPage:
        watchlist = runtime_of(state).holder.current().watchlist
        return WatchlistPage(
            version=watchlist.version,
            sources=[Path(s).name for s in watchlist.sources],  # names, not server paths
            counts=self._counts_of(watchlist),
            offset=offset,
            limit=limit,
            entities=list(watchlist.entities[offset : offset + limit]),
        )

    @get(
        "/{entity_id:str}",
        operation_id="getEntity",
        summary="One watchlist entity",
        sync_to_thread=False,
        response_headers=[
            ResponseHeader(
                name=VERSION_HEADER,
                description="The watchlist version the entity was read from.",
                documentation_only=True,
            )
        ],
        responses=errors(400, 404, *KEYED, described={404: "No entity has this id."}),
    )
    def get_entity(
        self,
        state: State,
        entity_id: Annotated[str, Parameter(description="Entity id, e.g. `by-mzkt`.")],
    ) -> Response[Entity]:
        watchlist = runtime_of(state).holder.current().watchlist
        entity = watchlist.get(entity_id)
        if entity is None:
            raise NotFound(f"no entity with id {entity_id!r}", code="entity_not_found")
        return Response(entity, headers={VERSION_HEADER: watchlist.version})
