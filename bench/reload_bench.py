"""Watchlist reloads under continuous load. A server (uvicorn, one worker) answers
`POST /v1/screen` from several connections without pause while its watchlist is reloaded
(`POST /v1/watchlist/reload`) several times, alternating two versions A and B, and once from a
corrupt file.

Every response is checked: status 200; a `watchlist_version` that is A or B; matches that fit
that version (a name listed only in A is matched exactly in the responses that say A, one only
in B in those that say B); and every request sent after a reload was answered is answered
against the version it loaded. The corrupt reload must answer 422 and leave the version served
(and `/ready` ready, reporting the failure). Reports reload durations and the latency of the
requests that overlapped a reload against the others.

Run: python bench/reload_bench.py [--watchlist FILE] [--connections 8] [--interval 4]
with the Python of an installation with the compiled engine (`pip install -e '.[dev]'`).
`--watchlist` is a JSON Lines file (default: the seed); B is A less one entity, with an alias
changed, and each version holds a made-up entity of its own to probe. Figures go to standard
output and `bench/out/reload_bench.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SEED = ROOT / "service" / "watchlist" / "seed" / "watchlist.jsonl"
PROBES = {"A": "Quarzwerk Vyshnivetska Ptarmigan", "B": "Yarrowmill Oxbridge Vexillum Optics"}
COMMON = ["Minsk Wheeled Tractor Plant", "ОАО «БЕЛАЗ»", "Legmash Orsha", "Zavod SVT"]
BASES = ["Orsha Instrument Plant", "Gomel Radio Factory", "Brest Lamp Works", "Mogilev Optics"]
#: The reloads, in order: the version written to the configured file before each.
PLAN = ["B", "A", "B", "corrupt", "A", "B", "A"]


@dataclass
class Sample:
    start: float
    end: float
    kind: str  # "A", "B" (probes), "common" or "miss"
    status: int
    version: str | None
    matched: bool


@dataclass
class Reload:
    plan: str
    start: float
    end: float
    status: int
    body: dict[str, Any]


def entity_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def versions_texts(source: Path) -> dict[str, str]:
    """A and B as JSON Lines text, and a corrupt file."""
    entities = entity_lines(source)
    probe = {"country": ["XX"], "listings": [{"authority": "BENCH", "list": "reload"}]}
    a = [*entities, {"id": "bench-only-a", "name": PROBES["A"], **probe}]
    changed = dict(entities[1], aliases=[{"name": entities[1]["name"] + " Reloaded"}])
    b = [changed, *entities[2:], {"id": "bench-only-b", "name": PROBES["B"], **probe}]

    def text(items: list[dict[str, Any]]) -> str:
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in items)

    lines = text(a).splitlines(keepends=True)
    middle = len(lines) // 2
    corrupt = "".join(lines[:middle]) + '{"id": "broken", "name": \n' + "".join(lines[middle:])
    return {"A": text(a), "B": text(b), "corrupt": corrupt}


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(watchlist: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env |= {"WATCHLIST_PATH": str(watchlist)}
    env.pop("REDIS_URL", None)
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port)],
        cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not become ready")


class Connection:
    """One keep-alive HTTP/1.1 connection that posts JSON: far less client CPU per request
    than a general client, so the server, not the load generator, sets the pace."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base: str) -> Connection:
        host, port = base.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def query(kind: str, worker: int, n: int) -> str:
    if kind in PROBES:
        return PROBES[kind]
    if kind == "common":
        return COMMON[n % len(COMMON)]
    return f"{BASES[n % len(BASES)]} w{worker}n{n}"  # a new name: the engine runs


async def load(base: str, stop: asyncio.Event, worker: int) -> list[Sample]:
    samples, connection = [], await Connection.open(base)
    for n in itertools.count():
        if stop.is_set():
            connection.close()
            return samples
        kind = ("A", "B", "common", "miss")[n % 4]
        body = json.dumps({"name": query(kind, worker, n)}).encode()
        start = time.perf_counter()
        try:
            status, raw = await connection.post("/v1/screen", body)
            answer = json.loads(raw)
        except (OSError, ValueError, asyncio.IncompleteReadError):
            status, answer = 0, {}
            connection = await Connection.open(base)
        end = time.perf_counter()
        matches = answer.get("matches") or []
        matched = any(m["entity_id"] == f"bench-only-{kind.lower()}" for m in matches)
        samples.append(Sample(start, end, kind, status, answer.get("watchlist_version"), matched))
    return samples


async def reloads(
    base: str, path: Path, texts: dict[str, str], interval: float, stop: asyncio.Event
) -> tuple[list[Reload], list[dict[str, Any]]]:
    done, ready_after_corrupt = [], []
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        for plan in PLAN:
            await asyncio.sleep(interval)
            write_atomically(path, texts[plan])
            start = time.perf_counter()
            response = await client.post("/v1/watchlist/reload")
            end, body = time.perf_counter(), response.json()
            done.append(Reload(plan, start, end, response.status_code, body))
            if plan == "corrupt":
                ready_after_corrupt.append((await client.get("/ready")).json())
        await asyncio.sleep(interval)
    stop.set()
    return done, ready_after_corrupt


async def run(base: str, path: Path, texts: dict[str, str], args: argparse.Namespace) -> Any:
    stop = asyncio.Event()
    workers = [asyncio.create_task(load(base, stop, w)) for w in range(args.connections)]
    done, ready = await reloads(base, path, texts, args.interval, stop)
    samples = [s for batch in await asyncio.gather(*workers) for s in batch]
    return samples, done, ready


