"""POST /v1/watchlist/reload over HTTP: a changed file, the same file, a broken file, a missing
one, two reloads at once, a failed start-up put right, and responses that never mix versions
while reloads run."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import Readiness, ReloadResponse

from .conftest import ONLY_IN_A, ONLY_IN_B, Lists

Client = TestClient[Litestar]


def screen(client: Client, name: str) -> dict[str, Any]:
    response = client.post("/v1/screen", json={"name": name})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def reload(client: Client, status: int = 200) -> dict[str, Any]:
    response = client.post("/v1/watchlist/reload")
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    if status == 200:
        ReloadResponse.model_validate(body)
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [m["entity_id"] for m in body["matches"]]


def test_a_changed_file_is_served_at_once_and_old_results_are_not_reused(
    make_client: Callable[..., Client], lists: Lists
) -> None:
    client = make_client(watchlist_path=str(lists.path))
    assert screen(client, ONLY_IN_A)["cached"] is False
    before = screen(client, ONLY_IN_A)
    assert (before["watchlist_version"], before["cached"], ids(before)) == (
        lists.a, True, ["by-peleng"],
    )  # fmt: skip
    lists.write_b()
    body = reload(client)
    assert (body["version"], body["previous_version"], body["changed"]) == (lists.b, lists.a, True)
    assert (body["entities"], body["sources"]) == (9, ["watchlist.jsonl"])
    assert body["load_seconds"] >= 0 and body["loaded_at"]
    after = screen(client, ONLY_IN_A)
    assert (after["watchlist_version"], after["cached"], ids(after)) == (lists.b, False, [])
    assert ids(screen(client, ONLY_IN_B)) == ["xx-zorkiy"]
    assert client.get("/ready").json()["watchlist"]["version"] == lists.b
    assert client.get("/v1/watchlist?limit=1").json()["version"] == lists.b
    assert client.get("/v1/watchlist/by-mzkt").headers["x-watchlist-version"] == lists.b


def test_reloads_are_counted(make_client: Callable[..., Client], lists: Lists) -> None:
    client = make_client(watchlist_path=str(lists.path))
    reload(client)
    lists.write_b()
    reload(client)
    lists.write("{\n")
    reload(client, 422)
    metrics = client.get("/metrics").text
    for outcome in ("unchanged", "changed", "failed"):
        line = f'screening_watchlist_reloads_total{{outcome="{outcome}",trigger="api"}} 1.0'
        assert line in metrics, outcome


def test_with_redis_each_version_has_its_own_entries(
    make_client: Callable[..., Client],
    lists: Lists,
    redis_url: str,
    key_prefix: str,
    redis_db: redis.Redis,
) -> None:
    client = make_client(
        watchlist_path=str(lists.path), redis_url=redis_url, redis_key_prefix=key_prefix
    )
    screen(client, ONLY_IN_A)
    assert screen(client, ONLY_IN_A)["cached"] is True
    lists.write_b()
    reload(client)
    after = screen(client, ONLY_IN_A)
    assert (after["cached"], ids(after)) == (False, [])
    keys = cast("list[bytes]", redis_db.keys(f"{key_prefix}:v1:result:*"))
    assert {k.split(b":")[3].decode() for k in keys} == {lists.a, lists.b}  # nothing flushed
    lists.write_a()
    reload(client)
    again = screen(client, ONLY_IN_A)  # back to A: its entries are still good
    assert (again["watchlist_version"], again["cached"], ids(again)) == (
        lists.a, True, ["by-peleng"],
    )  # fmt: skip


def test_the_same_file_is_no_change(make_client: Callable[..., Client], lists: Lists) -> None:
    client = make_client(watchlist_path=str(lists.path))
    body = reload(client)
    assert (body["version"], body["previous_version"], body["changed"]) == (
        lists.a, lists.a, False,
    )  # fmt: skip
    assert screen(client, ONLY_IN_A)["watchlist_version"] == lists.a


def test_a_broken_file_keeps_the_old_version_serving(
    make_client: Callable[..., Client], lists: Lists
) -> None:
    client = make_client(watchlist_path=str(lists.path))
    lines = lists.b_text.splitlines(keepends=True)
    lists.write("".join(lines[:4]) + '{"id": "by-x", "name": \n' + "".join(lines[4:]))
    error = reload(client, 422)
    assert error["code"] == "watchlist_invalid"
    # The file by its name: the server's directories are not the caller's business.
    assert error["message"].startswith(f"{lists.path.name}, line 5: invalid JSON")
    assert error["details"][0]["source"] == lists.path.name
    assert error["details"][0]["line"] == 5
    found = screen(client, ONLY_IN_A)
    assert (found["watchlist_version"], ids(found)) == (lists.a, ["by-peleng"])

    response = client.get("/ready")
    assert response.status_code == 200
    ready = Readiness.model_validate_json(response.content)
    assert (ready.ready, ready.watchlist.state, ready.watchlist.version) == (True, "ready", lists.a)
    assert ready.watchlist.error is not None and "line 5" in ready.watchlist.error
    last = ready.reload.last
    assert last is not None
    assert (last.trigger, last.ok, last.version) == ("api", False, None)
    assert last.error == ready.watchlist.error
    assert last.started_at.tzinfo is not None

    lists.write_b()
    assert reload(client)["version"] == lists.b
    ready = Readiness.model_validate_json(client.get("/ready").content)
    assert ready.watchlist.error is None
    assert ready.reload.last is not None and ready.reload.last.ok


def test_a_missing_file_is_named(make_client: Callable[..., Client], tmp_path: Path) -> None:
    missing = tmp_path / "gone.jsonl"
    client = make_client(watchlist_path=str(missing))
    error = reload(client, 422)
    assert error["code"] == "watchlist_invalid"
    assert error["message"] == f"{missing.name}: cannot read: No such file or directory"
    assert screen(client, ONLY_IN_A)["matches"]


def test_a_second_reload_while_one_runs_gets_409(
    make_client: Callable[..., Client], lists: Lists, tmp_path: Path
) -> None:
    """The configured file is a named pipe: the first reload blocks reading it until the test
    writes the list into it, so the second one certainly arrives during the first."""
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    client = make_client(watchlist_path=str(fifo))
    first: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: first.update(reload(client)))
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while not client.get("/ready").json()["reload"]["in_progress"]:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        error = reload(client, 409)
        assert error["code"] == "reload_in_progress"
        assert screen(client, ONLY_IN_A)["watchlist_version"] == lists.a  # still served
    finally:
        with fifo.open("w", encoding="utf-8") as pipe:
            pipe.write(lists.b_text)
        worker.join(timeout=30)
    assert first["version"] == lists.b
    assert not client.get("/ready").json()["reload"]["in_progress"]


def test_a_failed_start_is_put_right_by_a_reload(
    make_client: Callable[..., Client], lists: Lists, wait_ready: Any
) -> None:
    lists.write("not json\n")
    client = make_client(preload=False, watchlist_path=str(lists.path))
    wait_ready(client)
    assert client.get("/ready").status_code == 503
    assert client.post("/v1/screen", json={"name": "x"}).json()["code"] == "watchlist_not_ready"
    lists.write_b()
    body = reload(client)
    assert (body["previous_version"], body["version"], body["changed"]) == (None, lists.b, True)
    assert client.get("/ready").status_code == 200


def test_no_response_mixes_versions_while_reloads_run(
    make_client: Callable[..., Client], lists: Lists
) -> None:
    client = make_client(watchlist_path=str(lists.path))
    queries = [
        {"id": f"{kind}-{i}", "name": name if i % 2 else name.upper()}
        for i in range(40)
        for kind, name in (("a", ONLY_IN_A), ("b", ONLY_IN_B))
    ]
    stop = threading.Event()
    reloads: list[str] = []

    def keep_reloading() -> None:
        while not stop.is_set():
            (lists.write_b if len(reloads) % 2 == 0 else lists.write_a)()
            reloads.append(reload(client)["version"])

    worker = threading.Thread(target=keep_reloading)
    worker.start()
    seen = set()
    try:
        for _ in range(30):
            response = client.post("/v1/screen/batch", json={"queries": queries})
            assert response.status_code == 200
            body = response.json()
            version = body["watchlist_version"]
            seen.add(version)
            for result in body["results"]:
                only_in = lists.a if result["id"].startswith("a-") else lists.b
                assert bool(result["matches"]) == (version == only_in), (result, version)
    finally:
        stop.set()
        worker.join(timeout=30)
    assert len(reloads) >= 2
    assert seen == {lists.a, lists.b}, (seen, len(reloads))


def test_the_reload_route_is_documented_as_admin(client: Client) -> None:
    document = client.get("/schema/openapi.json").json()
    operation = document["paths"]["/v1/watchlist/reload"]["post"]
    assert operation["operationId"] == "reloadWatchlist"
    assert "Admin keys" in operation["description"]
    assert {"200", "409", "422"} <= set(operation["responses"])
