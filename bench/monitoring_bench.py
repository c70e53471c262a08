"""Monitoring at scale, with real worker processes (`python -m service worker`) taking tasks
from the real queue: N counterparties registered from a CSV file (the import run, rows/s); a
list change adding 3 entities and an alias (the change-driven re-screen, cut into pages the
workers share), timed until its run ends and until every event it made is delivered to a
webhook receiver on loopback (verified with `standardwebhooks`); and a full re-screen of them
all, with 2 workers and then with 1. This process plays the API's part (it queues the runs,
serves the changed list and keeps its versions in Redis, where the workers find them), against
the seed watchlist, on a SQLite (or `--database` PostgreSQL) store in a temporary directory.

    python bench/monitoring_bench.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import redis
from standardwebhooks import Webhook

from service.auth.ratelimit import open_rate_limiter
from service.batch.layout import TableOptions
from service.batch.queue import JobQueue
from service.batch.tables import inspect_file
from service.lifecycle.state import ScreenerHolder, load_screener
from service.lifecycle.versions import open_versions
from service.metrics import Metrics
from service.monitoring.monitor import Monitor
from service.runtime import Runtime
from service.screening.cache import open_cache
from service.screening.screener import Screener
from service.settings import Settings
from service.store import open_store
from service.store.runs import ENDED, Run
from service.watchlist.loader import Watchlist
from service.watchlist.model import Alias, Entity
from service.webhooks.events import EventType
from service.webhooks.registration import register

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "Alpha Baltic Crown Delta Eastern Forest Granite Harbor Iron Jade Kinetic Lumen Meridian "
    "Nordic Orion Polar Quartz River Summit Terra Union Vector Western Zenith Agro Trans Metal "
    "Textile Logistics Trading Systems Foods Energy Chemical Machinery Optics Electro Marine"
).split()
FORMS = ("LLC", "GmbH", "Ltd", "OOO", "JSC", "SA", "BV", "")
MONITORING_EVENTS = (
    EventType.ALERT_OPENED,
    EventType.ALERT_UPDATED,
    EventType.ALERT_CLOSED,
    EventType.RESCREEN_FINISHED,
)


def write_file(path: Path, rows: int, seed: int = 7) -> None:
    """Made-up company names (three words and a legal form) with ids and countries; one in
    2,000 is a listed name, so some alerts open."""
    rng = random.Random(seed)
    listed = ["Minsk Wheeled Tractor Plant", "BelAZ", "Zavod SVT", "Peleng", "Integral"]
    with path.open("w", encoding="utf-8") as out:
        out.write("id;name;country\n")
        for number in range(rows):
            if number % 2000 == 0:
                name = rng.choice(listed)
            else:
                name = " ".join(rng.sample(WORDS, 3)) + " " + rng.choice(FORMS)
            out.write(f"C-{number:08d};{name.strip()};{rng.choice(['DE', 'PL', 'BY', 'LT'])}\n")


def changed_list(screener: Screener, round_: int) -> Screener:
    """The list with 3 new entities and an alias added to one listed (other words each round,
    so that each round opens alerts of its own)."""
    rng = random.Random(round_)
    entities = list(screener.watchlist.entities)
    first = entities[round_]
    alias = " ".join(rng.sample(WORDS, 3)) + " Trading"
    entities[round_] = first.model_copy(update={"aliases": (*first.aliases, Alias(name=alias))})
    names = [" ".join(rng.sample(WORDS, 3)) for _ in range(3)]
    entities += [
        Entity(id=f"xx-new-{round_}-{n}", name=name, country=("RU",))
        for n, name in enumerate(names)
    ]
    return Screener.build(Watchlist.of(entities))


class Receiver:
    """A webhook receiver on loopback: verifies each delivery and remembers its id."""

    def __init__(self) -> None:
        self.secret = ""
        self.ids: set[str] = set()
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                try:
                    Webhook(receiver.secret).verify(body, dict(self.headers))
                except Exception:
                    receiver.failures += 1
                    self.send_response(400)
                else:
                    receiver.ids.add(self.headers["webhook-id"])
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Workers:
    """`python -m service worker` processes on the bench's queue and store."""

    def __init__(self, env: dict[str, str], logs: Path, db: redis.Redis, prefix: str) -> None:
        self.env, self.logs, self.db, self.prefix = env, logs, db, prefix
        self.running: list[subprocess.Popen[bytes]] = []
        self.cpu = 0.0

    def scale(self, count: int) -> None:
        """Stop workers (SIGTERM) or start them, and wait until they take tasks."""
        while len(self.running) > count:
            process = self.running.pop()
            process.terminate()
            process.wait(60)
        if len(self.running) == count:
            return
        for key in self.db.scan_iter(match=f"saq:{self.prefix}:v1:jobs:worker_info:*"):
            self.db.delete(key)  # the stopped ones' (saq lets them expire)
        while len(self.running) < count:
            log = (self.logs / f"worker-{len(self.running)}.log").open("ab")
            command = [sys.executable, "-m", "service", "worker"]
            self.running.append(
                subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=log)
            )
        pattern = f"saq:{self.prefix}:v1:jobs:worker_info:*"
        deadline = time.monotonic() + 120
        while len(list(self.db.scan_iter(match=pattern))) < len(self.running):
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)


def cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """User and system CPU time the processes have used (Linux's /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 3600) -> float:
    """Seconds until `check` holds, polled every 50 ms."""
    started = time.perf_counter()
    while not await check():
        assert time.perf_counter() - started < timeout, "timed out"
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def run_to_end(
    monitor: Monitor, start: Callable[[], Awaitable[Run]], workers: Workers
) -> tuple[Run, float]:
    """Start a run and wait for its end: the run and its seconds (the workers' CPU seconds
    meanwhile in `workers.cpu`)."""
    runs = monitor.runtime.store.runs
    cpu = cpu_seconds(workers.running)
    started = time.perf_counter()
    run = await start()

    async def ended() -> bool:
        nonlocal run
        run = await asyncio.to_thread(runs.run, run.id)
        return run.status in ENDED

    await until(ended)
    workers.cpu = cpu_seconds(workers.running) - cpu
    assert run.status == "done", run
    assert run.started_at and run.finished_at
    return run, time.perf_counter() - started


def median(values: list[float]) -> str:
    spread = f" (of {', '.join(f'{v:.1f}' for v in values)})" if len(values) > 1 else ""
    return f"{statistics.median(values):.1f} s{spread}"


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory)
        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        database = args.database or f"sqlite:///{data / 'bench.sqlite3'}"
        settings = Settings(
            _env_file=None,
            data_dir=data,
            database_url=database,
            redis_url=args.redis,
            redis_key_prefix=prefix,
            webhook_allowed_networks=("127.0.0.0/8",),
        )
        db = redis.Redis.from_url(args.redis)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")} | {
            "REDIS_URL": args.redis,
            "DATABASE_URL": database,
            "SCREENING_REDIS_KEY_PREFIX": prefix,
            "SCREENING_DATA_DIR": str(data / "worker"),
            "SCREENING_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "SCREENING_LOG_LEVEL": "WARNING",
        }
        runtime = Runtime(settings, ScreenerHolder(), Metrics())
        store = open_store(settings.store_url)
        runtime.start(
            open_cache(settings),
            open_versions(settings, runtime.keys),
            store,
            open_rate_limiter(settings, runtime.keys),
        )
        await runtime.reloader.adopt(load_screener([]))
        monitor = Monitor(runtime)
        queue = JobQueue(args.redis, runtime.keys, settings)

        async def the_queue() -> JobQueue:
            return queue

        monitor.use_queue(the_queue)
        workers = Workers(env, data, db, prefix)
        try:
            workers.scale(2)
            path = data / "counterparties.csv"
            write_file(path, args.rows)
            table = inspect_file(path, TableOptions(), path.name, settings.read_bounds)
            imported, seconds = await run_to_end(
                monitor, lambda: monitor.runner.start_import(None, path, table), workers
            )
            print(
                f"import (one task): {imported.done:,} rows in {seconds:.1f} s = "
                f"{imported.done / seconds:,.0f} rows/s, {imported.alerts_opened:,} alerts opened, "
                f"workers' CPU {workers.cpu:.1f} s"
            )

            receiver = Receiver()
            webhook = await register(
                store, settings, receiver.url, MONITORING_EVENTS, "bench", None
            )
            receiver.secret = webhook.secret
            rescreens, deliveries = [], []
            for round_ in range(args.repeat):
                before = runtime.holder.current().version
                await runtime.reloader.adopt(changed_list(runtime.holder.current(), round_))
                after = runtime.holder.current().version
                seen = len(receiver.ids)
                start = partial(
                    monitor.runner.start, "changes", None, from_version=before, to_version=after
                )
                run, seconds = await run_to_end(monitor, start, workers)
                rescreens.append(seconds)
                expected = seen + run.alerts_opened + run.alerts_closed + 1  # + rescreen.finished

                async def delivered(expected: int = expected) -> bool:
                    return len(receiver.ids) >= expected

                deliveries.append(seconds + await until(delivered, timeout=1800))
                print(
                    f"change-driven re-screen, 2 workers: {run.done:,} counterparties in "
                    f"{seconds:.1f} s (workers' CPU {workers.cpu:.1f} s), {run.alerts_opened:,} "
                    f"alerts opened; every webhook delivered after {deliveries[-1]:.1f} s"
                )
            fulls: dict[int, list[float]] = {2: [], 1: []}
            for count in (2, 1):
                workers.scale(count)
                for _ in range(args.repeat):
                    version = runtime.holder.current().version
                    start = partial(monitor.runner.start, "full", None, to_version=version)
                    full, seconds = await run_to_end(monitor, start, workers)
                    fulls[count].append(seconds)
                    print(
                        f"full re-screen, {count} worker(s): {full.done:,} in {seconds:.1f} s "
                        f"= {full.done / seconds:,.0f}/s (workers' CPU {workers.cpu:.1f} s)"
                    )
            print(f"\nmedians of {args.repeat}, {args.rows:,} counterparties:")
            print(f"  change-driven re-screen, 2 workers: {median(rescreens)}")
            print(f"  until every webhook delivered, 2 workers: {median(deliveries)}")
            print(f"  full re-screen, 2 workers: {median(fulls[2])}")
            print(f"  full re-screen, 1 worker: {median(fulls[1])}")
            print(f"  deliveries that failed verification: {receiver.failures}")
            receiver.server.shutdown()
        finally:
            workers.scale(0)
            await queue.close()
            await runtime.reloader.close()
            runtime.stop()
            store.close()
            keys = list(db.scan_iter(match=f"*{prefix}*", count=1000))
            for start in range(0, len(keys), 1000):
                db.delete(*keys[start : start + 1000])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of each re-screen")
    parser.add_argument("--database", help="a PostgreSQL URL; default: SQLite")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    asyncio.run(main(parser.parse_args()))
