"""`POST /v1/jobs` (submit a supplier file or rows), `GET /v1/jobs/{job_id}` (status and
progress), `GET /v1/jobs/{job_id}/results` (the results file), and the lifespan that opens the
jobs backend (`service.batch.backend`) and keeps it on `app.state`.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter, QueryParameter
from litestar.response import Stream

from service.api.access import KEY_REQUIRED, caller_of, needs
from service.api.body import documented_body, upload_form
from service.api.context import monitor_of, runtime_of
from service.api.job_schemas import JobOptions, JobOut, JobRowsRequest, job_out
from service.api.responses import KEYED, errors
from service.api.uploads import FILE_FIELD, Submission, read_submission
from service.auth.callers import Caller, Permission
from service.batch.backend import JobsBackend, archive_job
from service.batch.download import MEDIA_TYPES, result_stream
from service.batch.jobs import new_job_id
from service.batch.outputs import ResultFormat
from service.batch.status import JobRecord, JobStatus
from service.batch.tables import estimate_rows, inspect_file
from service.errors import BadRequest, NotFound
from service.runtime import Runtime
from service.screening.queries import check_parameters

JOBS_KEY = "jobs"
JobId = Annotated[str, PathParameter(description="The id `POST /v1/jobs` answered.")]
#: Longest `Idempotency-Key` accepted, in characters.
MAX_IDEMPOTENCY_KEY = 200


def jobs_of(state: State) -> JobsBackend:
    backend: JobsBackend = state[JOBS_KEY]
    return backend


@asynccontextmanager
async def jobs_lifespan(app: Litestar) -> AsyncIterator[None]:
    """After the runtime has started (the cache, the watchlist): the job queue and worker,
    and the monitoring's runs on them."""
    runtime, monitor = runtime_of(app.state), monitor_of(app.state)
    # The embedded worker runs the monitoring's tasks too, and the monitoring queues its
    # runs here when the watchlist changes.
    backend = JobsBackend(runtime, monitor.tasks())
    app.state[JOBS_KEY] = backend
    monitor.use_queue(backend.queue)
    runtime.reloader.subscribe(monitor.version_changed)
    await backend.start()
    await monitor.start()
    try:
        yield
    finally:
        await monitor.stop()
        await backend.close()


async def submit_job(
    runtime: Runtime,
    backend: JobsBackend,
    caller: Caller,
    upload: Submission,
    idempotency_key: str | None = None,
) -> tuple[JobRecord, bool]:
    """Inspect an uploaded file, charge its rows to the caller, store and queue the job; the
    job's record, and whether it is new (not a replay of the idempotency key). Shared by
    `POST /v1/jobs` and the web app's files page."""
    queue = await backend.queue()
    options = upload.options
    bounds = runtime.settings.read_bounds
    table = await anyio.to_thread.run_sync(
        inspect_file, upload.path, options.table_options(), upload.filename, bounds
    )
    parameters = check_parameters(options.threshold, options.limit, runtime.limits)
    # The estimate is charged now (429 at once for a key over its limit); rows read past it
    # are charged by the worker as it reads them (`service.batch.tasks`).
    rows = await anyio.to_thread.run_sync(estimate_rows, upload.path, table, bounds)
    await runtime.limit(caller, rows=rows)
    record = JobRecord(
        id=new_job_id(),
        status=JobStatus.QUEUED,
        filename=upload.filename,
        size=upload.size,
        fingerprint=upload.fingerprint,
        table=table,
        threshold=parameters.threshold,
        limit=parameters.limit,
        only_hits=options.only_hits,
        created_at=datetime.now(UTC),
        key_id=caller.key_id,
        rows_charged=rows,
    )
    record, created = await queue.store.submit(record, upload.path, idempotency_key)
    if created:
        await archive_job(runtime.store, record)
    if created or record.status is JobStatus.QUEUED:
        # Again for a resubmission of a queued job: a no-op in saq unless the first submission
        # died between storing the job and queueing it.
        await queue.enqueue_split(record.id)
    return record, created


def check_owner(caller: Caller, record: JobRecord) -> None:
    """A job is seen by the key that submitted it and by admins; to others it does not exist."""
    if caller.key_id != record.key_id and not caller.may(Permission.MANAGE_KEYS):
        raise NotFound(f"no job {record.id!r} (or it has expired)", code="job_not_found")


def _check_owner(request: Request[Any, Any, Any], record: JobRecord) -> None:
    check_owner(caller_of(request), record)


def _idempotency_key(request: Request[Any, Any, Any]) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise BadRequest(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters",
            code="invalid_idempotency_key",
        )
    return key


