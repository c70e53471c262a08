"""A real webhook receiver for the tests: an HTTP server on loopback, in a thread, that keeps
every request it is sent and answers as told (a status per request, then 200; or holding a
request until released)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    def verified(self, secret: str) -> dict[str, Any]:
        """The payload, once the signature is verified with `secret` (raises otherwise)."""
        payload: dict[str, Any] = Webhook(secret).verify(self.body, self.headers)
        return payload


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        #: The status of each next answer, in order (then 200); or a function of the request.
        self.statuses: list[int] = []
        self.answer: Callable[[Received], int] | None = None
        #: Set: a request is held (unanswered) until `release` is set.
        self.hold = threading.Event()
        self.release = threading.Event()
        self.answer_body = b"ok"
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                request = Received(
                    {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
                )
                status = receiver._take(request)
                if receiver.hold.is_set():
                    receiver.release.wait(30)
                try:
                    self.send_response(status)
                    self.send_header("content-length", str(len(receiver.answer_body)))
                    self.end_headers()
                    self.wfile.write(receiver.answer_body)
                except OSError:
                    pass  # the sender went away (killed) while the request was held

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _take(self, request: Received) -> int:
        with self._lock:
            self.received.append(request)
            if self.answer is not None:
                return self.answer(request)
            return self.statuses.pop(0) if self.statuses else 200

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in list(self.received) if r.payload["type"] == event_type]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until `count` requests have come; all those received then."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} requests came"
            time.sleep(0.02)
        return list(self.received)


def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
