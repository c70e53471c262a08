"""The routes of the Reconciliation Service API 0.2 under `/reconcile`, thin over the modules
beside it. The root answers the manifest to a plain GET, and reconciliation queries (`queries`)
or data extension (`extend`) given as a query parameter, a form field or a JSON body: it
checks the key itself, since what it needs depends on what is asked. Kept out of the OpenAPI
document: the protocol is the specification's, and the manifest describes it to clients.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.enums import MediaType
from litestar.params import PathParameter, QueryParameter

from service.api.access import admit, needs
from service.api.context import runtime_of
from service.api.reconcile import extension, preview, suggest
from service.api.reconcile import manifest as manifests
from service.api.reconcile.answers import answer
from service.api.reconcile.queries import read_batch
from service.api.reconcile.vocabulary import QUERY_PROPERTIES, TYPES, Term
from service.api.responses import JsonBytes
from service.auth.callers import Permission
from service.errors import BadRequest, NotFound, UnsupportedMediaType

#: What a reconciliation request may ask, as parameter, form field or JSON member.
_ASKS = ("queries", "extend")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
Prefix = Annotated[str, QueryParameter(min_length=1, max_length=suggest.MAX_PREFIX)]
Cursor = Annotated[int, QueryParameter(ge=0, le=1_000_000)]
#: A batch or an extension query given as a parameter (a GET request).
Asked = Annotated[str | None, QueryParameter()]


class ReconcileController(Controller):
    path = manifests.ROOT
    include_in_schema = False

    def __init__(self, owner: Any) -> None:
        super().__init__(owner)
        self._index: suggest.SuggestIndex | None = None

    @get("/")
    async def root(
        self,
        request: Request[Any, Any, Any],
        queries: Asked = None,
        extend: Asked = None,
        callback: Asked = None,
    ) -> JsonBytes:
        if callback is not None:
            raise BadRequest(
                "JSONP is not supported: call the service with CORS (SCREENING_CORS_ORIGINS)",
                code="jsonp_unsupported",
            )
        if queries is None and extend is None:
            runtime = runtime_of(request.app.state)
            base = str(request.base_url).rstrip("/")
            keyed = await runtime.auth.keys_created()
            version = request.app.openapi_config.version if request.app.openapi_config else ""
            return _json(manifests.manifest(base, version, keyed=keyed))
        return await _asked(request, {"queries": queries, "extend": extend})

    @post("/", status_code=200)
    async def batch(self, request: Request[Any, Any, Any]) -> JsonBytes:
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type in _FORMS:
            form = await request.form()
            fields = {name: form.get(name) for name in _ASKS}
            if any(value is not None and not isinstance(value, str) for value in fields.values()):
                raise BadRequest("`queries` and `extend` are text fields, not files")
            return await _asked(request, fields)
        if media_type == "application/json" or media_type.endswith("+json"):
            return await _asked(request, _json_members(await request.body()))
        if not media_type and not await request.body():
            return await _asked(request, {})  # a bare POST: says what to send
        raise UnsupportedMediaType(
            "send `queries` or `extend` as a form field "
            f"(application/x-www-form-urlencoded) or in a JSON object, got {media_type!r}"
        )

    @get("/suggest/entity", opt=needs(Permission.READ_WATCHLIST), include_in_schema=False)
    async def suggest_entity(
        self, request: Request[Any, Any, Any], prefix: Prefix, cursor: Cursor = 0
    ) -> JsonBytes:
        screener = runtime_of(request.app.state).holder.current()
        index = self._index
        if index is None or index.version != screener.version:
            entities = list(screener.watchlist.entities)
            index = await anyio.to_thread.run_sync(suggest.SuggestIndex, screener.version, entities)
            self._index = index
        found = await anyio.to_thread.run_sync(index.find, prefix, cursor)
        return _json(
            {
                "result": [
                    {
                        "id": e.id,
                        "name": e.name,
                        "description": ", ".join(e.country),
                        "notable": [TYPES[e.schema_.value].brief()],
                    }
                    for e in found
                ]
            }
        )

    @get("/suggest/type", sync_to_thread=False)
    def suggest_type(self, prefix: Prefix, cursor: Cursor = 0) -> JsonBytes:
        return _json({"result": _terms(TYPES.values(), prefix, cursor)})

    @get("/suggest/property", sync_to_thread=False)
    def suggest_property(self, prefix: Prefix, cursor: Cursor = 0) -> JsonBytes:
        return _json({"result": _terms(QUERY_PROPERTIES.values(), prefix, cursor)})

    @get("/extend/propose", sync_to_thread=False)
    def propose_properties(
        self,
        type_id: Annotated[str | None, QueryParameter(name="type", max_length=200)] = None,
        limit: Annotated[int | None, QueryParameter(ge=0, le=1000)] = None,
    ) -> JsonBytes:
        return _json(extension.propose(type_id, limit))

    @get(
        "/preview/{entity_id:str}",
        opt=needs(Permission.READ_WATCHLIST),
        include_in_schema=False,
        media_type=MediaType.HTML,
        sync_to_thread=False,
    )
    def preview_page(
        self,
        request: Request[Any, Any, Any],
        entity_id: Annotated[str, PathParameter(min_length=1, max_length=200)],
    ) -> Response[str]:
        entity = runtime_of(request.app.state).holder.current().watchlist.get(entity_id)
        if entity is None:
            raise NotFound(f"no entity with id {entity_id!r}", code="entity_not_found")
        return Response(preview.page(entity), media_type=MediaType.HTML)


async def _asked(request: Request[Any, Any, Any], fields: dict[str, Any]) -> JsonBytes:
    """Answer `queries` or `extend` (one of them), with the key checked for what is asked."""
    given = {name: value for name, value in fields.items() if value is not None}
    if len(given) != 1:
        raise BadRequest(
            "send either `queries` (reconciliation) or `extend` (data extension)",
            code="reconcile_nothing_asked" if not given else "reconcile_both_asked",
        )
    [(name, value)] = given.items()
    text = value.encode() if isinstance(value, str) else json.dumps(value).encode()
    runtime = runtime_of(request.app.state)
    if name == "extend":
        await admit(request.scope, Permission.READ_WATCHLIST)
        query = await anyio.to_thread.run_sync(
            extension.read_extension, text, runtime.settings.batch_max_queries
        )
        return _json(extension.extend(query, runtime.holder.current().watchlist.get))
    caller = await admit(request.scope, Permission.SCREEN)
    limits = runtime.limits
    planned = await anyio.to_thread.run_sync(read_batch, text, limits, limits.default_threshold)
    await runtime.limit(caller, rows=len(planned))
    return JsonBytes(await answer(runtime, planned, caller.key_id))


def _json_members(body: bytes) -> dict[str, Any]:
    """`queries` and `extend` of a JSON body: each a JSON object, or text holding one."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}", code="malformed_json") from None
    except RecursionError:
        raise BadRequest("the body's JSON is nested too deep", code="malformed_json") from None
    if not isinstance(data, dict):
        raise BadRequest(
            "the body must be a JSON object with `queries` or `extend`", code="malformed_json"
        )
    return {name: data.get(name) for name in _ASKS}


def _terms(terms: Iterable[Term], prefix: str, cursor: int) -> list[dict[str, str]]:
    wanted = prefix.casefold()
    found = [t for t in terms if t.id.casefold().startswith(wanted) or wanted in t.name.casefold()]
    return [t.described() for t in found[cursor : cursor + suggest.PAGE]]


def _json(data: dict[str, Any]) -> JsonBytes:
    return JsonBytes(json.dumps(data, ensure_ascii=False).encode())
