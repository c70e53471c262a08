"""An app monitoring counterparties over HTTP, on SQLite and on PostgreSQL, with the job queue
and its embedded worker on the test Redis, serving a watchlist file a test rewrites and
reloads; the store opened beside it to read the outbox."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.store import Store, open_store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"


class ListFile:
    """The watchlist file the app serves: its entities, changed and written back whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entities = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]
        self.write()

    def write(self) -> None:
        text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.entities)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.path)

    def entity(self, entity_id: str) -> dict[str, Any]:
        return next(e for e in self.entities if e["id"] == entity_id)


@dataclass
class Monitored:
    client: TestClient[Litestar]
    store: Store
    lists: ListFile

    def reload(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """Write the list, reload it, and wait for the re-screening it starts to finish."""
        self.lists.write()
        response = self.client.post("/v1/watchlist/reload", headers=headers)
        assert response.status_code == 200, response.text
        version = response.json()["version"]
        return self.wait_run(lambda run: run["to_version"] == version, headers)

    def wait_run(
        self,
        which: Callable[[dict[str, Any]], bool],
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            response = self.client.get("/v1/counterparties/runs", headers=headers)
            assert response.status_code == 200, response.text
            found = [r for r in response.json()["runs"] if which(r)]
            if found and found[0]["status"] in ("done", "failed"):
                run: dict[str, Any] = found[0]
                return run
            assert time.monotonic() < deadline, f"run not finished: {found}"
            time.sleep(0.05)

    def events(self, after: str = "") -> list[tuple[str, dict[str, Any]]]:
        """The monitoring's events in the outbox (not the webhooks' `watchlist.updated`, which
        a reload announces in the background, at times after the run it starts)."""
        found = self.store.monitoring.events(after=after)
        return [(e.type, e.data) for e in found if e.type != "watchlist.updated"]

    def last_event_id(self) -> str:
        events = self.store.monitoring.events(limit=100_000)
        return events[-1].id if events else ""


@pytest.fixture
def monitored(
    make_client: Callable[..., TestClient[Litestar]],
    database_url: str,
    redis_url: str,
    key_prefix: str,
    redis_db: redis.Redis,
    tmp_path: Path,
) -> Iterator[Callable[..., Monitored]]:
    stores: list[Store] = []

    def make(**overrides: Any) -> Monitored:
        lists = ListFile(tmp_path / "watchlist.jsonl")
        settings = {
            "redis_url": redis_url,
            "redis_key_prefix": key_prefix,
            "database_url": database_url,
            "watchlist_path": str(lists.path),
            "reload_max_shrink": 1.0,
        }
        client = make_client(preload=False, **(settings | overrides))
        deadline = time.monotonic() + 20
        while client.get("/ready").json().get("ready") is not True:
            assert time.monotonic() < deadline, client.get("/ready").text
            time.sleep(0.05)
        store = open_store(database_url)
        stores.append(store)
        return Monitored(client, store, lists)

    yield make
    for store in stores:
        store.close()
    keys = list(redis_db.scan_iter(match=f"saq:*{key_prefix}:*", count=1000))
    if keys:
        redis_db.delete(*keys)
