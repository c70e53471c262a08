"""`POST /v1/screen` and `POST /v1/screen/batch`: check the query, screen it through the
result cache against the current watchlist, answer with the cached match JSON spliced in."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, post
from litestar.openapi import ResponseSpec

from service.api.access import KEY_REQUIRED, caller_of, needs
from service.api.body import documented_body, parse_body, read_body
from service.api.context import runtime_of
from service.api.responses import KEYED, JsonBytes, errors
from service.api.schemas import (
    BatchRequest,
    BatchResponse,
    IdentifierIn,
    ScreenRequest,
    ScreenResponse,
    render_batch,
    render_batch_results,
    render_screen,
)
from service.auth.callers import Permission
from service.logs import annotate, annotate_queries, current_request_id
from service.runtime import Runtime
from service.screening import auditing
from service.screening.queries import (
    Limits,
    Parameters,
    RefusedQuery,
    ScreenQuery,
    check_batch,
    check_parameters,
    check_query,
)
from service.screening.query_identifiers import MAX_IDENTIFIER_CHARS, MAX_QUERY_IDENTIFIERS, Asked
from service.screening.results import Result
from service.settings import Settings
from service.store.audit import ScreeningRecord, new_screening_id
from service.timestamps import iso_utc
from service.watchlist.countries import MAX_COUNTRY_LENGTH

#: The checks of `service.screening.queries` on a name and a country, in the request schema
#: (with the default limits of `service.settings`).
_NAME_RULES = {"minLength": 1, "maxLength": Settings.model_fields["max_name_length"].default}
_COUNTRY_RULES = {"minLength": 1, "maxLength": MAX_COUNTRY_LENGTH}
_IDENTIFIER_RULES = {"minLength": 1, "maxLength": MAX_IDENTIFIER_CHARS}
_QUERY_RULES = {
    "name": _NAME_RULES,
    "country": _COUNTRY_RULES,
    "identifiers": {"maxItems": MAX_QUERY_IDENTIFIERS},
    "identifiers.type": _IDENTIFIER_RULES,
    "identifiers.value": _IDENTIFIER_RULES,
}
# A batch's names and countries are checked one by one: a query that fails gets its own error
# in the answer, so the body itself sets no rule on them.
_BATCH_RULES = {
    "queries": {"minItems": 1, "maxItems": Settings.model_fields["batch_max_queries"].default},
}
_ERRORS = errors(
    400, 413, 415, 422, *KEYED, described={413: "The body, or the batch, is larger than allowed."}
)


@dataclass(frozen=True, slots=True)
class _Batch:
    ids: list[str]
    #: Per query, in order: checked, or refused with its reason.
    queries: list[ScreenQuery | RefusedQuery]
    parameters: Parameters


def _checked_batch(body: bytes, limits: Limits) -> _Batch:
    """Parse and check a whole batch; CPU-bound for thousands of names, so run in a thread."""
    data = parse_body(body, BatchRequest)
    parameters = check_parameters(data.threshold, data.limit, limits)
    queries = [(q.id, q.name, q.country, _asked(q.identifiers)) for q in data.queries]
    return _Batch(
        [q.id for q in data.queries], check_batch(queries, parameters, limits), parameters
    )


def _asked(identifiers: Sequence[IdentifierIn] | None) -> list[Asked]:
    return [(i.type, i.value) for i in identifiers or ()]


def _batch_records(
    sids: Sequence[str | None],
    screened_at: datetime,
    batch: _Batch,
    parts: Sequence[bytes],
    results: Sequence[Result | None],
    version: str,
    key_id: str | None,
    request_id: str | None,
) -> list[ScreeningRecord]:
    records = []
    for sid, query, part, result in zip(sids, batch.queries, parts, results, strict=True):
        if isinstance(query, RefusedQuery) or result is None:
            assert isinstance(query, RefusedQuery)
            record = auditing.refused_record(
                sid or "", screened_at, query, batch.parameters, part, version, key_id, request_id
            )
        else:
            record = auditing.query_record(
                "batch", sid or "", screened_at, query, result, part, version, key_id, request_id
            )
        records.append(record)
    return records


async def screen_recorded(runtime: Runtime, query: ScreenQuery, key_id: str | None) -> bytes:
    """Screen one checked query and record it in the audit trail (committed before the answer
    leaves); the answer's JSON. Shared by `POST /v1/screen` and the web app's screening page."""
    screener = runtime.holder.current()
    result = await runtime.screening.screen_one(screener, query)
    annotate(matches=result.matches, cached=result.cached)
    annotate_queries([query.name or ""], log_queries=runtime.settings.log_queries)
    now = time.time()
    sid = new_screening_id() if runtime.auditing else None
    body = render_screen(query, result, screener.version, iso_utc(now), sid)
    if sid is not None:
        record = auditing.query_record(
            "single",
            sid,
            datetime.fromtimestamp(now, UTC),
            query,
            result,
            body,
            screener.version,
            key_id,
            current_request_id(),
        )
        await runtime.record([record])
    return body


class ScreenController(Controller):
    path = "/v1/screen"
    opt = needs(Permission.SCREEN)
    security = KEY_REQUIRED
    tags = ("screening",)

    @post(
        "/",
        operation_id="screen",
        operation_class=documented_body(ScreenRequest, _QUERY_RULES),
        summary="Screen one name",
        description="Matches of one company name, its identifiers, or both, against the "
        "watchlist, highest score first, each with an explanation of the score. An entity "
        "that lists one of the identifiers comes first at 1.0 whatever the name.",
        status_code=200,
        responses={
            200: ResponseSpec(ScreenResponse, description="The matches, possibly none."),
            **_ERRORS,
        },
    )
    async def screen(self, request: Request[Any, Any, Any]) -> JsonBytes:
        runtime = runtime_of(request.app.state)
        data = parse_body(await read_body(request, runtime.settings.max_body_bytes), ScreenRequest)
        parameters = check_parameters(data.threshold, data.limit, runtime.limits)
        query = check_query(
            data.name, data.country, parameters, runtime.limits, _asked(data.identifiers)
        )
        return JsonBytes(await screen_recorded(runtime, query, caller_of(request).key_id))

    @post(
        "/batch",
        operation_id="screenBatch",
        operation_class=documented_body(BatchRequest, _BATCH_RULES),
        summary="Screen up to 10,000 names",
        description="One result per query, in the order of the queries. Threshold and limit "
        "apply to every query. The cache is read and written once for the whole batch.",
        status_code=200,
        responses={
            200: ResponseSpec(BatchResponse, description="One result per query."),
            **_ERRORS,
        },
    )
    async def screen_batch(self, request: Request[Any, Any, Any]) -> JsonBytes:
        runtime = runtime_of(request.app.state)
        caller = caller_of(request)
        body = await read_body(request, runtime.settings.max_body_bytes)
        # Parsing and normalising thousands of names would stall the event loop.
        batch = await anyio.to_thread.run_sync(_checked_batch, body, runtime.limits)
        await runtime.limit(caller, rows=len(batch.queries))
        screener = runtime.holder.current()
        queries = [q for q in batch.queries if isinstance(q, ScreenQuery)]
        screened = iter(await runtime.screening.screen(screener, queries) if queries else [])
        results = [next(screened) if isinstance(q, ScreenQuery) else None for q in batch.queries]
        found = [r for r in results if r is not None]
        annotate(matches=sum(r.matches for r in found), cached=sum(r.cached for r in found))
        annotate_queries(
            [q.name or "" for q in batch.queries], log_queries=runtime.settings.log_queries
        )
        now = time.time()
        # Ascending in the order of the queries, as the audit export lists them.
        sids: list[str | None] = (
            list(sorted(new_screening_id() for _ in batch.queries))
            if runtime.auditing
            else [None] * len(batch.queries)
        )
        parts = await anyio.to_thread.run_sync(
            render_batch_results, batch.ids, batch.queries, results, sids
        )
        if runtime.auditing:
            records = await anyio.to_thread.run_sync(
                _batch_records,
                sids,
                datetime.fromtimestamp(now, UTC),
                batch,
                parts,
                results,
                screener.version,
                caller.key_id,
                current_request_id(),
            )
            await runtime.record(records)  # committed before the answer leaves
        # Joining up to a hundred megabytes: off the event loop too.
        body = await anyio.to_thread.run_sync(render_batch, parts, screener.version, iso_utc(now))
        return JsonBytes(body)
