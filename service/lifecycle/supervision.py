"""The link between a worker process forked by `serve --workers N` and its supervisor (the
parent that loads the watchlist): a socket pair, one JSON object per line each way.

Worker to supervisor: `ready` (serving), `reload` (asked through the API or SIGHUP), `retired`.
Supervisor to worker: the `outcome` or `error` of that reload, each load's `attempt` (for
`/ready`), and `retire` once a new generation serves: accept no more connections and close the
ones open after their request in hand, then say `retired`. No web framework here; the
supervisor's side is `service.supervisor`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from service.errors import Conflict, ServiceError, Unavailable, WatchlistError
from service.lifecycle.reload import ReloadAttempt, ReloadOutcome, ReloadTrigger

log = logging.getLogger(__name__)

#: Errors sent across, rebuilt by their HTTP status (their code and details travel too).
_ERRORS: dict[int, type[ServiceError]] = {409: Conflict, 422: WatchlistError, 503: Unavailable}


def encode(message: dict[str, Any]) -> bytes:
    """One line of JSON; a `ReloadOutcome` or `ReloadAttempt` in it as its fields."""

    def fields(value: object) -> object:
        if isinstance(value, ReloadOutcome | ReloadAttempt):
            return asdict(value)
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not sent")

    return json.dumps(message, default=fields).encode() + b"\n"


def error_fields(exc: ServiceError) -> dict[str, Any]:
    return {
        "status": exc.status_code,
        "code": exc.code,
        "message": exc.message,
        "details": exc.details,
    }


def _outcome(fields: dict[str, Any]) -> ReloadOutcome:
    return ReloadOutcome(
        **fields
        | {
            "sources": tuple(fields["sources"]),
            "loaded_at": datetime.fromisoformat(fields["loaded_at"]),
        }
    )


def _attempt(fields: dict[str, Any]) -> ReloadAttempt:
    return ReloadAttempt(
        **fields
        | {
            "trigger": ReloadTrigger(fields["trigger"]),
            "started_at": datetime.fromisoformat(fields["started_at"]),
        }
    )


def _error(fields: dict[str, Any]) -> ServiceError:
    kind = _ERRORS.get(fields["status"], ServiceError)
    return kind(fields["message"], code=fields["code"], details=fields["details"])


@dataclass
class Supervision:
    """What a forked worker received from its supervisor: its end of the link, the last load
    (for `/ready`), and the entities of the version served, encoded once for all workers."""

    channel: socket.socket
    last: ReloadAttempt | None
    encoded_entities: bytes | None

    def link(self, on_attempt: Callable[[ReloadAttempt], None]) -> SupervisorLink:
        return SupervisorLink(self.channel, on_attempt)


class SupervisorLink:
    """The worker's side, on its event loop: reloads are asked of the supervisor."""

    def __init__(self, channel: socket.socket, on_attempt: Callable[[ReloadAttempt], None]):
        self._channel = channel
        self._on_attempt = on_attempt
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[ReloadOutcome]] = {}
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None
        #: Stops the server taking requests (set by whoever runs it).
        self.on_retire: Callable[[], None] | None = None

    async def open(self) -> None:
        reader, self._writer = await asyncio.open_connection(sock=self._channel)
        self._reading = asyncio.create_task(self._read(reader), name="supervisor-link")

    async def close(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reading
        if self._writer is not None:
            self._writer.close()

    async def ready(self) -> None:
        await self._send({"op": "ready"})

    async def reload(self, trigger: ReloadTrigger, force: bool) -> ReloadOutcome:
        """Ask the supervisor to load the watchlist: its outcome once the processes serving
        the new version are up, or its error (`Conflict` while it loads for another)."""
        number = next(self._ids)
        future: asyncio.Future[ReloadOutcome] = asyncio.get_running_loop().create_future()
        self._waiting[number] = future
        try:
            await self._send(
                {
                    "op": "reload",
                    "id": number,
                    "trigger": trigger.value,
                    "force": force,
                    # CLOCK_MONOTONIC is one clock for every process of the machine.
                    "sent": time.monotonic(),
                }
            )
            return await future
        finally:
            self._waiting.pop(number, None)

    async def _send(self, message: dict[str, Any]) -> None:
        if self._writer is None:
            raise Unavailable("the service is starting; retry shortly", code="not_started")
        self._writer.write(encode(message))
        await self._writer.drain()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            message = json.loads(line)
            op = message["op"]
            future = self._waiting.get(message.get("id", 0))
            if op == "attempt":
                self._on_attempt(_attempt(message["attempt"]))
            elif op == "retire":
                if self.on_retire is not None:
                    self.on_retire()
                await self._send({"op": "retired"})
            elif future is not None and not future.done():
                if op == "outcome":
                    future.set_result(_outcome(message["outcome"]))
                else:
                    future.set_exception(_error(message["error"]))
        # The supervisor is gone: nothing it was asked will be answered.
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(Unavailable("the supervisor has stopped", code="stopping"))
