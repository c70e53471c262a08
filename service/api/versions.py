"""`GET /v1/watchlist/versions` (the versions kept) and `GET /v1/watchlist/changes` (what
changed between two of them: entities added, removed and changed, and which names)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated

import anyio.to_thread
from litestar import Controller, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter

from service.api.access import KEY_REQUIRED, needs
from service.api.context import runtime_of
from service.api.responses import KEYED, JsonBytes, errors
from service.api.schemas import (
    ChangeCounts,
    ChangesResponse,
    EntityChangeOut,
    PrimaryNameChange,
    StoreStatus,
    VersionOut,
    VersionsResponse,
)
from service.auth.callers import Permission
from service.errors import InvalidInput
from service.lifecycle.versions import VersionStore
from service.runtime import Runtime
from service.screening.screener import Screener
from service.watchlist.changes import Changes, compare
from service.watchlist.model import Entity

#: A watchlist version as the API writes it: the hex content hash (anchored: a JSON Schema
#: pattern matches anywhere in the text).
VERSION = re.compile(r"^[0-9a-f]{1,64}$")

_STORE_NOTE = (
    "Versions are kept in Redis when the service has a `REDIS_URL` (shared by all its "
    "processes), else in the memory of the process answering; if Redis does not answer, "
    "`store.state` is `degraded` and only this process's versions are known."
)


def _store_status(store: VersionStore) -> StoreStatus:
    return StoreStatus(backend=store.backend, state=store.state.value)


def _render_changes(
    from_version: str, to_version: str, changes: Changes, store: StoreStatus
) -> bytes:
    body = ChangesResponse(
        from_version=from_version,
        to_version=to_version,
        counts=ChangeCounts(
            added=len(changes.added), removed=len(changes.removed), changed=len(changes.changed)
        ),
        added=list(changes.added),
        removed=list(changes.removed),
        changed=[
            EntityChangeOut(
                entity_id=c.entity_id,
                name=c.name,
                names_added=list(c.names_added),
                names_removed=list(c.names_removed),
                primary_name=PrimaryNameChange(old=c.primary_name[0], new=c.primary_name[1])
                if c.primary_name
                else None,
                fields=[f.rstrip("_") for f in c.fields],
            )
            for c in changes.changed
        ],
        store=store,
    )
    return body.model_dump_json(by_alias=True).encode()


def _checked_version(parameter: str, value: str) -> str:
    # Checked here rather than by litestar, whose error would name the Python argument.
    if not VERSION.fullmatch(value):
        raise InvalidInput(
            f"the parameters are invalid: {parameter}: not a watchlist version (hex digits)",
            code="invalid_parameter",
            details=[{"field": parameter, "source": "query", "message": "not a version"}],
        )
    return value


async def _entities(runtime: Runtime, serving: Screener, version: str) -> Sequence[Entity]:
    if version == serving.version:
        return serving.watchlist.entities
    return await runtime.versions.entities(version)


class VersionsController(Controller):
    path = "/v1/watchlist"
    opt = needs(Permission.READ_WATCHLIST)
    security = KEY_REQUIRED
    tags = ("watchlist",)

    @get(
        "/versions",
        operation_id="listWatchlistVersions",
        summary="The watchlist versions kept",
        description="Each version loaded (at most `SCREENING_WATCHLIST_VERSIONS_KEPT`), the "
        "most recently loaded first, with its load times, source files and entity count. "
        + _STORE_NOTE,
        responses=errors(*KEYED),
    )
    async def versions(self, state: State) -> VersionsResponse:
        runtime = runtime_of(state)
        current = runtime.holder.current().version
        records = await runtime.versions.records(pinned=current)
        return VersionsResponse(
            current=current,
            versions=[
                VersionOut(**record.model_dump(), current=record.version == current)
                for record in records
            ],
            store=_store_status(runtime.versions),
        )

    @get(
        "/changes",
        operation_id="getWatchlistChanges",
        summary="What changed between two watchlist versions",
        description="Entities (by id) in `to` only, in `from` only, and in both but different: "
        "the names added and removed, the primary name, the other fields that differ. "
        + _STORE_NOTE,
        responses={
            # No generated example: litestar's random entities break the entity validators.
            200: ResponseSpec(
                ChangesResponse, description="The changes, possibly none.", generate_examples=False
            ),
            **errors(
                400,
                404,
                422,
                *KEYED,
                described={
                    404: "A version is not kept.",
                    422: "`from` is missing, or `from` or `to` is not a version.",
                    503: "Not loaded yet, or Redis (the versions kept) or the database does "
                    "not answer.",
                },
            ),
        },
    )
    async def changes(
        self,
        state: State,
        from_version: Annotated[
            str,
            QueryParameter(
                name="from", description="The older version (hex).", pattern=VERSION.pattern
            ),
        ],
        to_version: Annotated[
            str | None,
            QueryParameter(
                name="to",
                description="The newer version; default the one served.",
                pattern=VERSION.pattern,
            ),
        ] = None,
    ) -> JsonBytes:
        runtime = runtime_of(state)
        serving = runtime.holder.current()
        from_version = _checked_version("from", from_version)
        to_version = serving.version if to_version is None else _checked_version("to", to_version)
        old = await _entities(runtime, serving, from_version)
        new = old if to_version == from_version else await _entities(runtime, serving, to_version)
        changes = await anyio.to_thread.run_sync(compare, old, new)
        store = _store_status(runtime.versions)
        # Thousands of entities take a while to serialise: off the event loop too.
        return JsonBytes(
            await anyio.to_thread.run_sync(
                _render_changes, from_version, to_version, changes, store
            )
        )
