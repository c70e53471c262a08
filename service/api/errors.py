"""The one place where errors become HTTP responses: the service's error tree and litestar's
own client errors map to `{"status", "code", "message", "details"?, "request_id"}`; anything
unexpected becomes a JSON 500 that names the request id and nothing of the internals. No
answer names a directory of the server: a file is named by its name (`public_text`).
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)
from litestar.types import ExceptionHandlersMap

from service.api.web.gate import error_page, is_page
from service.errors import ServiceError, StoreUnavailable
from service.logs import current_request_id

log = logging.getLogger(__name__)


#: An absolute POSIX path with at least one directory (not inside a word or a URL): the
#: directories are dropped, the file name kept.
_SERVER_PATH = re.compile(r"(?<![\w./~-])/(?:[^/\s'\"`(),;]+/)+(?=[^/\s'\"`(),;]*)")


def public_text(text: str) -> str:
    """`text` without the server's directories: `/srv/lists/watchlist.jsonl, line 4` reads
    `watchlist.jsonl, line 4` (the caller names the file as the operator configured it)."""
    return _SERVER_PATH.sub("", text) if "/" in text else text


def _public_details(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {key: public_text(value) if isinstance(value, str) else value for key, value in d.items()}
        for d in details
    ]


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"status": status, "code": code, "message": public_text(message)}
    if details is not None:
        body["details"] = _public_details(details)
    body["request_id"] = current_request_id()
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _service_error(_: Request[Any, Any, Any], exc: ServiceError) -> Response[dict[str, Any]]:
    # A database outage is logged by the store once, when it starts and ends: not per request.
    if exc.status_code >= 500 and not isinstance(exc, StoreUnavailable):
        log.warning("%s: %s", exc.code, exc.message)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


def _validation_details(exc: ValidationException) -> list[dict[str, Any]]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    details = []
    for item in extra:
        if isinstance(item, dict):
            details.append(
                {
                    "field": item.get("key"),
                    "source": item.get("source"),
                    "message": item.get("message"),
                }
            )
    return details


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, ValidationException):
        return _validation_error(exc)
    if exc.status_code == 413:  # litestar's RequestEntityTooLarge
        return error_response(413, "body_too_large", "the request body is larger than allowed")
    if isinstance(exc, NotFoundException):
        if is_page(request.url.path):  # a page of the web app that does not exist: a page too
            return error_page(request, 404, "not_found", "There is no such page.")
        return error_response(404, "route_not_found", "no such endpoint; see /schema")
    if isinstance(exc, MethodNotAllowedException):
        # litestar's router names the methods the path has: `Allow` must say them (RFC 9110).
        allowed = (exc.headers or {}).get("allow", "")
        return error_response(
            405,
            "method_not_allowed",
            f"the method is not allowed here; allowed: {allowed}" if allowed else exc.detail,
            headers={"Allow": allowed} if allowed else None,
        )
    status = exc.status_code
    if status >= 500:
        log.error("server error: %s", exc.detail)
        return error_response(status, "internal_error", "internal error; quote the request id")
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    return error_response(status, code, exc.detail or HTTPStatus(status).phrase)


_PARAMETER_SOURCES = frozenset({"query", "path", "header", "cookie"})


#: litestar's message for a required parameter that is absent (it gives no details then).
_MISSING_PARAMETER = re.compile(r"Missing required (\w+) parameter '([^']+)'")


def _validation_error(exc: ValidationException) -> Response[dict[str, Any]]:
    details = _validation_details(exc)
    if not details and (missing := _MISSING_PARAMETER.match(exc.detail)):
        details = [{"field": missing[2], "source": missing[1], "message": "missing"}]
    if details and all(d["source"] in _PARAMETER_SOURCES for d in details):
        code, where = "invalid_parameter", "parameters are"
    else:
        code, where = "invalid_body", "request body is"
    problems = "; ".join(
        f"{d['field']}: {d['message']}" if d["field"] else d["message"] for d in details
    )
    message = f"the {where} invalid" + (f": {problems}" if problems else "")
    return error_response(422, code, message, details)


def _unexpected(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "internal error; quote the request id")


def exception_handlers() -> ExceptionHandlersMap:
    # The most specific class wins, so client errors never reach the catch-all.
    return {
        ServiceError: _service_error,
        HTTPException: _http_error,
        ClientException: _http_error,
        Exception: _unexpected,
    }
