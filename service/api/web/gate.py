"""Who may see a page of the web app, and how a page is answered. Every request under `/app`
passes `admit` (the router's before-request hook): its session, the CSRF token of a form, the
signed-in key checked as the API checks it (revoked keys, roles, rate limits), the page's
permission. Errors become pages here (`error_handlers`), never JSON.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie, State
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect, Template
from litestar.types import ExceptionHandlersMap

from service.api.access import ANY_KEY
from service.api.context import runtime_of
from service.api.web.sessions import COOKIE, MAX_AGE_SECONDS, Session, Sessions
from service.auth.callers import Caller, Permission
from service.errors import Forbidden, ServiceError, Unauthorized, Unavailable
from service.logs import current_request_id

log = logging.getLogger(__name__)
#: Where the web app is served.
PREFIX = "/app"
#: `opt` key of a page: the permission its visitor needs (`ANY_KEY`: any signed-in key).
PAGE_PERMISSION = "page permission"
#: The form field that carries the session's CSRF token.
CSRF_FIELD = "csrf_token"
SESSIONS_KEY = "web_sessions"
_VISIT = "visit"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

#: The pages of the navigation bar and the permission each needs, in order.
NAVIGATION: tuple[tuple[str, str, Permission], ...] = (
    ("Screen", f"{PREFIX}/screen", Permission.SCREEN),
    ("Files", f"{PREFIX}/files", Permission.JOBS),
    ("Alerts", f"{PREFIX}/alerts", Permission.READ_MONITORING),
    ("Watchlist", f"{PREFIX}/watchlist", Permission.READ_WATCHLIST),
    ("Audit", f"{PREFIX}/audit", Permission.READ_AUDIT),
)


def page(permission: Permission | str) -> dict[str, Any]:
    """The `opt` of a page (or controller) whose visitor needs `permission`."""
    return {PAGE_PERMISSION: permission}


def is_page(path: str) -> bool:
    """Whether `path` is the web app's (whose errors are pages, not JSON)."""
    return path == PREFIX or path.startswith(f"{PREFIX}/")


def sessions_of(state: State) -> Sessions:
    sessions: Sessions = state[SESSIONS_KEY]
    return sessions


@dataclass(slots=True)
class Visit:
    """A request's session (made when a page first needs one) and caller."""

    sessions: Sessions
    found: Session | None
    caller: Caller | None = None
    started: bool = False

    @property
    def session(self) -> Session:
        if self.found is None:
            self.found = self.sessions.start()
            self.started = True
        return self.found

    def sign_in(self, key: str) -> None:
        """A new session for the key: the id and CSRF token of before signing in go."""
        if self.found is not None:
            self.sessions.end(self.found)
        self.found = self.sessions.start(key)
        self.started = True

    def sign_out(self) -> None:
        if self.found is not None:
            self.sessions.end(self.found)
        self.found = None
        self.caller = None

    def may(self, permission: Permission) -> bool:
        return self.caller is not None and self.caller.may(permission)


def visit_of(request: Request[Any, Any, Any]) -> Visit:
    visit: Visit = request.state[_VISIT]
    return visit


def caller_of_page(request: Request[Any, Any, Any]) -> Caller:
    caller = visit_of(request).caller
    if caller is None:  # a public page asking: a programming error, never open access
        raise RuntimeError("caller_of_page() on a page without a permission")
    return caller


