"""Several API processes on one machine with a large watchlist: the memory of
`serve --workers N` (one index, built by the supervisor and shared by its workers copy on
write) against one `serve` process, and a reload of the whole list while the workers answer
cache hits at a steady rate.

Memory is read from /proc/PID/smaps_rollup of every process of the server (supervisor and
workers): PSS (each shared page divided among the processes sharing it; their sum is what
the server takes) and USS (pages of one process alone), once the server is ready and again
after a warm-up of new names (the engine's lookups touch, and so copy, pages of the index).

The reload under load: `--connections` keep-alive connections send `POST /v1/screen` of names
already cached, `--rate` a second in all, before, during and after a reload of a version that
differs by one entity (`POST /v1/watchlist/reload`). Every response is checked: status 200,
a known version, and the new version for every request sent after the reload was answered.
A connection the server closed (an old worker retiring) is opened again before the next
request, as an HTTP client's pool does; a request that meets a closing connection is sent once
more on a new one and counted as `resent`.

Run: python bench/workers_bench.py [--watchlist bench/out/synthetic-1m.jsonl] [--workers 2,4]
     [--reload-workers 2] [--rate 200] [--connections 8] [--single] [--single-reload]
Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/0; keys under a prefix of its own,
deleted afterwards). Figures go to standard output and bench/out/workers_bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import redis
from reload_bench import Connection, free_port, percentile

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SYNTHETIC = OUT / "synthetic-1m.jsonl"
#: Longest wait for a server to be ready, in seconds (a million names take minutes to index
#: on a busy machine).
READY_SECONDS = 1800
#: New names screened to warm the workers up (each is a miss: the engine runs).
WARM_NAMES = 1000
#: Names answered from the cache during the reload.
HIT_NAMES = 200


def memory(pid: int) -> dict[str, int]:
    """kB of one process: rss, pss and uss (private clean + private dirty)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        fields[name] = int(value.split()[0])
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "uss": fields["Private_Clean"] + fields["Private_Dirty"],
    }


def tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(child) for child in children)]


def tree_memory(pid: int) -> dict[str, Any]:
    processes = {}
    for each in tree(pid):
        try:
            processes[each] = memory(each)
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
    return {
        "processes": len(processes),
        "pss_mib": round(sum(p["pss"] for p in processes.values()) / 1024),
        "rss_mib": round(sum(p["rss"] for p in processes.values()) / 1024),
        "uss_mib": [round(p["uss"] / 1024) for p in processes.values()],
    }


