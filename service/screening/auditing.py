"""The audit records of the API's screenings, built from what was answered: a single
screening's whole response, each query of a batch (the rows of jobs and of `screen-file` runs
are in `service.batch.audit_rows`). The matched entity ids and scores are read from the match
JSON without parsing it, since this runs on every request.

No web framework, no database, nothing of `batch`: the records go to `Runtime.record`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from datetime import datetime

from service.screening.queries import Parameters, RefusedQuery, ScreenQuery
from service.screening.results import Result
from service.store.audit import Kind, Outcome, ScreeningRecord

#: A match object's id and score. Inside JSON strings every quote is escaped, so the unescaped
#: `,"alias_kind":"` cannot occur in a name: the lazy `.*?` stops at the match's own field.
_MATCH = re.compile(
    rb'\{"entity_id":"((?:[^"\\]|\\.)*)".*?,"alias_kind":"[a-z]+","score":([-+.eE0-9]+)'
)


@functools.lru_cache(maxsize=4096)
def matches_in(payload: bytes) -> tuple[tuple[str, float], ...]:
    """(entity id, score) of each match in a serialised match list, in order. Remembered: a
    cached result is the same bytes object each time, found again at the cost of a lookup."""
    return tuple(
        (json.loads(b'"' + entity + b'"') if b"\\" in entity else entity.decode(), float(score))
        for entity, score in _MATCH.findall(payload)
    )


def outcome_of(matches: Sequence[tuple[str, float]]) -> Outcome:
    return "hit" if matches else "clear"


def query_record(
    kind: Kind,
    screening_id: str,
    screened_at: datetime,
    query: ScreenQuery,
    result: Result,
    response: bytes,
    version: str,
    key_id: str | None,
    request_id: str | None,
) -> ScreeningRecord:
    """A screening of the API: `single` with the response body as sent, or `batch` with the
    query's result object as sent."""
    matches = result.found if result.found is not None else matches_in(result.payload)
    return ScreeningRecord(
        id=screening_id,
        screened_at=screened_at,
        kind=kind,
        key_id=key_id,
        request_id=request_id,
        query_name=query.name,
        query_country=query.country,
        threshold=query.threshold,
        limit=query.limit,
        watchlist_version=version,
        outcome=outcome_of(matches),
        matches=matches,
        response=response.decode(),
    )


def refused_record(
    screening_id: str,
    screened_at: datetime,
    query: RefusedQuery,
    parameters: Parameters,
    response: bytes,
    version: str,
    key_id: str | None,
    request_id: str | None,
) -> ScreeningRecord:
    """A query of a batch that was not screened (its result object, with the error, as sent):
    the trail shows what was asked and refused, not only what was screened."""
    return ScreeningRecord(
        id=screening_id,
        screened_at=screened_at,
        kind="batch",
        key_id=key_id,
        request_id=request_id,
        query_name=query.name,
        query_country=None,
        threshold=parameters.threshold,
        limit=parameters.limit,
        watchlist_version=version,
        outcome="error",
        matches=(),
        response=response.decode(),
    )