async def admit(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """The before-request hook of every page: None to go on, or a redirect to signing in."""
    sessions = sessions_of(request.app.state)
    visit = Visit(sessions, sessions.find(request.cookies.get(COOKIE)))
    request.state[_VISIT] = visit
    if request.method not in _SAFE:
        form = await request.form()
        token = form.get(CSRF_FIELD)
        if visit.found is None or not visit.found.csrf_matches(token):
            raise Forbidden(
                "this form's security token is missing or out of date: reload the page and "
                "send it again",
                code="csrf_failed",
            )
    permission = request.route_handler.opt.get(PAGE_PERMISSION)
    if permission is None:
        return None
    runtime = runtime_of(request.app.state)
    key = visit.found.key if visit.found is not None else None
    try:
        caller = await runtime.auth.authenticate(key, request.scope.get("server"))
    except Unauthorized:
        if key is None:
            return Redirect(f"{PREFIX}/sign-in", status_code=303)
        visit.sign_out()  # a revoked or unknown key: signing in again is the way on
        raise
    if permission != ANY_KEY:
        caller.require(permission)
    if caller.key is not None:
        await runtime.limit(caller)
    visit.caller = caller
    return None


def _cookies(request: Request[Any, Any, Any]) -> list[Cookie]:
    visit: Visit | None = request.state.get(_VISIT)
    if visit is None or not visit.started or visit.found is None:
        return []
    settings = runtime_of(request.app.state).settings
    value = visit.sessions.cookie_value(visit.found)
    return [
        Cookie(
            key=COOKIE,
            value=value,
            path=PREFIX,
            max_age=MAX_AGE_SECONDS,
            httponly=True,
            samesite="strict",
            secure=settings.hsts,  # served over HTTPS (HSTS on): the cookie never goes in clear
        )
    ]


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request[Any, Any, Any],
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A page (or, for htmx, a part of one), with what every template needs."""
    visit: Visit | None = request.state.get(_VISIT)
    caller = visit.caller if visit is not None else None
    nav = [(label, href) for label, href, p in NAVIGATION if caller is not None and caller.may(p)]
    base = {
        "prefix": PREFIX,
        "csrf_field": CSRF_FIELD,
        "csrf": visit.session.csrf if visit is not None else "",
        "caller": caller,
        "signed_in": visit is not None and visit.found is not None and visit.found.key,
        "nav": nav,
        "path": request.url.path,
        "may": (lambda p: caller is not None and caller.may(p)),
        "Permission": Permission,
        "request_id": current_request_id(),
    }
    return Template(
        template_name=template,
        context=base | context,
        status_code=status_code,
        headers=headers,
        cookies=_cookies(request),
        media_type=MediaType.HTML,
    )


def redirect(request: Request[Any, Any, Any], url: str) -> Response[Any]:
    """After a form: 303 to the page that shows its outcome (htmx follows it in place)."""
    if is_htmx(request):
        return Response(b"", headers={"HX-Redirect": url}, cookies=_cookies(request))
    return Redirect(url, status_code=303, cookies=_cookies(request))


_TITLES = {
    401: "Please sign in again",
    403: "Not allowed",
    404: "Not found",
    429: "Too many requests",
    503: "The service is not ready",
}


def error_page(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> Template:
    title = _TITLES.get(status, HTTPStatus(status).phrase)
    template = "error_part.html" if is_htmx(request) else "error.html"
    return render(
        request, template, status, headers, title=title, status=status, code=code, message=message
    )


def _service_error(request: Request[Any, Any, Any], exc: ServiceError) -> Template:
    message = exc.message
    if isinstance(exc, Unavailable):
        message = f"{message}. Try again in a minute."
    return error_page(request, exc.status_code, exc.code, message, exc.headers)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Template:
    status = exc.status_code
    if isinstance(exc, NotFoundException):
        return error_page(request, 404, "not_found", "There is no such page.")
    if isinstance(exc, ValidationException):
        return error_page(request, 422, "invalid_input", "Some of the values given are invalid.")
    if status >= 500:
        return error_page(request, status, "internal_error", "Something went wrong on our side.")
    return error_page(request, status, "error", exc.detail or HTTPStatus(status).phrase)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Template:
    log.error("unexpected error", exc_info=exc)
    return error_page(request, 500, "internal_error", "Something went wrong on our side.")


def error_handlers() -> ExceptionHandlersMap:
    # The most specific class wins, so the service's errors never reach the catch-all.
    return {ServiceError: _service_error, HTTPException: _http_error, Exception: _unexpected}
