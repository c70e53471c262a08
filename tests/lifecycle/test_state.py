"""The screener holder: what a request sees while loading, after a failed load, and across a
swap to a new watchlist version."""

from __future__ import annotations

import pytest

from service.errors import Unavailable
from service.lifecycle.state import ScreenerHolder, WatchlistState
from service.screening.screener import Screener
from service.watchlist.loader import Watchlist
from service.watchlist.model import Entity


def build(*names: str) -> Screener:
    entities = [Entity(id=f"x-{i}", name=name) for i, name in enumerate(names)]
    return Screener.build(Watchlist.of(entities))


def test_loading_then_ready() -> None:
    holder = ScreenerHolder()
    assert holder.state is WatchlistState.LOADING
    with pytest.raises(Unavailable, match="still loading") as raised:
        holder.current()
    assert raised.value.code == "watchlist_not_ready"
    screener = build("Zorkiy Optical Works")
    assert holder.swap(screener) is None
    # mypy keeps the state narrowed to LOADING across swap(), which changes it.
    assert holder.state is WatchlistState.READY  # type: ignore[comparison-overlap]
    assert holder.current() is screener


def test_failed_load_is_reported() -> None:
    holder = ScreenerHolder()
    holder.fail("watchlist.jsonl, line 3: invalid JSON")
    assert holder.state is WatchlistState.FAILED
    with pytest.raises(Unavailable, match="line 3"):
        holder.current()


def test_a_failed_reload_keeps_serving_the_old_version() -> None:
    old = build("Zorkiy Optical Works")
    holder = ScreenerHolder(old)
    holder.fail("cannot read new.jsonl")
    assert holder.current() is old
    assert holder.state is WatchlistState.READY
    assert holder.error == "cannot read new.jsonl"


def test_swap_replaces_the_whole_screener() -> None:
    old, new = build("Zorkiy Optical Works"), build("Zorkiy Optical Works", "Peleng")
    holder = ScreenerHolder(old)
    assert holder.swap(new) is old
    assert holder.current().version == new.version != old.version
    assert holder.error is None
