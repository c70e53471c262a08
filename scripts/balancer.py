"""A round-robin TCP proxy on 127.0.0.1 (asyncio, with uvloop): each new connection goes to the
next backend port in turn, or to the one after it if that one refuses. The load balancer of
`scripts/topology.py`; bytes are passed through, so it serves HTTP/1.1 keep-alive as is.

Run: python scripts/balancer.py PORT BACKEND_PORT[,BACKEND_PORT...]  (until SIGTERM or SIGINT)
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any


class _Pipe(asyncio.Protocol):
    """One side of a proxied connection: what it receives is written to its peer's transport,
    and reading stops while the peer cannot keep up (flow control both ways)."""

    def __init__(
        self,
        on_made: Callable[[_Pipe], None] | None = None,
        on_lost: Callable[[_Pipe], None] | None = None,
    ) -> None:
        # uvloop's transports are not `asyncio.Transport` subclasses: typed by what is used.
        self.transport: Any = None
        self.peer: _Pipe | None = None
        self._on_made, self._on_lost = on_made, on_lost
        #: What arrived before the peer was connected (uvloop may start reading even so).
        self._early: list[bytes] = []
        #: This side has sent its end (EOF).
        self.ended = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        if self._on_made is not None:
            self._on_made(self)

    def data_received(self, data: bytes) -> None:
        if self.peer is not None:
            self.peer.transport.write(data)
        else:
            self._early.append(data)

    def connected(self, peer: _Pipe) -> None:
        self.peer = peer
        peer.transport.write(b"".join(self._early))
        self._early.clear()
        if self.ended:
            peer.transport.write_eof()

    def eof_received(self) -> bool:
        """A half-close is passed on; once both sides have sent theirs, both are closed."""
        self.ended = True
        if self.peer is not None:
            self.peer.transport.write_eof()
            if self.peer.ended:
                self.transport.close()
                self.peer.transport.close()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None:
            self.peer.transport.close()
        if self._on_lost is not None:
            self._on_lost(self)

    def pause_writing(self) -> None:
        if self.peer is not None:
            self.peer.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.peer is not None:
            self.peer.transport.resume_reading()


class RoundRobin:
    """A TCP proxy on 127.0.0.1: each new connection goes to the next backend in turn, or to
    the one after it if that one refuses (a process restarting), so no client sees it."""

    def __init__(self, backends: Sequence[int]) -> None:
        self._turns = itertools.cycle(range(len(backends)))
        self.backends = list(backends)
        self._tasks: set[asyncio.Task[None]] = set()
        #: The client connections open now.
        self.clients: set[_Pipe] = set()

    async def serve(self, port: int) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        factory = partial(_Pipe, self._accepted, self.clients.discard)
        return await loop.create_server(factory, "127.0.0.1", port, reuse_address=True)

    def _accepted(self, client: _Pipe) -> None:
        self.clients.add(client)
        client.transport.pause_reading()  # until the backend's connection is open
        task = asyncio.get_running_loop().create_task(self._connect(client))
        self._tasks.add(task)  # a reference, so that the task is not collected half-way
        task.add_done_callback(self._tasks.discard)

    async def _connect(self, client: _Pipe) -> None:
        first = next(self._turns)
        loop = asyncio.get_running_loop()
        for turn in range(len(self.backends)):
            port = self.backends[(first + turn) % len(self.backends)]
            try:
                _, upstream = await loop.create_connection(_Pipe, "127.0.0.1", port)
            except OSError:
                continue
            upstream.peer = client
            client.connected(upstream)
            upstream.transport.get_extra_info("socket").setsockopt(
                socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
            )
            if client.transport.is_closing():
                upstream.transport.close()
            else:
                client.transport.resume_reading()
            return
        client.transport.abort()  # no backend answers


def run_proxy(port: int, backends: Sequence[int]) -> None:
    """Serve the proxy until SIGTERM or SIGINT (with uvloop, as the API processes)."""

    async def main() -> None:
        server = await RoundRobin(backends).serve(port)
        stop = asyncio.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(number, stop.set)
        await stop.wait()
        server.close()

    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        asyncio.run(main())
    else:
        uvloop.run(main())


if __name__ == "__main__":
    run_proxy(int(sys.argv[1]), [int(port) for port in sys.argv[2].split(",")])