class Server:
    def __init__(self, watchlist: Path, workdir: Path, workers: int | None, prefix: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
        env |= {
            "WATCHLIST_PATH": str(watchlist),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "SCREENING_REDIS_KEY_PREFIX": prefix,
            "SCREENING_AUDIT_ENABLED": "false",  # the audit's cost is measured elsewhere
            "SCREENING_EMBEDDED_WORKER": "false",
            "SCREENING_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "service", "serve", "--port", str(self.port)]
        if workers is not None:
            command += ["--workers", str(workers)]
        self.log = (workdir / f"server-{workers}.log").open("wb")
        self.process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        started = time.perf_counter()
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server ended; see {self.log.name}")
            try:
                if httpx.get(f"{self.base}/ready", timeout=5).status_code == 200:
                    self.ready_seconds = time.perf_counter() - started
                    return
            except httpx.TransportError:
                pass
            time.sleep(1)
        self.stop()
        raise SystemExit("the server did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=120)
        self.log.close()


def listed_names(watchlist: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    with watchlist.open(encoding="utf-8") as lines:
        picked = [json.loads(line)["name"] for line in lines if rng.random() < count * 2e-6]
    return picked[:count]


def screen_all(base: str, names: list[str], threads: int = 4) -> None:
    """Screen `names` over a few connections at once (so every worker gets some)."""

    def run(part: list[str]) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for name in part:
                response = client.post("/v1/screen", json={"name": name})
                response.raise_for_status()

    workers = [threading.Thread(target=run, args=(names[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def measure_memory(server: Server, names: list[str]) -> dict[str, Any]:
    ready = tree_memory(server.process.pid)
    started = time.perf_counter()
    screen_all(server.base, names)
    warm_seconds = time.perf_counter() - started
    return {
        "ready_seconds": round(server.ready_seconds, 1),
        "ready": ready,
        "after_warm_up": tree_memory(server.process.pid),
        "warm_up_names": len(names),
        "warm_up_seconds": round(warm_seconds, 1),
    }


class Client:
    """One keep-alive connection (`reload_bench.Connection`): opened again when the server has
    closed it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.connection: Connection | None = None
        self.resent = 0

    async def post(self, body: bytes) -> tuple[int, dict[str, Any]]:
        if self.connection is None or self.connection.reader.at_eof():
            await self._open()
        try:
            return await self._post(body)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            # Closed by the server as the request went: once more on a new connection.
            self.resent += 1
            await self._open()
            return await self._post(body)

    async def _open(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = await Connection.open(self.base)

    async def _post(self, body: bytes) -> tuple[int, dict[str, Any]]:
        assert self.connection is not None
        status, raw = await self.connection.post("/v1/screen", body)
        return status, json.loads(raw)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


async def steady_load(
    base: str, names: list[str], rate: float, connections: int, stop: asyncio.Event
) -> tuple[list[tuple[float, float, int, str | None, bool]], int]:
    """(sent, seconds, status, version, cached) of each request, and how many were resent."""
    samples: list[tuple[float, float, int, str | None, bool]] = []
    clients = [Client(base) for _ in range(connections)]
    interval = connections / rate

    async def run(number: int, client: Client) -> None:
        rng = random.Random(number)
        next_at = time.perf_counter() + interval * number / connections
        while not stop.is_set():
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += interval
            body = json.dumps({"name": rng.choice(names)}).encode()
            sent = time.perf_counter()
            try:
                status, answer = await client.post(body)
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                status, answer = 0, {}
            version = answer.get("watchlist_version")
            samples.append(
                (sent, time.perf_counter() - sent, status, version, answer.get("cached") is True)
            )

    await asyncio.gather(*(run(n, c) for n, c in enumerate(clients)))
    for client in clients:
        client.close()
    return samples, sum(c.resent for c in clients)


async def reload_under_load(
    server: Server, path: Path, texts: dict[str, str], names: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    stop = asyncio.Event()
    load = asyncio.create_task(steady_load(server.base, names, args.rate, args.connections, stop))
    peak = {"pss_mib": 0}

    async def watch_memory() -> None:
        while not stop.is_set():
            now = await asyncio.to_thread(tree_memory, server.process.pid)
            if now["pss_mib"] > peak["pss_mib"]:
                peak.update(now)
            await asyncio.sleep(1)

    watcher = asyncio.create_task(watch_memory())
    await asyncio.sleep(args.before)
    path.with_name("next.jsonl").write_text(texts["B"], encoding="utf-8")
    os.replace(path.with_name("next.jsonl"), path)
    async with httpx.AsyncClient(base_url=server.base, timeout=READY_SECONDS) as client:
        sent = time.perf_counter()
        response = await client.post("/v1/watchlist/reload")
        answered = time.perf_counter()
    await asyncio.sleep(args.after)
    stop.set()
    samples, resent = await load
    await watcher
    reloaded = response.json()
    phases: dict[str, list[tuple[float, float, int, str | None, bool]]] = {
        "before the reload": [s for s in samples if s[0] + s[1] < sent],
        "while it loads": [s for s in samples if s[0] + s[1] >= sent and s[0] < answered],
        "after it answered": [s for s in samples if s[0] >= answered],
    }
    new = reloaded.get("version")
    return {
        "reload": {"status": response.status_code, "seconds": round(answered - sent, 1),
                   "body": reloaded},
        "requests": len(samples),
        "errors": sum(1 for s in samples if s[2] != 200),
        "resent": resent,
        "stale_after_reload": sum(1 for s in phases["after it answered"] if s[3] != new),
        "peak_memory": peak,
        "phases": {
            name: {
                "requests": len(group),
                "cache_hits": len(hits := [s[1] for s in group if s[4]]),
                "hit_p50_ms": round(percentile(hits, 0.5) * 1000, 2),
                "hit_p99_ms": round(percentile(hits, 0.99) * 1000, 2),
                "hit_max_ms": round(max(hits, default=float("nan")) * 1000, 1),
                "all_p99_ms": round(percentile([s[1] for s in group], 0.99) * 1000, 2),
            }
            for name, group in phases.items()
        },
    }  # fmt: skip


def version_texts(watchlist: Path) -> dict[str, str]:
    """A: the list; B: the list less its last entity."""
    text = watchlist.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    return {"A": text, "B": "".join(lines[:-1])}


def run_reload(
    workdir: Path, texts: dict[str, str], workers: int | None, args: argparse.Namespace
) -> dict[str, Any]:
    path = workdir / "watchlist.jsonl"
    path.write_text(texts["A"], encoding="utf-8")
    prefix = f"bench-workers-{uuid.uuid4().hex[:8]}"
    server = Server(path, workdir, workers, prefix)
    try:
        names = listed_names(path, HIT_NAMES, seed=11)
        screen_all(server.base, names)  # cached from now on
        result = asyncio.run(reload_under_load(server, path, texts, names, args))
        return {"workers": workers, "ready_seconds": round(server.ready_seconds, 1)} | result
    finally:
        server.stop()
        forget(prefix)


def forget(prefix: str) -> None:
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def run_memory(watchlist: Path, workdir: Path, workers: int | None) -> dict[str, Any]:
    prefix = f"bench-workers-{uuid.uuid4().hex[:8]}"
    server = Server(watchlist, workdir, workers, prefix)
    try:
        # Misspelt listed names: misses, answered by the engine.
        names = [f"{name}x" for name in listed_names(watchlist, WARM_NAMES, seed=5)]
        return {"workers": workers} | measure_memory(server, names)
    finally:
        server.stop()
        forget(prefix)


def report(result: dict[str, Any]) -> None:
    lines = [
        f"watchlist: {result['watchlist']}, load average at the start "
        f"{result['load_average_at_start']}, at the end {result['load_average']}"
    ]
    lines.append("| server | processes | ready in | PSS ready | PSS after warm-up | USS each |")
    lines.append("|---|---:|---:|---:|---:|---|")
    for m in result["memory"]:
        label = "one process" if m["workers"] is None else f"--workers {m['workers']}"
        lines.append(
            f"| {label} | {m['ready']['processes']} | {m['ready_seconds']} s | "
            f"{m['ready']['pss_mib']:,} MiB | {m['after_warm_up']['pss_mib']:,} MiB | "
            f"{m['after_warm_up']['uss_mib']} |"
        )
    for r in result["reloads"]:
        label = "one process" if r["workers"] is None else f"--workers {r['workers']}"
        lines.append(
            f"\nreload under load, {label}: HTTP {r['reload']['status']} in "
            f"{r['reload']['seconds']} s; {r['requests']:,} requests, {r['errors']} errors, "
            f"{r['resent']} resent, {r['stale_after_reload']} stale after the reload; peak PSS "
            f"{r['peak_memory']['pss_mib']:,} MiB"
        )
        lines.append("| phase | requests | cache hits | p50 ms | p99 ms | max ms |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for name, p in r["phases"].items():
            lines.append(
                f"| {name} | {p['requests']:,} | {p['cache_hits']:,} | {p['hit_p50_ms']} | "
                f"{p['hit_p99_ms']} | {p['hit_max_ms']} |"
            )
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchlist", type=Path, default=SYNTHETIC)
    parser.add_argument("--workers", default="2", help="worker counts to measure, e.g. 2,4")
    parser.add_argument("--reload-workers", type=int, default=2)
    parser.add_argument("--single", action="store_true", help="measure one process too")
    parser.add_argument(
        "--single-reload", action="store_true", help="reload one process under load too"
    )
    parser.add_argument("--rate", type=float, default=200.0, help="requests a second")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--before", type=float, default=10.0, help="seconds before the reload")
    parser.add_argument("--after", type=float, default=10.0, help="seconds after it answered")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if not args.watchlist.exists():
        raise SystemExit(
            f"{args.watchlist} is missing: python bench/synthetic.py 1000000 -o {SYNTHETIC}"
        )
    result: dict[str, Any] = {
        "watchlist": args.watchlist.name,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "memory": [],
        "reloads": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if not args.skip_memory:
            counts: list[int | None] = [int(n) for n in args.workers.split(",") if n]
            for workers in ([None] if args.single else []) + counts:
                result["memory"].append(run_memory(args.watchlist, workdir, workers))
                print(json.dumps(result["memory"][-1]), flush=True)
        texts = version_texts(args.watchlist)
        for workers in ([None] if args.single_reload else []) + [args.reload_workers]:
            result["reloads"].append(run_reload(workdir, texts, workers, args))
            print(json.dumps(result["reloads"][-1]), flush=True)
        shutil.rmtree(workdir / "data", ignore_errors=True)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    OUT.mkdir(exist_ok=True)
    (OUT / "workers_bench.json").write_text(json.dumps(result, indent=1) + "\n")
    report(result)


if __name__ == "__main__":
    main()
