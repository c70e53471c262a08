"""A batch job's status: its record as kept in Redis (options, what was detected in the file,
the watchlist version it is pinned to, counters) and the progress figures derived from it.
Pure: the Redis side is `service.batch.jobs`; no web framework here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from service.batch.layout import TableInfo


class JobStatus(StrEnum):
    #: Accepted, its file stored; no worker has taken it yet.
    QUEUED = "queued"
    #: A worker is reading the file into chunks, or workers are screening them.
    RUNNING = "running"
    #: Every chunk screened and counted; the results can be downloaded.
    DONE = "done"
    #: Given up; `error_code` and `error_message` say why. No results.
    FAILED = "failed"


class JobRecord(BaseModel):
    """A job as kept in its Redis hash (every value a string there, read leniently)."""

    model_config = ConfigDict(frozen=True)

    id: str
    status: JobStatus
    filename: str
    size: int
    #: sha256 of the upload and the options: what an `Idempotency-Key` promises to repeat.
    fingerprint: str
    table: TableInfo
    threshold: float
    limit: int
    only_hits: bool
    created_at: datetime
    #: The API key that submitted the job (None in open mode): only it, and admins, see it.
    key_id: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    #: Rows charged to the key's rows per hour so far: the estimate at submission, then the
    #: rows read past it (None: a job from before rows were charged as read).
    rows_charged: int | None = None
    #: The watchlist version every row is screened against, pinned when a worker starts it.
    watchlist_version: str | None = None
    #: Known once the whole file has been read into chunks.
    rows_total: int | None = None
    chunks_total: int | None = None
    rows_done: int = 0
    hits: int = 0
    errors: int = 0
    #: Rows answered without matching: from the result cache (repeats across chunks and jobs)
    #: or repeating a name of the same chunk.
    cache_hits: int = 0
    chunks_done: int = 0
    error_code: str | None = None
    error_message: str | None = None

    @classmethod
    def from_hash(cls, fields: dict[bytes, bytes]) -> JobRecord:
        data: dict[str, Any] = {k.decode(): v.decode() for k, v in fields.items()}
        data["table"] = json.loads(data.get("table", "null"))
        return cls.model_validate(data)

    def to_hash(self) -> dict[str, str]:
        """The fields to store (None left out), every value as a string."""
        data = self.model_dump(mode="json")
        return {key: _text(value) for key, value in data.items() if value is not None}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True, slots=True)
class ChunkCounts:
    """What one chunk adds to its job's counters."""

    rows: int
    hits: int
    errors: int
    cache_hits: int


@dataclass(frozen=True, slots=True)
class Progress:
    rows_total: int | None
    rows_done: int
    hits: int
    errors: int
    cache_hits: int
    chunks_total: int | None
    chunks_done: int
    #: Share of the rows done, 0 to 100; None until the total is known.
    percent: float | None
    #: Rows screened per second since the job started (until it finished).
    rows_per_second: float | None
    #: Seconds left at that rate; None when unknown, 0 when done.
    eta_seconds: float | None


def progress(record: JobRecord, now: datetime) -> Progress:
    """The progress figures of a job at `now`."""
    rate = None
    if record.started_at is not None:
        elapsed = ((record.finished_at or now) - record.started_at).total_seconds()
        if elapsed > 0 and record.rows_done:
            rate = record.rows_done / elapsed
    percent = eta = None
    if record.rows_total is not None:
        left = record.rows_total - record.rows_done
        percent = 100.0 if not record.rows_total else 100.0 * record.rows_done / record.rows_total
        if record.status is JobStatus.DONE:
            eta = 0.0
        elif rate:
            eta = left / rate
    return Progress(
        rows_total=record.rows_total,
        rows_done=record.rows_done,
        hits=record.hits,
        errors=record.errors,
        cache_hits=record.cache_hits,
        chunks_total=record.chunks_total,
        chunks_done=record.chunks_done,
        percent=None if percent is None else round(percent, 2),
        rows_per_second=None if rate is None else round(rate, 1),
        eta_seconds=None if eta is None else round(eta, 1),
    )
