"""`GET /v1/screenings/{screening_id}` (one past screening, with the answer exactly as it was
given) and `GET /v1/audit` (the audit trail filtered by time, key, entity, outcome and kind,
exported as JSON Lines or CSV, streamed). Nothing here changes a record."""

from __future__ import annotations

import csv
import io
import json
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
from service.auth import Permission
from service.errors import InvalidInput, NotFound
from service.store.audit import AuditFilter, Kind, Outcome, ScreeningRecord

#: Records per piece of a streamed export.
_PIECE = 500
_CSV_COLUMNS = (
    "screening_id", "screened_at", "kind", "key_id", "request_id", "job_id", "row",
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
    return [
        record.id, record.screened_at.isoformat(timespec="microseconds"), record.kind,
        record.key_id, record.request_id, record.job_id, record.row, record.query_name,
        record.query_country, record.threshold, record.limit, record.watchlist_version,
        record.outcome, len(record.matches), matches, record.response,
    ]  # fmt: skip


def _pieces(records: Iterator[ScreeningRecord], fmt: ExportFormat) -> Iterator[bytes]:
    """The export in pieces of `_PIECE` records (each read in a worker thread by litestar)."""
    if fmt is ExportFormat.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(_CSV_COLUMNS)
        yield b"\xef\xbb\xbf" + buffer.getvalue().encode()
    piece: list[bytes] = []
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


def _moment(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{name} is not an ISO 8601 date or time: {value!r}", code="invalid_parameter"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
        screening_id: Annotated[str, PathParameter(max_length=80)],
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
        key_id: Annotated[str | None, QueryParameter(max_length=16)] = None,
        entity_id: Annotated[
            str | None, QueryParameter(description="Screenings that returned this entity.")
        ] = None,
        outcome: Annotated[
            Outcome | None, QueryParameter(description="hit, clear or error (a job row).")
        ] = None,
        kind: Annotated[Kind | None, QueryParameter(description="single, batch or job.")] = None,
        format: Annotated[
            ExportFormat, QueryParameter(description="jsonl (the default) or csv.")
        ] = ExportFormat.JSONL,
        limit: Annotated[int | None, QueryParameter(ge=1, description="At most this many.")] = None,
    ) -> Stream:
        runtime = runtime_of(request.app.state)
        where = AuditFilter(
            since=_moment("since", since),
            until=_moment("until", until),
            key_id=key_id,
            entity_id=entity_id,
            outcome=outcome,
            kinds=(kind,) if kind else (),
        )
        await runtime.audit_caught_up()
        records = runtime.store.audit.find(where, limit)
        # The first piece (the query's start) is read here, so a database error is a clear
        # answer, not a broken stream.
        pieces = _pieces(records, format)
        first = await anyio.to_thread.run_sync(next, pieces, b"")
        # litestar adds `; charset=utf-8` to a text/ media type itself.
        media = "text/csv" if format is ExportFormat.CSV else "application/x-ndjson"
        name = f"audit.{format.value}"

        def rest() -> Iterator[bytes]:
            yield first
            yield from pieces

        return Stream(
            rest(),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
