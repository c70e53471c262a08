"""GET /v1/watchlist and /v1/watchlist/{entity_id} over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import WatchlistPage
from service.watchlist.model import Entity

WATCHLIST = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"
ENTITIES = [json.loads(line) for line in WATCHLIST.read_text(encoding="utf-8").splitlines()]


def test_first_page_with_version_and_counts(client: TestClient[Litestar]) -> None:
    response = client.get("/v1/watchlist")
    assert response.status_code == 200
    page = WatchlistPage.model_validate_json(response.content)
    assert page.offset == 0
    assert page.limit == 50
    assert [e.id for e in page.entities] == [e["id"] for e in ENTITIES]
    assert page.counts.entities == len(ENTITIES)
    assert page.counts.aliases == sum(len(e["aliases"]) for e in ENTITIES)
    assert page.counts.names == page.counts.entities + page.counts.aliases
    assert page.counts.defence_entities == sum(1 for e in ENTITIES if e["defence"])
    assert page.sources == ["watchlist.jsonl"]
    assert len(page.version) == 16


def test_pages_partition_the_watchlist(client: TestClient[Litestar]) -> None:
    seen = []
    for offset in range(0, len(ENTITIES) + 4, 4):
        body = client.get(f"/v1/watchlist?offset={offset}&limit=4").json()
        assert len(body["entities"]) <= 4
        seen += [e["id"] for e in body["entities"]]
    assert seen == [e["id"] for e in ENTITIES]
    assert client.get("/v1/watchlist?offset=1000").json()["entities"] == []


def test_entities_carry_aliases_in_the_model_shape(client: TestClient[Litestar]) -> None:
    body = client.get("/v1/watchlist?limit=1").json()
    entity = Entity.model_validate(body["entities"][0])
    assert entity.to_json() == Entity.model_validate(ENTITIES[0]).to_json()
    assert body["entities"][0]["aliases"][0] == {"name": "ОАО «БЕЛАЗ»", "kind": "aka", "lang": "ru"}
    assert body["entities"][0]["schema"] == "Organization"


def test_one_entity(client: TestClient[Litestar]) -> None:
    response = client.get("/v1/watchlist/by-mzkt")
    assert response.status_code == 200
    entity = Entity.model_validate(response.json())
    assert entity.name == "OJSC Minsk Wheeled Tractor Plant"
    assert entity.defence is True
    assert "MZKT" in entity.all_names
    assert response.headers["x-watchlist-version"] == client.get("/v1/watchlist").json()["version"]


@pytest.mark.parametrize("entity_id", ["by-nothing", "a b", "%00"])
def test_unknown_entity_is_404(client: TestClient[Litestar], entity_id: str) -> None:
    response = client.get(f"/v1/watchlist/{entity_id}")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "entity_not_found"
    assert body["status"] == 404


@pytest.mark.parametrize("query", ["offset=-1", "limit=0", "limit=501", "offset=abc", "limit=1.5"])
def test_paging_out_of_range_is_422(client: TestClient[Litestar], query: str) -> None:
    response = client.get(f"/v1/watchlist?{query}")
    assert response.status_code == 422
    body: dict[str, Any] = response.json()
    assert body["code"] == "invalid_parameter"
    assert body["details"][0]["field"] == query.split("=")[0]


def test_watchlist_not_loaded_is_503(
    make_client: Callable[..., TestClient[Litestar]], tmp_path: Any, wait_ready: Any
) -> None:
    missing = tmp_path / "missing.jsonl"
    client = make_client(preload=False, watchlist_path=str(missing))
    wait_ready(client)
    for path in ("/v1/watchlist", "/v1/watchlist/by-mzkt"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.json()["code"] == "watchlist_not_ready"
        assert "cannot read" in response.json()["message"]
