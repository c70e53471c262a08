"""Server-side cost of `POST /v1/screen` with and without identifiers, and against another
checkout (a baseline from before identifiers, say): each app is driven in-process through ASGI
(no sockets, no HTTP client), so the figures are the service's own work per request, in CPU
time of its process (all its threads; what other processes of a busy machine do counts less
than in elapsed time): a cache hit
(the same name again), a cache miss (a new name each time), and the same with an identifier
(a UNP that no entity of the seed lists). Each checkout runs in its own process, the checkouts
interleaved round by round, and the medians of the rounds reported.

Run: python bench/identifier_bench.py [--baseline DIR] [--rounds 5] [--requests 3000]
`--baseline` is another checkout of the repository (e.g. `git archive <commit> | tar -x -C DIR`,
with the compiled engine copied over, which `pip install -e .` builds); its scenarios with
identifiers are skipped. The seed watchlist, the in-process cache, the audit off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NAME = "Minsk Wheeled Tractor Plant"
#: A valid UNP (check digit holds) that no entity of the seed lists.
UNP = "100000007"
SCENARIOS = ("hit", "miss", "hit+unp", "miss+unp")


def _body(scenario: str, n: int) -> bytes:
    name = NAME if scenario.startswith("hit") else f"Minsk Tractor Works Zq{n:07d}"
    body: dict[str, Any] = {"name": name}
    if scenario.endswith("+unp"):
        body["identifiers"] = [{"type": "unp", "value": UNP}]
    return json.dumps(body).encode()


async def _request(app: Any, body: bytes) -> int:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/v1/screen", "raw_path": b"/v1/screen", "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    }  # fmt: skip
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _lifespan(app: Any) -> tuple[asyncio.Queue[dict[str, Any]], asyncio.Task[None]]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            started.set()

    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send)
    )
    await inbox.put({"type": "lifespan.startup"})
    await started.wait()
    return inbox, task


async def _measure(scenarios: list[str], requests: int, start: int) -> dict[str, float]:
    from service.app import create_app  # from the checkout on sys.path
    from service.settings import Settings

    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    inbox, task = await _lifespan(app)
    while (await _request(app, _body("hit", 0))) == 503:  # the watchlist loads in the background
        await asyncio.sleep(0.05)
    out = {}
    for scenario in scenarios:
        for n in range(200):  # warm up: the first requests of a scenario fill caches
            await _request(app, _body(scenario, start - 1 - n))
        began = time.process_time()
        for n in range(requests):
            status = await _request(app, _body(scenario, start + n))
            assert status == 200, (scenario, status)
        out[scenario] = (time.process_time() - began) / requests * 1e6
    await inbox.put({"type": "lifespan.shutdown"})
    await task
    return out


def _child(root: str, scenarios: list[str], requests: int, start: int) -> None:
    sys.path.insert(0, root)
    print(json.dumps(asyncio.run(_measure(scenarios, requests, start))))


def _run(root: Path, scenarios: list[str], requests: int, start: int, workdir: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env |= {"SCREENING_AUDIT_ENABLED": "false", "SCREENING_DATA_DIR": str(workdir),
            "SCREENING_LOG_LEVEL": "ERROR", "PYTHONPATH": str(root)}  # fmt: skip
    env.pop("REDIS_URL", None)
    env.pop("WATCHLIST_PATH", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(root), "--requests", str(requests),
         "--start", str(start), "--scenarios", *scenarios],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.scenarios, args.requests, args.start)
        return
    checkouts = {"this checkout": (ROOT, list(SCENARIOS))}
    if args.baseline:
        checkouts["baseline"] = (args.baseline.resolve(), ["hit", "miss"])
    figures: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for label, (root, scenarios) in checkouts.items():
                # Each run is a new process with an empty cache: its new names may repeat.
                got = _run(root, scenarios, args.requests, 10_000, Path(tmp))
                for scenario, micros in got.items():
                    figures.setdefault((label, scenario), []).append(micros)
    print(f"| checkout | scenario | CPU µs per request (median of {args.rounds}) | runs |")
    print("|---|---|---:|---|")
    for (label, scenario), runs in figures.items():
        shown = ", ".join(f"{r:.0f}" for r in runs)
        print(f"| {label} | {scenario} | {statistics.median(runs):.1f} | {shown} |")


if __name__ == "__main__":
    main()
