"""The audit records of the rows of a file screened: each row of a job, or of a `screen-file`
run, with its result line as the JSON Lines results give it. No web framework, no database:
the records go to the job worker (`tasks`) or the command line's `operators.CommandAudit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from service.batch.outputs import ResultRow, jsonl_line
from service.batch.status import JobRecord
from service.screening.auditing import matches_in, outcome_of
from service.store.audit import Kind, Outcome, ScreeningRecord


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
        outcome: Outcome = "error" if row.status == "error" else outcome_of(matches)
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
