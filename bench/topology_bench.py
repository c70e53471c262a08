"""The topology of `scripts/topology.py` (API processes behind a round-robin proxy, job workers,
the shared Redis and PostgreSQL, the audit trail on in PostgreSQL) measured three ways:

1. `POST /v1/screen` throughput, cache hits and misses, with 1 and 2 API processes: straight
   to one process (the baseline), through the proxy to one, through the proxy to two, and to
   two without the proxy (two `wrk` at once, one per port). Interleaved, medians.
2. A supplier file (1,000,000 rows) as a batch job through the proxy with 1 and 2 workers:
   upload to downloaded results, checked row by row and against the audit trail.
3. Watchlist reloads during load: `wrk` through the proxy while the file is replaced and every
   API process reloads it, against the same load without reloads; 0 errors is the bar.

Run: python bench/topology_bench.py [--rounds 3] [--duration 6] [--file F] [--job-rounds 1]
(the file: python bench/supplier_file.py 1000000 --seed 5 -o bench/out/suppliers-1m.csv).
Needs `wrk`, Redis at 127.0.0.1:6379 and PostgreSQL at 127.0.0.1:5432 (user postgres).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from api_bench import _DONE, _FIXED, _UNIQUE, machine  # noqa: E402
from batch_api_bench import check_results, run_job  # noqa: E402

from scripts.topology import BALANCER, Process, Topology, free_port, ready  # noqa: E402

OUT = ROOT / "bench" / "out" / "topology_bench.json"
SEED = ROOT / "service" / "watchlist" / "seed" / "watchlist.jsonl"
#: A made-up entity that only version B of the reload's watchlist lists.
EXTRA_NAME = "Qwertyuiop Zyxwv Instrument Works"
#: Seconds every API process may take to serve a version one of them has reloaded.
RELOAD_SEEN_SECONDS = 30.0
_starts = itertools.count(1)


def topology(work: Path, **options: Any) -> Topology:
    prefix = f"bench-topology-{uuid.uuid4().hex[:8]}"
    database = prefix.replace("-", "_")
    return Topology(
        prefix=prefix, database=database, directory=work / prefix, clean=True, **options
    )


def wrk(port: int, script: Path, seconds: int, connections: int) -> subprocess.Popen[str]:
    start_at = str(next(_starts) * 10_000_000)  # the miss script's names never repeat
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
        f"http://127.0.0.1:{port}/v1/screen", "--", start_at,
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result(run: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = run.communicate()
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


def load(ports: list[int], script: Path, seconds: int, connections: int) -> dict[str, float]:
    """`wrk` on every port at once (connections shared out); requests summed, latency worst."""
    runs = [wrk(port, script, seconds, connections // len(ports)) for port in ports]
    results = [result(run) for run in runs]
    failed = sum(r["non2xx"] + r["errors"] for r in results)
    if failed:
        raise RuntimeError(f"{failed} failed requests on {ports}: {results}")
    return {
        "rps": sum(r["requests"] / (r["duration_us"] / 1e6) for r in results),
        "p50_ms": max(r["p50_us"] for r in results) / 1000,
        "p99_ms": max(r["p99_us"] for r in results) / 1000,
    }


@contextmanager
def proxy_to(port: int, work: Path) -> Iterator[int]:
    """A second proxy, in front of one API process only: the proxy's own cost."""
    listen = free_port()
    command = [sys.executable, str(BALANCER), str(listen), str(port)]
    process = Process("proxy-1", command, work / "proxy-1.log", listen)
    process.start(dict(os.environ), work)
    try:
        deadline = time.monotonic() + 30
        while not ready(listen):
            if time.monotonic() > deadline or not process.alive():
                raise RuntimeError("the second proxy did not start")
            time.sleep(0.1)
        yield listen
    finally:
        process.stop()


