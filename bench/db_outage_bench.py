"""Fault run: PostgreSQL taken away for 8 s under a stream of screenings. A small TCP proxy
(`tcp_proxy.py`, asyncio, its own process) stands between the API and PostgreSQL; the API
(`python -m service serve`, uvicorn in the same process) reaches its database only through it,
with API keys on and their cache off (`SCREENING_KEY_CACHE_SECONDS=0`), so every request looks
its key up in the database, and every screening commits its audit record there. A client streams
`POST /v1/screen` with a screener key from several connections; mid-stream the proxy is killed
(SIGKILL: every connection cut, new ones refused) and started again 8 s later on the same port.

Counted per run: the answers by status (only 200 and 503 are allowed), the lines the server
logged while the database was away (all, and those besides the one access line per request),
tracebacks, the time from the proxy's return to the first 200, the throughput before the outage
and after recovery, and the audit records of the 200 answers that are missing (read directly
from PostgreSQL: must be 0).

Run: python bench/db_outage_bench.py [--runs 3] [--duration 30] [--outage-at 10] [--outage 8]
     [--connections 8] [--postgres URL] [--tree DIR]
`--tree` serves the API from another checkout (an older commit, for the figures before a fix).
Writes `bench/out/db_outage_bench.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from api_bench import ROOT, free_port, machine
from audit_crash_bench import Service, made_up
from auth_overhead_bench import admin, create_key
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

OUT = ROOT / "bench" / "out"
PROXY = Path(__file__).with_name("tcp_proxy.py")


class Proxy:
    """`tcp_proxy.py` in a process of its own, killed and started again on one port."""

    def __init__(self, target: str) -> None:
        url = make_url(target)
        self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        command = [sys.executable, str(PROXY), str(self.port), self.target[0], str(self.target[1])]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "listening"

    def kill(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None


@dataclass
class Stream:
    started: float = 0.0
    killed: float = 0.0
    restored: float = 0.0
    #: (sent, received, status) of every answer, monotonic seconds.
    answers: list[tuple[float, float, int]] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    screened: list[str] = field(default_factory=list)


async def send(client: httpx.AsyncClient, key: str, stream: Stream, stop: asyncio.Event,
               prefix: str, worker: int) -> None:  # fmt: skip
    number = 0
    while not stop.is_set():
        name = f"Minsk Gear Works {prefix}{made_up(worker * 1_000_000 + number)}"
        number += 1
        sent = time.monotonic()
        try:
            response = await client.post(
                "/v1/screen", json={"name": name}, headers={"X-API-Key": key}
            )
        except httpx.HTTPError as exc:
            stream.failures[type(exc).__name__] += 1
            continue
        stream.answers.append((sent, time.monotonic(), response.status_code))
        if response.status_code == 200:
            stream.screened.append(response.json()["screening_id"])
        elif response.status_code == 503:
            await asyncio.sleep(0.01)  # a client that reads Retry-After waits longer


async def run_stream(base: str, key: str, proxy: Proxy, args: argparse.Namespace) -> Stream:
    stream, stop = Stream(), asyncio.Event()
    prefix = uuid.uuid4().hex[:4]
    limits = httpx.Limits(max_connections=args.connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        stream.started = time.monotonic()
        senders = [
            asyncio.create_task(send(client, key, stream, stop, prefix, n))
            for n in range(args.connections)
        ]
        await asyncio.sleep(args.outage_at)
        stream.killed = time.monotonic()
        await asyncio.to_thread(proxy.kill)
        await asyncio.sleep(args.outage)
        await asyncio.to_thread(proxy.start)
        stream.restored = time.monotonic()
        await asyncio.sleep(max(0.0, args.duration - args.outage_at - args.outage))
        stop.set()
        await asyncio.gather(*senders)
    return stream


def log_lines(path: Path, since: datetime, until: datetime) -> dict[str, int]:
    """The server's log lines between two moments (JSON lines with a `time`)."""
    counts: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            counts["other"] += 1  # a traceback printed outside the JSON logs
            continue
        moment = datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
        if since <= moment <= until:
            access = entry.get("logger") == "service.access"
            counts["access" if access else "other"] += 1
            counts["tracebacks"] += "exception" in entry
            counts["bytes"] += len(line) + 1
    return dict(counts)


