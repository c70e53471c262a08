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
medians of names per second, and of the ratios to the baseline within each round; the same in
CPU time (the server's process and its journal copier's, until the batch's records are copied;
this process's for the engine and the baseline), which a shared machine disturbs less. Checked:
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
PATHS = ("http", "engine", "wratio")


def batch(url: str, names: Sequence[str], offset: int) -> tuple[float, float]:
    """Seconds for one batch through HTTP (its CPU is the server's, measured by the caller);
    checks every answer is a recorded cache miss."""
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
    return seconds, 0.0


def timed(call: Callable[[str], object], names: Sequence[str]) -> tuple[float, float]:
    """Seconds of a call per name in this process, elapsed and of CPU."""
    start, cpu = time.perf_counter(), time.process_time()
    for name in names:
        call(name)
    return time.perf_counter() - start, time.process_time() - cpu


def wait_for_records(workdir: Path, count: int) -> None:
    """Until the journal's copier has copied the records of every name sent so far."""
    deadline = time.monotonic() + 60
    while records(workdir) < count and time.monotonic() < deadline:
        time.sleep(0.05)


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
            assert server.process is not None
            for number in range(args.rounds):
                start = (number + 1) * args.batch
                chunk = names[start : start + args.batch]
                wait_for_records(workdir, start)
                cpu = server.tree_cpu_seconds()
                turns: list[tuple[str, Callable[[Sequence[str]], tuple[float, float]]]] = [
                    ("http", partial(batch, server.url, offset=start)),
                    ("engine", partial(timed, matcher.screen)),
                    ("wratio", partial(timed, naive)),
                ]
                shift = number % len(turns)
                seconds = {name: call(chunk) for name, call in turns[shift:] + turns[:shift]}
                # The server's CPU for the batch: its process and the copier, until the batch's
                # records are all copied (the copier may still be at it after the answer).
                wait_for_records(workdir, start + len(chunk))
                http_cpu = server.tree_cpu_seconds() - cpu
                seconds["http"] = (seconds["http"][0], http_cpu)
                found = {name: len(chunk) / wall for name, (wall, _) in seconds.items()}
                found |= {f"{name}_cpu": len(chunk) / c for name, (_, c) in seconds.items()}
                rounds.append(found)
                print(f"round {number + 1}/{args.rounds}: {rounds[-1]}", file=sys.stderr)
            wait_for_records(workdir, (args.rounds + 1) * args.batch)
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
        "names_per_s": {k: statistics.median(r[k] for r in rounds) for k in PATHS},
        "http_vs_wratio": statistics.median(r["http"] / r["wratio"] for r in rounds),
        "engine_vs_wratio": statistics.median(r["engine"] / r["wratio"] for r in rounds),
        "http_vs_engine": statistics.median(r["http"] / r["engine"] for r in rounds),
        "cpu_names_per_s": {k: statistics.median(r[f"{k}_cpu"] for r in rounds) for k in PATHS},
        "cpu_http_vs_wratio": statistics.median(r["http_cpu"] / r["wratio_cpu"] for r in rounds),
        "cpu_engine_vs_wratio": statistics.median(
            r["engine_cpu"] / r["wratio_cpu"] for r in rounds
        ),
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
    rates, cpu = result["names_per_s"], result["cpu_names_per_s"]
    print("| path | names/s | vs WRatio | names per CPU second | vs WRatio (CPU) |")
    print("|---|---:|---:|---:|---:|")
    rows = [
        ("POST /v1/screen/batch", "http", result["http_vs_wratio"], result["cpu_http_vs_wratio"]),
        ("engine alone", "engine", result["engine_vs_wratio"], result["cpu_engine_vs_wratio"]),
        ("rapidfuzz WRatio scan", "wratio", 1.0, 1.0),
    ]
    for label, key, ratio, cpu_ratio in rows:
        print(
            f"| {label} | {rates[key]:,.0f} | {ratio:.1f}x | {cpu[key]:,.0f} | {cpu_ratio:.1f}x |"
        )
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
