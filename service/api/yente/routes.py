"""`POST /match/{dataset}`, yente's matching, on the engine, cache, keys, rate limits and
audit trail of `/v1` (the work is in `matching`); and what the yente routes share: the path's
dataset, an entity's address, the dates of entities, the audit records of their screenings.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, post
from litestar.openapi import ResponseSpec
from litestar.params import Parameter, QueryParameter

from service.api.access import KEY_REQUIRED, caller_of, needs
from service.api.body import documented_body, parse_body, read_body
from service.api.context import runtime_of
from service.api.responses import KEYED, JsonBytes, errors
from service.api.yente import ftm
from service.api.yente.catalog import ALGORITHM
from service.api.yente.matching import (
    MAX_EXCLUDED,
    Options,
    Planned,
    answer,
    check_options,
    make_options,
    plan,
)
from service.api.yente.models import (
    EntityMatches,
    Matcher,
    MatchRequest,
    MatchResponse,
)
from service.auth.callers import Permission
from service.logs import annotate, annotate_queries, current_request_id
from service.runtime import Runtime
from service.screening import auditing
from service.screening.queries import Parameters, ScreenQuery
from service.screening.results import Result
from service.screening.screener import Screener
from service.store.audit import Kind, ScreeningRecord, new_screening_id

#: yente's pattern of `changed_since`: a date, to the hour, minute or second.
_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
#: The path's dataset: `default` or a leaf of the catalog (`NotFound` otherwise, later).
DATASET = Annotated[
    str,
    Parameter(
        pattern=r"^[a-z0-9_]{1,64}$",
        description="`default` (the whole watchlist) or a listing authority's dataset (`eu`, "
        "`us_ofac`...): see `/catalog`.",
    ),
]
#: A repeatable query parameter (`topics=a&topics=b`), bounded as yente bounds its own.
LIST = Annotated[list[str] | None, QueryParameter(max_items=MAX_EXCLUDED)]


def entity_url(request: Request[Any, Any, Any], entity_id: str) -> str:
    return str(request.base_url).rstrip("/") + f"/entities/{entity_id}"


def _answers(
    screener: Screener,
    planned: Sequence[Planned],
    results: Sequence[Result],
    options: Options,
    base: str,
    dates: ftm.Dates,
) -> dict[str, EntityMatches]:
    """Each query's answer, from the results of its names (in the order of `planned`)."""
    responses: dict[str, EntityMatches] = {}
    at = 0
    for each in planned:
        mine = results[at : at + len(each.queries)]
        at += len(each.queries)
        responses[each.key] = answer(
            screener,
            each,
            mine,
            options,
            lambda e: ftm.render_entity(e, f"{base}/entities/{e.id}", dates),
        )
    return responses


async def dates_of(runtime: Runtime, version: str) -> ftm.Dates:
    """`last_seen`: when the watchlist version serving the entities was last put in service."""
    for record in await runtime.versions.records(pinned=version):
        if record.version == version:
            return ftm.Dates(last_seen=record.loaded_at.isoformat(timespec="seconds"))
    return ftm.Dates()


def audit_records(
    screened: Sequence[tuple[ScreenQuery, bytes]],
    results: Sequence[Result],
    version: str,
    key_id: str | None,
) -> list[ScreeningRecord]:
    """One audit record per name screened, with the answer of its query as sent."""
    now = datetime.fromtimestamp(time.time(), UTC)
    kind: Kind = "single" if len(results) == 1 else "batch"
    request_id = current_request_id()
    records = [
        auditing.query_record(
            kind, new_screening_id(), now, query, result, body, version, key_id, request_id
        )
        for (query, body), result in zip(screened, results, strict=True)
    ]
    # Ascending in the order of the queries, as the audit export lists them.
    ids = sorted(r.id for r in records)
    return [dataclasses.replace(r, id=i) for r, i in zip(records, ids, strict=True)]


