"""Several API processes agree: metrics counted across processes, and `serve --workers N`
(one supervisor loading the watchlist, N workers serving it) reloading every worker at once.
Real processes over HTTP."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import WATCHLIST, Served, eventually, screen

NAME = "Minsk Wheeled Tractor Plant"


def _counted(metrics: str, route: str, status: int = 200) -> float:
    labels = f'method="POST",route="{re.escape(route)}",status="{status}"'
    pattern = rf"^screening_http_requests_total\{{{labels}\}} (\S+)$"
    found = re.search(pattern, metrics, flags=re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _metrics(served: Served) -> str:
    return httpx.get(f"{served.base}/metrics", timeout=10).text


def test_metrics_are_counted_across_processes(
    start_server: Callable[..., Served], tmp_path: Path
) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "WATCHLIST_PATH": str(WATCHLIST)}
    one, two = start_server(env), start_server(env)
    for _ in range(3):
        assert screen(one.base, NAME) == 200
    for _ in range(4):
        assert screen(two.base, NAME) == 200
    for served in (one, two):
        metrics = _metrics(served)
        assert _counted(metrics, "/v1/screen") == 7
        # One miss in each process (its own in-process cache), the rest hits.
        assert "screening_cache_misses_total 2.0" in metrics
        assert "screening_cache_hits_total 5.0" in metrics
        # A gauge is reported once, not summed over the processes.
        entities = len(WATCHLIST.read_text().splitlines())
        assert f"screening_watchlist_entities {entities}.0" in metrics


def _workers(supervisor: Served) -> set[int]:
    pid = supervisor.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(child) for child in children}


def test_workers_share_their_metrics_and_a_reload_reaches_them_all(
    start_server: Callable[..., Served], tmp_path: Path, redis_url: str, key_prefix: str
) -> None:
    watchlist = tmp_path / "watchlist.jsonl"
    shutil.copy(WATCHLIST, watchlist)
    env = {
        "WATCHLIST_PATH": str(watchlist),
        "REDIS_URL": redis_url,
        "SCREENING_REDIS_KEY_PREFIX": key_prefix,
        "SCREENING_RELOAD_MAX_SHRINK": "1",
    }
    supervisor = start_server(env, workers=2)
    first = _workers(supervisor)
    assert len(first) == 2
    for _ in range(10):
        assert screen(supervisor.base, NAME) == 200
    assert _counted(_metrics(supervisor), "/v1/screen") == 10

    before = supervisor.version()
    lines = watchlist.read_text(encoding="utf-8").splitlines(keepends=True)
    watchlist.write_text("".join(lines[:-1]), encoding="utf-8")
    reloaded = httpx.post(f"{supervisor.base}/v1/watchlist/reload", timeout=60).json()
    assert reloaded["changed"] is True and reloaded["previous_version"] == before
    # Answered once the new workers serve and the old ones take no more requests: every
    # request from now on, whichever worker takes it, gets the new version.
    assert {supervisor.version() for _ in range(10)} == {reloaded["version"]}
    eventually(lambda: len(_workers(supervisor) & first) == 0, supervisor)
    assert len(_workers(supervisor)) == 2
    # Counters keep the requests of the workers gone.
    assert _counted(_metrics(supervisor), "/v1/screen") == 10
    assert 'screening_watchlist_reloads_total{outcome="changed",trigger="api"} 1.0' in (
        _metrics(supervisor)
    )

    # A broken file: refused, the version served stays, and every worker reports the failure.
    watchlist.write_text("".join(lines[:-1]) + '{"id": \n', encoding="utf-8")
    refused = httpx.post(f"{supervisor.base}/v1/watchlist/reload", timeout=60)
    assert (refused.status_code, refused.json()["code"]) == (422, "watchlist_invalid")
    for _ in range(10):
        ready = supervisor.ready()
        assert ready["ready"] is True and ready["watchlist"]["version"] == reloaded["version"]
        assert ready["reload"]["last"]["ok"] is False
        assert "line" in ready["watchlist"]["error"]
