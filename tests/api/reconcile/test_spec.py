"""Every answer of the reconciliation service against the 0.2 specification's JSON schemas
(where the specification's folder is beside the repository) and the tests' own (always): the
manifest, result batches, suggest, property proposals and data extension. Every valid example
query is answered, every invalid one refused with a JSON 4xx."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service import __version__

from ..access_support import make_keys
from .conftest import Client, post_queries
from .spec_support import (
    needs_spec,
    own_queries,
    problems,
    spec_examples,
    spec_validator,
)

#: The specification's folders of examples of answers, and the schema of each.
_ANSWER_EXAMPLES = {
    "manifest": "manifest",
    "reconciliation-result-batch": "reconciliation-result-batch",
    "data-extension-response": "data-extension-response",
    "data-extension-property-proposal": "data-extension-property-proposal",
    "suggest-entities-response": "suggest-entities-response",
    "suggest-types-response": "suggest-types-response",
    "suggest-properties-response": "suggest-properties-response",
    "reconciliation-query-batch": "reconciliation-query-batch",
    "data-extension-query": "data-extension-query",
}


@needs_spec
def test_the_schemas_tell_the_examples_apart_offline() -> None:
    """The validators the other tests use, references and all, accept the specification's
    valid examples and refuse its invalid ones."""
    for folder, schema in _ANSWER_EXAMPLES.items():
        validator = spec_validator(schema)
        for name, example in spec_examples(folder, "valid").items():
            assert validator.is_valid(example), (folder, name)
        for name, example in spec_examples(folder, "invalid").items():
            assert not validator.is_valid(example), (folder, name)
    # The manifest's `authentication` is checked against the Swagger schema it refers to.
    manifest = spec_examples("manifest", "valid")["authentication.json"]
    assert not spec_validator("manifest").is_valid(manifest | {"authentication": {"in": "x"}})


def _all_queries(kind: str) -> dict[str, Any]:
    return own_queries(kind) | {
        f"spec {name}": batch
        for name, batch in spec_examples("reconciliation-query-batch", kind).items()
    }


def test_every_valid_query_batch_is_answered_as_the_schemas_say(
    recon: TestClient[Litestar],
) -> None:
    batches = _all_queries("valid")
    assert len(batches) >= 5
    for name, batch in batches.items():
        for response in (
            post_queries(recon, batch),
            recon.post("/reconcile", json={"queries": batch}),
            recon.get("/reconcile", params={"queries": json.dumps(batch)}),
        ):
            assert response.status_code == 200, (name, response.text)
            answer = response.json()
            assert answer.keys() == batch.keys(), name
            assert problems("result-batch", answer) == [], name


def test_every_invalid_query_batch_is_refused_with_a_json_4xx(recon: TestClient[Litestar]) -> None:
    batches = _all_queries("invalid")
    assert len(batches) >= 5
    for name, batch in batches.items():
        for response in (
            post_queries(recon, batch),
            recon.post("/reconcile", json={"queries": batch}),
        ):
            assert response.status_code == 422, (name, response.text)
            assert response.json()["code"] == "invalid_body", name


@pytest.mark.parametrize("keyed", [False, True])
def test_the_manifest(make_client: Client, reconcile_screener: Any, keyed: bool) -> None:
    client = make_client(serving=reconcile_screener)
    if keyed:
        make_keys(client)
    response = client.get("/reconcile")  # public, keys or not: it says how to send one
    assert response.status_code == 200
    manifest = response.json()
    assert problems("manifest", manifest) == []
    base = "http://127.0.0.1:8000"
    assert manifest["preview"]["url"] == f"{base}/reconcile/preview/{{{{id}}}}"
    assert manifest["defaultTypes"] == [{"id": "Organization", "name": "Organization"}]
    assert manifest["serviceVersion"] == __version__
    for service in (*manifest["suggest"].values(), manifest["extend"]["propose_properties"]):
        assert service["service_url"] == base
    if keyed:
        assert manifest["authentication"] == {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "An API key of the screening service (`scr_<id>_<secret>`).",
        }
    else:
        assert "authentication" not in manifest


def test_suggest_and_proposals_as_the_schemas_say(recon: TestClient[Litestar]) -> None:
    for path, prefix, spec in (
        ("/reconcile/suggest/entity", "alpha", "suggest-entities-response"),
        ("/reconcile/suggest/entity", "zzz", "suggest-entities-response"),
        ("/reconcile/suggest/type", "org", "suggest-types-response"),
        ("/reconcile/suggest/property", "inn", "suggest-properties-response"),
    ):
        response = recon.get(path, params={"prefix": prefix})
        assert response.status_code == 200, response.text
        assert problems("suggest-response", response.json(), spec) == [], path
    for params in ({"type": "Organization", "limit": "3"}, {"type": "Painting"}, {}):
        response = recon.get("/reconcile/extend/propose", params=params)
        assert response.status_code == 200, response.text
        assert problems("property-proposal", response.json()) == [], params


def test_every_extension_query_is_answered_as_the_schemas_say(
    recon: TestClient[Litestar],
) -> None:
    ours = {
        "ids": ["by-alpha", "ru-beta", "no-such-entity"],
        "properties": [{"id": p} for p in ("name", "aliases", "countries", "listings",
                                           "authorities", "listed_on", "defence", "identifiers",
                                           "unp", "inn", "painter")],
    }  # fmt: skip
    queries = {"own": ours} | {
        f"spec {name}": query
        for name, query in spec_examples("data-extension-query", "valid").items()
    }
    for name, query in queries.items():
        response = recon.post("/reconcile", data={"extend": json.dumps(query)})
        assert response.status_code == 200, (name, response.text)
        answer = response.json()
        assert problems("extension-response", answer) == [], name
        assert answer["rows"].keys() == set(query["ids"]), name
        assert [m["id"] for m in answer["meta"]] == [p["id"] for p in query["properties"]]


#: Values put in place of a batch's, an extension query's, or a part of them.
_ODD_VALUES: list[Any] = [
    None, True, 0, -1, 1e308, 2.5, "", " ", "\u0000", "é" * 400, "BY", [], [None], {}, {"id": 1},
    {"pid": "country"}, [{"pid": "unp", "v": []}], {"query": ["x"]}, "Organization",
]  # fmt: skip


def _mutations(value: Any, rng: random.Random) -> Any:
    """`value` with one part (at any depth) replaced by an odd value."""
    if isinstance(value, dict) and value and rng.random() < 0.7:
        key = rng.choice(list(value))
        return value | {key: _mutations(value[key], rng)}
    if isinstance(value, list) and value and rng.random() < 0.7:
        at = rng.randrange(len(value))
        return [*value[:at], _mutations(value[at], rng), *value[at + 1 :]]
    return rng.choice(_ODD_VALUES)


def test_no_mutation_of_a_valid_query_gets_a_server_error(recon: TestClient[Litestar]) -> None:
    """Valid batches and extension queries with a part replaced by an odd value (a fixed
    seed, so the same 300 each run): each is answered, or refused with a JSON 4xx."""
    rng = random.Random(15)
    extension = {"ids": ["by-alpha", "x"], "properties": [{"id": "unp", "settings": {"limit": 1}}]}
    seeds = [("queries", batch) for batch in _all_queries("valid").values()]
    seeds.append(("extend", extension))
    for _ in range(300):
        field, seed = rng.choice(seeds)
        mutated = _mutations(seed, rng)
        response = recon.post("/reconcile", data={field: json.dumps(mutated)})
        assert response.status_code in (200, 400, 413, 422), (mutated, response.text)
        body = response.json()
        if response.status_code == 200:
            kind = "result-batch" if field == "queries" else "extension-response"
            assert problems(kind, body) == [], mutated
        else:
            assert body["code"], mutated