class MatchController(Controller):
    opt = needs(Permission.SCREEN)
    security = KEY_REQUIRED
    tags = ("opensanctions",)

    @post(
        "/match/{dataset:str}",
        operation_id="yenteMatch",
        operation_class=documented_body(MatchRequest),
        summary="Match entities, as yente does",
        description="yente's query-by-example matching: each query an FtM entity (`Company`, "
        "`Organization`, `LegalEntity`...), each of its names screened as `/v1/screen` screens "
        "one (with its `country` or `jurisdiction` and its identifiers), the best score per "
        "entity kept. `cutoff` (at most `threshold`) is the lowest score returned, "
        "`threshold` the score from which a result is a `match`; both default to the "
        "service's threshold. See docs/opensanctions.md.",
        status_code=200,
        responses={
            200: ResponseSpec(MatchResponse, description="One answer per query key."),
            **errors(400, 404, 413, 415, 422, *KEYED),
        },
    )
    async def match(
        self,
        request: Request[Any, Any, Any],
        dataset: DATASET,
        limit: Annotated[int | None, QueryParameter(description="Results per query.")] = None,
        threshold: Annotated[float | None, QueryParameter()] = None,
        cutoff: Annotated[float | None, QueryParameter()] = None,
        algorithm: Annotated[str, QueryParameter(max_length=64)] = "best",
        include_dataset: LIST = None,
        exclude_dataset: LIST = None,
        topics: LIST = None,
        exclude_entity_ids: LIST = None,
        exclude_schema: LIST = None,
        changed_since: Annotated[
            str | None,
            QueryParameter(
                pattern=_TIMESTAMP,
                description="Accepted for yente's clients; the watchlist keeps no per-entity "
                "change dates, so no entity is left out for it.",
            ),
        ] = None,
    ) -> JsonBytes:
        runtime = runtime_of(request.app.state)
        body = await read_body(request, runtime.settings.max_body_bytes)
        data = parse_body(body, MatchRequest)
        screener = runtime.holder.current()
        match_at, engine = check_options(threshold, cutoff, limit, algorithm, runtime.limits)
        options = make_options(
            screener.watchlist,
            dataset,
            match_at,
            engine,
            include_dataset or [],
            exclude_dataset or [],
            topics or [],
            exclude_entity_ids or [],
            exclude_schema or [],
        )
        # Results left out by a filter make room for others: the engine is asked for more.
        wanted = engine.limit + len(options.excluded_ids)
        filtered = options.excluded_datasets or options.topics or options.excluded_schemata
        if options.datasets is not None or filtered:
            wanted = runtime.limits.max_limit
        # Checking and normalising up to thousands of names would stall the event loop.
        planned = await anyio.to_thread.run_sync(
            plan,
            data,
            Parameters(engine.threshold, min(wanted, runtime.limits.max_limit)),
            runtime.limits,
        )
        queries = [q for p in planned for q in p.queries]
        caller = caller_of(request)
        if len(queries) > 1:
            await runtime.limit(caller, rows=len(queries))
        results = await runtime.screening.screen(screener, queries)
        annotate(matches=sum(r.matches for r in results), cached=sum(r.cached for r in results))
        annotate_queries([q.name or "" for q in queries], log_queries=runtime.settings.log_queries)
        dates = await dates_of(runtime, screener.version)
        base = str(request.base_url).rstrip("/")
        # Rendering as many as 100 queries' results: off the event loop too.
        responses = await anyio.to_thread.run_sync(
            _answers, screener, planned, results, options, base, dates
        )
        # Each query's answer serialised once: recorded as it is sent, then spliced in.
        bodies = {p.key: responses[p.key].model_dump_json(by_alias=True) for p in planned}
        if runtime.auditing:
            screened = [(q, bodies[p.key].encode()) for p in planned for q in p.queries]
            records = audit_records(screened, results, screener.version, caller.key_id)
            await runtime.record(records)  # committed before the answer leaves
        matcher = Matcher(
            name=ALGORITHM,
            watchlist_version=screener.version,
            threshold=options.threshold,
            cutoff=options.cutoff,
        )
        parts = ",".join(f"{json.dumps(key)}:{body}" for key, body in bodies.items())
        return JsonBytes(
            f'{{"responses":{{{parts}}},"matcher":{matcher.model_dump_json()},'
            f'"limit":{options.limit}}}'.encode()
        )
