"""The audit records of screenings, built from what was answered: a single screening's whole
response, each query of a batch, each row of a job or of a `screen-file` run. The matched
entity ids and scores are read from the match JSON without parsing it, since this runs on
every request.

No web framework, no database: the records go to `Runtime.record` (API), the job worker, or
the command line's `operators.CommandAudit`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from service.batch.outputs import ResultRow, jsonl_line
from service.batch.status import JobRecord
from service.queries import Parameters, RefusedQuery, ScreenQuery
from service.results import Result
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


def _outcome(matches: Sequence[tuple[str, float]]) -> Outcome:
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
    matches = matches_in(result.payload)
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
        outcome=_outcome(matches),
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


def job_row_id(job_id: str, row: int) -> str:
    """A job row's screening id: fixed, so a redone chunk records nothing twice."""
    return f"{job_id}.{row}"


@dataclass(frozen=True, slots=True)
class RowRun:
    """What the rows of one file share: a job of the API, or a `screen-file` run."""

    kind: Kind
    id: str
    key_id: str | None
    threshold: float | None
    limit: int | None
    watchlist_version: str | None
    operator: str | None = None


def job_rows(
    job: JobRecord, rows: Sequence[ResultRow], screened_at: datetime
) -> list[ScreeningRecord]:
    """The rows of a job chunk: each row's result line as the JSON Lines results give it."""
    run = RowRun("job", job.id, job.key_id, job.threshold, job.limit, job.watchlist_version)
    return row_records(run, rows, screened_at)


def row_records(
    run: RowRun, rows: Sequence[ResultRow], screened_at: datetime
) -> list[ScreeningRecord]:
    """The rows of a job chunk or of a `screen-file` run, each with its result line as the
    JSON Lines results give it, under a fixed id (`<run id>.<row>`)."""
    records = []
    for row in rows:
        matches = matches_in(row.matches)
        outcome: Outcome = "error" if row.status == "error" else _outcome(matches)
        records.append(
            ScreeningRecord(
                id=job_row_id(run.id, row.number),
                screened_at=screened_at,
                kind=run.kind,
                key_id=run.key_id,
                request_id=None,
                query_name=row.name,
                query_country=row.country,
                threshold=run.threshold,
                limit=run.limit,
                watchlist_version=run.watchlist_version,
                outcome=outcome,
                matches=matches,
                response=jsonl_line(row).decode(),
                job_id=run.id,
                row=row.number,
                operator=run.operator,
            )
        )
    return records
