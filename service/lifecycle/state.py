"""The screener being served (one watchlist version and its index), kept in a holder that a
watchlist reload can swap atomically.

A request reads `holder.current()` once and computes its whole response against that one
`Screener`, so it never mixes two watchlist versions. No web, no Redis.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum

from service.errors import Unavailable
from service.screening.screener import Screener
from service.watchlist.importers.filters import EntityFilter
from service.watchlist.loader import load_sources
from service.watchlist.sources import WatchlistSource


def load_screener(
    sources: Sequence[WatchlistSource], entity_filter: EntityFilter | None = None
) -> Screener:
    """Load the watchlist (the seed when there is no source), keep the entities that pass the
    filter and build the index; CPU-bound.

    The cyclic garbage collector is paused while the index is built and the result frozen out
    of its reach: an index holds hundreds of thousands of objects and no reference cycles, and
    every full collection would walk them all again (a 0.4 s pause per collection with the OFAC
    SDN list). Objects are still freed when the last reference goes, old indexes included.
    """
    with _collector_paused():
        screener = Screener.build(load_sources(sources, entity_filter))
    gc.freeze()
    return screener


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class WatchlistState(StrEnum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class ScreenerHolder:
    def __init__(self, screener: Screener | None = None) -> None:
        # One attribute, replaced whole: reading it is atomic, so no lock is needed.
        self._screener = screener
        self._error: str | None = None

    @property
    def state(self) -> WatchlistState:
        if self._screener is not None:
            return WatchlistState.READY
        return WatchlistState.FAILED if self._error else WatchlistState.LOADING

    @property
    def error(self) -> str | None:
        """Why the last watchlist load failed, if it did."""
        return self._error

    def peek(self) -> Screener | None:
        return self._screener

    def current(self) -> Screener:
        """The watchlist to answer a request with; `Unavailable` until one is loaded."""
        screener = self._screener
        if screener is None:
            message = (
                f"the watchlist could not be loaded: {self._error}"
                if self._error
                else "the watchlist is still loading; retry shortly"
            )
            raise Unavailable(message, code="watchlist_not_ready")
        return screener

    def swap(self, screener: Screener) -> Screener | None:
        """Serve `screener` from now on; return the one it replaces."""
        previous, self._screener = self._screener, screener
        self._error = None
        return previous

    def fail(self, error: str) -> None:
        """Record a failed load; a watchlist already being served stays in service."""
        self._error = error
