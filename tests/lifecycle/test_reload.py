"""The reloader: one load at a time, a failed load keeps the version served, the same content
keeps the screener served, SIGHUP reloads queue once; and SIGHUP to a real server process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.errors import Conflict, WatchlistFileError
from service.lifecycle.reload import Reloader, ReloadTrigger, source_names
from service.lifecycle.state import ScreenerHolder, WatchlistState
from service.lifecycle.versions import VersionStore
from service.metrics import Metrics
from service.screening.screener import Screener
from service.watchlist.loader import Watchlist, load_watchlist
from service.watchlist.model import Entity
from tests.conftest import http_ready, wait_until

WATCHLIST = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"


def build(*names: str) -> Screener:
    entities = [Entity(id=f"x-{i}", name=name) for i, name in enumerate(names)]
    return Screener.build(Watchlist.of(entities, ["/srv/lists/a.jsonl"]))


class Loads:
    """A `load` for the reloader that serves screeners in turn, or raises, and can be held
    until the test lets it go (a load that takes long)."""

    def __init__(self, *results: Screener | Exception) -> None:
        self.results = list(results)
        self.calls = 0
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def __call__(self) -> Screener:
        self.entered.set()
        self.gate.wait(timeout=10)
        result = self.results[min(self.calls, len(self.results) - 1)]
        self.calls += 1
        if isinstance(result, Exception):
            raise result
        return result


def reloader(loads: Loads, holder: ScreenerHolder | None = None) -> Reloader:
    return Reloader(holder or ScreenerHolder(), VersionStore(keep=5), Metrics(), loads)


async def wait_for(event: threading.Event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.005)


async def test_a_second_reload_during_one_gets_a_conflict() -> None:
    old, new = build("Peleng"), build("Peleng", "Integral")
    loads = Loads(new)
    loads.gate.clear()
    holder = ScreenerHolder(old)
    subject = reloader(loads, holder)
    first = asyncio.create_task(subject.reload(ReloadTrigger.API))
    await wait_for(loads.entered)
    assert subject.in_progress
    with pytest.raises(Conflict) as raised:
        await subject.reload(ReloadTrigger.API)
    assert raised.value.code == "reload_in_progress"
    assert holder.current() is old  # served all along
    loads.gate.set()
    outcome = await first
    assert (outcome.version, outcome.previous_version) == (new.version, old.version)
    assert outcome.changed is True
    assert holder.current() is new
    assert loads.calls == 1
    assert not subject.in_progress


async def test_the_same_content_keeps_the_screener_served() -> None:
    served = build("Peleng")
    holder = ScreenerHolder(served)
    outcome = await reloader(Loads(build("Peleng")), holder).reload(ReloadTrigger.API)
    assert outcome.changed is False
    assert outcome.version == outcome.previous_version == served.version
    assert holder.current() is served


async def test_a_failed_load_keeps_the_version_served_and_is_reported() -> None:
    served = build("Peleng")
    holder = ScreenerHolder(served)
    subject = reloader(Loads(WatchlistFileError("/srv/b.jsonl", 3, "invalid JSON")), holder)
    with pytest.raises(WatchlistFileError):
        await subject.reload(ReloadTrigger.API)
    assert holder.current() is served
    assert holder.state is WatchlistState.READY
    assert holder.error == "/srv/b.jsonl, line 3: invalid JSON"
    assert subject.last is not None
    assert (subject.last.trigger, subject.last.version) == (ReloadTrigger.API, None)
    assert subject.last.error == holder.error


async def test_signals_during_a_reload_queue_one_more() -> None:
    first, second = build("Peleng"), build("Peleng", "Integral")
    loads = Loads(first, second)
    loads.gate.clear()
    holder = ScreenerHolder()
    subject = reloader(loads, holder)
    subject.on_signal()
    await wait_for(loads.entered)
    for _ in range(3):  # the files may change after the load in progress read them
        subject.on_signal()
    loads.gate.set()
    while loads.calls < 2 or subject.in_progress:
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.05)
    assert loads.calls == 2
    assert holder.current() is second
    assert subject.last is not None and subject.last.trigger is ReloadTrigger.SIGNAL
    await subject.close()


def test_sources_are_shown_without_server_paths() -> None:
    sources = ("/srv/lists/a.jsonl", "ofac-csv:/srv/lists/ofac/", "seed.jsonl")
    assert source_names(sources) == ("a.jsonl", "ofac-csv:ofac", "seed.jsonl")


# --- SIGHUP to a real server ------------------------------------------------------------------

EXTRA = {"id": "xx-zorkiy", "name": "Zorkiy Optical Instruments Works", "country": ["XX"]}


def test_sighup_reloads_a_running_server(server: Any, tmp_path: Path) -> None:
    path = tmp_path / "watchlist.jsonl"
    path.write_text(WATCHLIST.read_text(encoding="utf-8"), encoding="utf-8")
    base, process = server(path)
    old = load_watchlist([WATCHLIST]).version
    assert http_ready(base)["watchlist"]["version"] == old
    assert httpx.post(f"{base}/v1/screen", json={"name": EXTRA["name"]}).json()["matches"] == []

    path.write_text(path.read_text(encoding="utf-8") + json.dumps(EXTRA) + "\n", "utf-8")
    new = load_watchlist([path]).version
    os.kill(process.pid, signal.SIGHUP)
    wait_until(lambda: http_ready(base)["watchlist"]["version"] == new, process)
    found = httpx.post(f"{base}/v1/screen", json={"name": EXTRA["name"]}).json()
    assert found["watchlist_version"] == new
    assert [m["entity_id"] for m in found["matches"]] == ["xx-zorkiy"]
    versions = httpx.get(f"{base}/v1/watchlist/versions").json()["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [(new, True), (old, False)]
    assert http_ready(base)["reload"]["last"]["trigger"] == "signal"

    path.write_text('{"id": "broken"\n', encoding="utf-8")
    os.kill(process.pid, signal.SIGHUP)
    wait_until(lambda: http_ready(base)["reload"]["last"]["ok"] is False, process)
    body = http_ready(base)
    assert (body["ready"], body["watchlist"]["version"]) == (True, new)
    assert "line 1: invalid JSON" in body["reload"]["last"]["error"]
    assert httpx.post(f"{base}/v1/screen", json={"name": EXTRA["name"]}).json()["matches"]