def expected_versions(done: list[Reload], initial: str) -> list[tuple[float, float, str]]:
    """(from, until, version): the version every request started in the window must get."""
    windows, version, since = [], initial, 0.0
    for reload in done:
        windows.append((since, reload.start, version))
        if reload.status == 200:
            version = reload.body["version"]
        since = reload.end
    windows.append((since, float("inf"), version))
    return windows


def check_reloads(done: list[Reload], ready: list[dict[str, Any]], changes: Any) -> int:
    """Problems with the reloads themselves: each good one loads its version, the corrupt one
    is refused and leaves the version before it served, the changes A to B are as made."""
    problems, served = 0, "A"
    for reload in done:
        if reload.plan == "corrupt":
            problems += reload.status != 422 or reload.body.get("code") != "watchlist_invalid"
        else:
            problems += reload.status != 200 or reload.body["changed"] is not True
            served = reload.plan
        if reload.plan == "corrupt":
            [after] = ready
            last = after["reload"]["last"]
            problems += not (after["ready"] and last["ok"] is False and served == "B")
    problems += changes.get("counts") != {"added": 1, "removed": 2, "changed": 1}
    return problems


def check(samples: list[Sample], done: list[Reload], versions: dict[str, str]) -> dict[str, int]:
    initial = versions["A"]
    windows = expected_versions(done, initial)
    problems = {"failed": 0, "unknown_version": 0, "inconsistent": 0, "stale_after_reload": 0}
    for s in samples:
        if s.status != 200:
            problems["failed"] += 1
            continue
        if s.version not in versions.values():
            problems["unknown_version"] += 1
        if s.kind in PROBES and s.matched != (s.version == versions[s.kind]):
            problems["inconsistent"] += 1
        for since, until, version in windows:
            if since < s.start and s.end < until and s.version != version:
                problems["stale_after_reload"] += 1
    return problems


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latencies(samples: list[Sample], done: list[Reload]) -> dict[str, dict[str, float]]:
    def during(s: Sample) -> bool:
        return any(s.start < r.end and s.end > r.start for r in done)

    groups: dict[str, list[float]] = {"during reloads": [], "outside reloads": []}
    for s in samples:
        groups["during reloads" if during(s) else "outside reloads"].append(s.end - s.start)
    return {
        name: {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.5) * 1000, 2),
            "p99_ms": round(percentile(values, 0.99) * 1000, 2),
            "max_ms": round(max(values, default=float("nan")) * 1000, 2),
        }
        for name, values in groups.items()
    }


def report(result: dict[str, Any]) -> None:
    rate = result["requests"] / result["seconds"]
    lines = [
        f"watchlist: {result['watchlist']} ({result['entities']:,} entities), compiled engine: "
        f"{result['compiled']}, {result['connections']} connections",
        f"requests: {result['requests']:,} in {result['seconds']:.1f} s ({rate:,.0f}/s)",
        f"problems: {result['problems']}",
    ]
    for r in result["reloads"]:
        body = r["body"]
        outcome = body.get("version") or body.get("code")
        lines.append(
            f"  reload {r['plan']:8} HTTP {r['status']}  {r['seconds']:6.2f} s  {outcome}  "
            f"changed={body.get('changed')}  load={body.get('load_seconds')}"
        )
    lines.append(f"after the corrupt reload: {result['ready_after_corrupt']}")
    lines.append("| requests | n | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|")
    for name, f in result["latency"].items():
        lines.append(
            f"| {name} | {f['requests']:,} | {f['p50_ms']} | {f['p99_ms']} | {f['max_ms']} |"
        )
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchlist", type=Path, default=SEED)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between reloads")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from service.matching import matcher
    from service.watchlist.loader import load_watchlist

    texts = versions_texts(args.watchlist)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for name in ("A", "B"):
            (workdir / f"{name}.jsonl").write_text(texts[name], encoding="utf-8")
        versions = {v: load_watchlist([workdir / f"{v}.jsonl"]).version for v in ("A", "B")}
        path = workdir / "watchlist.jsonl"
        write_atomically(path, texts["A"])
        process, base = start_server(path, workdir)
        try:
            started = time.perf_counter()
            samples, done, ready = asyncio.run(run(base, path, texts, args))
            seconds = time.perf_counter() - started
            between = {"from": versions["A"], "to": versions["B"]}
            changes = httpx.get(f"{base}/v1/watchlist/changes", params=between).json()
        finally:
            process.terminate()
            process.wait(timeout=30)
    result = {
        "watchlist": args.watchlist.name,
        "entities": len(texts["A"].splitlines()),
        "compiled": Path(matcher.__file__ or "").suffix != ".py",
        "connections": args.connections,
        "versions": versions,
        "requests": len(samples),
        "seconds": seconds,
        "problems": check(samples, done, versions)
        | {"reloads_wrong": check_reloads(done, ready, changes)},
        "reloads": [asdict(r) | {"seconds": r.end - r.start} for r in done],
        "ready_after_corrupt": [
            {
                "ready": r["ready"],
                "version": r["watchlist"]["version"],
                "version_is_b": r["watchlist"]["version"] == versions["B"],
                "reload_ok": r["reload"]["last"]["ok"],
                "error": r["reload"]["last"]["error"],
            }
            for r in ready
        ],
        "changes_a_to_b": changes["counts"],
        "latency": latencies(samples, done),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
    }
    OUT.mkdir(exist_ok=True)
    name = "reload_bench.json" if args.watchlist == SEED else "reload_bench_watchlist.json"
    (OUT / name).write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    report(result)
    if any(result["problems"].values()):
        raise SystemExit("FAILED: some responses were wrong (see problems)")


if __name__ == "__main__":
    main()
