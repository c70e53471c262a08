"""One request cannot stall the service: while a batch of long names that match many listed
names is matched, answered and recorded in the audit trail (default settings: the SQLite
journal), the same app keeps answering /health."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.screening.screener import Screener
from service.watchlist.loader import load_watchlist

#: Generous for a shared machine; a stalled loop took seconds.
MOST_SECONDS = 0.5


def long_names(screener: Screener, count: int) -> list[dict[str, str]]:
    """Names of 300 characters made of words of listed names: each has many candidates."""
    words = [
        word
        for entity in screener.watchlist.entities
        for name in (entity.name, *(a.name for a in entity.aliases))
        for word in name.split()
        if len(word) > 2
    ]
    rng = random.Random(7)
    queries = []
    for i in range(count):
        name = ""
        while len(name) < 300:
            name += rng.choice(words) + " "
        queries.append({"id": str(i), "name": name[:300].strip()})
    return queries


@pytest.mark.serial
def test_health_answers_while_the_heaviest_batch_is_matched_and_recorded(
    make_client: Callable[..., TestClient[Litestar]],
) -> None:
    seed = Screener.build(load_watchlist())
    client = make_client(serving=seed)
    queries = long_names(seed, 4_000)
    outcome: dict[str, Any] = {}

    def post_batch() -> None:
        body = {"queries": queries, "threshold": 0.5, "limit": 10}
        outcome["response"] = client.post("/v1/screen/batch", json=body)

    worker = threading.Thread(target=post_batch)
    worker.start()
    latencies = []
    while worker.is_alive():
        before = time.perf_counter()
        assert client.get("/health").status_code == 200
        latencies.append(time.perf_counter() - before)
        time.sleep(0.02)
    worker.join()
    response = outcome["response"]
    assert response.status_code == 200
    assert sum(len(r["matches"]) for r in response.json()["results"]) > 10_000
    assert len(latencies) > 20
    assert max(latencies) < MOST_SECONDS, sorted(latencies)[-5:]
    # The journal is copied into the database meanwhile, a bounded piece at a time.
    exported = client.get("/v1/audit", params={"kind": "batch"})
    assert exported.text.count("\n") == len(queries)
