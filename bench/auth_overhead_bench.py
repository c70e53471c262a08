"""What API keys, rate limits and the audit trail cost `POST /v1/screen`: requests per second,
p50 and p99 latency and server CPU per request, cache hit and cache miss, for the service in
open mode without audit (the baseline) and with a key and the audit trail on SQLite and on
PostgreSQL, and the splits between (key without audit, audit without key, a finite limit).

Served and loaded exactly as `api_bench.py` does (its machinery: uvicorn, one worker, the same
options, one process per variant, `wrk` in another process, scenarios interleaved run by run,
medians). Every variant listens on 127.0.0.1 (open while it has no key, as a local install)
and has its own data directory (SQLite) or database (PostgreSQL). After every run the
audited variants' records are counted in their database and compared with the requests `wrk`
saw answered: there must be one per answer (a few more are allowed, at most one per
connection: requests still in flight when `wrk` stopped were recorded but not counted).
Server CPU is the service process's and its children's (on SQLite, the audit journal's
copier), during the run; the PostgreSQL server's own processes are not counted. Each round
also times a durable commit on the PostgreSQL server (`commit_ms`), the floor of an answer
that waits for one.

Run: python bench/auth_overhead_bench.py [--runs 5] [--duration 10] [--connections 16]
[--variants abc] (the baseline, a, always runs)
Needs `wrk`; the PostgreSQL variant uses `--postgres` (default
postgresql://postgres@127.0.0.1:5432/postgres), creating and dropping a database of its own.
Writes `bench/out/auth_overhead_bench.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import api_bench
from api_bench import _DONE, _FIXED, _UNIQUE, ROOT, Server
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

OUT = ROOT / "bench" / "out"
#: Seconds to wait after a run for its records to be in the database.
_RECORDS_WAIT_SECONDS = 30.0
#: The `wrk` scripts' header table, with the key when there is one.
_HEADERS = '{["Content-Type"] = "application/json"}'


@dataclass
class Variant:
    """One server: with or without a key, with or without the audit trail, on which store."""

    name: str
    key: bool
    audit: bool
    store: str = "sqlite"  # or "postgresql"
    #: The key's requests per minute (0: unlimited).
    requests_per_minute: int = 0
    #: Settings of the service besides the audit's and the database's.
    settings: dict[str, str] = field(default_factory=dict)
    server: Server | None = None
    api_key: str = ""
    database_url: str = ""
    records: list[dict[str, int]] = field(default_factory=list)


def variants(include_postgres: bool) -> list[Variant]:
    found = [
        Variant("a. open, audit off (baseline)", key=False, audit=False),
        Variant("b. key, audit on SQLite", key=True, audit=True),
    ]
    if include_postgres:
        found.append(
            Variant("c. key, audit on PostgreSQL", key=True, audit=True, store="postgresql")
        )
        found.append(
            Variant(
                "g. key, audit on PostgreSQL, commits not waiting for the flush",
                key=True,
                audit=True,
                store="postgresql",
                settings={"SCREENING_AUDIT_COMMIT_UNFLUSHED": "true"},
            )
        )
    found += [
        Variant("d. key, audit off", key=True, audit=False),
        Variant("e. open, audit on SQLite", key=False, audit=True),
        Variant(
            "f. key limited to 10,000,000/min, audit on SQLite",
            key=True,
            audit=True,
            requests_per_minute=10_000_000,
        ),
    ]
    return found


def prepare(variant: Variant, workdir: Path, postgres: str) -> None:
    """The variant's data directory (or database) and key, and its server (not started)."""
    env = {"SCREENING_AUDIT_ENABLED": "true" if variant.audit else "false"} | variant.settings
    if variant.store == "postgresql":
        name = f"bench_audit_{uuid.uuid4().hex[:10]}"
        admin(postgres, f'CREATE DATABASE "{name}"')
        variant.database_url = make_url(postgres).set(database=name).render_as_string(False)
        env["DATABASE_URL"] = variant.database_url
    else:
        variant.database_url = f"sqlite:///{workdir / 'data' / 'screening.sqlite3'}"
    if variant.key:
        variant.api_key = create_key(workdir, env, "bench", "screener", variant.requests_per_minute)
    variant.server = Server(variant.name, "service.app:create_app", env)


