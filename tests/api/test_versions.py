"""GET /v1/watchlist/versions and /v1/watchlist/changes over HTTP: in memory, shared through a
real Redis by two apps, and with a Redis that does not answer."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import ChangesResponse, VersionsResponse

from .conftest import ADDED, Lists

Client = TestClient[Litestar]


def get(client: Client, url: str, status: int = 200) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def versions(client: Client) -> list[tuple[str, bool]]:
    body = get(client, "/v1/watchlist/versions")
    VersionsResponse.model_validate(body)
    return [(v["version"], v["current"]) for v in body["versions"]]


def reload(client: Client) -> None:
    assert client.post("/v1/watchlist/reload").status_code == 200


def test_versions_in_memory(make_client: Callable[..., Client], lists: Lists) -> None:
    client = make_client(watchlist_path=str(lists.path))
    body = get(client, "/v1/watchlist/versions")
    assert body["current"] == lists.a
    assert body["store"] == {"backend": "memory", "state": "ok"}
    [only] = body["versions"]
    assert (only["version"], only["entities"], only["current"]) == (lists.a, 9, True)
    assert only["sources"] == ["watchlist.jsonl"]  # the name, not the server path
    assert only["loaded_at"] == only["first_loaded_at"]
    lists.write_b()
    reload(client)
    assert versions(client) == [(lists.b, True), (lists.a, False)]
    lists.write_a()
    reload(client)  # A again: listed once, first
    assert versions(client) == [(lists.a, True), (lists.b, False)]
    first = get(client, "/v1/watchlist/versions")["versions"][0]
    assert first["loaded_at"] > first["first_loaded_at"]


def test_versions_kept_are_bounded(make_client: Callable[..., Client], lists: Lists) -> None:
    client = make_client(watchlist_path=str(lists.path), watchlist_versions_kept=1)
    lists.write_b()
    reload(client)
    assert versions(client) == [(lists.b, True)]
    assert get(client, f"/v1/watchlist/changes?from={lists.a}", 404)["code"] == "version_not_found"


def test_changes_name_the_added_removed_and_changed_entities(
    make_client: Callable[..., Client], lists: Lists
) -> None:
    client = make_client(watchlist_path=str(lists.path))
    lists.write_b()
    reload(client)
    body = get(client, f"/v1/watchlist/changes?from={lists.a}&to={lists.b}")
    ChangesResponse.model_validate(body)
    assert (body["from_version"], body["to_version"]) == (lists.a, lists.b)
    assert body["counts"] == {"added": 1, "removed": 1, "changed": 2}
    [added] = body["added"]
    assert (added["id"], added["name"], added["country"]) == (ADDED["id"], ADDED["name"], ["XX"])
    assert [e["id"] for e in body["removed"]] == ["by-peleng"]
    assert body["removed"][0]["aliases"][0]["name"] == "ОАО «Пеленг»"
    integral, legmash = body["changed"]
    assert legmash == {
        "entity_id": "by-legmash",
        "name": "OJSC Legmash",
        "names_added": ["Legmash Orsha Plant"],
        "names_removed": ["Orsha Plant Legmash"],
        "primary_name": None,
        "fields": [],
    }
    assert (integral["entity_id"], integral["fields"]) == ("by-integral", ["country"])
    assert (integral["names_added"], integral["names_removed"]) == ([], [])
    assert body["store"] == {"backend": "memory", "state": "ok"}
    # `to` is the version served by default; the other way round, the other way round
    assert get(client, f"/v1/watchlist/changes?from={lists.a}") == body
    back = get(client, f"/v1/watchlist/changes?from={lists.b}&to={lists.a}")
    assert [e["id"] for e in back["added"]] == ["by-peleng"]
    assert back["changed"][1]["names_added"] == ["Orsha Plant Legmash"]


def test_no_changes_from_a_version_to_itself(
    make_client: Callable[..., Client], lists: Lists
) -> None:
    client = make_client(watchlist_path=str(lists.path))
    body = get(client, f"/v1/watchlist/changes?from={lists.a}&to={lists.a}")
    assert body["counts"] == {"added": 0, "removed": 0, "changed": 0}
    assert (body["added"], body["removed"], body["changed"]) == ([], [], [])


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("from=0123456789abcdef", 404, "version_not_found"),
        ("from={a}&to=0123456789abcdef", 404, "version_not_found"),
        ("from=0123456789abcdef&to=0123456789abcdef", 404, "version_not_found"),
        ("", 422, "invalid_parameter"),
        ("from=../../etc", 422, "invalid_parameter"),
        ("from={a}&to=", 422, "invalid_parameter"),
        ("from=" + "a" * 65, 422, "invalid_parameter"),
    ],
)
def test_changes_refuse_unknown_and_malformed_versions(
    client: Client, query: str, status: int, code: str
) -> None:
    version = get(client, "/v1/watchlist/versions")["current"]
    body = get(client, "/v1/watchlist/changes?" + query.format(a=version), status)
    assert body["code"] == code


def test_the_entity_route_does_not_take_these_paths(client: Client) -> None:
    assert "versions" in get(client, "/v1/watchlist/versions")
    assert get(client, "/v1/watchlist/reload", 405)["code"] == "method_not_allowed"
    assert get(client, "/v1/watchlist/by-mzkt")["id"] == "by-mzkt"


def test_versions_and_changes_are_shared_through_redis(
    make_client: Callable[..., Client], lists: Lists, redis_url: str, key_prefix: str
) -> None:
    settings = {"watchlist_path": str(lists.path), "redis_url": redis_url}
    one = make_client(**settings, redis_key_prefix=key_prefix)
    # Another machine, whose copy of the list still holds A: hearing that `one` reloaded, it
    # loads its own file again, and stays on A.
    still_a = lists.path.with_name("still-a.jsonl")
    shutil.copy(lists.path, still_a)
    two = make_client(**settings | {"watchlist_path": str(still_a)}, redis_key_prefix=key_prefix)
    lists.write_b()
    reload(one)
    assert versions(one) == [(lists.b, True), (lists.a, False)]
    assert versions(two) == [(lists.b, False), (lists.a, True)]
    assert get(two, "/v1/watchlist/versions")["store"] == {"backend": "redis", "state": "ok"}
    # `two` never loaded B: its entities come from Redis
    body = get(two, f"/v1/watchlist/changes?from={lists.a}&to={lists.b}")
    assert body["counts"] == {"added": 1, "removed": 1, "changed": 2}
    other = make_client(**settings, redis_key_prefix=key_prefix + "-other")
    assert [v for v, _ in versions(other)] == [lists.a]  # a prefix is a deployment


def test_without_redis_the_process_knows_its_own_versions(
    make_client: Callable[..., Client], lists: Lists, dead_redis_url: str
) -> None:
    client = make_client(
        watchlist_path=str(lists.path),
        redis_url=dead_redis_url,
        redis_socket_timeout_seconds=0.2,
    )
    lists.write_b()
    reload(client)
    body = get(client, "/v1/watchlist/versions")
    assert body["store"] == {"backend": "redis", "state": "degraded"}
    assert [v["version"] for v in body["versions"]] == [lists.b, lists.a]
    changes = get(client, f"/v1/watchlist/changes?from={lists.a}")
    assert changes["counts"]["added"] == 1
    assert changes["store"]["state"] == "degraded"
    unknown = get(client, "/v1/watchlist/changes?from=0123456789abcdef", 503)
    assert unknown["code"] == "version_store_unavailable"


def test_versions_routes_in_the_openapi_document(client: Client) -> None:
    document = client.get("/schema/openapi.json").json()
    operations = {
        op["operationId"]: op for path in document["paths"].values() for op in path.values()
    }
    changes = operations["getWatchlistChanges"]
    assert {p["name"] for p in changes["parameters"]} == {"from", "to"}
    assert {"200", "404", "422"} <= set(changes["responses"])
    assert "listWatchlistVersions" in operations
