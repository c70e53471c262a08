"""A watchlist reload through one process reaches the others of the deployment through Redis:
two real server processes, each loading the same file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import redis

from service.keyspace import KeySpace
from tests.conftest import WATCHLIST, Served, eventually


def _shared(tmp_path: Path, redis_url: str, key_prefix: str) -> tuple[Path, dict[str, str]]:
    watchlist = tmp_path / "watchlist.jsonl"
    shutil.copy(WATCHLIST, watchlist)
    env = {
        "WATCHLIST_PATH": str(watchlist),
        "REDIS_URL": redis_url,
        "SCREENING_REDIS_KEY_PREFIX": key_prefix,
        # A reload may drop any share here: this test shortens the file.
        "SCREENING_RELOAD_MAX_SHRINK": "1",
        # An hour: only an announcement heard explains a reload within the test.
        "SCREENING_RELOAD_POLL_SECONDS": "3600",
    }
    return watchlist, env


def _shorten(watchlist: Path) -> None:
    lines = watchlist.read_text(encoding="utf-8").splitlines(keepends=True)
    watchlist.write_text("".join(lines[:-2]), encoding="utf-8")


def test_a_reload_through_one_process_is_loaded_by_the_other(
    start_server: Callable[..., Served], tmp_path: Path, redis_url: str, key_prefix: str
) -> None:
    watchlist, env = _shared(tmp_path, redis_url, key_prefix)
    one, two = start_server(env), start_server(env)
    before = two.version()
    assert before is not None and one.version() == before
    _shorten(watchlist)
    reloaded = httpx.post(f"{one.base}/v1/watchlist/reload", timeout=30).json()
    assert reloaded["changed"] is True and reloaded["previous_version"] == before
    eventually(lambda: two.version() == reloaded["version"], one, two)
    last = two.ready()["reload"]["last"]
    assert (last["trigger"], last["ok"], last["version"]) == ("peer", True, reloaded["version"])
    # Heard back, its own announcement makes the first load nothing again.
    assert one.ready()["reload"]["last"]["trigger"] == "api"


def test_an_announcement_missed_is_noticed_within_the_poll(
    start_server: Callable[..., Served],
    tmp_path: Path,
    redis_url: str,
    key_prefix: str,
    redis_db: redis.Redis,
) -> None:
    watchlist, env = _shared(tmp_path, redis_url, key_prefix)
    served = start_server(env | {"SCREENING_RELOAD_POLL_SECONDS": "0.2"})
    _shorten(watchlist)
    # As if another process had reloaded while this one was cut off from Redis: the version
    # is kept, but its message was never heard.
    redis_db.set(KeySpace(key_prefix).watchlist_announced(), "a-version-loaded-elsewhere")
    eventually(lambda: served.ready()["reload"]["last"]["trigger"] == "peer", served)
    assert served.ready()["watchlist"]["entities"] == len(WATCHLIST.read_text().splitlines()) - 2
