"""The files pages: upload a supplier file, see what was detected in it (format, encoding,
delimiter, columns) and change the columns before starting, follow the job's progress, read its
results (hits first, filtered, each row's explanation) and download them. The job goes through
the same submission as `POST /v1/jobs` (`service.api.jobs.submit_job`).

An uploaded file waits in the data directory (`web-uploads/`) until it is started, or until its
session ends.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Litestar, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import QueryParameter
from litestar.response import Stream

from service.api.context import runtime_of
from service.api.job_schemas import JobOptions, job_out
from service.api.jobs import check_owner, jobs_of, submit_job
from service.api.uploads import FILE_FIELD, Submission
from service.api.web.forms import ColumnsForm, number
from service.api.web.gate import PREFIX, caller_of_page, page, redirect, render, visit_of
from service.api.web.pages import Form, PathId
from service.auth.callers import Permission
from service.batch.chunks import unpack_output
from service.batch.download import MEDIA_TYPES, result_stream
from service.batch.layout import TableOptions
from service.batch.outputs import ResultFormat, ResultRow
from service.batch.status import JobStatus
from service.batch.tables import inspect_file
from service.errors import InvalidInput, NotFound, UploadTooLarge
from service.settings import Settings

#: Largest upload through the web app, in bytes (the API's default limit); the configured
#: `SCREENING_JOB_UPLOAD_MAX_BYTES` applies too when lower.
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
#: Rows shown on a results page; the download has them all.
SHOWN_ROWS = 500
#: Jobs a session lists on the files page.
LISTED_JOBS = 20
_ORDER = {"hit": 0, "error": 1, "clear": 2}
_STATUSES = ("hit", "error", "clear")


def uploads_directory(settings: Settings) -> Path:
    """Where uploaded files wait to be started: sessions live in memory, so what is there when
    the server starts or stops belongs to no session any more."""
    return settings.data_dir / "web-uploads"


@asynccontextmanager
async def uploads_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Remove the uploads no session can start, at start-up and at shut-down."""
    directory = uploads_directory(runtime_of(app.state).settings)
    await anyio.to_thread.run_sync(shutil.rmtree, directory, True)
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(shutil.rmtree, directory, True)


@dataclass(frozen=True, slots=True)
class Staged:
    path: Path
    filename: str
    size: int
    fingerprint: str


def _staged(directory: Path) -> Staged:
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    return Staged(directory / "upload", meta["filename"], meta["size"], meta["fingerprint"])


