"""GET /health, /ready, /metrics and the OpenAPI page, over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import Readiness


def test_health_answers(client: TestClient[Litestar]) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_with_memory_cache(client: TestClient[Litestar]) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    body = Readiness.model_validate_json(response.content)
    assert body.ready is True
    assert body.watchlist.state == "ready"
    assert body.watchlist.entities == 9
    assert body.watchlist.version and len(body.watchlist.version) == 16
    assert (body.cache.backend, body.cache.state) == ("memory", "ok")


def test_ready_with_redis_cache(redis_client: TestClient[Litestar]) -> None:
    body = redis_client.get("/ready").json()
    assert body["cache"] == {"backend": "redis", "state": "ok"}


def test_ready_loads_the_configured_watchlist(
    make_client: Callable[..., TestClient[Litestar]], wait_ready: Any, tmp_path: Any
) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "x-1", "name": "Zorkiy Optical Works"}\n', encoding="utf-8")
    client = make_client(preload=False, watchlist_path=str(path))
    body = wait_ready(client)
    assert body["watchlist"]["state"] == "ready"
    assert body["watchlist"]["entities"] == 1
    assert client.get("/ready").status_code == 200


def test_not_ready_when_the_watchlist_fails_to_load(
    make_client: Callable[..., TestClient[Litestar]], wait_ready: Any, tmp_path: Any
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x-1", "name": "Zorkiy"}\n{"id": "x-1", "name": "Again"}\n', "utf-8")
    client = make_client(preload=False, watchlist_path=str(path))
    wait_ready(client)
    response = client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["watchlist"]["state"] == "failed"
    assert "duplicate id 'x-1'" in body["watchlist"]["error"]
    assert client.get("/health").status_code == 200


def _sample(metrics: str, name: str, **labels: str) -> float:
    for line in metrics.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match[3])
    raise AssertionError(f"no sample {name} {labels}")


def test_metrics_count_requests_cache_and_matches(client: TestClient[Litestar]) -> None:
    client.post("/v1/screen", json={"name": "Zavod SVT"})
    client.post("/v1/screen", json={"name": "Zavod SVT"})
    client.post("/v1/screen", json={"name": ""})
    client.get("/v1/nothing")
    text = client.get("/metrics").text
    screen = {"route": "/v1/screen", "method": "POST"}
    assert _sample(text, "screening_http_requests_total", **screen, status="200") == 2
    assert _sample(text, "screening_http_requests_total", **screen, status="422") == 1
    assert _sample(text, "screening_http_requests_total", route="<unmatched>", status="404") == 1
    assert _sample(text, "screening_http_request_duration_seconds_count", **screen) == 3
    assert _sample(text, "screening_http_request_duration_seconds_bucket", **screen, le="+Inf") == 3
    assert _sample(text, "screening_cache_hits_total") == 1
    assert _sample(text, "screening_cache_misses_total") == 1
    assert _sample(text, "screening_matches_returned_total") == 2
    assert _sample(text, "screening_watchlist_entities") == 9


def test_metrics_content_type(client: TestClient[Litestar]) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")


def test_each_app_has_its_own_metrics(make_client: Callable[..., TestClient[Litestar]]) -> None:
    first, second = make_client(), make_client()
    first.post("/v1/screen", json={"name": "Peleng"})
    assert _sample(first.get("/metrics").text, "screening_cache_misses_total") == 1
    assert _sample(second.get("/metrics").text, "screening_cache_misses_total") == 0


def test_openapi_document_and_page(client: TestClient[Litestar]) -> None:
    page = client.get("/schema")
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    document = client.get("/schema/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operations = {
        op["operationId"]: op for path in document["paths"].values() for op in path.values()
    }
    assert {"screen", "screenBatch", "listWatchlist", "getEntity", "health", "ready"} <= set(
        operations
    )
    screen = operations["screen"]
    assert screen["summary"]
    assert {"200", "400", "413", "415", "422"} <= set(screen["responses"])
    request = screen["requestBody"]["content"]["application/json"]["schema"]
    # A name, identifiers, or both: neither is required by itself.
    assert "required" not in request
    assert request["properties"]["name"]["examples"] == ["ОАО «Пеленг»"]
    assert request["properties"]["identifiers"]["examples"] == [
        [{"type": "unp", "value": "100230519"}]
    ]
    batch = operations["screenBatch"]["requestBody"]["content"]["application/json"]["schema"]
    query = batch["properties"]["queries"]["items"]
    assert set(query["properties"]) == {"id", "name", "country", "identifiers"}
    assert "$ref" not in json.dumps(batch)
    assert "MatchOut" in document["components"]["schemas"]
