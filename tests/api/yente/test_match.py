"""`POST /match/{dataset}` over HTTP: several names per query (the best per entity), yente's
`threshold` and `cutoff` read as `/v1/screen`'s threshold, the dataset, topic, schema and id
filters, keys (`Authorization: ApiKey` among them), the audit trail, and clear 4xx answers to
bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.screening.screener import Screener

from ..access_support import as_key, key_id, make_keys

Client = Callable[..., TestClient[Litestar]]


def _query(**properties: Any) -> dict[str, Any]:
    return {"queries": {"q": {"schema": "Company", "properties": properties}}}


def _results(client: TestClient[Litestar], body: dict[str, Any], **params: Any) -> list[Any]:
    response = client.post("/match/default", json=body, params=params)
    assert response.status_code == 200, response.text
    results: list[Any] = response.json()["responses"]["q"]["results"]
    return results


def _screen(client: TestClient[Litestar], name: str, **body: Any) -> dict[str, float]:
    response = client.post("/v1/screen", json={"name": name} | body)
    assert response.status_code == 200, response.text
    return {m["entity_id"]: m["score"] for m in response.json()["matches"]}


def test_several_names_give_each_entity_its_best_score(seed_client: TestClient[Litestar]) -> None:
    names = ["Minsk Wheeled Tractor Plant", "Volat", "BelAZ"]
    results = _results(seed_client, _query(name=names[:1], alias=names[1:]), cutoff=0.6)
    screened = [_screen(seed_client, name, threshold=0.6) for name in names]
    best: dict[str, float] = {}
    for scores in screened:
        for entity, score in scores.items():
            best[entity] = max(best.get(entity, 0.0), score)
    assert {r["id"]: r["score"] for r in results} == dict(
        sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    )
    assert {"by-mzkt", "by-belaz"} <= {r["id"] for r in results}
    assert len({r["id"] for r in results}) == len(results)
    best_name = {r["id"]: r["matched_name"] for r in results}
    assert best_name["by-belaz"] == "BelAZ"


def test_cutoff_returns_lower_scores_that_are_not_matches(
    seed_client: TestClient[Litestar],
) -> None:
    body = _query(name=["Minsk Tractor Works"])
    at_threshold = _results(seed_client, body, threshold=0.8)
    wider = _results(seed_client, body, threshold=0.8, cutoff=0.5)
    assert all(r["match"] and r["score"] >= 0.8 for r in at_threshold)
    assert [r for r in wider if r["match"]] == at_threshold
    below = [r for r in wider if not r["match"]]
    assert below and all(0.5 <= r["score"] < 0.8 for r in below)
    # A cutoff above the threshold is the threshold, as in yente.
    assert _results(seed_client, body, threshold=0.8, cutoff=0.95) == at_threshold
    answer = seed_client.post("/match/default", json=body, params={"cutoff": 0.5}).json()
    assert answer["matcher"] | {"watchlist_version": ""} == {
        "name": "screening-engine",
        "watchlist_version": "",
        "threshold": 0.75,
        "cutoff": 0.5,
    }
    assert answer["responses"]["q"]["total"]["value"] == sum(
        r["match"] for r in answer["responses"]["q"]["results"]
    )


def test_identifiers_find_entities_and_bad_ones_are_named(
    seed_client: TestClient[Litestar],
) -> None:
    found = _results(seed_client, _query(taxNumber=["600 136 102"]))
    assert [(r["id"], r["score"]) for r in found] == [("by-140-repair-plant", 1.0)]
    assert set(found[0]["features"]) == {"identifier_match"}
    response = seed_client.post(
        "/match/default", json=_query(name=["BelAZ"], innCode=["1234567890"])
    )
    assert response.status_code == 200
    answer = response.json()["responses"]["q"]
    assert answer["results"][0]["id"] == "by-belaz"
    assert any("1234567890" in w for w in answer["warnings"])


def test_filters(seed_client: TestClient[Litestar], seed_screener: Screener) -> None:
    body = _query(name=["Minsk Automobile Plant", "BelAZ", "Naftan", "Minsk Wheel Tractor"])
    every = {r["id"] for r in _results(seed_client, body)}
    assert {"by-maz", "by-belaz", "by-naftan", "by-mzkt"} <= every
    authorities = {
        e.id: {x.authority for x in e.listings} for e in seed_screener.watchlist.entities
    }
    in_new_zealand = {e for e in every if "NZ-MFAT" in authorities[e]}
    assert 0 < len(in_new_zealand) < len(every)
    only = seed_client.post("/match/nz_mfat", json=body).json()["responses"]["q"]["results"]
    assert {r["id"] for r in only} == in_new_zealand
    included = _results(seed_client, body, include_dataset=["nz_mfat"])
    assert {r["id"] for r in included} == in_new_zealand
    excluded = _results(seed_client, body, exclude_dataset=["nz_mfat"])
    assert {r["id"] for r in excluded} == every - in_new_zealand
    without = _results(seed_client, body, exclude_entity_ids=["by-belaz", "by-maz"])
    assert {r["id"] for r in without} == every - {"by-belaz", "by-maz"}
    assert {r["id"] for r in _results(seed_client, body, topics=["sanction"])} == every
    assert _results(seed_client, body, topics=["crime.fraud"]) == []
    assert _results(seed_client, body, exclude_schema=["Organization"]) == []
    assert {r["id"] for r in _results(seed_client, body, exclude_schema=["Person"])} == every
    people = {"queries": {"q": {"schema": "Person", "properties": {"name": ["BelAZ"]}}}}
    assert _results(seed_client, people) == []
    assert len(_results(seed_client, body, limit=1)) == 1


def test_keys_and_the_audit_trail(client: TestClient[Litestar]) -> None:
    keys = make_keys(client)
    body = {
        "queries": {
            "a": {"schema": "Company", "properties": {"name": ["BelAZ", "Legmash"]}},
            "b": {"schema": "Company", "properties": {"name": ["Acme Garden Furniture"]}},
        }
    }
    assert client.post("/match/default", json=body).status_code == 401
    as_auditor = client.post("/match/default", json=body, headers=as_key(keys.auditor))
    assert as_auditor.status_code == 403
    for header in (f"ApiKey {keys.screener}", f"Bearer {keys.screener}"):
        response = client.post("/match/default", json=body, headers={"Authorization": header})
        assert response.status_code == 200, response.text
    assert client.get("/entities/by-belaz").status_code == 401
    assert client.get("/entities/by-belaz", headers=as_key(keys.auditor)).status_code == 200
    assert client.get("/healthz").status_code == 200
    answer = response.json()["responses"]
    exported = client.get("/v1/audit", params={"kind": "batch"}, headers=as_key(keys.auditor))
    records = [json.loads(line) for line in exported.text.splitlines()][-3:]
    assert [r["query"]["name"] for r in records] == ["BelAZ", "Legmash", "Acme Garden Furniture"]
    assert [r["outcome"] for r in records] == ["hit", "hit", "clear"]
    assert {r["key_id"] for r in records} == {key_id(keys.screener)}
    assert [r["response"] for r in records] == [answer["a"], answer["a"], answer["b"]]


def test_yente_errors_while_no_watchlist_is_loaded(
    make_client: Client, wait_ready: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "duplicated.jsonl"
    path.write_text('{"id": "x-1", "name": "Zorkiy"}\n{"id": "x-1", "name": "Again"}\n', "utf-8")
    client = make_client(preload=False, watchlist_path=str(path))
    wait_ready(client)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json() == {"status": "failed"}
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.post("/match/default", json=_query(name=["BelAZ"]))
    assert response.status_code == 503
    assert response.json()["detail"] == response.json()["message"]


_TOO_MANY = {"queries": {str(i): {"schema": "Company", "properties": {"name": ["BelAZ"]}}
                         for i in range(101)}}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "params", "status", "code"),
    [
        (b'{"queries": ', {}, 400, "malformed_json"),
        ({"queries": {"q": {"properties": {"name": ["x"]}}}}, {}, 422, "invalid_body"),
        ({"queries": {}}, {}, 422, "queries_missing"),
        (_TOO_MANY, {}, 413, "batch_too_large"),
        (_query(name=["BelAZ"]), {"limit": 1_000_000}, 422, "limit_out_of_range"),
        (_query(name=["BelAZ"]), {"threshold": 1.5}, 422, "threshold_out_of_range"),
        (_query(name=["BelAZ"]), {"algorithm": "logic-v2"}, 422, "algorithm_unknown"),
        (_query(name=["BelAZ"]), {"changed_since": "last week"}, 422, "invalid_parameter"),
        (_query(name=["BelAZ"]), {"exclude_dataset": "nowhere"}, 404, "dataset_not_found"),
        (_query(name=[f"Name {i}" for i in range(51)]), {}, 422, "query_too_large"),
        (_query(country=["by"]), {}, 422, "name_missing"),
        (_query(name=["BelAZ"], country=["Atlantis"]), {}, 422, "country_invalid"),
        (_query(name=["BelAZ", "MAZ"]), {"cutoff": 0.1}, 422, "threshold_out_of_range"),
        (_query(name=["BelAZ"]) | {"config": {"nm_number_mismatch": 0.4}}, {}, 422,
         "algorithm_config_unknown"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_4xx(
    seed_client: TestClient[Litestar],
    body: dict[str, Any] | bytes,
    params: dict[str, Any],
    status: int,
    code: str,
) -> None:
    if isinstance(body, bytes):
        response = seed_client.post(
            "/match/default",
            content=body,
            params=params,
            headers={"Content-Type": "application/json"},
        )
    else:
        response = seed_client.post("/match/default", json=body, params=params)
    assert response.status_code == status, response.text
    answer = response.json()
    assert answer["code"] == code
    assert answer["detail"] == answer["message"]
