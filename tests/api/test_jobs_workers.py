"""Worker processes (`python -m service worker`, real ones) on jobs submitted through the API:
one killed with SIGKILL in the middle of a job, after which another finishes it with every row
exactly once; two sharing one job; a worker stopped by SIGTERM; and one without a queue."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.store.audit import AuditFilter

from .jobs_support import ROOT, WorkerProcess, results, wait_done, worker_env

Client = Callable[..., TestClient[Litestar]]
#: Rows of the jobs the workers share: distinct names, so that every row is matched.
ROWS = 6000
CHUNK_ROWS = 100
#: Short saq timers, so that a dead worker's task is redone within seconds (a task's heartbeat
#: is set by whoever queues it: the API for a job's first task, the workers for its chunks).
FAST = {"job_heartbeat_seconds": 2, "job_sweep_seconds": 1, "job_chunk_rows": CHUNK_ROWS}


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(env: dict[str, str]) -> WorkerProcess:
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _submit_many(client: TestClient[Litestar]) -> str:
    # Names with a listed entity here and there, and every row different.
    names = [
        f"Zavod SVT branch {n}" if n % 500 == 0 else f"Trading House Number {n} Company"
        for n in range(ROWS)
    ]
    body = {"rows": [{"name": name, "id": f"S-{n}"} for n, name in enumerate(names)]}
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["id"]
    return job_id


def _fast_worker_env(redis_url: str, job_prefix: str, tmp_path: Path) -> dict[str, str]:
    """A worker on the test's queue and store, with the short timers of `FAST`."""
    fast = {k: str(v) for k, v in FAST.items()}
    return worker_env(redis_url, job_prefix, tmp_path / "data", **fast)


def _chunk_tasks(db: redis.Redis, prefix: str, job_id: str) -> list[dict[str, Any]]:
    """saq's records of the job's chunk tasks (kept an hour after they finish)."""
    keys = list(db.scan_iter(match=f"saq:job:{prefix}:v1:jobs:{job_id}:*"))
    tasks = [json.loads(v) for v in db.mget(keys) if v]
    return [t for t in tasks if t["function"] == "screen_chunk"]


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _wait_running(db: redis.Redis, prefix: str, count: int) -> None:
    """Until `count` workers run: saq writes a worker's info once it has started (its signal
    handlers set), a start-up that takes seconds on a busy machine."""
    pattern = f"saq:{prefix}:v1:jobs:worker_info:*"

    def running() -> bool:
        return len(list(db.scan_iter(match=pattern))) >= count

    _wait_for(running, f"fewer than {count} workers started")


