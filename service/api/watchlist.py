"""`GET /v1/watchlist` (paged, or the entities that list an identifier) and
`GET /v1/watchlist/{entity_id}`: the entities screened against, as they are stored (their
identifiers included), with the watchlist version and counts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

from litestar import Controller, Response, Router, get
from litestar.datastructures import ResponseHeader, State
from litestar.openapi.spec import Example
from litestar.params import Parameter, QueryParameter

from service.api.access import KEY_REQUIRED, needs
from service.api.context import runtime_of
from service.api.responses import KEYED, errors
from service.api.schemas import WatchlistCounts, WatchlistPage
from service.auth.callers import Permission
from service.errors import InvalidInput, NotFound
from service.screening.query_identifiers import MAX_IDENTIFIER_CHARS
from service.screening.screener import Screener
from service.watchlist.identifiers import Scheme, scheme_of
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
        identifiers=sum(len(e.identifiers) for e in watchlist.entities),
    )


def _with_identifier(screener: Screener, value: str, kind: str | None) -> list[Entity]:
    """The entities that list `value` (normalised; as `kind` if given, else under any scheme),
    by id. Check digits are not asked for: a list's own number may lack them."""
    scheme: Scheme | None = None
    if kind is not None:
        scheme = scheme_of(kind)
        if scheme is None:
            raise InvalidInput(
                f"unknown identifier type {kind!r}: one of {', '.join(s.value for s in Scheme)}",
                code="identifier_type_unknown",
            )
    if not any(ch.isalnum() for ch in value):
        raise InvalidInput("an identifier needs letters or digits", code="identifier_empty")
    found = sorted(entity_id for entity_id, _ in screener.identifiers.find(scheme, value))
    return [e for e in map(screener.watchlist.get, found) if e is not None]


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
        summary="Page through the watchlist, or find the entities that list an identifier",
        description="With `identifier`: only the entities that list it (normalised as "
        "screening normalises it: `100 230 519` is `100230519`), paged the same way; `found` "
        "says how many.",
        sync_to_thread=True,
        responses=errors(
            400,
            422,
            *KEYED,
            described={422: "offset or limit out of range, or an unknown identifier type."},
        ),
    )
    def list_entities(
        self,
        state: State,
        offset: Annotated[int, Parameter(ge=0, description="Entities to skip.")] = 0,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="Page size.")] = 50,
        identifier: Annotated[
            str | None,
            QueryParameter(
                min_length=1,
                max_length=MAX_IDENTIFIER_CHARS,
                description="Only the entities that list this registration or tax number.",
                examples=[Example(value="100230519")],
            ),
        ] = None,
        identifier_type: Annotated[
            str | None,
            QueryParameter(
                name="type",
                min_length=1,
                max_length=MAX_IDENTIFIER_CHARS,
                description="With `identifier`: its scheme (unp, inn, ogrn, okpo, edrpou, lei, "
                "registration, tax, or a label such as `УНП`); any scheme when not given.",
            ),
        ] = None,
    ) -> WatchlistPage:
        screener = runtime_of(state).holder.current()
        watchlist = screener.watchlist
        entities: Sequence[Entity] = watchlist.entities
        found = None
        if identifier is not None:
            entities = _with_identifier(screener, identifier, identifier_type)
            found = len(entities)
        elif identifier_type is not None:
            raise InvalidInput("`type` needs an `identifier`", code="identifier_missing")
        return WatchlistPage(
            version=watchlist.version,
            sources=[Path(s).name for s in watchlist.sources],  # names, not server paths
            counts=self._counts_of(watchlist),
            offset=offset,
            limit=limit,
            found=found,
            entities=list(entities[offset : offset + limit]),
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