def missing_records(database_url: str, screened: list[str]) -> int:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        found = set(connection.execute(text("SELECT id FROM screenings")).scalars())
    engine.dispose()
    return len(set(screened) - found)


def one_run(args: argparse.Namespace, number: int) -> dict[str, Any]:
    name = f"bench_outage_{uuid.uuid4().hex[:10]}"
    admin(args.postgres, f'CREATE DATABASE "{name}"')
    direct = make_url(args.postgres).set(database=name).render_as_string(False)
    proxy = Proxy(direct)
    proxy.start()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        tree = {"PYTHONPATH": str(args.tree)}
        key = create_key(workdir, {"DATABASE_URL": direct} | tree, "outage-bench", "screener")
        env = {
            "DATABASE_URL": make_url(direct).set(port=proxy.port).render_as_string(False),
            "SCREENING_KEY_CACHE_SECONDS": "0",
            "SCREENING_EMBEDDED_WORKER": "false",
        } | tree
        service = Service(workdir, env)
        try:
            service.start()
            clock = time.time() - time.monotonic()  # monotonic to wall time
            stream = asyncio.run(run_stream(service.url, key, proxy, args))
        finally:
            service.stop()
            proxy.kill()
        log = log_lines(
            workdir / "server.log",
            datetime.fromtimestamp(clock + stream.killed).astimezone(),
            datetime.fromtimestamp(clock + stream.restored).astimezone(),
        )
    missing = missing_records(direct, stream.screened)
    admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    statuses = Counter(status for _, _, status in stream.answers)
    first_ok = min(
        (got for sent, got, status in stream.answers if status == 200 and sent >= stream.restored),
        default=None,
    )
    before = [a for a in stream.answers if a[1] < stream.killed and a[2] == 200]
    after = [a for a in stream.answers if first_ok is not None and a[0] >= first_ok + 1]
    end = max((a[1] for a in stream.answers), default=stream.restored)
    return {
        "run": number,
        "answers": dict(sorted(statuses.items())),
        "connection_errors": dict(stream.failures),
        "log_lines_during_outage": log,
        "recovery_seconds": round(first_ok - stream.restored, 3) if first_ok else None,
        "ok_per_second_before": round(len(before) / (stream.killed - stream.started), 1),
        "ok_per_second_after": round(len(after) / max(end - (first_ok or end) - 1, 1e-9), 1),
        "answered_200": len(stream.screened),
        "audit_records_missing": missing,
    }


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| run | 200 | 503 | other statuses | log lines during the outage: all (not access) "
        "| tracebacks | recovery | 200/s before, after | records missing |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        answers = dict(r["answers"])
        ok, unavailable = answers.pop(200, 0), answers.pop(503, 0)
        other = ", ".join(f"{k}: {v:,}" for k, v in answers.items()) or "none"
        log = r["log_lines_during_outage"]
        lines.append(
            f"| {r['run']} | {ok:,} | {unavailable:,} | {other} | "
            f"{log.get('access', 0) + log.get('other', 0):,} ({log.get('other', 0)}) | "
            f"{log.get('tracebacks', 0)} | {r['recovery_seconds']} s | "
            f"{r['ok_per_second_before']}, {r['ok_per_second_after']} | "
            f"**{r['audit_records_missing']}** |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of requests")
    parser.add_argument("--outage-at", type=float, default=10.0, help="seconds in, the kill")
    parser.add_argument("--outage", type=float, default=8.0, help="seconds without the proxy")
    parser.add_argument("--connections", type=int, default=8, help="concurrent requests")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout that serves the API")
    args = parser.parse_args()
    runs = [one_run(args, n) for n in range(1, args.runs + 1)]
    for run in runs:
        print(json.dumps(run), file=sys.stderr)
    recovery = [r["recovery_seconds"] for r in runs if r["recovery_seconds"] is not None]
    result = {
        "command": " ".join(["python", "bench/db_outage_bench.py", *sys.argv[1:]]),
        "machine": machine(),
        "runs": runs,
        "median_recovery_seconds": statistics.median(recovery) if recovery else None,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "db_outage_bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(markdown(runs))
    print(f"\nmedian recovery {result['median_recovery_seconds']} s; {result['command']}")


if __name__ == "__main__":
    main()
