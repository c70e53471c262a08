"""POST /v1/screen/batch over HTTP: order, ids, the cache per query, the limits, and that a
large batch does not stall the event loop for other requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, cast

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import BatchResponse, ErrorBody


def batch(client: TestClient[Litestar], queries: list[dict[str, Any]], **extra: Any) -> Any:
    response = client.post("/v1/screen/batch", json={"queries": queries, **extra})
    assert response.status_code == 200, response.text
    BatchResponse.model_validate_json(response.content)
    return response.json()


QUERIES = [
    {"id": "po-1", "name": "Zavod SVT"},
    {"id": "po-2", "name": "Acme Garden Furniture GmbH"},
    {"id": "po-3", "name": "ОАО «БЕЛАЗ»", "country": "BY"},
    {"id": "po-4", "name": "Minsk Wheeled Tractor Plant"},
]


def test_results_in_query_order_with_ids(client: TestClient[Litestar]) -> None:
    body = batch(client, QUERIES)
    assert [r["id"] for r in body["results"]] == ["po-1", "po-2", "po-3", "po-4"]
    tops = [r["matches"][0]["entity_id"] if r["matches"] else None for r in body["results"]]
    assert tops == ["by-zavod-svt", None, "by-belaz", "by-mzkt"]
    assert body["watchlist_version"]
    assert body["screened_at"].endswith("Z")


def test_batch_matches_equal_single_screens(client: TestClient[Litestar]) -> None:
    body = batch(client, QUERIES, threshold=0.5, limit=2)
    for query, result in zip(QUERIES, body["results"], strict=True):
        single = {"name": query["name"], "country": query.get("country"), "threshold": 0.5}
        response = client.post("/v1/screen", json=single | {"limit": 2})
        assert response.json()["matches"] == result["matches"]


def test_batch_uses_and_fills_the_cache_per_query(client: TestClient[Litestar]) -> None:
    client.post("/v1/screen", json={"name": "Zavod SVT"})
    first = batch(client, QUERIES)
    assert [r["cached"] for r in first["results"]] == [True, False, False, False]
    second = batch(client, QUERIES)
    assert all(r["cached"] for r in second["results"])
    # Each query is a screening of its own, with its own id in the audit trail.
    ids = [r.pop("screening_id") for r in first["results"] + second["results"]]
    assert len(set(ids)) == len(ids)
    assert second["results"] == [r | {"cached": True} for r in first["results"]]


def test_same_name_twice_in_a_batch(client: TestClient[Litestar]) -> None:
    body = batch(client, [{"id": "a", "name": "Peleng"}, {"id": "b", "name": "PELENG"}])
    assert body["results"][0]["matches"] == body["results"][1]["matches"]


def test_batch_writes_one_redis_key_per_distinct_query(
    redis_client: TestClient[Litestar], redis_db: redis.Redis, key_prefix: str
) -> None:
    body = batch(redis_client, [*QUERIES, {"id": "po-5", "name": "Zavod SVT "}])
    assert not any(r["cached"] for r in body["results"])
    keys = cast("list[bytes]", redis_db.keys(f"{key_prefix}:v1:result:*"))
    assert len(keys) == 4  # "Zavod SVT " is "Zavod SVT": the ends are not part of a name
    assert all(
        k.startswith(f"{key_prefix}:v1:result:{body['watchlist_version']}:".encode()) for k in keys
    )
    assert all(r["cached"] for r in batch(redis_client, QUERIES)["results"])


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    ErrorBody.model_validate(body)
    assert body["code"] == code, body
    return body


def test_batch_over_the_limit_is_413(client: TestClient[Litestar]) -> None:
    queries = [{"id": str(i), "name": "Peleng"} for i in range(10_001)]
    body = error(client.post("/v1/screen/batch", json={"queries": queries}), 413, "batch_too_large")
    assert "10000" in body["message"]


def test_batch_of_exactly_the_limit_is_screened(
    make_client: Callable[..., TestClient[Litestar]],
) -> None:
    client = make_client(batch_max_queries=50)
    queries = [{"id": str(i), "name": f"Peleng {i}"} for i in range(50)]
    assert len(batch(client, queries)["results"]) == 50
    queries.append({"id": "50", "name": "Peleng"})
    error(client.post("/v1/screen/batch", json={"queries": queries}), 413, "batch_too_large")


def test_duplicate_ids_are_named(client: TestClient[Litestar]) -> None:
    queries = [{"id": "a", "name": "MAZ"}, {"id": "b", "name": "MZKT"}, {"id": "a", "name": "x"}]
    body = error(
        client.post("/v1/screen/batch", json={"queries": queries}), 422, "duplicate_query_ids"
    )
    assert body["details"] == [{"id": "a"}]
    assert "'a'" in body["message"]


def test_a_query_that_cannot_be_screened_has_its_own_error(client: TestClient[Litestar]) -> None:
    queries = [
        {"id": "ok", "name": "MAZ"},
        {"id": "empty", "name": " "},
        {"id": "ctrl", "name": "MA\x07Z"},
        {"id": "land", "name": "MAZ", "country": "Atlantis"},
        {"id": "named", "name": "MAZ", "country": "Belarus"},
    ]
    results = batch(client, queries)["results"]
    assert [(r["id"], r["error"] and r["error"]["code"]) for r in results] == [
        ("ok", None),
        ("empty", "name_empty"),
        ("ctrl", None),
        ("land", "country_invalid"),
        ("named", None),
    ]
    ok, empty, ctrl, _, _ = results
    assert ctrl["matches"] == ok["matches"] != []
    assert [w["code"] for w in ctrl["warnings"]] == ["control_characters_removed"]
    assert empty["matches"] == [] and empty["screening_id"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"queries": []}, 422, "batch_empty"),
        ({"queries": [{"id": "a", "name": "MAZ"}], "threshold": 2}, 422, "threshold_out_of_range"),
        ({"queries": [{"id": "a", "name": "MAZ"}], "limit": 0}, 422, "limit_out_of_range"),
        ({"queries": [{"id": "a", "identifiers": [{"value": 5}]}]}, 422, "invalid_body"),
        ({"queries": [{"name": "MAZ"}]}, 422, "invalid_body"),
        ({"queries": [{"id": "", "name": "MAZ"}]}, 422, "invalid_body"),
        ({"queries": [{"id": 1, "name": "MAZ"}]}, 422, "invalid_body"),
        ({"queries": "MAZ"}, 422, "invalid_body"),
        ({"names": ["MAZ"]}, 422, "invalid_body"),
    ],
)
def test_invalid_batches(
    client: TestClient[Litestar], body: dict[str, Any], status: int, code: str
) -> None:
    error(client.post("/v1/screen/batch", json=body), status, code)


def test_batch_malformed_and_wrong_type(client: TestClient[Litestar]) -> None:
    headers = {"content-type": "application/json"}
    error(client.post("/v1/screen/batch", content=b"[{", headers=headers), 400, "malformed_json")
    response = client.post("/v1/screen/batch", content=b"{}", headers={"content-type": "text/csv"})
    error(response, 415, "unsupported_media_type")


@pytest.mark.serial
def test_health_answers_while_a_full_batch_is_matched(client: TestClient[Litestar]) -> None:
    """10,000 distinct names (all cache misses) are matched off the event loop: meanwhile
    the same app keeps answering /health quickly."""
    queries = [{"id": str(i), "name": f"Minsk Plant Legmash {i} Orsha"} for i in range(10_000)]
    outcome: dict[str, Any] = {}

    def post_batch() -> None:
        outcome["response"] = client.post("/v1/screen/batch", json={"queries": queries})

    worker = threading.Thread(target=post_batch)
    worker.start()
    time.sleep(0.3)  # the batch is being matched by now
    latencies = []
    for _ in range(5):
        before = time.perf_counter()
        assert client.get("/health").status_code == 200
        latencies.append(time.perf_counter() - before)
    batch_still_running = worker.is_alive()
    worker.join(timeout=120)
    assert outcome["response"].status_code == 200
    assert len(outcome["response"].json()["results"]) == 10_000
    assert batch_still_running
    # Matched on the loop, /health would wait for the whole batch (seconds; and the batch would
    # be over by now). A second leaves room for a loaded machine's pauses.
    assert max(latencies) < 1.0, latencies
