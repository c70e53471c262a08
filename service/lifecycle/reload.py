"""Loading the configured watchlist while the service runs: at start-up, on
`POST /v1/watchlist/reload` and on SIGHUP, and when another process announces a reload. One
load at a time, in a worker thread; the new screener is swapped in whole and its version
recorded. A broken file leaves the version being served in service, and the failure is reported
(the error, `/ready`, the logs, the metrics). Listeners (monitoring) are told of each new
version served. A process forked by `serve --workers` loads nothing itself: its supervisor
does (`remote`), and replaces it with a process serving the new version.

No web framework here; the loading itself is the `load` callable given (`load_screener`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import anyio.to_thread

from service.errors import Conflict, ServiceError, WatchlistShrunk
from service.lifecycle.state import ScreenerHolder
from service.lifecycle.versions import VersionRecord, VersionStore
from service.metrics import Metrics
from service.screening.screener import Screener

log = logging.getLogger(__name__)


#: Told of each new version served: (the version before, None at the first; the new one).
VersionListener = Callable[[str | None, str], Awaitable[None]]


class ReloadTrigger(StrEnum):
    STARTUP = "startup"
    API = "api"
    SIGNAL = "signal"
    #: Another process of the deployment reloaded and announced its version.
    PEER = "peer"


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    version: str
    previous_version: str | None
    #: False when the files hold the same content as the version being served.
    changed: bool
    entities: int
    sources: tuple[str, ...]
    loaded_at: datetime
    seconds: float

    @classmethod
    def of(
        cls, screener: Screener, previous: Screener | None, loaded_at: datetime, seconds: float
    ) -> ReloadOutcome:
        return cls(
            version=screener.version,
            previous_version=previous.version if previous else None,
            changed=previous is None or previous.version != screener.version,
            entities=len(screener.watchlist.entities),
            sources=source_names(screener.watchlist.sources),
            loaded_at=loaded_at,
            seconds=seconds,
        )


@dataclass(frozen=True, slots=True)
class ReloadAttempt:
    """The last load, successful or not, as `/ready` reports it."""

    trigger: ReloadTrigger
    started_at: datetime
    seconds: float
    #: The version loaded; None when the load failed.
    version: str | None
    error: str | None


class RemoteReloads(Protocol):
    """Reloads done by another process (the supervisor of `serve --workers`)."""

    async def reload(self, trigger: ReloadTrigger, force: bool) -> ReloadOutcome: ...


def check_shrink(previous: Screener, loaded: Screener, max_shrink: float) -> None:
    """Refuse a new version that drops more of the entities served than allowed."""
    before, after = len(previous.watchlist.entities), len(loaded.watchlist.entities)
    dropped = before - after
    if before == 0 or dropped / before <= max_shrink:
        return
    raise WatchlistShrunk(
        f"the new watchlist holds {after:,} entities, {dropped:,} fewer than the "
        f"{before:,} served ({dropped / before:.0%}; at most {max_shrink:.0%} may "
        "go): a file cut short? The version served stays; reload with force=true if the "
        "list really shrank",
        details=[{"entities": after, "served": before, "max_shrink": max_shrink}],
    )


def failure_message(exc: Exception) -> str:
    """Why a load failed, as `/ready` and the logs say it."""
    if isinstance(exc, ServiceError):
        return exc.message
    return f"unexpected error: {type(exc).__name__}"


def load_fields(
    trigger: ReloadTrigger, previous: Screener | None, current: Screener, seconds: float
) -> dict[str, Any]:
    """What the log says of a load that put `current` in service."""
    return {
        "trigger": trigger.value,
        "version": current.version,
        "previous_version": previous.version if previous else None,
        "changed": previous is None or previous.version != current.version,
        "entities": len(current.watchlist.entities),
        **_counts(previous, current),
        "files": list(source_names(current.watchlist.sources)),
        "seconds": round(seconds, 3),
    }


def _counts(previous: Screener | None, current: Screener) -> dict[str, int]:
    """Entities added and removed (by id) since the previous version, for the log."""
    if previous is None or previous.version == current.version:
        return {}
    before = {e.id for e in previous.watchlist.entities}
    after = {e.id for e in current.watchlist.entities}
    return {
        "previous_entities": len(before),
        "added": len(after - before),
        "removed": len(before - after),
    }


def source_names(sources: tuple[str, ...]) -> tuple[str, ...]:
    """Where a watchlist came from, as shown over HTTP: file names, not server paths, after
    their format if they have one (`ofac-csv:/lists/ofac/` is `ofac-csv:ofac`)."""
    names = []
    for source in sources:
        prefix, colon, path = source.partition(":")
        if colon and prefix and "/" not in prefix and "\\" not in prefix:
            names.append(f"{prefix}:{Path(path).name}")
        else:
            names.append(Path(source).name)
    return tuple(names)


class Reloader:
    def __init__(
        self,
        holder: ScreenerHolder,
        versions: VersionStore,
        metrics: Metrics,
        load: Callable[[], Screener],
        max_shrink: float = 1.0,
        on_change: Callable[[ReloadOutcome], Awaitable[None]] | None = None,
        *,
        on_reload: Callable[[ReloadOutcome], Awaitable[None]] | None = None,
        remote: RemoteReloads | None = None,
    ) -> None:
        """`on_change`: run in the background after each load that changed the version served
        (announcing it), one at a time in the order loaded; stopped by `close`. `on_reload`:
        awaited after each load asked of this process (API, signal) before it is answered
        (telling the other processes). `remote`: who loads instead of this process."""
        self._holder = holder
        self._versions = versions
        self._metrics = metrics
        self._load = load
        self._max_shrink = max_shrink
        self._on_change = on_change
        self._on_reload = on_reload
        self._remote = remote
        #: The version another process announced, to load once the load in progress has ended.
        self._peer_version: str | None = None
        self._announcing = asyncio.Lock()
        self._lock = asyncio.Lock()
        self._signal_queued = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._listeners: list[VersionListener] = []
        self.last: ReloadAttempt | None = None

    def subscribe(self, listener: VersionListener) -> None:
        """Call `listener(previous, current)` after each load that puts a new version in
        service (the first included, with None before it), once the version is recorded."""
        self._listeners.append(listener)

    @property
    def in_progress(self) -> bool:
        return self._lock.locked()

    async def reload(self, trigger: ReloadTrigger, *, force: bool = False) -> ReloadOutcome:
        """Load the configured watchlist and serve it. A load already in progress is not
        waited for: the caller gets `Conflict` at once and may retry when it has ended (an HTTP
        request held for a whole load of a large list would outlive many clients' timeouts).
        `force`: serve it even if it drops more entities than `max_shrink` allows."""
        if self._lock.locked():
            raise Conflict(
                "a watchlist reload is already in progress; retry when it has ended",
                code="reload_in_progress",
            )
        async with self._lock:
            if self._remote is not None:
                return await self._remote.reload(trigger, force)
            return await self._reload(trigger, force=force)

    def start(self) -> None:
        """The first load, in the background: the app answers (`/health`) meanwhile."""
        self._spawn(self._reload_in_background(ReloadTrigger.STARTUP))

    def on_signal(self) -> None:
        """SIGHUP: reload once the load in progress, if any, has ended (the files may have
        changed after it read them). Signals received while one waits make no more loads."""
        if not self._signal_queued:
            self._signal_queued = True
            self._spawn(self._reload_in_background(ReloadTrigger.SIGNAL))

    def follow(self, version: str) -> None:
        """Another process announced it serves `version` after a reload: load the configured
        watchlist too, unless it is the version served (once the load in progress has ended;
        announcements meanwhile make one load). A load that finds exactly that version serves
        it whatever it drops: the announcing process checked it (or was forced)."""
        serving = self._holder.peek()
        if serving is not None and serving.version == version:
            return
        queued = self._peer_version is not None
        self._peer_version = version
        if not queued:
            self._spawn(self._reload_in_background(ReloadTrigger.PEER))

    def note(self, attempt: ReloadAttempt) -> None:
        """A load done elsewhere (`remote`), reported as this process's last on `/ready`."""
        self.last = attempt
        if attempt.error is not None:
            self._holder.fail(attempt.error)

    async def adopt(
        self, screener: Screener, *, encoded: bytes | None = None, announce: bool = False
    ) -> None:
        """Serve a screener built elsewhere (tests, the command line, the supervisor) and
        record its version (`encoded`: its entities, encoded already). `announce`: tell the
        webhooks of it as of a new version loaded (they hear each version once)."""
        previous = self._holder.swap(screener)
        self._metrics.watchlist_entities.set(len(screener.watchlist.entities))
        loaded_at = datetime.now(UTC)
        await self._record(screener, loaded_at, encoded)
        if previous is None or previous.version != screener.version:
            await self._announce(previous.version if previous else None, screener.version)
        if announce and self._on_change is not None:
            outcome = ReloadOutcome.of(screener, None, loaded_at, 0.0)
            self._spawn(self._changed(self._on_change, outcome))

    async def close(self) -> None:
        """Stop the loads started in the background (a thread loading is abandoned)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _reload(
        self, trigger: ReloadTrigger, *, force: bool = False, accept: str | None = None
    ) -> ReloadOutcome:
        """`accept`: a version served even if it drops more than allowed (a peer's)."""
        started_at, started = datetime.now(UTC), time.perf_counter()
        previous = self._holder.peek()
        try:
            # abandon_on_cancel: a shut-down during a long load does not wait for it.
            loaded = await anyio.to_thread.run_sync(self._load, abandon_on_cancel=True)
            checked = trigger is not ReloadTrigger.STARTUP and loaded.version != accept
            if previous is not None and checked and not force:
                check_shrink(previous, loaded, self._max_shrink)
        except Exception as exc:
            self._failed(trigger, started_at, time.perf_counter() - started, exc)
            raise
        changed = previous is None or previous.version != loaded.version
        # The same content: the screener in service stays, with its warm lookup caches.
        screener = loaded if changed or previous is None else previous
        self._holder.swap(screener)
        loaded_at, seconds = datetime.now(UTC), time.perf_counter() - started
        self._metrics.watchlist_entities.set(len(screener.watchlist.entities))
        outcome = "changed" if changed else "unchanged"
        self._metrics.watchlist_reloads.labels(trigger.value, outcome).inc()
        self.last = ReloadAttempt(trigger, started_at, seconds, screener.version, None)
        log.log(
            logging.WARNING if force and changed else logging.INFO,
            "watchlist loaded" + (" (forced)" if force and changed else ""),
            extra=load_fields(trigger, previous, screener, seconds),
        )
        if changed or trigger is not ReloadTrigger.PEER:
            # (A peer's reload that finds the version served here puts nothing in service.)
            await self._record(screener, loaded_at)
        if changed:
            await self._announce(previous.version if previous else None, screener.version)
        reloaded = ReloadOutcome.of(screener, previous, loaded_at, seconds)
        if changed and self._on_change is not None:
            self._spawn(self._changed(self._on_change, reloaded))
        if trigger in (ReloadTrigger.API, ReloadTrigger.SIGNAL) and self._on_reload is not None:
            try:
                await self._on_reload(reloaded)
            except Exception:
                log.exception("after the watchlist was reloaded as %s", reloaded.version)
        return reloaded

    async def _announce(self, previous: str | None, current: str) -> None:
        """Tell the listeners of a new version; one that fails is logged, the reload stands."""
        for listener in self._listeners:
            try:
                await listener(previous, current)
            except Exception:
                log.exception("a listener of watchlist version changes failed")

    async def _record(
        self, screener: Screener, loaded_at: datetime, encoded: bytes | None = None
    ) -> VersionRecord:
        watchlist = screener.watchlist
        record = VersionRecord(
            version=watchlist.version,
            loaded_at=loaded_at,
            first_loaded_at=loaded_at,
            sources=source_names(watchlist.sources),
            entities=len(watchlist.entities),
        )
        return await self._versions.record(watchlist.entities, record, encoded)

    def _failed(
        self, trigger: ReloadTrigger, started_at: datetime, seconds: float, exc: Exception
    ) -> None:
        # An unexpected error's traceback is logged by whoever catches it.
        message = failure_message(exc)
        serving = self._holder.peek()
        log.error(
            "watchlist not loaded (%s): %s",
            trigger.value,
            message,
            extra={"still_serving": serving.version if serving else None},
        )
        self._holder.fail(message)
        self._metrics.watchlist_reloads.labels(trigger.value, "failed").inc()
        self.last = ReloadAttempt(trigger, started_at, seconds, None, message)

    async def _reload_in_background(self, trigger: ReloadTrigger) -> None:
        """A reload nobody waits for: it waits its turn; a failure to load is logged and
        reported on `/ready` by `_reload`."""
        async with self._lock:
            accept = None
            if trigger is ReloadTrigger.SIGNAL:
                self._signal_queued = False
            elif trigger is ReloadTrigger.PEER:
                accept, self._peer_version = self._peer_version, None
                serving = self._holder.peek()
                if serving is not None and serving.version == accept:
                    return  # loaded meanwhile
            try:
                if self._remote is not None:
                    await self._remote.reload(trigger, False)
                else:
                    await self._reload(trigger, accept=accept)
            except ServiceError:
                pass
            except Exception:
                log.exception("watchlist reload (%s) failed", trigger.value)

    async def _changed(
        self, on_change: Callable[[ReloadOutcome], Awaitable[None]], outcome: ReloadOutcome
    ) -> None:
        async with self._announcing:
            try:
                await on_change(outcome)
            except Exception:
                log.exception("after the watchlist changed to %s", outcome.version)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
