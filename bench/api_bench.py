"""HTTP throughput of `POST /v1/screen`: requests per second, p50 and p99 latency and server CPU
per request, for a cache hit and a cache miss (in-process and Redis cache), against a minimal
litestar endpoint that does no work. Every app is served the same way (uvicorn, one worker, the
same options, its own process); the load generator is `wrk` in another process. Scenarios are
interleaved run by run and the medians reported, so a busy machine hurts them alike.

Run: python bench/api_bench.py [--runs 5] [--duration 10] [--connections 16] [--watchlist W]
Needs `wrk` (apt-get install wrk); the Redis scenarios use REDIS_URL or 127.0.0.1:6379.
`--watchlist` serves another watchlist than the seed (a `WATCHLIST_PATH` value: a JSON Lines
file or `FORMAT:PATH` entries); its figures go to `bench/out/api_bench_watchlist.json`. Each
service's start-up time (to `/ready`) and memory are recorded too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
QUERY = "Minsk Wheeled Tractor Plant"
#: wrk prints one JSON line from `done`, marked so it can be found in its output.
_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, '
    .. '"p50_us": %d, "p99_us": %d}\\n', summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""
_FIXED = (
    'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
    f"wrk.body = '{json.dumps({'name': QUERY}, ensure_ascii=False)}'\n"
)
# A new name per request (a made-up word after a real-looking base), so every one is a miss;
# each run starts its count where it is told (`-- <start>`), so runs never repeat a name.
_UNIQUE = """
local bases = {"Minsk Tractor Works", "Orsha Instrument Plant", "Gomel Radio Factory",
  "Brest Electric Lamp Plant", "Vitebsk Machine Tool Works", "Mogilev Optics Holding",
  "Grodno Azot Trading", "Borisov Aggregate Works"}
local n = 0
init = function(args) n = tonumber(args[1]) or 0 end
local function word(k)
  local s = ""
  repeat s = string.char(97 + k % 26) .. s; k = math.floor(k / 26) until k == 0
  return s