_DESCRIBED = {
    400: "Malformed multipart or JSON, or a bad Idempotency-Key.",
    404: "No such job (or it has expired).",
    409: "The job is not done, failed, or the Idempotency-Key was used for another file.",
    413: "The upload is larger than allowed, or past a bound of reading it (`code`: "
    "`too_many_rows`, `zip_too_large`, `zip_too_compressed`, `too_many_shared_strings`...).",
    415: "Neither multipart/form-data nor JSON.",
    422: "The file cannot be screened (`code` says why) or an option is wrong.",
    503: "No Redis for jobs (`jobs_unavailable`), the watchlist is not loaded yet, or the "
    "database does not answer.",
}


def _errors(*statuses: int) -> dict[int, ResponseSpec]:
    return errors(*statuses, *KEYED, described=_DESCRIBED)


#: The upload form of `POST /v1/jobs`: the file, and the options as fields.
_UPLOAD_FORM = upload_form(
    JobOptions, FILE_FIELD, "The supplier file: CSV, XLSX, JSON Lines or a JSON array."
)


class JobsController(Controller):
    path = "/v1/jobs"
    opt = needs(Permission.JOBS)
    security = KEY_REQUIRED
    tags = ("jobs",)
    # Uploads are limited by `job_upload_max_bytes`, checked as they are read.
    request_max_body_size = None

    @post(
        "/",
        operation_id="submitJob",
        summary="Submit a supplier file or rows",
        operation_class=documented_body(JobRowsRequest, multipart=_UPLOAD_FORM),
        description="Multipart: the file (CSV, XLSX, JSON Lines or a JSON array) in a `file` "
        "field, options as fields. Or JSON: " + (JobRowsRequest.__doc__ or "") + " Answers at "
        "once with the job; the same `Idempotency-Key` answers the same job again.",
        status_code=202,
        responses={
            202: ResponseSpec(JobOut, description="Accepted: the file is stored and queued."),
            **_errors(400, 409, 413, 415, 422),
        },
    )
    async def submit(self, request: Request[Any, Any, Any]) -> Response[JobOut]:
        runtime = runtime_of(request.app.state)
        settings = runtime.settings
        caller = caller_of(request)
        key = _idempotency_key(request)
        if key is not None:  # one caller's key never answers another caller's job
            key = f"{caller.key_id or 'open'}:{key}"
        backend = jobs_of(request.app.state)
        await backend.queue()  # 503 before reading a large body
        with tempfile.TemporaryDirectory(prefix="screening-upload-") as directory:
            upload = await read_submission(request, settings.job_upload_max_bytes, Path(directory))
            record, created = await submit_job(runtime, backend, caller, upload, key)
        headers = {"Location": f"/v1/jobs/{record.id}"}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return Response(job_out(record, datetime.now(UTC)), status_code=202, headers=headers)

    @get(
        "/{job_id:str}",
        operation_id="getJob",
        summary="A job's status and progress",
        responses={200: ResponseSpec(JobOut, description="The job."), **_errors(400, 404)},
    )
    async def status(self, request: Request[Any, Any, Any], job_id: JobId) -> JobOut:
        queue = await jobs_of(request.app.state).queue()
        record = await queue.store.handle(job_id).status()
        _check_owner(request, record)
        return job_out(record, datetime.now(UTC))

    @get(
        "/{job_id:str}/results",
        operation_id="getJobResults",
        summary="A finished job's results file",
        description="Every input row (or only the hits and the rows that could not be "
        "screened), in input order, with its best match, an explanation and all matches. CSV "
        "(UTF-8 with BOM), JSON Lines (a last line holds the summary) or XLSX (a summary sheet).",
        responses={
            200: ResponseSpec(None, description="The file, streamed."),
            **_errors(400, 404, 409, 422),
        },
    )
    async def results(
        self,
        request: Request[Any, Any, Any],
        job_id: JobId,
        format: Annotated[
            ResultFormat, QueryParameter(description="csv (the default), jsonl or xlsx.")
        ] = ResultFormat.CSV,
        only_hits: Annotated[
            bool | None,
            QueryParameter(description="Override the job's `only_hits` for this download."),
        ] = None,
    ) -> Stream:
        queue = await jobs_of(request.app.state).queue()
        _check_owner(request, await queue.store.handle(job_id).status())
        record, payloads = await queue.store.handle(job_id).result()
        hits_only = record.only_hits if only_hits is None else only_hits
        name = f"screening-{job_id}{'-hits' if hits_only else ''}.{format.value}"
        return Stream(
            result_stream(record, payloads, format, hits_only),
            media_type=MEDIA_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
