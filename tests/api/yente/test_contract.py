"""Every answer of the yente-compatible API read by clients nobody here wrote: yente's own
pydantic models (`yente.data.common`) parse each endpoint's answers, errors included, and the
FollowTheMoney library validates every entity the service renders (each of the seed's 288,
its nested listings, and those of match and search answers)."""

from __future__ import annotations

from typing import Any

import pytest
from followthemoney import model, registry
from followthemoney.exc import InvalidData
from litestar import Litestar
from litestar.testing import TestClient
from yente.data.common import (
    AlgorithmResponse,
    DataCatalogModel,
    EntityMatchResponse,
    EntityResponse,
    ErrorResponse,
    SearchResponse,
    StatusResponse,
)

from service.screening.screener import Screener

MATCH = {
    "queries": {
        "by-name": {
            "schema": "Company",
            "properties": {"name": ["OAO BelAZ", "Belarusian Autoworks"], "country": ["by"]},
        },
        "by-number": {"schema": "Company", "properties": {"taxNumber": ["600136102"]}},
        "cyrillic": {
            "schema": "Organization",
            "properties": {"name": "Минский завод колёсных тягачей", "jurisdiction": ["BY"]},
        },
        "nobody": {"schema": "LegalEntity", "properties": {"name": ["Acme Widgets GmbH"]}},
    }
}
#: Types whose values must be written exactly as FtM writes them.
CODES = (registry.country, registry.topic, registry.identifier, registry.url, registry.date)


def validate_ftm(data: dict[str, Any]) -> int:
    """Validate an entity as FollowTheMoney reads it, nested ones too; how many were. A
    nested entity (a listing under `sanctions`, as yente nests them) sits under a reverse
    property, which is not the parent's own: it is validated with its link back restored, as
    nomenklatura's enricher reads it."""
    schema = model.get(data["schema"])
    assert schema is not None, data["schema"]
    assert schema.matchable or data["schema"] == "Sanction"
    checked = 1
    flat: dict[str, list[str]] = {}
    for name, values in data["properties"].items():
        prop = schema.get(name)
        assert prop is not None, f"{data['schema']} has no property {name}"
        assert values, name
        if prop.stub:
            assert prop.type == registry.entity and prop.reverse is not None, name
            for nested in values:
                back = {prop.reverse.name: [data["id"]]}
                checked += validate_ftm(nested | {"properties": nested["properties"] | back})
            continue
        for value in values:
            cleaned = prop.type.clean(value, proxy=None, fuzzy=False, format=prop.format)
            assert cleaned is not None, f"{data['id']}: {name} {value!r} is not valid"
            if prop.type in CODES:  # as FtM writes them (free text it may tidy up)
                assert cleaned == value, f"{data['id']}: {name} {value!r} is {cleaned!r}"
        flat[name] = values
    try:
        schema.validate({"properties": flat})
    except InvalidData as exc:  # pragma: no cover - the message says which property
        pytest.fail(f"{data['id']}: {exc.errors}")
    proxy = model.get_proxy({"id": data["id"], "schema": data["schema"], "properties": flat})
    assert proxy.caption
    return checked


def test_match_answers_parse_as_yente_models_and_validate_as_ftm(
    seed_client: TestClient[Litestar],
) -> None:
    response = seed_client.post("/match/default", json=MATCH, params={"cutoff": 0.6})
    assert response.status_code == 200, response.text
    parsed = EntityMatchResponse.model_validate(response.json())
    assert parsed.responses.keys() == MATCH["queries"].keys()
    assert [r.id for r in parsed.responses["by-name"].results][:1] == ["by-belaz"]
    assert [r.id for r in parsed.responses["by-number"].results] == ["by-140-repair-plant"]
    assert parsed.responses["cyrillic"].results[0].id == "by-mzkt"
    assert parsed.responses["nobody"].results == []
    results = [r for answer in response.json()["responses"].values() for r in answer["results"]]
    assert sum(validate_ftm(r) for r in results) == len(results) >= 3
    for result in parsed.responses["by-name"].results:
        assert result.match == (result.score >= 0.75)
        assert result.explanations["name_match"].candidate


def test_every_entity_of_the_seed_validates_with_its_listings(
    seed_client: TestClient[Litestar], seed_screener: Screener
) -> None:
    validated = listings = 0
    for entity in seed_screener.watchlist.entities:
        response = seed_client.get(f"/entities/{entity.id}")
        assert response.status_code == 200, response.text
        body = response.json()
        EntityResponse.model_validate(body)
        validated += validate_ftm(body)
        listings += len(body["properties"].get("sanctions", []))
        assert body["properties"]["topics"][0] == "sanction"
    assert validated == len(seed_screener.watchlist.entities) + listings
    assert listings == sum(len(e.listings) for e in seed_screener.watchlist.entities)


def test_search_catalog_algorithms_and_status_parse_as_yente_models(
    seed_client: TestClient[Litestar], seed_screener: Screener
) -> None:
    found = seed_client.get("/search/default", params={"q": "belaz", "countries": "by"})
    assert found.status_code == 200, found.text
    page = SearchResponse.model_validate(found.json())
    assert page.results[0].id == "by-belaz"
    assert all(validate_ftm(r) for r in found.json()["results"])
    listing = SearchResponse.model_validate(
        seed_client.get("/search/us_ofac", params={"limit": 500}).json()
    )
    ofac = [e for e in seed_screener.watchlist.entities if any(
        x.authority == "US-OFAC" for x in e.listings)]  # fmt: skip
    assert listing.total.value == len(ofac) == len(listing.results)
    catalog = DataCatalogModel.model_validate(seed_client.get("/catalog").json())
    names = {d.name for d in catalog.datasets}
    assert {"default", "eu", "us_ofac", "ua_nsdc"} <= names
    assert all(d.version == seed_screener.version for d in catalog.datasets)
    assert [r.name for r in catalog.datasets[0].resources] == ["watchlist.jsonl"]
    algorithms = AlgorithmResponse.model_validate(seed_client.get("/algorithms").json())
    assert algorithms.best == algorithms.default == algorithms.algorithms[0].name
    for path in ("/healthz", "/readyz"):
        answer = seed_client.get(path)
        assert answer.status_code == 200
        assert StatusResponse.model_validate(answer.json()).status == "ok"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/match/no_such_list", MATCH, 404),
        ("POST", "/match/default?limit=100000", MATCH, 422),
        ("POST", "/match/default?algorithm=logic-v2", MATCH, 422),
        (
            "POST",
            "/match/default",
            {"queries": {"a": {"schema": "Vehicle", "properties": {}}}},
            422,
        ),
        ("POST", "/match/default", {"queries": "BelAZ"}, 422),
        ("GET", "/entities/no-such-entity", None, 404),
        ("GET", "/search/default?limit=100000", None, 422),
    ],
)
def test_errors_parse_as_yente_error_responses(
    seed_client: TestClient[Litestar],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
) -> None:
    response = seed_client.request(method, path, json=body)
    assert response.status_code == status, response.text
    assert ErrorResponse.model_validate(response.json()).detail == response.json()["message"]