def _exactly_once(client: TestClient[Litestar], job: dict[str, Any]) -> None:
    rows, summary = results(client, job["id"], "jsonl")
    assert [r["supplier_id"] for r in rows] == [f"S-{n}" for n in range(ROWS)]
    hits = sum(r["status"] == "hit" for r in rows)
    assert hits == ROWS // 500
    progress = job["progress"]
    assert (progress["rows_total"], progress["rows_done"], progress["hits"]) == (ROWS, ROWS, hits)
    assert (progress["chunks_done"], progress["errors"]) == (ROWS // CHUNK_ROWS, 0)
    assert (summary["rows"], summary["hits"]) == (ROWS, hits)
    # And in the audit trail (the store the workers share with the app), each row once.
    store = client.app.state["runtime"].store
    expected = sorted(f"{job['id']}.{n}" for n in range(1, ROWS + 1))

    def recorded() -> list[str]:  # the workers copy their journals in as they go
        return sorted(r.id for r in store.audit.find(AuditFilter(kinds=("job",))))

    _wait_for(lambda: len(recorded()) >= ROWS, "rows missing from the audit trail", 30)
    assert recorded() == expected


@pytest.mark.serial
def test_a_worker_killed_mid_job_loses_nothing_and_counts_nothing_twice(
    jobs_client: Client,
    workers: Callable[..., WorkerProcess],
    redis_url: str,
    redis_db: redis.Redis,
    job_prefix: str,
    tmp_path: Path,
) -> None:
    client = jobs_client(embedded_worker=False, **FAST)
    job_id = _submit_many(client)
    env = _fast_worker_env(redis_url, job_prefix, tmp_path)
    first = workers(env)

    def some_done() -> bool:
        done: int = client.get(f"/v1/jobs/{job_id}").json()["progress"]["chunks_done"]
        return done >= 5

    _wait_for(some_done, "the first worker screened nothing")
    # Frozen, then killed once the queue shows a chunk in its hands (frozen, it cannot finish
    # one meanwhile; a loaded machine may catch it between chunks).
    active = f"saq:{job_prefix}:v1:jobs:active"

    def holds_a_chunk() -> bool:
        first.process.send_signal(signal.SIGSTOP)
        if redis_db.llen(active):
            return True
        first.process.send_signal(signal.SIGCONT)
        return False

    _wait_for(holds_a_chunk, "the worker was never seen holding a chunk")
    first.kill()  # SIGKILL: no chance to hand anything back
    killed_at = client.get(f"/v1/jobs/{job_id}").json()
    assert killed_at["status"] == "running"
    assert 5 <= killed_at["progress"]["chunks_done"] < ROWS // CHUNK_ROWS
    in_hand = cast("list[bytes]", redis_db.lrange(active, 0, -1))
    assert in_hand, "the killed worker held no chunk"  # what it was screening, lost
    done_by_first = _chunk_tasks(redis_db, job_prefix, job_id)
    [first_id] = {t["worker_id"] for t in done_by_first if t["status"] == "complete"}

    workers(env)  # another worker: takes over the queue and redoes the dead one's chunks
    job = wait_done(client, job_id, timeout=120)
    assert job["status"] == "done", job
    _exactly_once(client, job)

    # The chunks the dead worker held are done again, by the other worker. (One whose results
    # it had recorded just before dying may still wait in the queue when the job is done: its
    # redo then records nothing.)
    def task(key: bytes) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(redis_db.get(key) or b"{}")
        return found

    _wait_for(lambda: all(task(k).get("status") == "complete" for k in in_hand), "no redo")
    assert all(task(k)["worker_id"] != first_id for k in in_hand)
    _exactly_once(client, client.get(f"/v1/jobs/{job_id}").json())


def test_two_workers_share_one_job(
    jobs_client: Client,
    workers: Callable[..., WorkerProcess],
    redis_url: str,
    redis_db: redis.Redis,
    job_prefix: str,
    tmp_path: Path,
) -> None:
    client = jobs_client(embedded_worker=False, **FAST)
    env = _fast_worker_env(redis_url, job_prefix, tmp_path)
    workers(env), workers(env)
    _wait_running(redis_db, job_prefix, 2)  # both ready before the job comes
    job_id = _submit_many(client)
    job = wait_done(client, job_id, timeout=120)
    assert job["status"] == "done", job
    _exactly_once(client, job)
    by_worker = {t["worker_id"] for t in _chunk_tasks(redis_db, job_prefix, job_id)}
    assert len(by_worker) == 2, "one worker did all the chunks"


def test_sigterm_stops_a_worker_cleanly(
    workers: Callable[..., WorkerProcess],
    redis_url: str,
    redis_db: redis.Redis,
    job_prefix: str,
    tmp_path: Path,
) -> None:
    worker = workers(worker_env(redis_url, job_prefix, tmp_path / "data"))
    _wait_running(redis_db, job_prefix, 1)  # a SIGTERM before that ends it by the signal
    assert worker.process.poll() is None
    assert worker.stop() == 0


def test_a_worker_needs_a_queue(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "service", "worker"],
        env=env | {"SCREENING_DATA_DIR": str(tmp_path)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "set REDIS_URL" in done.stderr and "(jobs_unavailable)" in done.stderr
