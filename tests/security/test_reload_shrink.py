"""A watchlist that shrinks by accident is not loaded silently: a file cut short at a line
boundary is refused by the API's reload and by SIGHUP (the version served stays), unless the
reload is forced; every version change is logged with its counts."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import http_ready, wait_until

SEED = Path(__file__).resolve().parents[2] / "service" / "watchlist" / "seed" / "watchlist.jsonl"


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "watchlist.jsonl"
    path.write_bytes(SEED.read_bytes())
    return path


def cut(path: Path, lines: int) -> None:
    """The file cut at a line boundary, as a failed download or a full disk leaves it."""
    kept = path.read_text(encoding="utf-8").splitlines(keepends=True)[:lines]
    path.write_text("".join(kept), encoding="utf-8")


def test_a_reload_that_drops_most_entities_is_refused_unless_forced(
    make_client: Callable[..., TestClient[Litestar]],
    watchlist: Path,
    wait_ready: Callable[..., dict[str, Any]],
) -> None:
    client = make_client(preload=False, watchlist_path=str(watchlist))
    served = wait_ready(client)["watchlist"]
    assert served["entities"] > 150
    cut(watchlist, 40)

    refused = client.post("/v1/watchlist/reload")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "watchlist_shrunk"
    assert "40 entities" in body["message"] and "force=true" in body["message"]
    ready = client.get("/ready").json()
    assert ready["watchlist"]["version"] == served["version"]
    assert ready["reload"]["last"]["ok"] is False

    forced = client.post("/v1/watchlist/reload", params={"force": "true"})
    assert forced.status_code == 200, forced.text
    assert forced.json()["entities"] == 40
    assert client.get("/ready").json()["watchlist"]["version"] != served["version"]


def test_a_small_change_is_loaded(
    make_client: Callable[..., TestClient[Litestar]],
    watchlist: Path,
    wait_ready: Callable[..., dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client(preload=False, watchlist_path=str(watchlist), reload_max_shrink=0.05)
    entities = wait_ready(client)["watchlist"]["entities"]
    cut(watchlist, entities - 3)
    with caplog.at_level(logging.INFO, logger="service.lifecycle.reload"):
        response = client.post("/v1/watchlist/reload")
    assert response.status_code == 200, response.text
    [loaded] = [r for r in caplog.records if "removed" in r.__dict__]
    assert loaded.getMessage() == "watchlist loaded"
    assert (loaded.__dict__["removed"], loaded.__dict__["added"]) == (3, 0)
    assert loaded.__dict__["previous_entities"] == entities


def test_sighup_refuses_a_file_cut_short(server: Any, watchlist: Path) -> None:
    base, process = server(watchlist)
    version = http_ready(base)["watchlist"]["version"]
    cut(watchlist, 40)
    os.kill(process.pid, signal.SIGHUP)
    wait_until(lambda: http_ready(base)["reload"]["last"]["trigger"] == "signal", process)
    body = http_ready(base)
    assert body["reload"]["last"]["ok"] is False
    assert "40 entities" in body["reload"]["last"]["error"]
    assert body["watchlist"]["version"] == version
