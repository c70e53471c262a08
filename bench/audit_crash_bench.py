"""Does every answered screening have its audit record when the server is killed? A steady
stream of `POST /v1/screen` requests (a new name each) from several connections; at a random
moment the server process is killed (SIGKILL: no shut-down, nothing flushed), the client keeps
sending a moment longer (connection errors, counted), the server is started again on the same
store, and the audit trail is read back through the API.

Counted per round: requests sent, answered (200 with a `screening_id`), failed by the kill;
for the answered ones, records found through the export (`GET /v1/audit`) whose query and
answer are the ones the client received (the `response` stored equals the body received) and
those missing, which must be 0; records of requests that got no answer (allowed: committed,
then the answer was lost). A sample of the answered ids is also read one by one
(`GET /v1/screenings/{id}`).

Run: python bench/audit_crash_bench.py [--rounds 3] [--connections 8] [--stores sqlite,postgresql]
The server is `python -m service serve` (uvicorn in the same process) with an API key, the
audit on and the seed watchlist; SQLite in a temporary data directory, PostgreSQL in a
database of its own on `--postgres`, created and dropped. Writes `bench/out/audit_crash_bench.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from api_bench import ROOT, free_port, machine
from auth_overhead_bench import admin, create_key
from sqlalchemy.engine import make_url

OUT = ROOT / "bench" / "out"
_BASES = (
    "Minsk Tractor Works", "Orsha Instrument Plant", "Gomel Radio Factory",
    "Brest Electric Lamp Plant", "Vitebsk Machine Tool Works", "Mogilev Optics Holding",
)  # fmt: skip
#: Ids read one by one through `GET /v1/screenings/{id}` per round.
_SAMPLE = 200


def made_up(number: int) -> str:
    """A made-up word for a number: every request screens a name never sent before."""
    word = ""
    while True:
        word = chr(97 + number % 26) + word
        number //= 26
        if not number:
            return word


class Service:
    """`python -m service serve` on one store, started, killed and started again."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = os.environ | {"PYTHONPATH": str(ROOT)} | env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = (workdir / "server.log").open("ab")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start and wait for `/ready`; the seconds it took."""
        command = [sys.executable, "-m", "service", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port)]
        started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=self.workdir, env=self.env, stdout=self.log, stderr=self.log
        )
        while time.monotonic() - started < 60:
            try:
                with urllib.request.urlopen(f"{self.url}/ready", timeout=1) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"the server did not start; see {self.workdir / 'server.log'}")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@dataclass
class Stream:
    """What the client sent and got in one round."""

    prefix: str
    sent: int = 0
    #: Name sent -> the body received (200), by screening id.
    answered: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    #: Names of the requests that got no answer, and why.
    unanswered: set[str] = field(default_factory=set)
    errors: Counter[str] = field(default_factory=Counter)
    answered_after_kill: int = 0
    #: Seconds from the first request to the kill.
    kill_after: float = 0.0


async def send(client: httpx.AsyncClient, stream: Stream, stop: asyncio.Event, key: str) -> None:
    killed = False
    while not stop.is_set():
        name = f"{_BASES[stream.sent % len(_BASES)]} {stream.prefix}{made_up(stream.sent)}"
        stream.sent += 1
        try:
            response = await client.post(
                "/v1/screen", json={"name": name}, headers={"X-API-Key": key}
            )
        except httpx.HTTPError as exc:
            stream.unanswered.add(name)
            stream.errors[type(exc).__name__] += 1
            killed = True
            await asyncio.sleep(0.02)  # the server is gone: no busy loop
            continue
        if response.status_code != 200:
            stream.unanswered.add(name)
            stream.errors[f"HTTP {response.status_code}"] += 1
            continue
        sid = response.json()["screening_id"]
        stream.answered[sid] = (name, response.content)
        stream.answered_after_kill += killed


async def steady(service: Service, key: str, args: argparse.Namespace, round_: int) -> Stream:
    """Send until a moment after the kill; kill at a random moment."""
    stream = Stream(prefix=f"r{round_}{uuid.uuid4().hex[:6]}")
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=args.connections)
    async with httpx.AsyncClient(base_url=service.url, limits=limits, timeout=10) as client:
        senders = [
            asyncio.create_task(send(client, stream, stop, key)) for _ in range(args.connections)
        ]
        stream.kill_after = args.kills.uniform(args.min_seconds, args.max_seconds)
        await asyncio.sleep(stream.kill_after)
        await asyncio.to_thread(service.kill)
        await asyncio.sleep(args.after_kill)
        stop.set()
        await asyncio.gather(*senders)
    return stream


