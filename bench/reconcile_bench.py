"""What the reconciliation protocol costs over `POST /v1/screen/batch`: the same chunks of
development-set names (10 a chunk, as OpenRefine sends them), each sent both ways, alternately,
to one server (`python -m service serve`: the seed watchlist, the in-process result cache, the
audit trail on in its SQLite store). The first pass fills the cache (a chunk screened one way
is a cache hit the other way); the passes after it time both ways on cache hits, where the
protocol's own work (parsing, candidates, records) is all there is. Medians per chunk, and
the ratio reconcile / batch.

Run: python bench/reconcile_bench.py [--chunks 100] [--passes 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from batch_api_bench import api_ready, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "bench" / "devset" / "devset.csv"
#: Names per request: OpenRefine's chunk of a column.
CHUNK = 10


def chunks(count: int) -> list[list[dict[str, str]]]:
    with DEVSET.open(encoding="utf-8") as rows:
        cases = [r for r in csv.DictReader(rows) if not r["country"]][: count * CHUNK]
    return [cases[i : i + CHUNK] for i in range(0, len(cases), CHUNK)]


def timed(client: httpx.Client, chunk: list[dict[str, str]]) -> tuple[float, float]:
    """Seconds for the chunk through /v1/screen/batch, then through /reconcile."""
    batch = {"queries": [{"id": c["case_id"], "name": c["query"]} for c in chunk]}
    queries = json.dumps({c["case_id"]: {"query": c["query"]} for c in chunk})
    start = time.perf_counter()
    assert client.post("/v1/screen/batch", json=batch).status_code == 200
    middle = time.perf_counter()
    assert client.post("/reconcile", data={"queries": queries}).status_code == 200
    return middle - start, time.perf_counter() - middle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    work = chunks(args.chunks)
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
        env |= {"SCREENING_DATA_DIR": data}
        env.pop("REDIS_URL", None)
        env.pop("WATCHLIST_PATH", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: api_ready(base), "the API")
            with httpx.Client(base_url=base, timeout=60) as client:
                for chunk in work:  # fills the cache
                    timed(client, chunk)
                batch, recon = [], []
                for _ in range(args.passes):
                    for chunk in work:
                        one, other = timed(client, chunk)
                        batch.append(one)
                        recon.append(other)
        finally:
            server.terminate()
            server.wait(timeout=30)
    b, r = statistics.median(batch), statistics.median(recon)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(batch)} chunks of {CHUNK} names each way")
    print(f"POST /v1/screen/batch  median {b * 1000:.2f} ms a chunk")
    print(f"POST /reconcile        median {r * 1000:.2f} ms a chunk  ({r / b:.2f}x)")


if __name__ == "__main__":
    main()