async def _stage(upload: UploadFile, directory: Path, max_bytes: int) -> Staged:
    directory.mkdir(parents=True)
    digest = hashlib.sha256()
    size = 0
    with (directory / "upload").open("wb") as out:
        while chunk := await upload.read(1024 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(
                    f"the file is larger than the limit of {max_bytes} bytes",
                    code="upload_too_large",
                )
            digest.update(chunk)
            out.write(chunk)
    name = Path(upload.filename or "upload").name[:200] or "upload"
    meta = {"filename": name, "size": size, "fingerprint": digest.hexdigest()}
    (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return _staged(directory)


def _column(label: str) -> str | None:
    return label.strip() or None


def _rows(payloads: list[bytes]) -> list[ResultRow]:
    return [row for payload in payloads for row in unpack_output(payload)]


def _explained(row: ResultRow) -> dict[str, Any]:
    matches = json.loads(row.matches)
    return {"row": row, "matches": matches, "best": matches[0] if matches else None}


class FilePages(Controller):
    path = f"{PREFIX}/files"
    include_in_schema = False
    opt = page(Permission.JOBS)

    @get("/")
    async def files(self, request: Request[Any, Any, Any]) -> Any:
        backend = jobs_of(request.app.state)
        jobs = []
        session = visit_of(request).session
        if session.jobs:
            queue = await backend.queue()
            for job_id in session.jobs[-LISTED_JOBS:][::-1]:
                record = await queue.store.record(job_id)
                if record is not None:
                    jobs.append(job_out(record, datetime.now(UTC)))
        return render(request, "files.html", title="Files", jobs=jobs)

    @post("/", status_code=200, request_max_body_size=MAX_UPLOAD_BYTES)
    async def upload(self, request: Request[Any, Any, Any]) -> Any:
        runtime = runtime_of(request.app.state)
        form = await request.form()
        upload = form.get(FILE_FIELD)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("choose a file to upload", code="file_missing")
        upload_id = secrets.token_hex(8)
        directory = uploads_directory(runtime.settings) / upload_id
        session = visit_of(request).session
        session.uploads[upload_id] = directory
        limit = min(MAX_UPLOAD_BYTES, runtime.settings.job_upload_max_bytes)
        staged = await _stage(upload, directory, limit)
        return await self._detected(request, upload_id, staged, TableOptions())

    async def _detected(
        self, request: Request[Any, Any, Any], upload_id: str, staged: Staged, options: TableOptions
    ) -> Any:
        settings = runtime_of(request.app.state).settings
        table = await anyio.to_thread.run_sync(
            inspect_file, staged.path, options, staged.filename, settings.read_bounds
        )
        return render(
            request, "file_detected.html", title="Check the columns", upload_id=upload_id,
            staged=staged, table=table,
        )  # fmt: skip

    @post("/{upload_id:str}/start", status_code=200)
    async def start(
        self,
        request: Request[Any, Any, Any],
        upload_id: PathId,
        data: Annotated[ColumnsForm, Form],
    ) -> Any:
        runtime = runtime_of(request.app.state)
        session = visit_of(request).session
        directory = session.uploads.get(upload_id)
        if directory is None:
            raise NotFound("this upload has expired: upload the file again", code="upload_gone")
        staged = await anyio.to_thread.run_sync(_staged, directory)
        threshold = number("threshold", data.threshold)
        options = JobOptions(
            name_column=_column(data.name_column),
            country_column=_column(data.country_column),
            id_column=_column(data.id_column),
            identifier_column=_column(data.identifier_column),
            threshold=threshold,
            only_hits=data.only_hits == "on",
        )
        digest = hashlib.sha256(staged.fingerprint.encode())
        digest.update(options.model_dump_json().encode())
        submission = Submission(
            staged.path, staged.filename, staged.size, options, digest.hexdigest()
        )
        backend = jobs_of(request.app.state)
        record, _ = await submit_job(runtime, backend, caller_of_page(request), submission)
        del session.uploads[upload_id]
        await anyio.to_thread.run_sync(shutil.rmtree, directory, True)
        session.jobs.append(record.id)
        return redirect(request, f"{PREFIX}/files/jobs/{record.id}")

    @get("/jobs/{job_id:str}")
    async def job(
        self,
        request: Request[Any, Any, Any],
        job_id: PathId,
        status: Annotated[str | None, QueryParameter(max_length=10)] = None,
        q: Annotated[str | None, QueryParameter(max_length=300)] = None,
    ) -> Any:
        return await self._job(request, job_id, status, q, "job.html")

    @get("/jobs/{job_id:str}/progress")
    async def progress(self, request: Request[Any, Any, Any], job_id: PathId) -> Any:
        return await self._job(request, job_id, None, None, "job_part.html")

    async def _job(
        self,
        request: Request[Any, Any, Any],
        job_id: PathId,
        status: str | None,
        q: str | None,
        template: str,
    ) -> Any:
        queue = await jobs_of(request.app.state).queue()
        handle = queue.store.handle(job_id)
        record = await handle.status()
        check_owner(caller_of_page(request), record)
        job = job_out(record, datetime.now(UTC))
        rows: list[dict[str, Any]] = []
        found = 0
        if record.status is JobStatus.DONE:
            _, payloads = await handle.result()
            packed = [payload async for payload in payloads]
            every = await anyio.to_thread.run_sync(_rows, packed)
            wanted = [
                r for r in every
                if (status not in _STATUSES or r.status == status)
                and (not q or q.casefold() in f"{r.name} {r.supplier_id}".casefold())
            ]  # fmt: skip
            wanted.sort(key=lambda r: (_ORDER.get(r.status, 3), r.number))
            found = len(wanted)
            rows = [_explained(r) for r in wanted[:SHOWN_ROWS]]
        return render(
            request, template, title=f"File {record.filename}", job=job, rows=rows, found=found,
            shown=SHOWN_ROWS, status=status or "", q=q or "", statuses=_STATUSES,
        )  # fmt: skip

    @get("/jobs/{job_id:str}/download")
    async def download(
        self,
        request: Request[Any, Any, Any],
        job_id: PathId,
        format: Annotated[ResultFormat, QueryParameter()] = ResultFormat.CSV,
    ) -> Stream:
        queue = await jobs_of(request.app.state).queue()
        handle = queue.store.handle(job_id)
        check_owner(caller_of_page(request), await handle.status())
        record, payloads = await handle.result()
        name = f"screening-{job_id}.{format.value}"
        return Stream(
            result_stream(record, payloads, format, record.only_hits),
            media_type=MEDIA_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