def throughput(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    scripts = {"hit": work / "fixed.lua", "miss": work / "unique.lua"}
    scripts["hit"].write_text(_FIXED + _DONE, encoding="utf-8")
    scripts["miss"].write_text(_UNIQUE + _DONE, encoding="utf-8")
    env = {"SCREENING_AUDIT_ENABLED": "false"} if args.no_audit else {}
    with topology(work, apis=2, workers=0, env=env) as top:
        one, two = top.api_ports
        with proxy_to(one, top.directory) as single:
            targets = {
                "1 API process, direct (baseline)": [one],
                "1 API process, through the proxy": [single],
                "2 API processes, through the proxy": [top.port],
                "2 API processes, direct (two ports)": [one, two],
            }
            for ports in targets.values():  # warm-up: the hit cached in every process
                load(ports, scripts["hit"], 2, args.connections)
            runs: dict[tuple[str, str], list[dict[str, float]]] = {}
            for number in range(args.rounds):
                for kind, script in scripts.items():
                    for name, ports in targets.items():
                        figures = load(ports, script, args.duration, args.connections)
                        runs.setdefault((kind, name), []).append(figures)
                print(f"throughput: round {number + 1}/{args.rounds}", file=sys.stderr)
            memory = {p.name: memory_mib(p) for p in top.processes}
    rows = []
    for (kind, name), found in runs.items():
        base = statistics.median(r["rps"] for r in runs[(kind, next(iter(targets)))])
        rps = statistics.median(r["rps"] for r in found)
        rows.append({
            "requests": kind,
            "target": name,
            "rps": round(rps),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in found), 2),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in found), 2),
            "vs_baseline": round(rps / base, 2),
            "runs_rps": [round(r["rps"]) for r in found],
        })  # fmt: skip
    return {"rows": rows, "memory_mib": memory}


