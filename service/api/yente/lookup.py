"""yente's other routes: `GET /search/{dataset}`, `GET /entities/{id}` and `GET /catalog` (a
key that may read the watchlist), `GET /algorithms`, `GET /healthz` and `GET /readyz` (public).
Thin: the work is in `search`, `catalog` and `ftm`.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import Parameter, QueryParameter

from service.api.access import KEY_REQUIRED, caller_of, needs
from service.api.context import runtime_of
from service.api.responses import KEYED, errors
from service.api.yente import ftm, search
from service.api.yente.catalog import algorithms, catalog, covered
from service.api.yente.models import (
    AlgorithmsOut,
    CatalogOut,
    EntityOut,
    SearchResponse,
    StatusOut,
)
from service.api.yente.routes import DATASET, LIST, audit_records, dates_of, entity_url
from service.auth.callers import Permission
from service.errors import InvalidInput, NotFound
from service.lifecycle.state import WatchlistState
from service.logs import annotate_queries
from service.screening.queries import Parameters, check_query
from service.watchlist.model import ENTITY_ID_PATTERN


class LookupController(Controller):
    """Reading the watchlist as yente serves its index: search and entities."""

    opt = needs(Permission.READ_WATCHLIST)
    security = KEY_REQUIRED
    tags = ("opensanctions",)

    @get(
        "/search/{dataset:str}",
        operation_id="yenteSearch",
        summary="Search entities by text, as yente does",
        description="The text is screened as a name (at a threshold of "
        f"{search.SEARCH_THRESHOLD}, best first); without one every entity is listed. "
        "`countries` and `schema` filter, `limit` and `offset` page.",
        responses=errors(404, 422, *KEYED),
    )
    async def search(
        self,
        request: Request[Any, Any, Any],
        dataset: DATASET,
        q: Annotated[str, QueryParameter(max_length=300)] = "",
        countries: LIST = None,
        schema: Annotated[str | None, QueryParameter(max_length=64)] = None,
        limit: Annotated[int, QueryParameter(ge=0, le=search.MAX_PAGE)] = 10,
        offset: Annotated[int, QueryParameter(ge=0, le=9_499)] = 0,
    ) -> SearchResponse:
        runtime = runtime_of(request.app.state)
        screener = runtime.holder.current()
        scope = covered(screener.watchlist, dataset)
        if schema is not None and schema not in ftm.PARENTS and schema != "Thing":
            raise InvalidInput(f"unknown schema {schema!r}", code="schema_unknown")
        payload = None
        if q.strip():
            parameters = Parameters(search.SEARCH_THRESHOLD, runtime.limits.max_limit)
            query = check_query(q, None, parameters, runtime.limits)
            result = await runtime.screening.screen_one(screener, query)
            annotate_queries([q], log_queries=runtime.settings.log_queries)
            payload = result.payload
        dates = await dates_of(runtime, screener.version)
        answer_ = search.page(
            search.found(screener.watchlist, payload),
            datasets=scope,
            countries=countries or [],
            schema=schema,
            limit=limit,
            offset=offset,
            render=lambda e: ftm.render_entity(e, entity_url(request, e.id), dates),
        )
        if payload is not None and runtime.auditing:
            body = answer_.model_dump_json(by_alias=True).encode()
            records = audit_records(
                [(query, body)], [result], screener.version, caller_of(request).key_id
            )
            await runtime.record(records)
        return answer_

    @get(
        "/entities/{entity_id:str}",
        operation_id="yenteEntity",
        summary="One entity, with its listings nested, as yente gives it",
        responses=errors(404, 422, *KEYED),
    )
    async def entity(
        self,
        request: Request[Any, Any, Any],
        entity_id: Annotated[str, Parameter(pattern=ENTITY_ID_PATTERN)],
        nested: Annotated[bool, QueryParameter()] = True,
    ) -> EntityOut:
        runtime = runtime_of(request.app.state)
        screener = runtime.holder.current()
        entity = screener.watchlist.get(entity_id)
        if entity is None:
            raise NotFound(f"no entity {entity_id!r} in the watchlist", code="entity_not_found")
        dates = await dates_of(runtime, screener.version)
        rendered = ftm.render_entity(entity, entity_url(request, entity.id), dates)
        if nested:
            rendered = ftm.with_sanctions(rendered, entity, dates)
        return EntityOut.model_validate(rendered)

    @get(
        "/catalog",
        operation_id="yenteCatalog",
        summary="The watchlist as yente's catalog of datasets",
        sync_to_thread=False,
        responses=errors(*KEYED),
    )
    def catalog(self, state: State) -> CatalogOut:
        return catalog(runtime_of(state).holder.current().watchlist)


class StatusController(Controller):
    """yente's public routes: the algorithm and the process's state."""

    tags = ("opensanctions",)

    @get(
        "/algorithms",
        operation_id="yenteAlgorithms",
        summary="The matching algorithm",
        sync_to_thread=False,
    )
    def algorithms(self) -> AlgorithmsOut:
        return algorithms()

    @get(
        "/healthz",
        operation_id="yenteHealth",
        summary="Liveness, as yente says it",
        sync_to_thread=False,
    )
    def healthz(self) -> StatusOut:
        return StatusOut()

    @get(
        "/readyz",
        operation_id="yenteReady",
        summary="Readiness, as yente says it",
        description="200 once a watchlist is loaded; 503 before, its status `loading` or "
        "`failed` (`/ready` says more).",
        responses={503: ResponseSpec(StatusOut, description="No watchlist loaded.")},
    )
    async def readyz(self, state: State) -> Response[StatusOut]:
        watchlist = runtime_of(state).holder.state
        ready = watchlist is WatchlistState.READY
        return Response(
            StatusOut(status="ok" if ready else watchlist.value),
            status_code=200 if ready else 503,
            media_type=MediaType.JSON,
        )