def export(service: Service, auditor: str, since: datetime) -> list[dict[str, Any]]:
    """The records screened since `since`, through `GET /v1/audit`."""
    params = {"since": since.isoformat(), "format": "jsonl"}
    with httpx.Client(base_url=service.url, timeout=120) as client:
        response = client.get("/v1/audit", params=params, headers={"X-API-Key": auditor})
        response.raise_for_status()
        return [json.loads(line) for line in response.text.splitlines() if line]


def check(service: Service, auditor: str, stream: Stream, since: datetime) -> dict[str, Any]:
    records = {r["screening_id"]: r for r in export(service, auditor, since)}
    found = same = 0
    for sid, (name, body) in stream.answered.items():
        record = records.get(sid)
        if record is None:
            continue
        found += 1
        answer = json.loads(body)
        matches = [{"entity_id": m["entity_id"], "score": m["score"]} for m in answer["matches"]]
        same += (
            record["query"]["name"] == name
            and record["response"] == answer
            and record["matches"] == matches
        )
    names = {r["query"]["name"]: r for r in records.values()}
    unanswered_recorded = sum(name in names for name in stream.unanswered)
    sample = random.sample(sorted(stream.answered), min(_SAMPLE, len(stream.answered)))
    sampled_ok = 0
    with httpx.Client(base_url=service.url, timeout=30) as client:
        for sid in sample:
            response = client.get(f"/v1/screenings/{sid}", headers={"X-API-Key": auditor})
            sampled_ok += response.status_code == 200 and response.json()["response"] == json.loads(
                stream.answered[sid][1]
            )
    ours = sum(r["query"]["name"].split(" ")[-1].startswith(stream.prefix) for r in names.values())
    return {
        "killed_after_s": round(stream.kill_after, 2),
        "sent": stream.sent,
        "answered": len(stream.answered),
        "answered_after_kill": stream.answered_after_kill,
        "failed": len(stream.unanswered),
        "errors": dict(stream.errors),
        "records_found_for_answered": found,
        "records_identical_to_answer": same,
        "missing": len(stream.answered) - found,
        "records_for_unanswered": unanswered_recorded,
        "records_of_round": ours,
        "sampled_by_id": len(sample),
        "sampled_by_id_ok": sampled_ok,
    }


def store_env(store: str, workdir: Path, postgres: str) -> dict[str, str]:
    if store == "sqlite":
        return {}
    name = f"bench_crash_{uuid.uuid4().hex[:10]}"
    admin(postgres, f'CREATE DATABASE "{name}"')
    return {"DATABASE_URL": make_url(postgres).set(database=name).render_as_string(False)}


def run_store(store: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = store_env(store, workdir, args.postgres)
        service = Service(workdir, env)
        try:
            screener = create_key(workdir, env, "crash-bench", "screener")
            auditor = create_key(workdir, env, "crash-bench-audit", "auditor")
            service.start()
            for number in range(1, args.rounds + 1):
                since = datetime.now(UTC) - timedelta(seconds=1)
                stream = asyncio.run(steady(service, screener, args, number))
                restart = service.start()
                row = {"store": store, "round": number} | check(service, auditor, stream, since)
                row["restart_seconds"] = round(restart, 2)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
        finally:
            service.stop()
            if "DATABASE_URL" in env:
                name = make_url(env["DATABASE_URL"]).database
                admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| store | round | killed after | sent | answered | failed by the kill "
        "| records found for answered (identical) | missing | records for unanswered "
        "| read by id |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['store']} | {r['round']} | {r['killed_after_s']} s | {r['sent']:,} | "
            f"{r['answered']:,} | {r['failed']:,} | {r['records_found_for_answered']:,} "
            f"({r['records_identical_to_answer']:,}) | **{r['missing']}** | "
            f"{r['records_for_unanswered']} | {r['sampled_by_id_ok']}/{r['sampled_by_id']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="kills per store")
    parser.add_argument("--connections", type=int, default=8, help="concurrent requests")
    parser.add_argument("--min-seconds", type=float, default=3.0, help="earliest kill")
    parser.add_argument("--max-seconds", type=float, default=8.0, help="latest kill")
    parser.add_argument("--after-kill", type=float, default=1.0, help="seconds sent after it")
    parser.add_argument("--stores", default="sqlite,postgresql", help="sqlite, postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, help="random seed of the kill moments")
    args = parser.parse_args()
    args.kills = random.Random(args.seed)
    rows = [row for store in args.stores.split(",") for row in run_store(store.strip(), args)]
    result = {
        "command": " ".join(["python", "bench/audit_crash_bench.py", *sys.argv[1:]]),
        "machine": machine(),
        "rounds": rows,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "audit_crash_bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(markdown(rows))
    print(f"\n{result['command']}; machine: {result['machine']}")


if __name__ == "__main__":
    main()
