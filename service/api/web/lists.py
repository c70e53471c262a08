"""The watchlist pages (browse and search the entities, the versions kept and what changed
between two of them) and, for auditors, the audit trail's search and export, over the same
functions as `/v1/watchlist` and `/v1/audit`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Stream

from service.api.audit import ExportFormat, export_stream, iso_moment
from service.api.context import runtime_of
from service.api.versions import VERSION
from service.api.web.gate import PREFIX, page, render
from service.auth.callers import Permission
from service.errors import InvalidInput
from service.store.audit import AuditFilter, ScreeningRecord
from service.watchlist.changes import Changes, compare
from service.watchlist.model import Entity

#: Entities on one page of the watchlist.
PAGE_SIZE = 50
#: Audit records shown on the search page; the export has them all.
SHOWN_RECORDS = 200
#: Days back the audit search starts from when no date is given.
DEFAULT_DAYS = 7
_OUTCOMES = ("hit", "clear", "error")
_KINDS = ("single", "batch", "job", "file")


def _search(entities: Sequence[Entity], q: str) -> list[Entity]:
    """The entities with `q` in a name (any case), an id or an identifier."""
    needle = q.casefold()
    return [
        e for e in entities
        if needle in e.id.casefold()
        or any(needle in name.casefold() for name in e.all_names)
        or any(needle in i.value.casefold() for i in e.identifiers)
    ]  # fmt: skip


def _version(name: str, value: str | None) -> str | None:
    if not value:
        return None
    if not VERSION.fullmatch(value):
        raise InvalidInput(f"{name} is not a watchlist version (hex digits)")
    return value


class WatchlistPages(Controller):
    path = f"{PREFIX}/watchlist"
    include_in_schema = False
    opt = page(Permission.READ_WATCHLIST)

    @get("/")
    async def browse(
        self,
        request: Request[Any, Any, Any],
        q: Annotated[str | None, QueryParameter(max_length=300)] = None,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> Any:
        watchlist = runtime_of(request.app.state).holder.current().watchlist
        entities: Sequence[Entity] = watchlist.entities
        if q and q.strip():
            entities = await anyio.to_thread.run_sync(_search, entities, q.strip())
        return render(
            request, "watchlist.html", title="Watchlist", version=watchlist.version,
            total=len(watchlist.entities), found=len(entities),
            entities=entities[offset : offset + PAGE_SIZE], q=q or "", offset=offset,
            page_size=PAGE_SIZE,
        )  # fmt: skip

    @get("/versions")
    async def versions(
        self,
        request: Request[Any, Any, Any],
        from_version: Annotated[str | None, QueryParameter(name="from", max_length=64)] = None,
        to_version: Annotated[str | None, QueryParameter(name="to", max_length=64)] = None,
    ) -> Any:
        runtime = runtime_of(request.app.state)
        serving = runtime.holder.current()
        records = await runtime.versions.records(pinned=serving.version)
        old_version = _version("from", from_version)
        changes: Changes | None = None
        new_version = _version("to", to_version) or serving.version
        if old_version is not None:
            old = await self._entities(request, old_version)
            new = await self._entities(request, new_version)
            changes = await anyio.to_thread.run_sync(compare, old, new)
        return render(
            request, "versions.html", title="Watchlist versions", records=records,
            current=serving.version, changes=changes, from_version=old_version or "",
            to_version=new_version,
        )  # fmt: skip

    async def _entities(self, request: Request[Any, Any, Any], version: str) -> Sequence[Entity]:
        runtime = runtime_of(request.app.state)
        serving = runtime.holder.current()
        if version == serving.version:
            return serving.watchlist.entities
        return await runtime.versions.entities(version)


_Since = Annotated[str | None, QueryParameter(max_length=40)]
_Short = Annotated[str | None, QueryParameter(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]


def audit_filter(
    since: _Since = None,
    until: _Since = None,
    key_id: _Short = None,
    entity_id: _Short = None,
    outcome: _Short = None,
    kind: _Short = None,
) -> AuditFilter:
    """The audit pages' filter, from their query: the search form's fields."""
    start = iso_moment("since", since) if since else datetime.now(UTC) - timedelta(DEFAULT_DAYS)
    return AuditFilter(
        since=start,
        until=iso_moment("until", until) if until else None,
        key_id=key_id or None,
        entity_id=entity_id or None,
        outcome=outcome if outcome in _OUTCOMES else None,  # type: ignore[arg-type]
        kinds=(kind,) if kind in _KINDS else (),  # type: ignore[arg-type]
    )


class AuditPages(Controller):
    path = f"{PREFIX}/audit"
    include_in_schema = False
    opt = page(Permission.READ_AUDIT)
    # Both pages read their filter from the query, as the search form sends it.
    dependencies = {"where": Provide(audit_filter, sync_to_thread=False)}  # noqa: RUF012

    @get("/")
    async def search(
        self, request: Request[Any, Any, Any], where: NamedDependency[AuditFilter]
    ) -> Any:
        runtime = runtime_of(request.app.state)
        await runtime.audit_caught_up()

        def read() -> list[ScreeningRecord]:
            return list(runtime.store.audit.find(where, SHOWN_RECORDS + 1))

        records = await anyio.to_thread.run_sync(read)
        return render(
            request, "audit.html", title="Audit trail", records=records[:SHOWN_RECORDS],
            more=len(records) > SHOWN_RECORDS, asked=request.query_params, outcomes=_OUTCOMES,
            kinds=_KINDS, default_days=DEFAULT_DAYS, query=request.url.query or "",
        )  # fmt: skip

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        where: NamedDependency[AuditFilter],
        format: Annotated[ExportFormat, QueryParameter()] = ExportFormat.CSV,
    ) -> Stream:
        return await export_stream(runtime_of(request.app.state), where, format, None)
