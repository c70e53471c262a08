"""The HTTP contract tells the truth (issue 10): the OpenAPI document declares the API-key
schemes and every error a route can give, the request body of a job, the limits the service
enforces; 405 says what is allowed; no answer names a server directory; the reference page
works without internet; one charset per Content-Type."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from service.api.access import PERMISSION
from tests.api.access_support import as_key, make_keys

Client = Callable[..., TestClient[Litestar]]
FIXTURE_WATCHLIST = Path(__file__).parents[1] / "fixtures/watchlist.jsonl"
KEYED = {"401", "403", "429", "503"}


def _document(client: TestClient[Litestar]) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/schema/openapi.json").json()
    return document


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def _keyed_routes(app: Litestar) -> set[tuple[str, str]]:
    """(method, path) of every route that names a permission: those that need a key."""
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if handler.opt.get(PERMISSION) is not None and handler.include_in_schema:
                for method in handler.http_methods:
                    found.add((method, route.path_format or "/"))
    return found


def test_every_keyed_operation_declares_the_key_schemes_and_its_errors(
    client: TestClient[Litestar],
) -> None:
    document = _document(client)
    schemes = document["components"]["securitySchemes"]
    header = next(s for s in schemes.values() if s["type"] == "apiKey")
    assert (header["in"], header["name"]) == ("header", "X-API-Key")
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    operations = _operations(document)
    keyed = _keyed_routes(client.app)
    assert len(keyed) >= 15
    for route in keyed:
        operation = operations[route]
        assert {next(iter(s)) for s in operation["security"]} == set(schemes), route
        assert set(operation["responses"]) >= KEYED, route
        for status in KEYED:
            body = operation["responses"][status]["content"]["application/json"]["schema"]
            assert body["$ref"].endswith("/ErrorBody"), route
    for public in (("GET", "/health"), ("GET", "/ready"), ("GET", "/metrics")):
        assert "security" not in operations[public]


def test_the_job_submission_body_is_documented(client: TestClient[Litestar]) -> None:
    body = _operations(_document(client))[("POST", "/v1/jobs")]["requestBody"]["content"]
    form = body["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert form["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": form["properties"]["file"]["description"],
    }
    assert {"name_column", "threshold", "limit", "only_hits"} <= set(form["properties"])
    rows = body["application/json"]["schema"]["properties"]
    assert {"rows", "names", "threshold", "limit", "only_hits"} <= set(rows)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    branches: list[dict[str, Any]] = [
        b for b in schema.get("anyOf", [schema]) if b.get("type") != "null"
    ]
    return branches[0]


def test_the_enforced_limits_are_in_the_document(client: TestClient[Litestar]) -> None:
    operations = _operations(_document(client))
    screen = operations[("POST", "/v1/screen")]["requestBody"]["content"]["application/json"]
    properties = screen["schema"]["properties"]
    name = _nullable(properties["name"])  # null or left out: a query by identifiers alone
    assert (name["minLength"], name["maxLength"]) == (1, 300)
    identifiers = _nullable(properties["identifiers"])
    assert identifiers["maxItems"] == 20
    assert identifiers["items"]["properties"]["value"]["maxLength"] == 64
    country = _nullable(properties["country"])
    assert (country["minLength"], country["maxLength"]) == (1, 100)  # a code or a name
    batch = operations[("POST", "/v1/screen/batch")]["requestBody"]["content"]
    body = batch["application/json"]["schema"]["properties"]
    queries = body["queries"]
    assert (queries["minItems"], queries["maxItems"]) == (1, 10_000)
    assert body["threshold"]["minimum"] == 0.5
    # A batch's names are checked one by one (each query its own error), not by the body.
    assert "maxLength" not in _nullable(queries["items"]["properties"]["name"])
    audit = {p["name"]: p["schema"] for p in operations[("GET", "/v1/audit")]["parameters"]}
    assert set(audit["outcome"]["enum"]) == {"hit", "clear", "error", None}
    kinds = {"single", "batch", "job", "file", "register", "rescreen", None}
    assert set(audit["kind"]["enum"]) == kinds
    changes = operations[("GET", "/v1/watchlist/changes")]["parameters"]
    assert all(p["schema"]["pattern"] == "^[0-9a-f]{1,64}$" for p in changes)


def test_the_service_enforces_what_the_document_says(client: TestClient[Litestar]) -> None:
    too_long = client.post("/v1/screen", json={"name": "x" * 301})
    assert (too_long.status_code, too_long.json()["code"]) == (422, "name_too_long")
    empty = client.post("/v1/screen/batch", json={"queries": []})
    assert empty.status_code == 422
    for parameter in ("outcome=maybe", "kind=everything"):
        bad = client.get(f"/v1/audit?{parameter}")
        assert (bad.status_code, bad.json()["code"]) == (422, "invalid_parameter"), parameter
        assert parameter.split("=")[0] in bad.json()["message"]


def test_an_integer_written_with_a_zero_fraction_is_an_integer(
    client: TestClient[Litestar],
) -> None:
    """JSON Schema counts 3.0 an integer: the document says `integer`, so it is taken."""
    answer = client.post("/v1/screen", json={"name": "Zavod SVT", "limit": 3.0})
    assert answer.status_code == 200 and answer.json()["limit"] == 3
    fraction = client.post("/v1/screen", json={"name": "Zavod SVT", "limit": 3.5})
    assert (fraction.status_code, fraction.json()["code"]) == (422, "invalid_body")
    key = client.post("/v1/keys", json={"name": "n", "role": "screener", "rows_per_hour": 5.0})
    assert key.status_code == 201 and key.json()["rows_per_hour"] == 5


def test_405_says_which_methods_are_allowed(client: TestClient[Litestar]) -> None:
    for method, path, allowed in (
        ("PUT", "/v1/screen", {"POST"}),
        ("DELETE", "/v1/keys", {"GET", "POST"}),
        ("POST", "/health", {"GET"}),
    ):
        refused = client.request(method, path)
        assert (refused.status_code, refused.json()["code"]) == (405, "method_not_allowed")
        named = {m.strip() for m in refused.headers["allow"].split(",")}
        assert allowed <= named <= allowed | {"HEAD", "OPTIONS"}, (path, named)


def test_no_answer_names_a_server_directory(
    make_client: Client, tmp_path: Path, wait_ready: Callable[..., dict[str, Any]]
) -> None:
    hidden = tmp_path / "private-directory"
    hidden.mkdir()
    watchlist = hidden / "watchlist.jsonl"
    watchlist.write_bytes(FIXTURE_WATCHLIST.read_bytes())
    client = make_client(preload=False, watchlist_path=str(watchlist))
    assert wait_ready(client)["watchlist"]["state"] == "ready"
    watchlist.write_text(watchlist.read_text() + "{broken\n")
    broken = client.post("/v1/watchlist/reload")
    watchlist.unlink()
    missing = client.post("/v1/watchlist/reload")
    for answer in (broken, missing, client.get("/ready")):
        assert "private-directory" not in answer.text and str(tmp_path) not in answer.text
    assert broken.json()["message"].startswith("watchlist.jsonl, line ")
    assert broken.json()["details"][0]["source"] == "watchlist.jsonl"
    assert missing.json()["message"] == "watchlist.jsonl: cannot read: No such file or directory"
    assert client.get("/ready").json()["reload"]["last"]["error"].startswith("watchlist.jsonl")


def test_the_reference_page_works_without_internet(client: TestClient[Litestar]) -> None:
    page = client.get("/schema")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert len(assets) == 4  # the script, its preset, the style sheet and the icon
    assert not re.search(r"https?://", page.text.split("spec:")[0])
    policy = page.headers["content-security-policy"]
    assert "http" not in policy
    for directive in ("script-src 'self'", "style-src 'self'", "img-src 'self'"):
        assert directive in policy
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 500, asset
    licence = client.get("/schema/assets/LICENSE")
    assert "Apache License" in licence.text


def test_one_charset_per_content_type(client: TestClient[Litestar]) -> None:
    keys = make_keys(client)
    client.post("/v1/screen", json={"name": "Zavod SVT"}, headers=as_key(keys.screener))
    for path, key in (
        ("/metrics", None),
        ("/v1/audit?format=csv", keys.auditor),
        ("/v1/audit", keys.auditor),
        ("/schema", None),
        ("/schema/assets/swagger-ui.css", None),
        ("/health", None),
    ):
        answer = client.get(path, headers=as_key(key))
        assert answer.status_code == 200, path
        content_types = answer.headers.get_list("content-type")
        assert len(content_types) == 1, path
        assert content_types[0].count("charset") <= 1, (path, content_types)
