"""Reading a job submission: a multipart upload (the file in a `file` field, the options in
other fields) streamed to a temporary file within the size limit, or a JSON body of rows or
names written out as JSON Lines. Refused with the service's error codes: 415 (neither), 413
(too large, told at once from Content-Length or as soon as the limit is passed), 400 (broken
multipart or JSON), 422 (no file, bad options).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import anyio.to_thread
from litestar import Request
from multipart import MultipartError, MultipartSegment, PushMultipartParser  # type: ignore[import-untyped]
from pydantic import ValidationError

from service.api.body import parse_body, read_body
from service.api.job_schemas import JobOptions, JobRowsRequest
from service.api.schemas import IdentifierIn
from service.batch.layout import TableFormat
from service.errors import BadRequest, BodyTooLarge, InvalidInput, UnsupportedMediaType

#: The multipart field that holds the file.
FILE_FIELD = "file"
#: Largest value of a form field other than the file, in bytes.
MAX_FIELD_BYTES = 4096
#: Most parts of a multipart body: the file and the options.
MAX_PARTS = 32
#: What a multipart body may hold besides the file (boundaries, part headers, option fields).
MULTIPART_OVERHEAD_BYTES = MAX_PARTS * (MAX_FIELD_BYTES + 512)


@dataclass(frozen=True, slots=True)
class Submission:
    path: Path
    filename: str
    size: int
    options: JobOptions
    #: sha256 of the file and the options: the same for a resubmission of the same job.
    fingerprint: str


async def read_submission(
    request: Request[Any, Any, Any], max_bytes: int, directory: Path
) -> Submission:
    """The upload (in a file in `directory`) and options of `POST /v1/jobs`."""
    declared = request.headers.get("content-type", "")
    media_type = declared.split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        return await _read_multipart(request, max_bytes, directory / "upload")
    if media_type == "application/json" or media_type.endswith("+json"):
        return await _read_rows(request, max_bytes, directory / "rows.jsonl")
    raise UnsupportedMediaType(
        "send the file as multipart/form-data (the file in a field named `file`, options in "
        f"other fields) or rows as JSON ('Content-Type: application/json'), got {declared!r}"
    )


def _too_large(max_bytes: int) -> BodyTooLarge:
    return BodyTooLarge(
        f"the upload is larger than the limit of {max_bytes} bytes "
        "(SCREENING_JOB_UPLOAD_MAX_BYTES)",
        code="upload_too_large",
    )


class _Parts:
    """The state of a multipart body being read: the file written out, the fields kept."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.size = 0
        self.digest = hashlib.sha256()
        self._file: IO[bytes] | None = None
        self._field: tuple[str, bytearray] | None = None

    def on(self, event: MultipartSegment | bytes | None) -> None:
        if isinstance(event, MultipartSegment):
            self._begin(event)
        elif event is None:
            self._end()
        elif self._file is not None:
            self.size += len(event)
            if self.size > self.max_bytes:
                raise _too_large(self.max_bytes)
            self._file.write(event)
            self.digest.update(event)
        elif self._field is not None:
            self._field[1].extend(event)
            if len(self._field[1]) > MAX_FIELD_BYTES:
                raise InvalidInput(
                    f"the form field {self._field[0]!r} is longer than {MAX_FIELD_BYTES} bytes",
                    code="invalid_field",
                )

    def _begin(self, segment: MultipartSegment) -> None:
        if segment.name == FILE_FIELD:
            if self.filename is not None:
                raise InvalidInput("send one file per job", code="invalid_field")
            self.filename = segment.filename or "upload"
            self._file = self.path.open("wb")
        else:
            self._field = (segment.name or "", bytearray())

    def _end(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        elif self._field is not None:
            name, value = self._field
            self.fields[name] = value.decode("utf-8", errors="replace")
            self._field = None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


async def _read_multipart(
    request: Request[Any, Any, Any], max_bytes: int, path: Path
) -> Submission:
    _, params = request.content_type
    boundary = params.get("boundary")
    if not boundary:
        raise BadRequest("the multipart Content-Type has no boundary", code="malformed_multipart")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes + MULTIPART_OVERHEAD_BYTES:
        raise _too_large(max_bytes)
    parts = _Parts(path, max_bytes)
    try:
        with PushMultipartParser(boundary, max_segment_count=MAX_PARTS) as parser:
            async for chunk in request.stream():
                for event in parser.parse(chunk):
                    parts.on(event)
                if parser.closed:
                    break
    except MultipartError as exc:
        raise BadRequest(
            f"the multipart body is malformed: {exc}", code="malformed_multipart"
        ) from None
    finally:
        parts.close()
    if parts.filename is None:
        raise InvalidInput(
            f"no file: send the supplier file in a multipart field named {FILE_FIELD!r}",
            code="file_missing",
        )
    options = _options(parts.fields)
    parts.digest.update(options.model_dump_json().encode())
    return Submission(path, parts.filename, parts.size, options, parts.digest.hexdigest())


def _options(fields: dict[str, str]) -> JobOptions:
    # An empty field is an option not given (as HTML forms send them).
    given = {name: value for name, value in fields.items() if value.strip()}
    try:
        return JobOptions.model_validate(given)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        details = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in errors]
        problems = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise InvalidInput(
            f"the job options are invalid: {problems}", code="invalid_field", details=details
        ) from None


def _cell(identifiers: Sequence[IdentifierIn] | None) -> str | None:
    """A row's identifiers as the one cell `tables` reads them from (`unp:100230519; 7707...`)."""
    if not identifiers:
        return None
    return "; ".join(f"{i.type}:{i.value}" if i.type else i.value for i in identifiers)


async def _read_rows(request: Request[Any, Any, Any], max_bytes: int, path: Path) -> Submission:
    """A JSON body, written as JSON Lines with fixed keys for `tables` to read like a file."""
    body = await read_body(request, max_bytes)
    # Parsing and writing a large body would stall the event loop.
    return await anyio.to_thread.run_sync(_written_rows, body, path)


def _written_rows(body: bytes, path: Path) -> Submission:
    data = parse_body(body, JobRowsRequest)
    if data.rows is not None:
        rows = [
            {"name": r.name, "country": r.country, "id": r.id, "identifiers": _cell(r.identifiers)}
            for r in data.rows
        ]
    else:
        rows = [
            {"name": n, "country": None, "id": None, "identifiers": None} for n in data.names or []
        ]
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
    options = JobOptions(
        format=TableFormat.JSONL,
        name_column="name",
        country_column="country",
        id_column="id",
        identifier_column="identifiers",
        threshold=data.threshold,
        limit=data.limit,
        only_hits=data.only_hits,
    )
    fingerprint = hashlib.sha256(body).hexdigest()
    return Submission(path, "rows.jsonl", len(body), options, fingerprint)
