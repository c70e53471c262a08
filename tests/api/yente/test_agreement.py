"""The same quality through `/match` as through `/v1/screen`: on the development set's held-out
slice (`gate`, about 1,100 labelled names, positives and negatives), each name asked of both
gets the same entities at the same scores, so recall and precision are the same too."""

from __future__ import annotations

import sys
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "bench"))

from quality import evaluate, read_cases  # noqa: E402

#: The service's default threshold: what both APIs use when none is given.
THRESHOLD = 0.75
#: Queries per `/match` request (yente's own bound is 100).
CHUNK = 100


def test_match_finds_what_screen_finds_on_the_held_out_slice(
    seed_client: TestClient[Litestar],
) -> None:
    cases = read_cases(split="gate")
    assert len(cases) > 1000
    batch = seed_client.post(
        "/v1/screen/batch",
        json={
            "queries": [
                {"id": c.case_id, "name": c.query} | ({"country": c.country} if c.country else {})
                for c in cases
            ]
        },
    )
    assert batch.status_code == 200, batch.text
    screened = {
        r["id"]: {m["entity_id"]: m["score"] for m in r["matches"]} for r in batch.json()["results"]
    }
    matched: dict[str, dict[str, float]] = {}
    for start in range(0, len(cases), CHUNK):
        chunk = cases[start : start + CHUNK]
        queries = {
            c.case_id: {
                "schema": "Company",
                "properties": {"name": [c.query]} | ({"country": [c.country]} if c.country else {}),
            }
            for c in chunk
        }
        response = seed_client.post("/match/default", json={"queries": queries})
        assert response.status_code == 200, response.text
        for key, answer in response.json()["responses"].items():
            matched[key] = {r["id"]: r["score"] for r in answer["results"]}
            assert all(r["match"] for r in answer["results"])
    assert matched == screened
    through_screen = evaluate(cases, [screened[c.case_id] for c in cases], THRESHOLD)
    through_match = evaluate(cases, [matched[c.case_id] for c in cases], THRESHOLD)
    assert through_match == through_screen
    assert through_match["recall"] > 0.9 and through_match["precision"] > 0.9
