"""A response of ready-made JSON bytes, sent as they are.

Screening responses are assembled from cached JSON; litestar's `Response` would add a round of
header building and encoding per request that costs as much as the rest of a cache hit.
"""

from __future__ import annotations

from litestar.types import Receive, Scope, Send

_JSON = b"application/json"


class JsonBytes:
    """An ASGI app answering 200 with `body` as `application/json`."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", _JSON), (b"content-length", str(len(self.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})
