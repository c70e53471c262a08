"""Around every request, routed or not: a request id (the caller's `X-Request-ID` or a new
one, echoed in the response), the security headers, one JSON access-log line and the request
metrics.

Plain ASGI, wrapped around the whole application so 404s, 405s and 500s are seen too.
"""

from __future__ import annotations

import os
import random
import re
import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from service.api.security import SecurityHeaders
from service.logs import begin_request, end_request, write_access_line
from service.metrics import Metrics

#: Request ids are unique, not secret: a generator seeded once, not a system call per request.
_random = random.Random(int.from_bytes(os.urandom(16), "big"))
#: An incoming request id is kept only if it is short and plain (it ends up in logs).
_REQUEST_ID_RE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_HEADER = b"x-request-id"


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _HEADER:
            return value.decode() if _REQUEST_ID_RE.fullmatch(value) else None
    return None


class RequestObserver:
    def __init__(self, app: ASGIApp, metrics: Metrics, security: SecurityHeaders) -> None:
        self.app = app
        self.metrics = metrics
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        await self._observe(scope, receive, send)

    async def _observe(self, scope: HTTPScope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        rid = _incoming_request_id(scope) or f"{_random.getrandbits(128):032x}"
        entry, token = begin_request(rid)
        id_header = (_HEADER, rid.encode())
        status = 500
        path = scope["path"]

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), id_header]
                self.security.add(path, headers)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("path_template") or "<unmatched>"
            self.metrics.observe_request(route, scope["method"], status, seconds)
            write_access_line(entry, scope["method"], scope["path"], status, seconds)
            end_request(token)
