"""`GET /v1/screenings/{screening_id}` (one past screening, with the answer exactly as it was
given) and `GET /v1/audit` (the audit trail filtered by time, key, entity, outcome and kind,
exported as JSON Lines or CSV, streamed). Nothing here changes a record.

An export's parameters are checked, and its query started, before the first byte is sent, so
that a bad request or a database that does not answer is a clear 4xx or 503. A failure after
that (the database lost mid-export) aborts the response: the client sees a broken transfer,
never a complete-looking but truncated 200.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter, QueryParameter
from litestar.response import Stream

from service.api.access import ANY_KEY, KEY_REQUIRED, caller_of, needs
from service.api.context import runtime_of
from service.api.responses import KEYED, JsonBytes, errors
from service.auth.callers import Permission
from service.errors import InvalidInput, NotFound
from service.files.formulas import inert
from service.runtime import Runtime
from service.store.audit import AuditFilter, Kind, Outcome, ScreeningRecord

log = logging.getLogger(__name__)
#: Records per piece of a streamed export.
_PIECE = 500
#: Largest `limit` of an export: more records than any audit trail holds, and within every
#: database's integer range (a larger number crashed SQLite mid-export).
_MAX_LIMIT = 1_000_000_000
#: Text parameters: at most this long (the longest entity id of the schema), no control
#: characters (PostgreSQL refuses a NUL in a query's text).
_MAX_ID = 200
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
_CSV_COLUMNS = (
    "screening_id", "screened_at", "kind", "key_id", "operator", "request_id", "job_id", "row",
    "query_name", "query_country", "threshold", "limit", "watchlist_version", "outcome",
    "match_count", "matches", "response",
)  # fmt: skip


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def _head(record: ScreeningRecord) -> dict[str, Any]:
    summary = record.summary()
    del summary["response"]
    return summary


def record_json(record: ScreeningRecord) -> bytes:
    """The record as JSON, its `response` spliced in as stored: the answer byte for byte."""
    head = json.dumps(_head(record), ensure_ascii=False)[:-1]
    return f'{head},"response":{record.response}}}'.encode()


def _csv_row(record: ScreeningRecord) -> list[Any]:
    matches = "; ".join(f"{entity}={score}" for entity, score in record.matches)
    cells = [
        record.id, record.screened_at.isoformat(timespec="microseconds"), record.kind,
        record.key_id, record.operator, record.request_id, record.job_id, record.row,
        record.query_name,
        record.query_country, record.threshold, record.limit, record.watchlist_version,
        record.outcome, len(record.matches), matches, record.response,
    ]  # fmt: skip
    # Names, request ids and answers come from callers: none may become a formula.
    return [inert(cell) for cell in cells]


def _pieces(records: Iterator[ScreeningRecord], fmt: ExportFormat) -> Iterator[bytes]:
    """The export in pieces of `_PIECE` records (each read in a worker thread by litestar);
    the CSV header comes with the first records, so the query has started by then."""
    piece: list[bytes] = []
    if fmt is ExportFormat.CSV:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(_CSV_COLUMNS)
        piece.append(b"\xef\xbb\xbf" + buffer.getvalue().encode())
    for record in records:
        if fmt is ExportFormat.CSV:
            buffer = io.StringIO()
            csv.writer(buffer).writerow(_csv_row(record))
            piece.append(buffer.getvalue().encode())
        else:
            piece.append(record_json(record) + b"\n")
        if len(piece) >= _PIECE:
            yield b"".join(piece)
            piece = []
    if piece:
        yield b"".join(piece)


def _aborting(first: bytes, pieces: Iterator[bytes]) -> Iterator[bytes]:
    """The export's pieces; if one fails, the failure is logged once and raised on, so the
    server aborts the response instead of ending it as if complete."""
    yield first
    try:
        yield from pieces
    except Exception as exc:
        log.error("audit export aborted part-way", extra={"error": f"{type(exc).__name__}: {exc}"})
        raise


def iso_moment(name: str, value: str | None) -> datetime | None:
    """An ISO 8601 date or time, in UTC (UTC if it names no zone)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # not a date, or beyond year 9999 in UTC
        raise InvalidInput(
            f"{name} is not an ISO 8601 date or time between the years 1 and 9999: {value[:40]!r}",
            code="invalid_parameter",
        ) from None


