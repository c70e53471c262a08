"""`python -m service serve --workers N`: a supervisor process loads the watchlist and builds
its index once, then forks N worker processes that serve it on one listening socket and share
its memory (copy on write: the index is frozen out of the garbage collector's reach first).

A reload is the supervisor's, never a worker's: it builds the new index in its own process (no
worker waits on its interpreter lock meanwhile), forks a new generation of workers serving it
and, once every one of them is serving, stops the old ones gracefully (they finish the requests
in hand). A worker asks for a reload (`POST /v1/watchlist/reload`, SIGHUP) through its link
(`service.lifecycle.supervision`); with Redis the supervisor announces it to the other machines
and follows theirs. Metrics of all the workers are counted together (`Metrics(shared_dir)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import selectors
import shutil
import signal
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn

from service.api.context import runtime_of
from service.app import create_app
from service.errors import Conflict, ServiceError, Unavailable
from service.keyspace import KeySpace
from service.lifecycle.announcements import Poller, announce_blocking
from service.lifecycle.reload import (
    ReloadAttempt,
    ReloadOutcome,
    ReloadTrigger,
    check_shrink,
    failure_message,
    load_fields,
)
from service.lifecycle.state import load_screener
from service.lifecycle.supervision import (
    Supervision,
    encode,
    error_fields,
)
from service.lifecycle.versions import encode_entities
from service.logs import configure_logging
from service.metrics import Metrics, forget_process
from service.runtime import Runtime
from service.screening.screener import Screener
from service.settings import Settings

log = logging.getLogger(__name__)

#: Seconds a new generation of workers has to be serving before a reload is given up.
READY_TIMEOUT_SECONDS = 120.0
#: Seconds a worker told to stop has to finish the requests in hand (uvicorn's graceful
#: shut-down), and a little more before it is killed.
GRACEFUL_SECONDS = 30.0
#: Seconds the supervisor's loop waits for an event before it looks at Redis again.
_TICK_SECONDS = 0.2
#: Seconds the old workers have to stop taking requests before a reload is answered anyway.
_RETIRE_SECONDS = 5.0
#: Connections the kernel holds for the workers while none accepts (uvicorn's default).
_BACKLOG = 2048


@dataclass
class Worker:
    pid: int
    channel: socket.socket
    generation: int
    ready: bool = False
    retiring: bool = False
    #: Said it takes no more requests.
    retired: bool = False
    pending: bytes = b""


class Supervisor:
    def __init__(self, settings: Settings, host: str, port: int, workers: int) -> None:
        self._settings = settings
        self._host, self._port, self._count = host, port, workers
        self._workers: dict[int, Worker] = {}
        self._generation = 0
        self._screener: Screener | None = None
        self._encoded: bytes | None = None
        self._last: ReloadAttempt | None = None
        self._stopping = False
        self._reloading = False
        self._loading = False
        self._reload_ended = 0.0
        self._signals: list[int] = []
        self._selector = selectors.DefaultSelector()
        self._listen: socket.socket | None = None
        self._poller = (
            Poller(settings.redis_url, KeySpace(settings.redis_key_prefix),
                   settings.reload_poll_seconds)
            if settings.redis_url else None
        )  # fmt: skip

    def run(self) -> int:
        own_dir = self._settings.prometheus_multiproc_dir is None
        metrics_dir = self._settings.prometheus_multiproc_dir or Path(
            tempfile.mkdtemp(prefix="metrics-")
        )
        for stale in metrics_dir.glob("*.db"):  # of processes of an earlier run
            stale.unlink()
        self._settings = self._settings.model_copy(update={"prometheus_multiproc_dir": metrics_dir})
        self._metrics = Metrics(metrics_dir)
        wakeup = self._catch_signals()
        try:
            self._reload(ReloadTrigger.STARTUP, force=False)
            # Bound once the index is built: a worker answers every connection accepted.
            self._listen = _listening_socket(self._host, self._port)
            self._spawn_generation()
            if not self._await_generation():
                log.error("the workers did not start")
                return 1
            log.info(
                "serving",
                extra={"address": f"{self._host}:{self._port}", "workers": self._count},
            )
            while not self._stopping:
                self._step(_TICK_SECONDS)
            return 0
        except ServiceError as exc:
            log.error("the watchlist could not be loaded: %s", exc.message)
            return 2
        finally:
            self._stop_all()
            wakeup.close()
            if self._poller is not None:
                self._poller.close()
            if own_dir:
                shutil.rmtree(metrics_dir, ignore_errors=True)

    # --- the loop ----------------------------------------------------------------------------

    def _catch_signals(self) -> socket.socket:
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno())
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(number, self._on_signal)
        self._selector.register(reader, selectors.EVENT_READ, None)
        self._wakeup = (reader, writer)
        return reader

    def _on_signal(self, number: int, _frame: object) -> None:
        if number in (signal.SIGTERM, signal.SIGINT) and self._loading:
            # A load takes minutes and reads no signal until it ends: stop it now (the
            # workers serving, if any, are stopped on the way out).
            raise SystemExit(0)
        self._signals.append(number)

    def _step(self, timeout: float) -> None:
        for key, _ in self._selector.select(timeout):
            if key.data is None:
                with contextlib.suppress(BlockingIOError):
                    key.fileobj.recv(4096)  # type: ignore[union-attr]
            else:
                self._read(key.data)
        self._reap()
        signals, self._signals = self._signals, []
        if {signal.SIGTERM, signal.SIGINT} & set(signals):
            self._stopping = True
        elif signal.SIGHUP in signals and not self._reloading:
            with contextlib.suppress(ServiceError):
                self._reload(ReloadTrigger.SIGNAL, force=False)
        if self._poller is not None and not self._reloading and not self._stopping:
            announced = self._poller.poll()
            serving = self._screener.version if self._screener else None
            if announced is not None and announced != serving:
                with contextlib.suppress(ServiceError):
                    self._reload(ReloadTrigger.PEER, force=False, accept=announced)

    def _read(self, worker: Worker) -> None:
        try:
            data = worker.channel.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._selector.unregister(worker.channel)
            return
        *lines, worker.pending = (worker.pending + data).split(b"\n")
        for line in lines:
            message = json.loads(line)
            if message["op"] == "ready":
                worker.ready = True
            elif message["op"] == "retired":
                worker.retired = True
            elif message["op"] == "reload":
                self._asked(worker, message)

    def _asked(self, worker: Worker, message: dict[str, Any]) -> None:
        """A worker asks for a reload: answer it once the new generation serves."""
        reply: dict[str, Any] = {"id": message["id"]}
        if self._reloading or message["sent"] < self._reload_ended:
            # Asked while another load was under way, as one process answers that.
            busy = Conflict(
                "a watchlist reload is already in progress; retry when it has ended",
                code="reload_in_progress",
            )
            reply |= {"op": "error", "error": error_fields(busy)}
        else:
            try:
                outcome = self._reload(ReloadTrigger(message["trigger"]), force=message["force"])
            except ServiceError as exc:
                reply |= {"op": "error", "error": error_fields(exc)}
            else:
                reply |= {"op": "outcome", "outcome": outcome}
        self._send(worker, reply)

    def _send(self, worker: Worker, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # gone: it asks nothing any more
            worker.channel.sendall(encode(message))

    # --- loading -----------------------------------------------------------------------------

    def _reload(
        self, trigger: ReloadTrigger, *, force: bool, accept: str | None = None
    ) -> ReloadOutcome:
        """Load the configured watchlist here and have a new generation of workers serve it;
        `ServiceError` if it cannot be (the workers serving go on)."""
        self._reloading = True
        try:
            return self._load(trigger, force=force, accept=accept)
        finally:
            self._reloading = False
            self._reload_ended = time.monotonic()

    def _load(self, trigger: ReloadTrigger, *, force: bool, accept: str | None) -> ReloadOutcome:
        started_at, started = datetime.now(UTC), time.perf_counter()
        previous = self._screener
        try:
            settings = self._settings
            self._loading = True
            try:
                loaded = load_screener(settings.watchlist_sources, settings.watchlist_filter)
            finally:
                self._loading = False
            checked = trigger is not ReloadTrigger.STARTUP and loaded.version != accept
            if previous is not None and checked and not force:
                check_shrink(previous, loaded, self._settings.reload_max_shrink)
        except Exception as exc:
            self._failed(trigger, started_at, time.perf_counter() - started, exc)
            if isinstance(exc, ServiceError):
                raise
            raise ServiceError(failure_message(exc)) from exc
        changed = previous is None or previous.version != loaded.version
        if changed:
            self._screener, self._encoded = loaded, encode_entities(loaded.watchlist.entities)
        screener = self._screener
        assert screener is not None
        del loaded  # an unchanged copy goes: the workers keep the version they serve
        seconds = time.perf_counter() - started
        self._last = ReloadAttempt(trigger, started_at, seconds, screener.version, None)
        self._metrics.watchlist_entities.set(len(screener.watchlist.entities))
        self._metrics.watchlist_reloads.labels(
            trigger.value, "changed" if changed else "unchanged"
        ).inc()
        log.info("watchlist loaded", extra=load_fields(trigger, previous, screener, seconds))
        if changed and previous is not None:
            self._replace_generation()
        else:
            self._tell_all({"op": "attempt", "attempt": self._last})
        if trigger in (ReloadTrigger.API, ReloadTrigger.SIGNAL) and self._settings.redis_url:
            announce_blocking(
                self._settings.redis_url, KeySpace(self._settings.redis_key_prefix),
                screener.version,
            )  # fmt: skip
        return ReloadOutcome.of(screener, previous, datetime.now(UTC), seconds)

    def _failed(
        self, trigger: ReloadTrigger, started_at: datetime, seconds: float, exc: Exception
    ) -> None:
        message = failure_message(exc)
        if not isinstance(exc, ServiceError):
            log.error("watchlist reload (%s) failed", trigger.value, exc_info=exc)
        log.error("watchlist not loaded (%s): %s", trigger.value, message)
        self._metrics.watchlist_reloads.labels(trigger.value, "failed").inc()
        self._last = ReloadAttempt(trigger, started_at, seconds, None, message)
        self._tell_all({"op": "attempt", "attempt": self._last})

    def _tell_all(self, message: dict[str, Any]) -> None:
        for worker in self._workers.values():
            if not worker.retiring:
                self._send(worker, message)

    # --- workers -----------------------------------------------------------------------------

    def _replace_generation(self) -> None:
        """Start workers serving the new screener; stop the old ones once they all serve."""
        old = [w for w in self._workers.values() if not w.retiring]
        self._spawn_generation()
        if not self._await_generation():
            for worker in self._workers.values():
                if worker.generation == self._generation:
                    self._retire(worker)
            raise Unavailable(
                "the workers serving the new watchlist did not start; the version before "
                "stays in service",
                code="reload_failed",
            )
        # Before the reload is answered, the old workers stop taking requests: none answered
        # with the old version once the reload has been (beyond those in hand).
        for worker in old:
            self._send(worker, {"op": "retire"})
        deadline = time.monotonic() + _RETIRE_SECONDS
        while time.monotonic() < deadline and not all(
            w.retired for w in old if w.pid in self._workers
        ):
            self._step(_TICK_SECONDS / 10)
        for worker in old:
            self._retire(worker)

    def _spawn_generation(self) -> None:
        self._generation += 1
        for _ in range(self._count):
            self._spawn()

    def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        # Whatever the parent made so far stays out of the collector's reach in the children:
        # a collection there would write to (and so copy) every page it walks.
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            ours.close()
            self._run_worker(theirs)  # never returns
        theirs.close()
        worker = Worker(pid, ours, self._generation)
        self._workers[pid] = worker
        self._selector.register(ours, selectors.EVENT_READ, worker)

    def _run_worker(self, channel: socket.socket) -> None:
        status = 1
        try:
            signal.set_wakeup_fd(-1)
            for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD):
                signal.signal(number, signal.SIG_DFL)
            for other in self._workers.values():
                other.channel.close()
            for end in self._wakeup:
                end.close()
            supervision = Supervision(channel, self._last, self._encoded)
            app = create_app(self._settings, screener=self._screener, supervision=supervision)
            config = uvicorn.Config(
                app,
                access_log=False,
                log_config=None,
                log_level=self._settings.log_level.lower(),
                timeout_graceful_shutdown=int(GRACEFUL_SECONDS),
            )
            server = uvicorn.Server(config)
            assert self._listen is not None
            asyncio.run(_serve(server, self._listen, runtime_of(app.state)))
            status = 0
        except BaseException:
            log.exception("worker failed")
        finally:
            os._exit(status)

    def _await_generation(self) -> bool:
        """Step until every worker of the newest generation serves; False if one ended or
        they took too long (or the supervisor was told to stop)."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        # Meanwhile other reloads are refused, as during the load.
        was_reloading, self._reloading = self._reloading, True
        try:
            while time.monotonic() < deadline and not self._stopping:
                newest = [w for w in self._workers.values() if w.generation == self._generation]
                if len(newest) < self._count:
                    return False  # one ended before serving
                if all(w.ready for w in newest):
                    return True
                self._step(_TICK_SECONDS)
            return False
        finally:
            self._reloading = was_reloading

    def _retire(self, worker: Worker) -> None:
        if not worker.retiring:
            worker.retiring = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGTERM)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self._workers.pop(pid, None)
            if worker is None:
                continue
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(worker.channel)
            worker.channel.close()
            forget_process(self._settings.prometheus_multiproc_dir or Path(), pid)
            if worker.retiring or self._stopping:
                continue
            log.error(
                "worker ended unexpectedly",
                extra={"pid": pid, "status": os.waitstatus_to_exitcode(status)},
            )
            if worker.generation == self._generation and worker.ready:
                self._spawn()  # a replacement; one that never served is not retried here

    def _stop_all(self) -> None:
        self._stopping = True
        for worker in list(self._workers.values()):
            self._retire(worker)
        deadline = time.monotonic() + GRACEFUL_SECONDS + 5
        while self._workers and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        for worker in self._workers.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        while self._workers:
            pid, _ = os.waitpid(-1, 0)
            self._workers.pop(pid, None)
        if self._listen is not None:
            self._listen.close()


