"""`POST /v1/screen/batch` against the engine alone and a naive rapidfuzz WRatio scan, in the
same run: names screened per second, each a name the server has not seen (a cache miss).

The server is the service with its default settings (the audit trail on, in the embedded
SQLite store; the in-process cache; the seed watchlist), served as `api_bench.py` serves it
(uvicorn, one worker, uvloop, httptools), open on 127.0.0.1. The names are `speed.py`'s seed
queries (the development set, listed names with a typo and with noise around them), each sent
once. Every round takes the next `--batch` names and times, in turns (the order rotates from
round to round): the batch through HTTP (from sending the body to the whole answer read), the
compiled engine on the same names in this process (`Matcher.screen`, as `speed.py`), and the
WRatio baseline on the same names (`process.extractOne` over every listed name). Reported:
medians of names per second, and of the ratios to the baseline within each round. Checked:
every result answers `"cached": false` with a `screening_id`, and after the runs the store
holds one audit record per name sent.

Run: python bench/screen_batch_bench.py [--rounds 5] [--batch 1000]
Writes `bench/out/screen_batch_bench.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import api_bench
from api_bench import ROOT, Server
from rapidfuzz import fuzz, process, utils
from speed import _queries, seed_entities

from service.matching.matcher import Matcher

OUT = ROOT / "bench" / "out"


def batch(url: str, names: Sequence[str], offset: int) -> float:
    """Seconds for one batch through HTTP; checks every answer is a recorded cache miss."""
    queries = [{"id": str(offset + n), "name": name} for n, name in enumerate(names)]
    body = json.dumps({"queries": queries}).encode()
    request = urllib.request.Request(
        f"{url}/v1/screen/batch", data=body, headers={"Content-Type": "application/json"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = response.read()
    seconds = time.perf_counter() - start
    results = json.loads(answer)["results"]
    assert len(results) == len(names), "one result per query"
    refused = [r for r in results if r["error"] is not None]
    assert not refused, refused[:3]
    assert not any(r["cached"] for r in results), "a name was answered from the cache"
    assert all(r["screening_id"] for r in results), "an answer without its audit record id"
    return seconds


def timed(call: Callable[[str], object], names: Sequence[str]) -> float:
    start = time.perf_counter()
    for name in names:
        call(name)
    return time.perf_counter() - start


def records(workdir: Path) -> int:
    with sqlite3.connect(workdir / "data" / "screening.sqlite3") as connection:
        return int(connection.execute("SELECT count(*) FROM screenings").fetchone()[0])


def run(args: argparse.Namespace) -> dict[str, Any]:
    entities = seed_entities()
    listed = [n for e in entities for n in (e.name, *(a for a, _ in e.aliases))]
    matcher = Matcher(entities)
    names = list(dict.fromkeys(_queries(entities, 300)))  # each name once
    needed = (args.rounds + 1) * args.batch
    if len(names) < needed:
        sys.exit(f"{len(names)} distinct names, {needed} needed: fewer rounds or a smaller batch")

    def naive(query: str) -> object:
        return process.extractOne(
            query, listed, scorer=fuzz.WRatio, processor=utils.default_process
        )

    rounds: list[dict[str, float]] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = Server("service", "service.app:create_app", {"SCREENING_BIND_HOST": "127.0.0.1"})
        api_bench.start(server, workdir)
        try:
            # A warm-up batch (not counted): the server's first batch pays for imports.
            batch(server.url, names[: args.batch], offset=0)
            for number in range(args.rounds):
                start = (number + 1) * args.batch
                chunk = names[start : start + args.batch]
                turns: list[tuple[str, Callable[[Sequence[str]], float]]] = [
                    ("http", partial(batch, server.url, offset=start)),
                    ("engine", partial(timed, matcher.screen)),
                    ("wratio", partial(timed, naive)),
                ]
                shift = number % len(turns)
                seconds = {name: call(chunk) for name, call in turns[shift:] + turns[:shift]}
                rounds.append({name: len(chunk) / s for name, s in seconds.items()})
                print(f"round {number + 1}/{args.rounds}: {rounds[-1]}", file=sys.stderr)
            time.sleep(0.5)  # the journal's copy into SQLite runs every 0.1 s
        finally:
            api_bench.stop(server)
        stored = records(workdir)
    sent = (args.rounds + 1) * args.batch
    return {
        "command": " ".join(["python", "bench/screen_batch_bench.py", *sys.argv[1:]]),
        "machine": api_bench.machine(),
        "load_average_before_after": [load_before[0], os.getloadavg()[0]],
        "batch": args.batch,
        "rounds": rounds,
        "names_per_s": {k: statistics.median(r[k] for r in rounds) for k in rounds[0]},
        "http_vs_wratio": statistics.median(r["http"] / r["wratio"] for r in rounds),
        "engine_vs_wratio": statistics.median(r["engine"] / r["wratio"] for r in rounds),
        "http_vs_engine": statistics.median(r["http"] / r["engine"] for r in rounds),
        "names_sent": sent,
        "audit_records": stored,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds; medians are reported")
    parser.add_argument("--batch", type=int, default=1000, help="names per batch")
    result = run(parser.parse_args())
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "screen_batch_bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    rates = result["names_per_s"]
    print("| path | names/s (median) | vs WRatio (median of rounds) |")
    print("|---|---:|---:|")
    print(f"| POST /v1/screen/batch | {rates['http']:,.0f} | {result['http_vs_wratio']:.1f}x |")
    print(f"| engine alone | {rates['engine']:,.0f} | {result['engine_vs_wratio']:.1f}x |")
    print(f"| rapidfuzz WRatio scan | {rates['wratio']:,.0f} | 1.0x |")
    print(
        f"\nHTTP / engine: {result['http_vs_engine']:.2f}; audit records "
        f"{result['audit_records']:,} for {result['names_sent']:,} names sent"
    )
    print(
        f"{result['command']}; machine: {result['machine']}; "
        f"load average {result['load_average_before_after']}"
    )


if __name__ == "__main__":
    main()