async def export_stream(
    runtime: Runtime, where: AuditFilter, fmt: ExportFormat, limit: int | None
) -> Stream:
    """The audit export's response, its query started (shared by `GET /v1/audit` and the web
    app's audit page)."""
    await runtime.audit_caught_up()
    records = runtime.store.audit.find(where, limit)
    # The first piece (the query's start) is read here, so a database error is a clear answer,
    # not a broken stream.
    pieces = _pieces(records, fmt)
    first = await anyio.to_thread.run_sync(next, pieces, b"")
    # litestar adds `; charset=utf-8` to a text/ media type itself.
    media = "text/csv" if fmt is ExportFormat.CSV else "application/x-ndjson"
    name = f"audit.{fmt.value}"
    return Stream(
        _aborting(first, pieces),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class AuditController(Controller):
    security = KEY_REQUIRED
    tags = ("audit",)

    @get(
        "/v1/screenings/{screening_id:str}",
        operation_id="getScreening",
        summary="A past screening, exactly as answered",
        description="Who asked (key id), when, the query and parameters, the watchlist version, "
        "the matches (entity ids and scores) and `response`: the answer as it was sent. "
        "Auditors see every screening; other keys only their own.",
        opt=needs(ANY_KEY),
        responses={
            200: ResponseSpec(None, description="The record.", media_type="application/json"),
            **errors(
                400, 404, 422, *KEYED, described={404: "No such screening, or not yours to see."}
            ),
        },
    )
    async def screening(
        self,
        request: Request[Any, Any, Any],
        screening_id: Annotated[str, PathParameter(max_length=80, pattern=_PRINTABLE)],
    ) -> JsonBytes:
        runtime = runtime_of(request.app.state)
        caller = caller_of(request)
        await runtime.audit_caught_up()
        record = await anyio.to_thread.run_sync(runtime.store.audit.get, screening_id)
        if record is None or not (
            caller.may(Permission.READ_AUDIT) or record.key_id == caller.key_id
        ):
            raise NotFound(f"no screening {screening_id!r}", code="screening_not_found")
        return JsonBytes(record_json(record))

    @get(
        "/v1/audit",
        operation_id="exportAudit",
        summary="Export the audit trail",
        description="Records oldest first, filtered; JSON Lines (one record per line, as "
        "`GET /v1/screenings/{id}` gives it) or CSV (UTF-8 with BOM; matches as "
        "`entity=score; ...`). Streamed: any size. Auditor keys only.",
        opt=needs(Permission.READ_AUDIT),
        responses={200: ResponseSpec(None, description="The export."), **errors(400, 422, *KEYED)},
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        since: Annotated[
            str | None,
            QueryParameter(description="ISO 8601; from this moment on (UTC if no zone)."),
        ] = None,
        until: Annotated[str | None, QueryParameter(description="ISO 8601; before this.")] = None,
        key_id: Annotated[str | None, QueryParameter(max_length=16, pattern=_PRINTABLE)] = None,
        entity_id: Annotated[
            str | None,
            QueryParameter(
                description="Screenings that returned this entity.",
                max_length=_MAX_ID,
                pattern=_PRINTABLE,
            ),
        ] = None,
        outcome: Annotated[
            Outcome | None, QueryParameter(description="hit, clear or error (a job row).")
        ] = None,
        kind: Annotated[
            Kind | None,
            QueryParameter(description="single, batch, job or file (`screen-file` rows)."),
        ] = None,
        format: Annotated[
            ExportFormat, QueryParameter(description="jsonl (the default) or csv.")
        ] = ExportFormat.JSONL,
        limit: Annotated[
            int | None, QueryParameter(ge=1, le=_MAX_LIMIT, description="At most this many.")
        ] = None,
    ) -> Stream:
        runtime = runtime_of(request.app.state)
        where = AuditFilter(
            since=iso_moment("since", since),
            until=iso_moment("until", until),
            key_id=key_id,
            entity_id=entity_id,
            outcome=outcome,
            kinds=(kind,) if kind else (),
        )
        return await export_stream(runtime, where, format, limit)