def _listening_socket(host: str, port: int) -> socket.socket:
    """The socket every worker accepts connections on, made as asyncio makes its own: with
    the protocol given (TCP), which asyncio needs to see to switch Nagle's algorithm off on
    each connection (else every response waits some 40 ms for the client's acknowledgement)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listening = socket.socket(family, kind, proto)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(address)
    listening.listen(_BACKLOG)
    return listening


async def _serve(server: uvicorn.Server, sock: socket.socket, runtime: Runtime) -> None:
    """Serve on the supervisor's socket; tell it once serving."""
    serving = asyncio.create_task(server.serve(sockets=[sock]))

    def retire() -> None:
        # What uvicorn does when told to stop, at once rather than at its next tick: take no
        # more connections, and close the open ones after the response in hand.
        for listening in server.servers:
            listening.close()
        for connection in list(server.server_state.connections):
            connection.shutdown()
        server.should_exit = True

    while not server.started:
        if serving.done():
            return await serving
        await asyncio.sleep(0.02)
    link = runtime.link  # made at start-up
    if link is None:
        raise RuntimeError("a supervised worker has no link to its supervisor")
    link.on_retire = retire
    await link.ready()
    await serving


def serve(settings: Settings, host: str, port: int, workers: int) -> int:
    configure_logging(settings.log_level)
    return Supervisor(settings, host, port, workers).run()
