"""`/v1/counterparties`: register (`PUT`, screened at once, answered with its alerts), read,
list by status, delete; import a file through the job workers; re-screen them all on demand;
the progress of those runs. Screeners and admins change, auditors read.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi import ResponseSpec
from litestar.params import PathParameter, QueryParameter

from service.api.access import KEY_REQUIRED, caller_of, needs
from service.api.body import documented_body, parse_body, read_body, upload_form
from service.api.context import monitor_of, runtime_of
from service.api.job_schemas import JobOptions, JobRowsRequest
from service.api.monitoring_schemas import (
    COUNTERPARTY_ID_PATTERN,
    RESERVED_IDS,
    AlertOut,
    CounterpartyDetail,
    CounterpartyIn,
    CounterpartyOut,
    CounterpartyPage,
    CounterpartyStatus,
    RunList,
    RunOut,
)
from service.api.responses import KEYED, errors
from service.api.uploads import FILE_FIELD, read_submission
from service.auth.callers import Permission
from service.batch.tables import estimate_rows, inspect_file
from service.errors import InvalidInput, NotFound
from service.logs import current_request_id
from service.monitoring.auditing import Asker
from service.monitoring.registry import CounterpartyIn as Given
from service.store.monitoring import Counterparty

CounterpartyId = Annotated[str, PathParameter(description="Your own id of the counterparty.")]
RunId = Annotated[str, PathParameter(description="The id the import or re-screen answered.")]
#: Most counterparties per page of a listing.
MAX_PAGE = 1000
_ID = re.compile(COUNTERPARTY_ID_PATTERN)

_IMPORT_FORM = upload_form(
    JobOptions, FILE_FIELD, "The counterparties: CSV, XLSX, JSON Lines or a JSON array."
)


def checked_id(counterparty_id: str) -> str:
    if not _ID.fullmatch(counterparty_id) or counterparty_id.lower() in RESERVED_IDS:
        raise InvalidInput(
            "a counterparty id is 1 to 200 letters, digits and . _ : @ - (starting with a "
            f"letter or digit), and not one of {', '.join(sorted(RESERVED_IDS))}",
            code="counterparty_id_invalid",
        )
    return counterparty_id


def _detail(counterparty: Counterparty, alerts: list[AlertOut]) -> CounterpartyDetail:
    return CounterpartyDetail(**CounterpartyOut.of(counterparty).model_dump(), alerts=alerts)


class CounterpartiesController(Controller):
    path = "/v1/counterparties"
    opt = needs(Permission.MONITOR)
    security = KEY_REQUIRED
    tags = ("monitoring",)

    @put(
        "/{counterparty_id:str}",
        operation_id="putCounterparty",
        operation_class=documented_body(CounterpartyIn),
        summary="Register or change a counterparty",
        description="Screened at once against the watchlist served (its name, each alias, its "
        "identifiers); answers with its alerts. The same body again changes nothing. 201 when "
        "new, 200 when it was registered already.",
        responses={
            200: ResponseSpec(CounterpartyDetail, description="Changed (or as it was)."),
            201: ResponseSpec(CounterpartyDetail, description="Registered."),
            **errors(400, 413, 415, 422, *KEYED),
        },
    )
    async def put_counterparty(
        self, request: Request[Any, Any, Any], counterparty_id: CounterpartyId
    ) -> Response[CounterpartyDetail]:
        runtime = runtime_of(request.app.state)
        counterparty_id = checked_id(counterparty_id)
        body = parse_body(await read_body(request, runtime.settings.max_body_bytes), CounterpartyIn)
        given = Given(
            id=counterparty_id,
            name=body.name,
            country=body.country.upper() if body.country else None,
            identifiers=tuple((i.type, i.value) for i in body.identifiers),
            aliases=tuple(body.aliases),
            attributes=body.attributes,
        )
        monitor = monitor_of(request.app.state)
        screener = runtime.holder.current()
        asker = Asker(caller_of(request).key_id, current_request_id())
        done = await anyio.to_thread.run_sync(monitor.registry.register, given, screener, asker)
        detail = _detail(done.counterparty, [AlertOut.of(a) for a in done.alerts])
        return Response(detail, status_code=201 if done.created else 200)

    @get(
        "/{counterparty_id:str}",
        operation_id="getCounterparty",
        summary="A counterparty and its alerts",
        opt=needs(Permission.READ_MONITORING),
        responses={200: ResponseSpec(CounterpartyDetail), **errors(404, *KEYED)},
    )
    async def get_counterparty(
        self, request: Request[Any, Any, Any], counterparty_id: CounterpartyId
    ) -> CounterpartyDetail:
        store = runtime_of(request.app.state).store.monitoring

        def read() -> CounterpartyDetail:
            counterparty = store.counterparty(counterparty_id)
            if counterparty is None:
                raise NotFound(
                    f"no counterparty {counterparty_id!r}", code="counterparty_not_found"
                )
            with store.transaction() as tx:
                alerts = sorted(tx.alerts_of([counterparty_id]), key=lambda a: a.id)
            return _detail(counterparty, [AlertOut.of(a) for a in alerts])

        return await anyio.to_thread.run_sync(read)

    @get(
        "/",
        operation_id="listCounterparties",
        summary="The counterparties, by id, a page at a time",
        opt=needs(Permission.READ_MONITORING),
        responses={200: ResponseSpec(CounterpartyPage), **errors(422, *KEYED)},
    )
    async def list_counterparties(
        self,
        request: Request[Any, Any, Any],
        status: Annotated[
            CounterpartyStatus | None,
            QueryParameter(description="clear, open_alert or confirmed_hit."),
        ] = None,
        after: Annotated[
            str | None, QueryParameter(description="The `next_after` of the page before.")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
    ) -> CounterpartyPage:
        store = runtime_of(request.app.state).store.monitoring
        found = await anyio.to_thread.run_sync(
            lambda: store.counterparties(status=status, after=after, limit=limit)
        )
        return CounterpartyPage(
            counterparties=[CounterpartyOut.of(c) for c in found],
            next_after=found[-1].id if len(found) == limit else None,
        )

    @delete(
        "/{counterparty_id:str}",
        operation_id="deleteCounterparty",
        summary="Delete a counterparty",
        description="Its alerts are closed (`counterparty_deleted`) and kept with their history.",
        status_code=204,
        responses=errors(404, *KEYED),
    )
    async def delete_counterparty(
        self, request: Request[Any, Any, Any], counterparty_id: CounterpartyId
    ) -> None:
        monitor = monitor_of(request.app.state)
        await anyio.to_thread.run_sync(monitor.registry.delete, counterparty_id)

    @post(
        "/import",
        operation_id="importCounterparties",
        summary="Register counterparties from a file",
        operation_class=documented_body(JobRowsRequest, multipart=_IMPORT_FORM),
        description="A supplier file as for `POST /v1/jobs` (the same column detection; the "
        "id column is required), or rows as JSON: each row is registered or changed by the "
        "job workers, screened, and its alerts opened. Rows as they were change nothing: "
        "importing the same file again is harmless. Answers with the run; follow it at "
        "`/v1/counterparties/runs/{id}`.",
        status_code=202,
        request_max_body_size=None,
        responses={202: ResponseSpec(RunOut), **errors(400, 413, 415, 422, *KEYED)},
    )
    async def import_file(self, request: Request[Any, Any, Any]) -> Response[RunOut]:
        runtime = runtime_of(request.app.state)
        settings = runtime.settings
        caller = caller_of(request)
        monitor = monitor_of(request.app.state)
        with tempfile.TemporaryDirectory(prefix="screening-import-") as directory:
            upload = await read_submission(request, settings.job_upload_max_bytes, Path(directory))
            bounds = settings.read_bounds
            table = await anyio.to_thread.run_sync(
                inspect_file, upload.path, upload.options.table_options(), upload.filename, bounds
            )
            if table.id_column is None:
                raise InvalidInput(
                    "no id column found: name it with `id_column`", code="id_column_missing"
                )
            rows = await anyio.to_thread.run_sync(estimate_rows, upload.path, table, bounds)
            await runtime.limit(caller, rows=rows)
            run = await monitor.runner.start_import(caller.key_id, upload.path, table)
        headers = {"Location": f"/v1/counterparties/runs/{run.id}"}
        return Response(RunOut.of(run), status_code=202, headers=headers)

    @post(
        "/rescreen",
        operation_id="rescreenCounterparties",
        summary="Screen every counterparty again",
        description="Against the whole watchlist served, by the job workers (a list change "
        "re-screens on its own, against only the entities that changed). Answers with the run.",
        status_code=202,
        responses={202: ResponseSpec(RunOut), **errors(*KEYED)},
    )
    async def rescreen(self, request: Request[Any, Any, Any]) -> Response[RunOut]:
        runtime = runtime_of(request.app.state)
        version = runtime.holder.current().version
        monitor = monitor_of(request.app.state)
        run = await monitor.runner.start("full", caller_of(request).key_id, to_version=version)
        headers = {"Location": f"/v1/counterparties/runs/{run.id}"}
        return Response(RunOut.of(run), status_code=202, headers=headers)

    @get(
        "/runs",
        operation_id="listCounterpartyRuns",
        summary="The re-screens and imports last started, the newest first",
        opt=needs(Permission.READ_MONITORING),
        responses={200: ResponseSpec(RunList), **errors(422, *KEYED)},
    )
    async def runs(
        self,
        request: Request[Any, Any, Any],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 20,
    ) -> RunList:
        store = runtime_of(request.app.state).store
        found = await anyio.to_thread.run_sync(store.runs.latest, limit)
        return RunList(runs=[RunOut.of(r) for r in found])

    @get(
        "/runs/{run_id:str}",
        operation_id="getCounterpartyRun",
        summary="A re-screen's or an import's progress",
        opt=needs(Permission.READ_MONITORING),
        responses={200: ResponseSpec(RunOut), **errors(404, *KEYED)},
    )
    async def run(self, request: Request[Any, Any, Any], run_id: RunId) -> RunOut:
        store = runtime_of(request.app.state).store
        found = await anyio.to_thread.run_sync(store.runs.run, run_id)
        if found is None:
            raise NotFound(f"no run {run_id!r}", code="run_not_found")
        return RunOut.of(found)
