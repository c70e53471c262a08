"""Reconciliation query batches over HTTP: listed entities found by name (in any script), by
an identifier whatever the name, filtered by type; the three ways of sending a batch; every
query recorded in the audit trail; and bad batches refused with a JSON 4xx naming the query."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from service.screening.screener import Screener
from service.watchlist.loader import SEED_PATH, load_watchlist

from ..access_support import as_key, create_key, make_keys
from .conftest import ALPHA_UNP, BETA_INN, Client, post_queries, results

#: The labelled development set of the matching benchmarks.
DEVSET = Path(__file__).parents[3] / "bench" / "devset" / "devset.csv"


def test_a_supplier_column_finds_the_listed_entities(recon: TestClient[Litestar]) -> None:
    found = results(
        recon,
        {
            "0": {"query": "Alpha Optics Plant OJSC"},
            "1": {"query": "ОАО «Альфа»", "type": "Organization"},
            "2": {"query": "Beta Radio Engineering"},
            "3": {"query": "Acme Garden Furniture"},
        },
    )
    assert found == {"0": ["by-alpha"], "1": ["by-alpha"], "2": ["ru-beta"], "3": []}


def test_a_candidate_says_what_a_person_decides_on(recon: TestClient[Litestar]) -> None:
    response = post_queries(recon, {"q": {"query": "OJSC Alpha Optics Plant"}})
    [candidate] = response.json()["q"]["result"]
    assert candidate["name"] == "OJSC Alpha Optics Plant" and candidate["score"] == 1.0
    assert candidate["match"] is True  # the one candidate this close: certain
    assert candidate["type"] == [{"id": "Organization", "name": "Organization"}]
    assert candidate["description"] == "BY · listed by EU, US-OFAC · defence"
    features = {f["id"]: f["value"] for f in candidate["features"]}
    assert features["identifier_match"] is False and features["defence"] is True
    # A weaker name is a candidate, not a match.
    response = post_queries(recon, {"q": {"query": "Alpha Optical Plant Minsk"}})
    [weaker] = response.json()["q"]["result"]
    assert weaker["id"] == "by-alpha" and weaker["score"] < 0.95 and weaker["match"] is False


def test_an_identifier_matches_whatever_the_name(recon: TestClient[Litestar]) -> None:
    response = post_queries(
        recon,
        {
            "named": {
                "query": "Totally Other Name",
                "properties": [{"pid": "unp", "v": ALPHA_UNP}],
            },
            # As a spreadsheet gives it: a number, the scheme unsaid.
            "bare": {"properties": [{"pid": "identifier", "v": int(BETA_INN)}]},
            "unknown": {"properties": [{"pid": "inn", "v": "7707083893"}]},
        },
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    [named] = answer["named"]["result"]
    assert (named["id"], named["score"], named["match"]) == ("by-alpha", 1.0, True)
    assert {"id": "identifier_match", "value": True} in named["features"]
    assert f"lists unp {ALPHA_UNP}" in named["description"]
    assert [c["id"] for c in answer["bare"]["result"]] == ["ru-beta"]
    assert answer["unknown"]["result"] == []


def test_types_filter_the_candidates(recon: TestClient[Litestar]) -> None:
    found = results(
        recon,
        {
            "person": {"query": "Ivan Petrov", "type": "Person"},
            "company": {"query": "Ivan Petrov", "type": "Organization"},
            "any": {"query": "Ivan Petrov"},
            "preferred": {"query": "Ivan Petrov", "type": "Organization", "type_strict": "should"},
            "not ours": {"query": "Ivan Petrov", "type": "Painting"},
            "all of two": {
                "query": "Ivan Petrov",
                "type": ["Person", "Vessel"],
                "type_strict": "all",
            },
        },
    )
    assert found["person"] == found["any"] == found["preferred"] == ["by-petrov"]
    assert found["company"] == found["not ours"] == found["all of two"] == []


def test_the_limit_is_the_query_s_within_the_service_s(recon: TestClient[Litestar]) -> None:
    batch = {"q": {"query": "Alpha Beta Optics Radio Engineering", "limit": 1}}
    assert len(results(recon, batch)["q"]) == 1
    assert post_queries(recon, {"q": {"query": "Alpha", "limit": 10**9}}).status_code == 200
    infinite = b'{"queries": {"q": {"query": "Alpha", "limit": 1e400}}}'
    json_body = {"content-type": "application/json"}
    assert recon.post("/reconcile", content=infinite, headers=json_body).status_code == 200
    refused = post_queries(recon, {"q": {"query": "Alpha", "limit": 0}})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_query"


def test_a_batch_comes_as_form_field_json_body_or_parameter(recon: TestClient[Litestar]) -> None:
    batch = {"q": {"query": "Beta Radio Engineering"}}
    answers = [
        post_queries(recon, batch),
        recon.post("/reconcile", json={"queries": batch}),
        recon.post("/reconcile", json={"queries": json.dumps(batch)}),
        recon.get("/reconcile", params={"queries": json.dumps(batch)}),
        recon.post("/reconcile", files={"queries": (None, json.dumps(batch))}),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        assert [c["id"] for c in response.json()["q"]["result"]] == ["ru-beta"]


def _refusal(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["message"]
    return body


def test_bad_batches_are_refused_with_a_json_4xx(recon: TestClient[Litestar]) -> None:
    form = "/reconcile"
    _refusal(recon.post(form, data={"queries": "{not json"}), 400, "malformed_json")
    _refusal(recon.post(form, data={"queries": "[]"}), 422, "invalid_body")
    _refusal(recon.post(form, content=b"queries=x", headers={"content-type": "text/plain"}),
             415, "unsupported_media_type")  # fmt: skip
    _refusal(recon.post(form, data={}), 400, "reconcile_nothing_asked")
    _refusal(recon.post(form, json=[1]), 400, "malformed_json")
    _refusal(recon.post(form, content=b"{", headers={"content-type": "application/json"}),
             400, "malformed_json")  # fmt: skip
    deep = b"[" * 100_000 + b"]" * 100_000
    _refusal(recon.post(form, content=deep, headers={"content-type": "application/json"}),
             400, "malformed_json")  # fmt: skip
    _refusal(recon.post(form, data={"queries": deep.decode()}), 400, "malformed_json")
    both = {"queries": "{}", "extend": "{}"}
    _refusal(recon.post(form, data=both), 400, "reconcile_both_asked")
    _refusal(recon.get(form, params={"callback": "cb"}), 400, "jsonp_unsupported")
    upload = {"queries": ("q.json", b"{}", "application/json")}
    _refusal(recon.post(form, files=upload), 400, "bad_request")


def test_a_query_this_service_cannot_screen_is_named(recon: TestClient[Litestar]) -> None:
    batch = {
        "fine": {"query": "Alpha"},
        "country": {"query": "Alpha", "properties": [{"pid": "country", "v": "Atlantis"}]},
        "long": {"query": "A" * 301},
        "boolean": {"query": "Alpha", "properties": [{"pid": "unp", "v": True}]},
        "two countries": {"query": "Alpha", "properties": [{"pid": "country", "v": ["BY", "RU"]}]},
    }
    body = _refusal(post_queries(recon, batch), 422, "invalid_query")
    named = {d["query"]: d["code"] for d in body["details"]}
    assert named == {
        "country": "country_invalid",
        "long": "name_too_long",
        "boolean": "invalid_property",
        "two countries": "country_ambiguous",
    }
    assert "'country'" in body["message"]


def test_a_batch_past_the_bounds_is_refused(make_client: Client, reconcile_screener: Any) -> None:
    client = make_client(serving=reconcile_screener, batch_max_queries=2, batch_max_matches=15)
    three = {str(i): {"query": "Alpha"} for i in range(3)}
    _refusal(post_queries(client, three), 413, "batch_too_large")
    many = {str(i): {"query": "Alpha", "limit": 10} for i in range(2)}
    _refusal(post_queries(client, many), 422, "batch_matches_too_many")


def test_every_query_is_recorded_as_answered(make_client: Client, reconcile_screener: Any) -> None:
    client = make_client(serving=reconcile_screener)
    keys = make_keys(client)
    batch = {
        "a": {"query": "Beta Radio Engineering"},
        "b": {"query": "Acme Garden Furniture"},
        "c": {"properties": [{"pid": "professionOrOccupation", "v": "Politik*"}]},
    }
    response = post_queries(client, batch, headers=as_key(keys.screener))
    assert response.status_code == 200, response.text
    answer = response.json()
    exported = client.get("/v1/audit", params={"kind": "batch"}, headers=as_key(keys.auditor))
    records = [json.loads(line) for line in exported.text.splitlines()]
    assert [r["outcome"] for r in records] == ["hit", "clear", "error"]
    assert [r["response"] for r in records] == [answer["a"], answer["b"], answer["c"]]
    assert [r["query"]["name"] for r in records] == ["Beta Radio Engineering",
                                                     "Acme Garden Furniture", None]  # fmt: skip
    assert records[0]["matches"][0]["entity_id"] == "ru-beta"


def test_reconciling_finds_what_screening_finds_with_the_same_scores(
    make_client: Client,
) -> None:
    """The development set's first 300 queries through `POST /v1/screen/batch` and through
    `POST /reconcile`, against the seed: the same entities, in the same order, with the same
    scores (one engine, one threshold, one limit)."""
    with DEVSET.open(encoding="utf-8") as rows:
        cases = list(itertools.islice(csv.DictReader(rows), 300))
    client = make_client(serving=Screener.build(load_watchlist([SEED_PATH])))
    queries = [{"id": c["case_id"], "name": c["query"], "country": c["country"] or None}
               for c in cases]  # fmt: skip
    screened = client.post("/v1/screen/batch", json={"queries": queries}).json()["results"]
    expected = {
        r["id"]: [(m["entity_id"], m["score"]) for m in r["matches"]]
        for r in screened
        if r["error"] is None
    }
    assert len(expected) >= 290
    batch = {
        q["id"]: {"query": q["name"]}
        | ({"properties": [{"pid": "country", "v": q["country"]}]} if q["country"] else {})
        for q in queries
        if q["id"] in expected
    }
    answer = post_queries(client, batch).json()
    found = {key: [(c["id"], c["score"]) for c in part["result"]] for key, part in answer.items()}
    assert found == expected
    assert sum(1 for matches in found.values() if matches) >= 150


def test_a_batch_is_charged_its_queries_and_a_request(
    make_client: Client, reconcile_screener: Any
) -> None:
    """The key's rate limits as on `/v1`: each request counted, and a batch's queries as
    batch rows (the rows of a request past the limit are refused before any screening)."""
    client = make_client(serving=reconcile_screener)
    keys = make_keys(client)
    rows = create_key(client, keys.admin, name="rows", role="screener", rows_per_hour=5)
    four = {str(n): {"query": f"Supplier {n}"} for n in range(4)}
    assert post_queries(client, four, headers=as_key(rows)).status_code == 200
    _refusal(post_queries(client, four, headers=as_key(rows)), 429, "rate_limited")
    calls = create_key(client, keys.admin, name="calls", role="screener", requests_per_minute=2)
    statuses = [post_queries(client, {"q": {"query": "Alpha"}}, headers=as_key(calls)).status_code
                for _ in range(3)]  # fmt: skip
    assert statuses == [200, 200, 429]
