"""A re-screening cut into pages that every worker takes, on SQLite and PostgreSQL: real worker
processes (`python -m service worker`) import counterparties and share the pages of a
change-driven run (screening against a version they were not started on, built from the
versions kept); one killed mid-run with SIGKILL, another finishes: every alert opened and
every event once, the run ended once. And pages done twice, at once or again, count once."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from service.api.context import monitor_of
from service.batch.queue import JobQueue
from service.monitoring.runs import SCREENED_VERSION, Runner
from service.store.runs import Run
from tests.api.jobs_support import WorkerProcess, worker_env
from tests.monitoring.conftest import Monitored

#: Counterparties, a page of rows, and every how many counterparties one bears the name of an
#: entity the list gains (so that many alerts open).
ROWS = 1500
PAGE_ROWS = 10
EVERY = 10
#: Short saq timers: a killed worker's page is redone within seconds.
FAST = {"job_heartbeat_seconds": 2, "job_sweep_seconds": 1, "monitoring_page_rows": PAGE_ROWS}


@pytest.fixture
def workers(
    tmp_path: Path, redis_url: str, key_prefix: str, database_url: str
) -> Iterator[Callable[[Monitored], WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(m: Monitored) -> WorkerProcess:
        settings = {k: str(v) for k, v in FAST.items()}
        env = worker_env(redis_url, key_prefix, tmp_path / "worker", **settings)
        env |= {"DATABASE_URL": database_url, "WATCHLIST_PATH": str(m.lists.path)}
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _name(n: int, word: str) -> str:
    return f"{word} Kappa Systems" if n % EVERY == 0 else f"Supplier {n} Hardware Trading"


def _import(m: Monitored, word: str) -> dict[str, Any]:
    rows = [{"id": f"S-{n:05d}", "name": _name(n, word)} for n in range(ROWS)]
    response = m.client.post("/v1/counterparties/import", json={"rows": rows})
    assert response.status_code == 202, response.text
    run_id = response.json()["id"]
    return m.wait_run(lambda r: r["id"] == run_id, timeout=120)


def _page_tasks(db: redis.Redis, prefix: str, run_id: str) -> list[dict[str, Any]]:
    """saq's records of the run's page tasks (kept an hour after they finish)."""
    keys = list(db.scan_iter(match=f"saq:job:{prefix}:v1:jobs:monitoring:{run_id}:*"))
    return [json.loads(v) for v in db.mget(keys) if v]


def version_run_id(m: Monitored, version: str) -> str:
    runs = m.client.get("/v1/counterparties/runs").json()["runs"]
    return str(next(r["id"] for r in runs if r["to_version"] == version))


def _opened(m: Monitored, after: str) -> list[str]:
    return [d["counterparty_id"] for t, d in m.events(after) if t == "alert.opened"]


def _finished(m: Monitored, run_id: str) -> int:
    return sum(t == "rescreen.finished" and d["run_id"] == run_id for t, d in m.events())


@pytest.mark.serial
def test_worker_processes_share_a_rescreen_and_a_killed_one_loses_nothing(
    monitored: Callable[..., Monitored],
    workers: Callable[[Monitored], WorkerProcess],
    redis_db: redis.Redis,
    key_prefix: str,
) -> None:
    m = monitored(embedded_worker=False, **FAST)  # only the worker processes run tasks
    first = workers(m)
    second = workers(m)
    imported = _import(m, "Novator")
    assert (imported["status"], imported["done"], imported["errors"]) == ("done", ROWS, 0)
    expected = [f"S-{n:05d}" for n in range(0, ROWS, EVERY)]

    # The list gains an entity named as every tenth counterparty: both workers take pages.
    mark = m.last_event_id()
    m.lists.entities.append({"id": "xx-novator", "name": "Novator Kappa Systems"})
    run = m.reload()
    assert (run["status"], run["kind"], run["done"]) == ("done", "changes", ROWS)
    assert run["alerts_opened"] == len(expected)
    assert sorted(_opened(m, mark)) == expected
    assert _finished(m, run["id"]) == 1
    tasks = _page_tasks(redis_db, key_prefix, run["id"])
    assert len(tasks) == ROWS // PAGE_ROWS + 1
    assert len({t["worker_id"] for t in tasks}) == 2
    assert m.store.runs.state(SCREENED_VERSION) == run["to_version"]

    # Another entity named as them too; a worker is killed in the middle of the run.
    mark = m.last_event_id()
    m.lists.entities.append({"id": "xx-novator-2", "name": "Novator Kappa Systemy"})
    m.lists.write()
    response = m.client.post("/v1/watchlist/reload")
    version = response.json()["version"]

    def progress() -> int:
        runs = m.client.get("/v1/counterparties/runs").json()["runs"]
        found = [r for r in runs if r["to_version"] == version]
        return int(found[0]["done"]) if found else 0

    deadline = time.monotonic() + 60
    while progress() < ROWS // 5:
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.02)
    # Both workers are frozen, and killed once the queue shows a page in the hands of one
    # (frozen, no page can finish meanwhile; a loaded machine may catch them between pages).
    in_hand: list[dict[str, Any]] = []
    while not in_hand:
        assert time.monotonic() < deadline, "no page was ever seen in a worker's hands"
        for worker in (first, second):
            worker.process.send_signal(signal.SIGSTOP)
        tasks = _page_tasks(redis_db, key_prefix, version_run_id(m, version))
        in_hand = [t for t in tasks if t["status"] == "active"]
        if not in_hand:
            for worker in (first, second):
                worker.process.send_signal(signal.SIGCONT)
            time.sleep(0.01)
    first.kill()
    second.kill()
    assert progress() < ROWS, "the run ended before the kill"
    workers(m)
    run = m.wait_run(lambda r: r["to_version"] == version, timeout=120)
    assert (run["status"], run["total"], run["done"], run["errors"]) == ("done", ROWS, ROWS, 0)
    assert run["alerts_opened"] == len(expected)
    assert sorted(_opened(m, mark)) == expected  # each once, none lost
    assert _finished(m, run["id"]) == 1
    # The killed workers' pages in hand were redone by another.
    assert any(t["attempts"] > 1 for t in _page_tasks(redis_db, key_prefix, run["id"]))
    assert len(m.client.get("/v1/alerts", params={"limit": 1000}).json()["alerts"]) == 2 * len(
        expected
    )


def test_a_page_done_twice_counts_once(monitored: Callable[..., Monitored], redis_url: str) -> None:
    m = monitored(embedded_worker=False, monitoring_page_rows=3)
    for n in range(10):
        body = {"name": _name(n * EVERY // 2, "Quillon")}
        assert m.client.put(f"/v1/counterparties/q-{n:02d}", json=body).status_code == 201
    m.lists.entities.append({"id": "xx-quillon", "name": "Quillon Kappa Systems"})
    m.lists.write()
    assert m.client.post("/v1/watchlist/reload").status_code == 200
    run_id = _queued_run(m)
    runtime = m.client.app.state["runtime"]
    runner = monitor_of(m.client.app.state).runner

    async def work() -> None:
        # This test is the workers: the run's task queues its pages on the real queue (no
        # worker takes them), then each page runs twice at once, and once more afterwards.
        queue = JobQueue(redis_url, runtime.keys, runtime.settings)
        try:
            ctx = {"batch": _Context(queue)}
            await runner.run_task(ctx, run_id=run_id)
            await runner.run_task(ctx, run_id=run_id)  # redone: pages recorded once
            pages = m.store.runs.pages(run_id)
            assert [p.number for p in pages] == [0, 1, 2, 3]
            twice = [p for p in pages for _ in range(2)]
            await asyncio.gather(*(_page(runner, ctx, run_id, p) for p in twice))
            for page in pages:
                await _page(runner, ctx, run_id, page)
        finally:
            await queue.close()

    asyncio.run(work())
    run = m.store.runs.run(run_id)
    assert run is not None and (run.status, run.total, run.done) == ("done", 10, 10)
    assert run.alerts_opened == 5 and run.errors == 0
    assert sorted(_opened(m, "")) == sorted(f"q-{n:02d}" for n in range(0, 10, 2))
    assert _finished(m, run_id) == 1


class _Context:
    def __init__(self, queue: JobQueue) -> None:
        self.jobs = queue


async def _page(runner: Any, ctx: dict[str, Any], run_id: str, page: Any) -> None:
    await runner.page_task(ctx, run_id=run_id, page=page.number, after=page.after, until=page.until)


def _queued_run(m: Monitored) -> str:
    deadline = time.monotonic() + 20
    while True:
        runs: list[Run] = m.store.runs.latest(5)
        found = [r for r in runs if r.kind == "changes"]
        if found:
            return found[0].id
        assert time.monotonic() < deadline, "no run was queued"
        time.sleep(0.05)


def test_processes_told_of_a_version_at_once_start_one_rescreen(
    monitored: Callable[..., Monitored], redis_url: str
) -> None:
    # Every API process of a deployment is told of a new version at the same moment (the
    # announcement through Redis): four of them, each with its own connection, on one store.
    m = monitored(embedded_worker=False)
    body = {"name": "Quillon Kappa Systems"}
    assert m.client.put("/v1/counterparties/c-1", json=body).status_code == 201
    runtime = m.client.app.state["runtime"]
    served = monitor_of(m.client.app.state).runner
    current = runtime.holder.current().version
    m.store.runs.set_state(SCREENED_VERSION, "an-earlier-version")

    async def told() -> None:
        queues = [JobQueue(redis_url, runtime.keys, runtime.settings) for _ in range(4)]

        def factory(queue: JobQueue) -> Callable[[], Awaitable[JobQueue]]:
            async def get() -> JobQueue:
                return queue

            return get

        try:
            processes = [
                Runner(runtime, served.registry, factory(q), served._screeners) for q in queues
            ]
            await asyncio.gather(*(p.version_changed(None, current) for p in processes))
        finally:
            for queue in queues:
                await queue.close()

    asyncio.run(told())
    started = [r for r in m.store.runs.latest(20) if r.to_version == current]
    assert [(r.kind, r.from_version) for r in started] == [("changes", "an-earlier-version")]
