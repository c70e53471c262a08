"""One request cannot stall the service: the worst batch a caller may send, and what the event
loop does meanwhile. A `POST /v1/screen/batch` of 10,000 names of 300 characters, each made of
words of listed names (so that every name has many candidates), is sent to the service (one
uvicorn process, default settings: the audit trail on, SQLite) while another thread asks
`GET /health` every 20 ms; the figures are the batch's time, its answer's size, the server's
memory and the latency of `/health` during the batch, against `/health` on the idle server in
the same run.

The batches: the one that stalled the service before its work was bounded (`threshold: 0`,
`limit: 100`: now refused at once), the most a batch may ask for (`threshold: 0.5`, the floor,
`limit: 10`, queries times limit at the cap of 100,000), and the defaults (0.75, 10).

Run: python bench/worst_batch_bench.py [--runs 3]   (writes bench/out/worst_batch_bench.json)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import api_bench
from api_bench import ROOT, Server

OUT = ROOT / "bench" / "out"
NAMES = 10_000
NAME_LENGTH = 300
HEALTH_EVERY = 0.02
BATCHES = {
    "unbounded (threshold 0, limit 100)": {"threshold": 0.0, "limit": 100},
    "worst allowed (threshold 0.5, limit 10)": {"threshold": 0.5, "limit": 10},
    "defaults (threshold 0.75, limit 10)": {},
}


def long_names(seed: int) -> list[dict[str, str]]:
    """10,000 names of 300 characters, of words taken from the listed names."""
    words: list[str] = []
    seed = ROOT / "service" / "watchlist" / "seed" / "watchlist.jsonl"
    for line in seed.open(encoding="utf-8"):
        entity = json.loads(line)
        for name in [entity["name"], *(a["name"] for a in entity.get("aliases", []))]:
            words += [w.strip("«»‘’\"'(),.") for w in name.split() if len(w) > 2]
    rng = random.Random(seed)
    queries = []
    for i in range(NAMES):
        name = ""
        while len(name) < NAME_LENGTH:
            name += rng.choice(words) + " "
        queries.append({"id": str(i), "name": name[:NAME_LENGTH].strip()})
    return queries


class HealthProbe(threading.Thread):
    """GET /health every HEALTH_EVERY seconds until stopped; latencies in ms."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.latencies: list[float] = []
        self.failures = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=30) as response:
                    response.read()
                self.latencies.append((time.perf_counter() - started) * 1000)
            except OSError:
                self.failures += 1
            self._done.wait(HEALTH_EVERY)

    def stop(self) -> dict[str, float]:
        self._done.set()
        self.join()
        ordered = sorted(self.latencies)
        return {
            "probes": len(ordered),
            "failures": self.failures,
            "p50_ms": statistics.median(ordered),
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "max_ms": ordered[-1],
        }


def send(url: str, body: bytes) -> tuple[int, int, float]:
    """(status, answer bytes, seconds) of one batch request."""
    request = urllib.request.Request(
        f"{url}/v1/screen/batch", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            size, status = len(response.read()), response.status
    except urllib.error.HTTPError as error:
        size, status = len(error.read()), error.code
    return status, size, time.perf_counter() - started


def one_run(server: Server, queries: list[dict[str, str]]) -> dict[str, Any]:
    idle = HealthProbe(server.url)
    idle.start()
    time.sleep(3)
    out: dict[str, Any] = {"idle health": idle.stop()}
    for label, extra in BATCHES.items():
        body = json.dumps({"queries": queries, **extra}).encode()
        probe = HealthProbe(server.url)
        probe.start()
        status, size, seconds = send(server.url, body)
        time.sleep(0.2)
        out[label] = {
            "status": status,
            "seconds": seconds,
            "answer_mib": size / 2**20,
            "health": probe.stop(),
            **server.memory_mib(),
        }
    return out


def median_of(runs: list[dict[str, Any]], label: str, *path: str) -> float:
    values = []
    for run in runs:
        value: Any = run[label]
        for key in path:
            value = value[key]
        values.append(float(value))
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    queries = long_names(seed=1)
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as workdir:
            server = Server(
                "service", "service.app:create_app", {"SCREENING_BIND_HOST": "127.0.0.1"}
            )
            api_bench.start(server, Path(workdir))
            try:
                runs.append(one_run(server, queries))
            finally:
                api_bench.stop(server)
    OUT.mkdir(exist_ok=True)
    (OUT / "worst_batch_bench.json").write_text(json.dumps(runs, indent=2))
    print(f"medians of {len(runs)} runs, {NAMES:,} names of {NAME_LENGTH} characters\n")
    header = (
        "| request | status | seconds | answer MiB | peak RSS MiB | /health p50 ms | p99 | max |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    idle = "idle health"
    print(
        f"| none (idle server) | | | | | {median_of(runs, idle, 'p50_ms'):.1f} "
        f"| {median_of(runs, idle, 'p99_ms'):.1f} | {median_of(runs, idle, 'max_ms'):.1f} |"
    )
    for label in BATCHES:
        print(
            f"| {label} | {int(median_of(runs, label, 'status'))} "
            f"| {median_of(runs, label, 'seconds'):.2f} "
            f"| {median_of(runs, label, 'answer_mib'):.1f} "
            f"| {median_of(runs, label, 'peak_rss_mib'):.0f} "
            f"| {median_of(runs, label, 'health', 'p50_ms'):.1f} "
            f"| {median_of(runs, label, 'health', 'p99_ms'):.1f} "
            f"| {median_of(runs, label, 'health', 'max_ms'):.1f} |"
        )


if __name__ == "__main__":
    main()