def create_key(workdir: Path, env: dict[str, str], name: str, role: str, rpm: int = 0) -> str:
    command = [sys.executable, "-m", "service", "keys", "create", "--name", name, "--role", role]
    command += ["--requests-per-minute", str(rpm)]
    done = subprocess.run(
        command,
        cwd=workdir,
        env=os.environ | {"PYTHONPATH": str(ROOT)} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def commit_ms(postgres: str) -> float:
    """The median time of a durable commit on the PostgreSQL server now, in milliseconds (200
    one-row INSERTs in autocommit into a temporary table): the floor of a request that waits
    for its audit record's commit, set by the disk (and the other work on the machine)."""
    import psycopg

    table = f"commit_probe_{uuid.uuid4().hex[:10]}"  # logged: a temporary table is not
    with psycopg.connect(postgres, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {table} (n int, x text)")
        times = []
        try:
            for n in range(200):
                start = time.perf_counter()
                connection.execute(f"INSERT INTO {table} VALUES (%s, %s)", (n, "x" * 1300))
                times.append((time.perf_counter() - start) * 1000)
        finally:
            connection.execute(f"DROP TABLE {table}")
    return round(sorted(times)[len(times) // 2], 3)


def admin(postgres: str, statement: str) -> None:
    engine = create_engine(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))
    engine.dispose()


def scripts(variant: Variant, workdir: Path) -> tuple[Path, Path]:
    """The hit and miss `wrk` scripts of `api_bench`, with the variant's key in every request."""
    fixed, unique = _FIXED, _UNIQUE
    if variant.api_key:
        fixed += f'wrk.headers["X-API-Key"] = "{variant.api_key}"\n'
        assert _HEADERS in unique
        headers = _HEADERS[:-1] + f', ["X-API-Key"] = "{variant.api_key}"}}'
        unique = unique.replace(_HEADERS, headers)
    hit, miss = workdir / "hit.lua", workdir / "miss.lua"
    hit.write_text(fixed + _DONE, encoding="utf-8")
    miss.write_text(unique + _DONE, encoding="utf-8")
    return hit, miss


class Records:
    """Counts a variant's audit records, directly in its database."""

    def __init__(self, variant: Variant) -> None:
        url = variant.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        self.engine = create_engine(url)

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM screenings")).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


@dataclass
class Scenario:
    name: str
    variant: Variant
    script: Path
    runs: list[dict[str, float]] = field(default_factory=list)

    def median(self, key: str) -> float:
        values = sorted(run[key] for run in self.runs)
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def wrk(server: Server, script: Path, seconds: int, connections: int) -> dict[str, float]:
    """`api_bench.wrk`, also giving the number of answers `wrk` counted."""
    cpu_before = server.tree_cpu_seconds()
    start_at = str(next(api_bench._runs) * 10_000_000)  # where the miss script starts counting
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
        f"{server.url}/v1/screen", "--", start_at,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    cpu = server.tree_cpu_seconds() - cpu_before
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    if result["non2xx"] or result["errors"]:
        raise RuntimeError(f"{server.name}: failed requests: {result}\n{done.stdout}")
    return {
        "requests": result["requests"],
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "cpu_us": cpu / result["requests"] * 1e6,
    }


def measure(scenario: Scenario, records: Records | None, args: argparse.Namespace) -> None:
    """One `wrk` run; with the audit on, the records it added against the answers it got."""
    server = scenario.variant.server
    assert server is not None
    before = records.count() if records else 0
    result = wrk(server, scenario.script, args.duration, args.connections)
    if records is not None:
        # Requests still in flight when wrk stopped finish, and the journal's copier (SQLite)
        # copies what it has not copied yet: it runs behind by a moment under load.
        deadline = time.monotonic() + _RECORDS_WAIT_SECONDS
        time.sleep(0.5)
        while records.count() - before < result["requests"] and time.monotonic() < deadline:
            time.sleep(0.1)
        result["records"] = records.count() - before
        if result["records"] < result["requests"]:
            print(f"MISSING RECORDS: {scenario.name}: {result}", file=sys.stderr)
    scenario.runs.append(result)


def run(args: argparse.Namespace) -> dict[str, Any]:
    found_variants = [
        v for v in variants(not args.no_postgres) if v.name[0] in args.variants or v.name[0] == "a"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        found: list[Scenario] = []
        counters: dict[str, Records] = {}
        load_before = os.getloadavg()
        probes = []
        try:
            for variant in found_variants:
                workdir = Path(tmp) / f"v{len(found)}"
                workdir.mkdir()
                prepare(variant, workdir, args.postgres)
                hit, miss = scripts(variant, workdir)
                found += [
                    Scenario(f"{variant.name}: cache hit", variant, hit),
                    Scenario(f"{variant.name}: cache miss", variant, miss),
                ]
                assert variant.server is not None
                api_bench.start(variant.server, workdir)
                if variant.audit:
                    counters[variant.name] = Records(variant)
            for scenario in found:  # warm-up: fills the caches, wakes the servers up
                server = scenario.variant.server
                assert server is not None
                wrk(server, scenario.script, 2, args.connections)
            check(found)
            for number in range(args.runs):
                if not args.no_postgres:
                    probes.append(commit_ms(args.postgres))
                for scenario in found:
                    measure(scenario, counters.get(scenario.variant.name), args)
                print(f"round {number + 1}/{args.runs} done", file=sys.stderr)
        finally:
            for variant in found_variants:
                if variant.server is not None:
                    api_bench.stop(variant.server)
            for counter in counters.values():
                counter.close()
            for variant in found_variants:
                if variant.store == "postgresql" and variant.database_url:
                    name = make_url(variant.database_url).database
                    admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result = report(args, found, load_before)
    result["postgresql_commit_ms_per_round"] = probes
    return result


def check(found: list[Scenario]) -> None:
    """Each variant is what it says: a key is needed when it has one, hits hit, misses miss,
    and an audited answer carries a screening id."""
    for scenario in found:
        variant = scenario.variant
        assert variant.server is not None
        url = variant.server.url
        if variant.key:
            try:
                screen(url, api_bench.QUERY, "")
                raise AssertionError(f"{variant.name}: answered without a key")
            except OSError as exc:
                assert getattr(exc, "code", None) == 401, exc
        answer = screen(url, api_bench.QUERY, variant.api_key)
        assert answer["cached"] is True, variant.name
        assert (answer.get("screening_id") is not None) == variant.audit, variant.name
        fresh = screen(url, f"Zzyzx Holding {uuid.uuid4().hex[:8]}", variant.api_key)
        assert fresh["cached"] is False, variant.name


def screen(url: str, name: str, key: str) -> dict[str, Any]:
    import urllib.request

    headers = {"Content-Type": "application/json"} | ({"X-API-Key": key} if key else {})
    request = urllib.request.Request(
        f"{url}/v1/screen", data=json.dumps({"name": name}).encode(), headers=headers
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def report(
    args: argparse.Namespace, found: list[Scenario], load_before: tuple[float, ...]
) -> dict[str, Any]:
    baseline = {s.name.rsplit(": ", 1)[1]: s for s in found if s.variant is found[0].variant}
    rows = []
    for s in found:
        kind = s.name.rsplit(": ", 1)[1]
        base = baseline[kind].median("rps")
        row: dict[str, Any] = {
            "scenario": s.name,
            "rps": round(s.median("rps")),
            "p50_ms": round(s.median("p50_ms"), 2),
            "p99_ms": round(s.median("p99_ms"), 2),
            "cpu_us_per_request": round(s.median("cpu_us"), 1),
            "ratio_to_baseline": round(s.median("rps") / base, 2),
            "runs_rps": [round(r["rps"]) for r in s.runs],
        }
        if "records" in s.runs[0]:
            answered = [int(r["requests"]) for r in s.runs]
            records = [r["records"] for r in s.runs]
            row["answered"] = sum(answered)
            row["records"] = sum(records)
            row["records_minus_answered_per_run"] = [
                r - a for r, a in zip(records, answered, strict=True)
            ]
        rows.append(row)
    return {
        "command": " ".join(["python", "bench/auth_overhead_bench.py", *sys.argv[1:]]),
        "runs": args.runs,
        "duration_s": args.duration,
        "connections": args.connections,
        "machine": api_bench.machine(),
        "load_average_before_after": [load_before[0], os.getloadavg()[0]],
        "results": rows,
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | vs (a) | answered | records |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["results"]:
        cpu = row["cpu_us_per_request"]
        lines.append(
            f"| {row['scenario']} | {row['rps']:,} | {row['p50_ms']} | {row['p99_ms']} | "
            f"{cpu} | {row['ratio_to_baseline']} | {row.get('answered', '')} | "
            f"{row.get('records', '')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    api_bench.add_load_options(parser)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL URL whose user may create databases",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL variant")
    parser.add_argument(
        "--variants", default="abcdefg", help="the variants to run, by letter (default all)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    result = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "auth_overhead_bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(markdown(result))
    print(f"\n{result['command']}; machine: {result['machine']}")
    print(
        f"load average {result['load_average_before_after']}; PostgreSQL commit, median ms "
        f"per round: {result['postgresql_commit_ms_per_round']}"
    )


if __name__ == "__main__":
    main()
