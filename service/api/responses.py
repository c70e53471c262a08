"""What the API answers besides its bodies: `JsonBytes`, a response of ready-made JSON bytes
sent as they are, and `errors`, the OpenAPI description of the error answers a route can give.

Screening responses are assembled from cached JSON; litestar's `Response` would add a round of
header building and encoding per request that costs as much as the rest of a cache hit.
"""

from __future__ import annotations

from collections.abc import Mapping

from litestar.openapi import ResponseSpec
from litestar.types import Receive, Scope, Send

from service.api.schemas import ErrorBody

_JSON = b"application/json"

#: What each error status means on any route (`code` in the body says exactly which check
#: failed); a route adds what is particular to it.
ERROR_MEANINGS: dict[int, str] = {
    400: "The request cannot be read: the body is not valid JSON (`malformed_json`), or a "
    "header is malformed.",
    401: "No valid API key (`key_missing`, `key_invalid`, `key_revoked`): send one in the "
    "`X-API-Key` header, or as `Authorization: Bearer <key>` or `Authorization: ApiKey <key>`.",
    403: "The key's role may not do this (`forbidden`).",
    404: "Not found.",
    409: "Conflict with the current state.",
    413: "The body is larger than allowed.",
    415: "The body is not declared as JSON.",
    422: "A value is wrong (`invalid_body`, `invalid_parameter` or a more precise code): "
    "`details` names each field.",
    429: "The key is over its rate limit (`rate_limited`); `Retry-After` says when to retry.",
    503: "Not available for now: the service is starting or its watchlist is not loaded yet, or "
    "the database (keys, audit trail) does not answer; retry (`Retry-After` when known).",
}

#: What every route that needs an API key can answer: the key is checked (in the database)
#: and counted against its rate limit before anything else.
KEYED = (401, 403, 429, 503)


def errors(*statuses: int, described: Mapping[int, str] | None = None) -> dict[int, ResponseSpec]:
    """The OpenAPI responses of these error statuses, each with the error body; `described`
    says more than `ERROR_MEANINGS` for some of them (and adds none)."""
    said = described or {}
    return {
        status: ResponseSpec(ErrorBody, description=said.get(status, ERROR_MEANINGS[status]))
        for status in sorted(set(statuses))
    }


class JsonBytes:
    """An ASGI app answering 200 with `body` as `application/json`."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", _JSON), (b"content-length", str(len(self.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})
