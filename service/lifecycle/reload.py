"""Loading the configured watchlist while the service runs: at start-up, on
`POST /v1/watchlist/reload` and on SIGHUP. One load at a time, in a worker thread; the new
screener is swapped in whole and its version recorded. A broken file leaves the version being
served in service, and the failure is reported (the error, `/ready`, the logs, the metrics).
Listeners (monitoring) are told of each new version served.

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
from typing import Any

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


@dataclass(frozen=True, slots=True)
class ReloadAttempt:
    """The last load, successful or not, as `/ready` reports it."""

    trigger: ReloadTrigger
    started_at: datetime
    seconds: float
    #: The version loaded; None when the load failed.
    version: str | None
    error: str | None


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
    ) -> None:
        """`on_change`: run in the background after each load that changed the version served
        (announcing it), one at a time in the order loaded; stopped by `close`."""
        self._holder = holder
        self._versions = versions
        self._metrics = metrics
        self._load = load
        self._max_shrink = max_shrink
        self._on_change = on_change
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

    async def adopt(self, screener: Screener) -> None:
        """Serve a screener built elsewhere (tests, the command line) and record its version."""
        previous = self._holder.swap(screener)
        self._metrics.watchlist_entities.set(len(screener.watchlist.entities))
        await self._record(screener, datetime.now(UTC))
        if previous is None or previous.version != screener.version:
            await self._announce(previous.version if previous else None, screener.version)

    async def close(self) -> None:
        """Stop the loads started in the background (a thread loading is abandoned)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _reload(self, trigger: ReloadTrigger, *, force: bool = False) -> ReloadOutcome:
        started_at, started = datetime.now(UTC), time.perf_counter()
        previous = self._holder.peek()
        try:
            # abandon_on_cancel: a shut-down during a long load does not wait for it.
            loaded = await anyio.to_thread.run_sync(self._load, abandon_on_cancel=True)
            if previous is not None and trigger is not ReloadTrigger.STARTUP and not force:
                self._check_shrink(previous, loaded)
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
            extra={
                "trigger": trigger.value,
                "version": screener.version,
                "previous_version": previous.version if previous else None,
                "changed": changed,
                "entities": len(screener.watchlist.entities),
                **_counts(previous, screener),
                "files": list(source_names(screener.watchlist.sources)),
                "seconds": round(seconds, 3),
            },
        )
        record = await self._record(screener, loaded_at)
        if changed:
            await self._announce(previous.version if previous else None, screener.version)
        reloaded = ReloadOutcome(
            version=screener.version,
            previous_version=previous.version if previous else None,
            changed=changed,
            entities=record.entities,
            sources=record.sources,
            loaded_at=loaded_at,
            seconds=seconds,
        )
        if changed and self._on_change is not None:
            self._spawn(self._changed(self._on_change, reloaded))
        return reloaded

    async def _announce(self, previous: str | None, current: str) -> None:
        """Tell the listeners of a new version; one that fails is logged, the reload stands."""
        for listener in self._listeners:
            try:
                await listener(previous, current)
            except Exception:
                log.exception("a listener of watchlist version changes failed")

    def _check_shrink(self, previous: Screener, loaded: Screener) -> None:
        """Refuse a new version that drops more of the entities served than allowed."""
        before, after = len(previous.watchlist.entities), len(loaded.watchlist.entities)
        dropped = before - after
        if before == 0 or dropped / before <= self._max_shrink:
            return
        raise WatchlistShrunk(
            f"the new watchlist holds {after:,} entities, {dropped:,} fewer than the "
            f"{before:,} served ({dropped / before:.0%}; at most {self._max_shrink:.0%} may "
            "go): a file cut short? The version served stays; reload with force=true if the "
            "list really shrank",
            details=[{"entities": after, "served": before, "max_shrink": self._max_shrink}],
        )

    async def _record(self, screener: Screener, loaded_at: datetime) -> VersionRecord:
        watchlist = screener.watchlist
        record = VersionRecord(
            version=watchlist.version,
            loaded_at=loaded_at,
            first_loaded_at=loaded_at,
            sources=source_names(watchlist.sources),
            entities=len(watchlist.entities),
        )
        return await self._versions.record(watchlist.entities, record)

    def _failed(
        self, trigger: ReloadTrigger, started_at: datetime, seconds: float, exc: Exception
    ) -> None:
        # An unexpected error's traceback is logged by whoever catches it.
        if isinstance(exc, ServiceError):
            message = exc.message
        else:
            message = f"unexpected error: {type(exc).__name__}"
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
            if trigger is ReloadTrigger.SIGNAL:
                self._signal_queued = False
            try:
                await self._reload(trigger)
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
