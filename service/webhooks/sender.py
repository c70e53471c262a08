"""One delivery attempt over HTTP: a signed POST to the address checked, with the receiver's
name as `Host` and for TLS (SNI and the certificate), within bounded timeouts, no redirects
followed, no proxy from the environment, and only the start of the answer read."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpx

from service import __version__
from service.webhooks.addresses import IPAddress, Target

#: Bytes of the receiver's answer read at most (then the connection is dropped).
ANSWER_BYTES_READ = 2048
USER_AGENT = f"sanctions-screening-webhooks/{__version__}"


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    #: The start of the body, decoded leniently.
    excerpt: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


def open_client(connect_seconds: float, attempt_seconds: float) -> httpx.AsyncClient:
    # httpx logs every request at INFO, URL included (a receiver's URL may hold a token): the
    # deliveries' outcomes are logged and recorded by `delivery` instead.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(attempt_seconds, connect=connect_seconds),
        follow_redirects=False,
        trust_env=False,
    )


async def post(
    client: httpx.AsyncClient,
    target: Target,
    address: IPAddress,
    headers: dict[str, str],
    body: bytes,
    attempt_seconds: float,
) -> Answer:
    """POST `body` to `target` at `address`. Raises `httpx.HTTPError` or `TimeoutError` when
    no answer came in time."""
    sent_headers = {
        **headers,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        # The excerpt is read as sent: nothing to inflate.
        "accept-encoding": "identity",
        "host": target.host_header,
    }
    extensions = {"sni_hostname": target.host} if target.https else {}
    async with asyncio.timeout(attempt_seconds):
        request = client.build_request(
            "POST", target.at(address), content=body, headers=sent_headers, extensions=extensions
        )
        response = await client.send(request, stream=True)
        try:
            read = bytearray()
            async for piece in response.aiter_raw():
                read += piece
                if len(read) >= ANSWER_BYTES_READ:
                    break
        finally:
            await response.aclose()
    return Answer(response.status_code, bytes(read[:ANSWER_BYTES_READ]).decode("utf-8", "replace"))