def memory_mib(process: Process) -> dict[str, float]:
    """Resident memory now and at its peak (MiB)."""
    assert process.popen is not None
    status = Path(f"/proc/{process.popen.pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status if ":" in line)
    names = {"rss": "VmRSS", "peak": "VmHWM"}
    return {key: round(int(fields[name].split()[0]) / 1024) for key, name in names.items()}


def jobs(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    with args.file.open(encoding="utf-8-sig") as file:
        rows = sum(1 for _ in file) - 1
    found = []
    for _ in range(args.job_rounds):
        for workers in (1, 2):
            load_before = os.getloadavg()[0]
            with topology(work, apis=2, workers=workers) as top:
                figures = run_job(top.url, args.file, top.directory / "results.csv")
                check_results(top.directory / "results.csv", rows, figures["job"])
                figures["audit_records"] = audit_records(top, figures["job"]["id"])
                assert figures["audit_records"] == rows, "job rows without their audit record"
                memory = {p.name: memory_mib(p) for p in top.processes}
            job = figures.pop("job")
            figures |= {
                "workers": workers,
                "rows": rows,
                "rows_per_s": round(rows / figures["total_s"]),
                "cache_hits": job["progress"]["cache_hits"],
                "load_average_before_after": [load_before, os.getloadavg()[0]],
                "memory_mib": memory,
            }
            print(json.dumps(figures), file=sys.stderr, flush=True)
            found.append(figures)
    return found


def audit_records(top: Topology, job_id: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(top.database_url())
    try:
        with engine.connect() as connection:
            query = sqlalchemy.text("SELECT count(*) FROM screenings WHERE job_id = :job")
            return int(connection.execute(query, {"job": job_id}).scalar_one())
    finally:
        engine.dispose()


def reloads(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Hits through the proxy for `reload_seconds`, once quiet and once with a reload of every
    API process every few seconds (versions A and B in turn)."""
    script = work / "fixed.lua"
    script.write_text(_FIXED + _DONE, encoding="utf-8")
    versions = work / "a.jsonl", work / "b.jsonl"
    shutil.copyfile(SEED, versions[0])
    first = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
    extra = first | {"id": "bench-made-up", "name": EXTRA_NAME, "aliases": []}
    versions[1].write_text(SEED.read_text(encoding="utf-8") + json.dumps(extra) + "\n")
    served = work / "watchlist.jsonl"
    shutil.copyfile(versions[0], served)
    with topology(work, apis=2, workers=0, env={"WATCHLIST_PATH": str(served)}) as top:
        load([top.port], script, 2, args.connections)
        quiet = load([top.port], script, args.reload_seconds, args.connections)
        done: list[dict[str, Any]] = []
        thread = threading.Thread(target=reload_loop, args=(top, versions, served, done, args))
        run = wrk(top.port, script, args.reload_seconds, args.connections)
        thread.start()
        figures = result(run)
        thread.join()
    errors = [entry["error"] for entry in done if "error" in entry]
    assert not errors and len(done) >= 3, done
    return {"quiet": quiet, "with_reloads": figures, "reloads": done}


def reload_loop(
    top: Topology, versions: tuple[Path, Path], served: Path, done: list[dict[str, Any]],
    args: argparse.Namespace,
) -> None:  # fmt: skip
    """Every `reload_every` seconds: the other version renamed into place and reloaded; then
    every API process must report it on /ready, and the proxy must find the made-up name
    exactly when B is served. A failed check ends the loop with an `error` entry."""
    end = time.monotonic() + args.reload_seconds - args.reload_every
    try:
        for turn in itertools.count(1):
            time.sleep(args.reload_every)
            if time.monotonic() > end:
                return
            shutil.copyfile(versions[turn % 2], served.with_suffix(".new"))
            served.with_suffix(".new").replace(served)
            done.append(reload_everywhere(top, with_extra=turn % 2 == 1))
    except Exception as exc:
        done.append({"error": repr(exc)})


def reload_everywhere(top: Topology, with_extra: bool) -> dict[str, Any]:
    """`POST /v1/watchlist/reload` to each API process (one that has the new version already,
    announced by another, answers `changed: false`; one loading it, 409), then every /ready
    must report it within `RELOAD_SEEN_SECONDS`."""
    started = time.perf_counter()
    answers = [
        httpx.post(f"http://127.0.0.1:{port}/v1/watchlist/reload", timeout=60)
        for port in top.api_ports
    ]
    seconds = time.perf_counter() - started
    assert answers[0].status_code == 200, answers[0].text
    assert all(a.status_code in (200, 409) for a in answers), [a.text for a in answers]
    version = answers[0].json()["version"]
    deadline = time.monotonic() + RELOAD_SEEN_SECONDS
    for port in top.api_ports:
        while (seen := served_version(port)) != version:
            assert time.monotonic() < deadline, f"port {port} serves {seen}, not {version}"
            time.sleep(0.05)
    seen_after = time.perf_counter() - started
    for _ in top.api_ports:  # new connections: the proxy sends them to each in turn
        found = httpx.post(f"{top.url}/v1/screen", json={"name": EXTRA_NAME}, timeout=10).json()
        ids = {m["entity_id"] for m in found["matches"]}
        assert ("bench-made-up" in ids) == with_extra, (with_extra, ids)
    return {"version": version, "seconds": round(seconds, 2), "seen_by_all": round(seen_after, 2)}


def served_version(port: int) -> str:
    ready_body = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10).json()
    return str(ready_body["watchlist"]["version"])


PARTS = {"throughput": throughput, "jobs": jobs, "reloads": reloads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (medians)")
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--file", type=Path, help="a supplier file for the job part")
    parser.add_argument("--job-rounds", type=int, default=1)
    parser.add_argument("--reload-seconds", type=int, default=24)
    parser.add_argument("--reload-every", type=float, default=4.0)
    parser.add_argument("--out", type=Path, default=OUT, help=f"default {OUT.relative_to(ROOT)}")
    parser.add_argument(
        "--no-audit", action="store_true", help="throughput with the audit trail off (its cost)"
    )
    parser.add_argument("--only", choices=["throughput", "jobs", "reloads"], action="append")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    parts = args.only or ["throughput", "reloads", *(["jobs"] if args.file else [])]
    report: dict[str, Any] = {"command": " ".join(["python", *sys.argv]), "machine": machine()}
    work = Path(tempfile.mkdtemp(prefix="topology-bench-"))
    for part in parts:
        started = {"load_average": os.getloadavg(), "at": time.strftime("%H:%M:%S")}
        report[part] = {"figures": PARTS[part](args, work), "started": started}
        report[part]["ended"] = {"load_average": os.getloadavg(), "at": time.strftime("%H:%M:%S")}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
