"""Monitoring at scale: N counterparties registered from a CSV file (the import run, rows/s),
then a list change adding 3 entities and an alias (the change-driven re-screen, seconds), then
a full re-screen of them all (seconds). One process runs each run's task as a worker would
(the same code, without the queue's dispatch), against the seed watchlist, on a SQLite (or
`--database` PostgreSQL) store in a temporary directory and the Redis at `--redis` for the
uploaded file.

    python bench/monitoring_bench.py --rows 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import TypeAdapter

from service.auth.ratelimit import open_rate_limiter
from service.batch.layout import TableInfo, TableOptions
from service.batch.queue import JobQueue
from service.batch.tables import inspect_file
from service.lifecycle.state import ScreenerHolder, load_screener
from service.lifecycle.versions import VersionStore
from service.metrics import Metrics
from service.monitoring.monitor import Monitor
from service.runtime import Runtime
from service.screening.cache import open_cache
from service.screening.screener import Screener
from service.settings import Settings
from service.store import open_store
from service.watchlist.loader import Watchlist
from service.watchlist.model import Alias, Entity

WORDS = (
    "Alpha Baltic Crown Delta Eastern Forest Granite Harbor Iron Jade Kinetic Lumen Meridian "
    "Nordic Orion Polar Quartz River Summit Terra Union Vector Western Zenith Agro Trans Metal "
    "Textile Logistics Trading Systems Foods Energy Chemical Machinery Optics Electro Marine"
).split()
FORMS = ("LLC", "GmbH", "Ltd", "OOO", "JSC", "SA", "BV", "")


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


def changed_list(screener: Screener) -> Screener:
    """The list with 3 new entities and an alias added to one listed."""
    entities = list(screener.watchlist.entities)
    first = entities[0]
    entities[0] = first.model_copy(
        update={"aliases": (*first.aliases, Alias(name="Orion Quartz Harbor Trading"))}
    )
    entities += [
        Entity(id=f"xx-new-{n}", name=name, country=("RU",))
        for n, name in enumerate(
            ["Nordic Granite Systems", "Polar Vector Machinery", "Kinetic Lumen Optics"]
        )
    ]
    return Screener.build(Watchlist.of(entities))


async def run(monitor: Monitor, queue: JobQueue, kind: str, **fields: Any) -> tuple[Any, float]:
    runs = monitor.runtime.store.runs
    created = runs.create_run(kind, key_id=None, **fields)
    ctx = {"batch": SimpleNamespace(jobs=queue)}
    started = time.perf_counter()
    await monitor.runner.run_task(ctx, run_id=created.id)
    return runs.run(created.id), time.perf_counter() - started


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory)
        settings = Settings(
            _env_file=None,
            data_dir=data,
            database_url=args.database or f"sqlite:///{data / 'bench.sqlite3'}",
            redis_key_prefix=f"bench-{uuid.uuid4().hex[:8]}",
        )
        runtime = Runtime(settings, ScreenerHolder(), Metrics())
        store = open_store(settings.store_url)
        runtime.start(
            open_cache(settings),
            VersionStore(5),
            store,
            open_rate_limiter(settings, runtime.keys),
        )
        await runtime.reloader.adopt(load_screener([]))
        monitor = Monitor(runtime)
        queue = JobQueue(args.redis, runtime.keys, settings)
        path = data / "counterparties.csv"
        write_file(path, args.rows)
        table = inspect_file(path, TableOptions(), path.name, settings.read_bounds)

        created = store.runs.create_run("import", key_id=None, options=None)
        await queue.store.keep_upload(created.id, path)
        options = TypeAdapter(TableInfo).dump_json(table).decode()
        store.runs.update_run(created.id, options=options)
        started = time.perf_counter()
        await monitor.runner.run_task({"batch": SimpleNamespace(jobs=queue)}, run_id=created.id)
        seconds = time.perf_counter() - started
        done = store.runs.run(created.id)
        assert done is not None and done.status == "done", done
        print(
            f"import: {done.done:,} rows in {seconds:.1f} s = {done.done / seconds:,.0f} rows/s, "
            f"{done.alerts_opened:,} alerts opened"
        )

        before = runtime.holder.current().version
        await runtime.reloader.adopt(changed_list(runtime.holder.current()))
        after = runtime.holder.current().version
        changes, seconds = await run(
            monitor, queue, "changes", from_version=before, to_version=after
        )
        print(
            f"change-driven re-screen (3 entities added, 1 alias): {changes.done:,} "
            f"counterparties in {seconds:.1f} s, {changes.alerts_opened} alerts opened"
        )
        full, seconds = await run(monitor, queue, "full", to_version=after)
        print(
            f"full re-screen: {full.done:,} counterparties in {seconds:.1f} s = "
            f"{full.done / seconds:,.0f}/s, {full.alerts_opened} alerts opened"
        )
        await queue.close()
        runtime.stop()
        store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL URL; default: SQLite")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    asyncio.run(main(parser.parse_args()))