end
request = function()
  n = n + 1
  local body = '{"name": "' .. bases[n % #bases + 1] .. ' ' .. word(n + 500000) .. '"}'
  return wrk.format("POST", "/v1/screen", {["Content-Type"] = "application/json"}, body)
end
"""


@dataclass
class Server:
    name: str
    target: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    #: Seconds from the start of the process to `/ready` answering 200 (0.2 s resolution).
    ready_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """Identical for every app but the factory: this is what "served the same way" means."""
        return [
            sys.executable, "-m", "uvicorn", "--factory", self.target,
            "--app-dir", str(ROOT / "bench"), "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", "1", "--loop", "uvloop", "--http", "httptools",
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def tree_cpu_seconds(self) -> float:
        """`cpu_seconds` of the process and of its children (the audit journal's copier)."""
        assert self.process is not None
        return _tree_cpu(self.process.pid)

    def memory_mib(self) -> dict[str, float]:
        """Resident memory now (`VmRSS`) and at its peak so far (`VmHWM`), in MiB."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        fields = dict(line.split(":", 1) for line in status if ":" in line)
        return {
            key: round(int(fields[name].split()[0]) / 1024, 1)
            for key, name in (("rss_mib", "VmRSS"), ("peak_rss_mib", "VmHWM"))
        }


def _tree_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return seconds + sum(_tree_cpu(int(child)) for child in children)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/v1/screen",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def start(server: Server, workdir: Path) -> None:
    server.port = free_port()
    env = os.environ | {"PYTHONPATH": str(ROOT)} | server.env
    # Logs are produced at the service's default level (one JSON access line per request) and
    # written to /dev/null: what is measured is the app, not the disk.
    server.process = subprocess.Popen(
        server.command(), cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    started = time.monotonic()
    deadline = started + 60
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/ready", timeout=1) as response:
                if response.status == 200:
                    server.ready_seconds = time.monotonic() - started
                    return
        except OSError as exc:
            if getattr(exc, "code", None) not in (None, 404, 503):
                raise
            if getattr(exc, "code", None) == 404:  # the baselines have no /ready
                server.ready_seconds = time.monotonic() - started
                return
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{server.name} did not start")
        time.sleep(0.2)


_runs = itertools.count(1)


def stop(server: Server) -> None:
    if server.process is None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def wrk(server: Server, script: Path, seconds: int, connections: int) -> dict[str, float]:
    cpu_before = server.cpu_seconds()
    start_at = str(next(_runs) * 10_000_000)  # where the miss script starts counting
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
        f"{server.url}/v1/screen", "--", start_at,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    cpu = server.cpu_seconds() - cpu_before
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    if result["non2xx"] or result["errors"]:
        raise RuntimeError(f"{server.name}: failed requests: {result}\n{done.stdout}")
    return {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "cpu_us": cpu / result["requests"] * 1e6,
    }


@dataclass
class Scenario:
    name: str
    server: Server
    script: Path
    runs: list[dict[str, float]] = field(default_factory=list)

    def median(self, key: str) -> float:
        return statistics.median(run[key] for run in self.runs)


def scenarios(workdir: Path, redis_url: str | None, watchlist: str | None) -> list[Scenario]:
    fixed = workdir / "fixed.lua"
    fixed.write_text(_FIXED + _DONE, encoding="utf-8")
    unique = workdir / "unique.lua"
    unique.write_text(_UNIQUE + _DONE, encoding="utf-8")
    minimal = Server("minimal", "minimal_app:create_app")
    parsing = Server("minimal, parses the body", "minimal_app:create_parsing_app")
    # Open (no key, reached on 127.0.0.1), and without the audit trail: this measures the
    # screening path; `auth_overhead_bench.py` measures keys and the audit.
    served = {"SCREENING_AUDIT_ENABLED": "false"}
    if watchlist:
        served["WATCHLIST_PATH"] = watchlist
    memory = Server("service, in-process cache", "service.app:create_app", dict(served))
    found = [
        Scenario("minimal endpoint (no work)", minimal, fixed),
        Scenario("minimal endpoint, parses the body", parsing, fixed),
        Scenario("screen: cache hit (in-process LRU)", memory, fixed),
        Scenario("screen: cache miss (in-process LRU)", memory, unique),
    ]
    if redis_url:
        prefix = f"bench-{uuid.uuid4().hex[:12]}"
        env = {"REDIS_URL": redis_url, "SCREENING_REDIS_KEY_PREFIX": prefix} | served
        shared = Server("service, Redis cache", "service.app:create_app", env)
        # The same without the in-process first level: every hit is a Redis round trip.
        remote = Server(
            "service, Redis cache only",
            "service.app:create_app",
            env | {"SCREENING_LOCAL_CACHE_SIZE": "0"},
        )
        found += [
            Scenario("screen: cache hit (Redis, first level in process)", shared, fixed),
            Scenario("screen: cache miss (Redis)", shared, unique),
            Scenario("screen: cache hit (Redis only, first level off)", remote, fixed),
        ]
    return found


def check_cache(found: list[Scenario]) -> None:
    """A hit scenario must really hit: its query answers `"cached": true`."""
    for scenario in found:
        if scenario.name.startswith("screen: cache hit"):
            assert post(scenario.server.url, {"name": QUERY})["cached"] is True, scenario.name
        if scenario.name.startswith("screen: cache miss"):
            fresh = post(scenario.server.url, {"name": f"Zzyzx Holding {uuid.uuid4().hex[:8]}"})
            assert fresh["cached"] is False, scenario.name


def run(args: argparse.Namespace) -> dict[str, Any]:
    redis_url = args.redis_url if redis_answers(args.redis_url) else None
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        watchlist = absolute_sources(args.watchlist) if args.watchlist else None
        found = scenarios(workdir, redis_url, watchlist)
        servers = list({id(s.server): s.server for s in found}.values())
        load_before = os.getloadavg()
        started: dict[str, dict[str, Any]] = {}
        try:
            for server in servers:
                start(server, workdir)
                started[server.name] = describe_server(server)
            for scenario in found:  # warm-up: fills the caches, wakes the servers up
                wrk(scenario.server, scenario.script, 2, args.connections)
            check_cache(found)
            for number in range(args.runs):
                for scenario in found:
                    scenario.runs.append(
                        wrk(scenario.server, scenario.script, args.duration, args.connections)
                    )
                print(f"round {number + 1}/{args.runs} done", file=sys.stderr)
        finally:
            for server in servers:
                if server.name in started:
                    started[server.name]["memory_after_runs"] = server.memory_mib()
                stop(server)
            if redis_url:
                drop_keys(redis_url, found)
    return report(args, found, load_before) | {"servers": started}


def absolute_sources(watchlist: str) -> str:
    """The `WATCHLIST_PATH` value with absolute paths: the servers run in a temporary folder."""
    sys.path.insert(0, str(ROOT))
    from service.watchlist.sources import parse_sources

    return ",".join(f"{s.format}:{s.path.resolve()}" for s in parse_sources(watchlist))


def describe_server(server: Server) -> dict[str, Any]:
    """Start-up time and memory of a server that has just become ready, and its watchlist."""
    described: dict[str, Any] = {"ready_seconds": round(server.ready_seconds, 1)}
    described |= server.memory_mib()
    try:
        with urllib.request.urlopen(f"{server.url}/ready", timeout=5) as response:
            described["watchlist"] = json.loads(response.read())["watchlist"]
    except OSError:
        pass  # the baselines have no /ready
    return described


def redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def drop_keys(url: str, found: list[Scenario]) -> None:
    """Delete the keys this run wrote (its own prefix), nothing else."""
    client = redis.Redis.from_url(url)
    for prefix in {s.server.env.get("SCREENING_REDIS_KEY_PREFIX") for s in found} - {None}:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start_at in range(0, len(keys), 1000):
            client.delete(*keys[start_at : start_at + 1000])
    client.close()


def report(
    args: argparse.Namespace, found: list[Scenario], load_before: tuple[float, ...]
) -> dict[str, Any]:
    baseline = found[0].median("rps")
    rows = [
        {
            "scenario": s.name,
            "rps": round(s.median("rps")),
            "p50_ms": round(s.median("p50_ms"), 2),
            "p99_ms": round(s.median("p99_ms"), 2),
            "cpu_us_per_request": round(s.median("cpu_us"), 1),
            "ratio_to_minimal": round(s.median("rps") / baseline, 2),
            "runs_rps": [round(r["rps"]) for r in s.runs],
        }
        for s in found
    ]
    return {
        "command": " ".join(["python", "bench/api_bench.py", *sys.argv[1:]]),
        "watchlist": args.watchlist or "seed",
        "runs": args.runs,
        "duration_s": args.duration,
        "connections": args.connections,
        "machine": machine(),
        "load_average_before_after": [load_before[0], os.getloadavg()[0]],
        "results": rows,
    }


def machine() -> dict[str, Any]:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | vs minimal |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["results"]:
        lines.append(
            f"| {row['scenario']} | {row['rps']:,} | {row['p50_ms']} | {row['p99_ms']} | "
            f"{row['cpu_us_per_request']} | {row['ratio_to_minimal']} |"
        )
    return "\n".join(lines)


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """The options of a wrk load: rounds, seconds per run, connections."""
    parser.add_argument("--runs", type=int, default=5, help="rounds; medians are reported")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_options(parser)
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument(
        "--watchlist",
        help="WATCHLIST_PATH for the service (a JSON Lines file or FORMAT:PATH entries); "
        "default the seed",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    result = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    name = "api_bench_watchlist.json" if args.watchlist else "api_bench.json"
    (OUT / name).write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(markdown(result))
    print(f"\n{result['command']}; machine: {result['machine']}")


if __name__ == "__main__":
    main()
