"""POST /v1/screen over HTTP through the app: matches, explanations, parameters, and every
way a request can be wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import ErrorBody, ScreenResponse

JSON = {"content-type": "application/json"}


def screen(client: TestClient[Litestar], **body: Any) -> dict[str, Any]:
    response = client.post("/v1/screen", json=body)
    assert response.status_code == 200, response.text
    ScreenResponse.model_validate_json(response.content)
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("ОАО «БЕЛАЗ»", "by-belaz"),
        ("Minsk Wheeled Tractor Plant", "by-mzkt"),
        ("Legmash Orsha", "by-legmash"),
        ("Zavod SVT", "by-zavod-svt"),
    ],
)
def test_finds_the_readme_examples_with_explanations(
    client: TestClient[Litestar], name: str, entity_id: str
) -> None:
    body = screen(client, name=name)
    assert body["query"] == name
    top = body["matches"][0]
    assert top["entity_id"] == entity_id
    assert 0.8 <= top["score"] <= 1
    assert top["explanation"]["matched_tokens"]
    assert top["explanation"]["alias_coverage"] > 0
    assert top["listings"] and top["countries"] == ["BY"]
    assert isinstance(top["defence"], bool)


def test_response_carries_version_time_and_parameters(client: TestClient[Litestar]) -> None:
    body = screen(client, name="Zavod SVT", country="by", threshold=0.5, limit=3)
    assert body["country"] == "BY"
    assert body["threshold"] == 0.5
    assert body["limit"] == 3
    assert len(body["watchlist_version"]) == 16
    assert body["screened_at"].endswith("Z")


def test_matches_sorted_by_score_and_limited(client: TestClient[Litestar]) -> None:
    name = "Minsk Automobile Tractor Plant"
    matches = screen(client, name=name, threshold=0.3)["matches"]
    scores = [m["score"] for m in matches]
    assert len(scores) >= 2
    assert scores == sorted(scores, reverse=True)
    limited = screen(client, name=name, threshold=0.3, limit=1)["matches"]
    assert limited == matches[:1]


def test_threshold_filters_matches(client: TestClient[Litestar]) -> None:
    loose = screen(client, name="Minsk Automobile Tractor Plant", threshold=0.3)["matches"]
    strict = screen(client, name="Minsk Automobile Tractor Plant", threshold=0.7)["matches"]
    assert len(strict) < len(loose)
    assert all(m["score"] >= 0.7 for m in strict)


def test_country_mismatch_lowers_the_score(client: TestClient[Litestar]) -> None:
    same = screen(client, name="Zavod SVT", country="BY")["matches"][0]
    other = screen(client, name="Zavod SVT", country="DE", threshold=0.1)["matches"][0]
    assert other["entity_id"] == same["entity_id"]
    assert other["score"] < same["score"]
    assert "country_mismatch" in other["explanation"]["penalties"]


def test_no_match_is_an_empty_list(client: TestClient[Litestar]) -> None:
    assert screen(client, name="Acme Garden Furniture GmbH")["matches"] == []


def test_second_identical_query_is_cached(client: TestClient[Litestar]) -> None:
    first = screen(client, name="Legmash Orsha")
    second = screen(client, name=" Legmash Orsha ")
    assert first["cached"] is False
    assert second["cached"] is True  # the ends of a name are not part of it
    assert second["matches"] == first["matches"]
    assert second["query"] == " Legmash Orsha "


def test_another_spelling_is_screened_for_itself(client: TestClient[Litestar]) -> None:
    """The cache is keyed by the text exactly as the engine screens it: another spelling may
    be explained differently, so it never gets a cached answer of the first."""
    assert screen(client, name="Legmash Orsha")["cached"] is False
    assert screen(client, name="LEGMASH   orsha")["cached"] is False
    assert screen(client, name="LEGMASH   orsha")["cached"] is True


def test_parameters_are_part_of_the_cache_key(client: TestClient[Litestar]) -> None:
    assert screen(client, name="Peleng")["cached"] is False
    assert screen(client, name="Peleng", threshold=0.9)["cached"] is False
    assert screen(client, name="Peleng", limit=5)["cached"] is False
    assert screen(client, name="Peleng", country="BY")["cached"] is False
    assert screen(client, name="Peleng", country="by")["cached"] is True


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    ErrorBody.model_validate(body)
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": ""}, "name_empty"),
        ({"name": "   \t "}, "name_empty"),
        ({"name": "x" * 301}, "name_too_long"),
        ({"name": "\x00\x1b"}, "name_empty"),
        ({"name": "«»!?"}, "name_nothing_to_match"),
        ({"name": "BELAZ", "threshold": 1.5}, "threshold_out_of_range"),
        ({"name": "BELAZ", "threshold": -0.1}, "threshold_out_of_range"),
        ({"name": "BELAZ", "limit": 0}, "limit_out_of_range"),
        ({"name": "BELAZ", "limit": 101}, "limit_out_of_range"),
        ({"name": "BELAZ", "country": "ZZ"}, "country_invalid"),
        ({"name": "BELAZ", "country": "Atlantis"}, "country_invalid"),
        ({"name": "BELAZ", "country": "B1"}, "country_invalid"),
        ({"name": "BELAZ", "country": ""}, "country_invalid"),
        # A name may be left out only for a query by identifiers (tests/api/test_identifiers.py).
        ({}, "name_missing"),
        ({"name": None}, "name_missing"),
        ({"name": None, "identifiers": []}, "name_missing"),
        ({"name": 42}, "invalid_body"),
        ({"name": "BELAZ", "threshold": "0.5"}, "invalid_body"),
        ({"name": "BELAZ", "limit": 2.5}, "invalid_body"),
        ({"name": "BELAZ", "treshold": 0.5}, "invalid_body"),
    ],
)
def test_invalid_values_are_422_with_a_code(
    client: TestClient[Litestar], body: dict[str, Any], code: str
) -> None:
    error(client.post("/v1/screen", json=body), 422, code)


def test_a_300_character_name_is_accepted(client: TestClient[Litestar]) -> None:
    screen(client, name=("Zavod SVT " * 30)[:300])


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"name": "x", "limit": 1e999}', "invalid_body"),
        (b'{"name": "x", "threshold": 1e999}', "threshold_out_of_range"),
        (b'{"name": "x", "threshold": NaN}', "threshold_out_of_range"),
    ],
)
def test_numbers_beyond_range_are_422(
    client: TestClient[Litestar], content: bytes, code: str
) -> None:
    error(client.post("/v1/screen", content=content, headers=JSON), 422, code)


def test_invalid_body_names_the_field(client: TestClient[Litestar]) -> None:
    body = error(client.post("/v1/screen", json={"name": 42}), 422, "invalid_body")
    assert body["details"][0]["field"] == "name"
    assert "name" in body["message"]


def test_a_json_array_is_not_a_request(client: TestClient[Litestar]) -> None:
    error(client.post("/v1/screen", json=["BELAZ"]), 422, "invalid_body")


@pytest.mark.parametrize(
    "content",
    [
        b'{"name": "BELAZ"',
        b"name=BELAZ",
        b"",
        b"  ",
        b'{"name": "\xff\xfe"}',
        b'{"name": "\\ud800"}',
    ],
)
def test_unreadable_bodies_are_400(client: TestClient[Litestar], content: bytes) -> None:
    error(client.post("/v1/screen", content=content, headers=JSON), 400, "malformed_json")


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "text/plain"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"content-type": "multipart/form-data; boundary=x"},
        {},
    ],
)
def test_bodies_not_declared_as_json_are_415(
    client: TestClient[Litestar], headers: dict[str, str]
) -> None:
    content = json.dumps({"name": "BELAZ"}).encode()
    response = client.post("/v1/screen", content=content, headers=headers)
    error(response, 415, "unsupported_media_type")


def test_json_with_charset_is_accepted(client: TestClient[Litestar]) -> None:
    content = json.dumps({"name": "BELAZ"}).encode()
    headers = {"content-type": "application/json; charset=utf-8"}
    assert client.post("/v1/screen", content=content, headers=headers).status_code == 200


def test_too_large_body_is_413(make_client: Callable[..., TestClient[Litestar]]) -> None:
    small = make_client(max_body_bytes=2048)
    content = json.dumps({"name": "x" * 4000}).encode()
    error(small.post("/v1/screen", content=content, headers=JSON), 413, "body_too_large")


def test_unknown_route_and_method_are_json(client: TestClient[Litestar]) -> None:
    error(client.get("/v1/nothing"), 404, "route_not_found")
    error(client.get("/v1/screen"), 405, "method_not_allowed")


def test_request_id_is_echoed_or_generated(client: TestClient[Litestar]) -> None:
    given = client.post("/v1/screen", json={"name": "MAZ"}, headers={"X-Request-ID": "po-77.a"})
    assert given.headers["x-request-id"] == "po-77.a"
    generated = client.post("/v1/screen", json={"name": "MAZ"})
    assert len(generated.headers["x-request-id"]) == 32
    hostile = client.post("/v1/screen", json={"name": "MAZ"}, headers={"X-Request-ID": 'a b"{'})
    assert hostile.headers["x-request-id"] != 'a b"{'


class _Exploding:
    def screen(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail of the internals")


def test_unexpected_errors_are_json_500_without_internals(
    make_client: Callable[..., TestClient[Litestar]],
) -> None:
    client = make_client()
    screener = client.app.state["runtime"].holder.current()
    broken = type(screener)(screener.watchlist, _Exploding(), screener.identifiers)
    client.app.state["runtime"].holder.swap(broken)
    response = client.post("/v1/screen", json={"name": "Zavod SVT"})
    body = error(response, 500, "internal_error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["request_id"]


def test_screening_waits_for_the_watchlist(
    make_client: Callable[..., TestClient[Litestar]], tmp_path: Any
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x"}\n', encoding="utf-8")
    client = make_client(preload=False, watchlist_path=str(broken))
    error(client.post("/v1/screen", json={"name": "BELAZ"}), 503, "watchlist_not_ready")
