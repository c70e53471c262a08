"""The web app's first pages: signing in and out, the home page, screening one name and an
entity of the watchlist. Each calls the functions the API's handlers call."""

from __future__ import annotations

import json
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter

from service.api.access import ANY_KEY
from service.api.context import runtime_of
from service.api.screen import screen_recorded
from service.api.web.forms import ScreenForm, SignInForm
from service.api.web.gate import (
    NAVIGATION,
    PREFIX,
    caller_of_page,
    is_htmx,
    page,
    redirect,
    render,
    visit_of,
)
from service.api.web.history import entity_history
from service.api.web.scripts import script_of
from service.auth.callers import Permission
from service.errors import NotFound, Unauthorized
from service.screening.queries import check_parameters, check_query
from service.screening.query_identifiers import typed_value
from service.watchlist.model import Entity

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
#: An id in a page's path (an entity's, a job's, an alert's, an upload's).
PathId = Annotated[str, PathParameter(min_length=1, max_length=200)]


class SignInPages(Controller):
    path = PREFIX
    include_in_schema = False

    @get("/sign-in")
    async def sign_in_form(self, request: Request[Any, Any, Any]) -> Any:
        return render(request, "sign_in.html", title="Sign in")

    @post("/sign-in", status_code=200)
    async def sign_in(
        self, request: Request[Any, Any, Any], data: Annotated[SignInForm, Form]
    ) -> Any:
        runtime = runtime_of(request.app.state)
        try:
            caller = await runtime.auth.authenticate(data.key.strip() or None)
        except Unauthorized as exc:
            return render(request, "sign_in.html", 401, title="Sign in", problem=exc.message)
        visit = visit_of(request)
        visit.sign_in(data.key.strip())
        visit.caller = caller
        return redirect(request, f"{PREFIX}/")

    @post("/sign-out", status_code=200)
    async def sign_out(self, request: Request[Any, Any, Any]) -> Response[Any]:
        visit_of(request).sign_out()
        return redirect(request, f"{PREFIX}/sign-in")

    @get("/", opt=page(ANY_KEY))
    async def home(self, request: Request[Any, Any, Any]) -> Any:
        caller = caller_of_page(request)
        for _, href, permission in NAVIGATION:
            if caller.may(permission):
                return redirect(request, href)
        return render(request, "home.html", title="Nothing to show")


def _identifiers(text: str) -> list[tuple[str | None, str]]:
    """`unp:100230519; 7707083893` (or one per line) as the API's `identifiers`."""
    parts = [p.strip() for p in text.replace("\n", ";").split(";")]
    return [typed_value(p) for p in parts if p]


class ScreenPages(Controller):
    path = f"{PREFIX}/screen"
    include_in_schema = False
    opt = page(Permission.SCREEN)

    @get("/")
    async def form(self, request: Request[Any, Any, Any]) -> Any:
        return render(request, "screen.html", title="Screen a name", form=ScreenForm())

    @post("/", status_code=200)
    async def screen(
        self, request: Request[Any, Any, Any], data: Annotated[ScreenForm, Form]
    ) -> Any:
        runtime = runtime_of(request.app.state)
        parameters = check_parameters(data.threshold_value(), None, runtime.limits)
        query = check_query(
            data.name.strip() or None,
            data.country.strip() or None,
            parameters,
            runtime.limits,
            _identifiers(data.identifiers),
        )
        body = await screen_recorded(runtime, query, caller_of_page(request).key_id)
        answer = json.loads(body)
        screener = runtime.holder.current()
        entities = {
            m["entity_id"]: screener.watchlist.get(m["entity_id"]) for m in answer["matches"]
        }
        template = "screen_results.html" if is_htmx(request) else "screen.html"
        return render(
            request, template, title="Screen a name", form=data, answer=answer, entities=entities
        )


class EntityPages(Controller):
    path = f"{PREFIX}/entities"
    include_in_schema = False
    opt = page(Permission.READ_WATCHLIST)

    @get("/{entity_id:str}")
    async def entity(self, request: Request[Any, Any, Any], entity_id: PathId) -> Any:
        runtime = runtime_of(request.app.state)
        screener = runtime.holder.current()
        entity = screener.watchlist.get(entity_id)
        if entity is None:
            raise NotFound(f"no entity with id {entity_id!r}", code="entity_not_found")
        history = await entity_history(runtime, screener, entity_id)
        names = await anyio.to_thread.run_sync(_names_by_script, entity)
        return render(
            request,
            "entity.html",
            title=entity.name,
            entity=entity,
            names=names,
            history=history,
            version=screener.version,
        )


def _names_by_script(entity: Entity) -> list[tuple[str, str, str, str]]:
    """Each name of the entity: (name, kind, language, script)."""
    rows = [(entity.name, "primary", "", script_of(entity.name))]
    for alias in entity.aliases:
        rows.append((alias.name, alias.kind.value, alias.lang or "", script_of(alias.name)))
    return rows
