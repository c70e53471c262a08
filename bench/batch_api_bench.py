"""A supplier file through the jobs API, upload to downloaded results, with one and with two
worker processes: the time to upload (until `POST /v1/jobs` answers), to process (until the
job is done), to download the results (CSV), the total, and rows per second.

Each run starts its own `redis-server` (empty: a cold result cache), the API (`python -m
service serve`, its embedded worker off) and N `python -m service worker` processes, with the
seed watchlist and default settings otherwise (the audit trail on, in the embedded SQLite
store). The results are checked: one line per input row, in order, the job's counts, and one
audit record per row. Needs the compiled engine for meaningful figures (install
with `pip install -e '.[dev]'`), and `redis-server` on PATH.

Run: python bench/batch_api_bench.py bench/out/suppliers-1m.csv [--workers 1 2] [--rounds 1]
(make the file with: python bench/supplier_file.py 1000000 -o bench/out/suppliers-1m.csv)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "batch_api_bench.json"
#: Seconds between two looks at the job's status.
POLL_SECONDS = 0.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.1)


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def api_ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def run_job(base: str, path: Path, results: Path) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=600) as client:
        started = time.perf_counter()
        with path.open("rb") as file:
            response = client.post("/v1/jobs", files={"file": (path.name, file, "text/csv")})
        response.raise_for_status()
        uploaded = time.perf_counter()
        job = response.json()
        while job["status"] not in ("done", "failed"):
            time.sleep(POLL_SECONDS)
            job = client.get(f"/v1/jobs/{job['id']}").json()
        processed = time.perf_counter()
        if job["status"] != "done":
            raise RuntimeError(f"the job failed: {job['error']}")
        with (
            client.stream("GET", f"/v1/jobs/{job['id']}/results?format=csv") as stream,
            results.open("wb") as out,
        ):
            stream.raise_for_status()
            for piece in stream.iter_bytes(1 << 20):
                out.write(piece)
        downloaded = time.perf_counter()
    return {
        "upload_s": round(uploaded - started, 2),
        "processing_s": round(processed - uploaded, 2),
        "download_s": round(downloaded - processed, 2),
        "total_s": round(downloaded - started, 2),
        "job": job,
    }


def check_results(results: Path, rows: int, job: dict[str, Any]) -> None:
    """One line per input row, in order; the counts of the job match the file."""
    with results.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        numbers = []
        hits = errors = 0
        for row in reader:
            numbers.append(int(row[0]))
            hits += row[4] == "hit"
            errors += row[4] == "error"
    assert numbers == list(range(1, rows + 1)), "rows missing, repeated or out of order"
    progress = job["progress"]
    assert (progress["rows_total"], progress["hits"], progress["errors"]) == (rows, hits, errors)


def one_run(path: Path, rows: int, workers: int, work: Path) -> dict[str, Any]:
    redis_port, api_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env.pop("WATCHLIST_PATH", None)
    env.pop("DATABASE_URL", None)
    data = work / "data"  # the embedded default store (SQLite): the audit trail of the rows
    shutil.rmtree(data, ignore_errors=True)
    env |= {
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SCREENING_DATA_DIR": str(data),
        "SCREENING_EMBEDDED_WORKER": "false",
        "SCREENING_LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    with ExitStack() as stack:
        redis = shutil.which("redis-server") or "redis-server"
        redis_command = [redis, "--port", str(redis_port), "--save", "", "--appendonly", "no"]
        stack.enter_context(process(redis_command, env, work / "redis.log"))
        wait_for(lambda: redis_answers(redis_port), "redis-server")
        serve = [python, "-m", "service", "serve", "--port", str(api_port)]
        stack.enter_context(process(serve, env, work / "api.log"))
        base = f"http://127.0.0.1:{api_port}"
        wait_for(lambda: api_ready(base), "the API")
        for number in range(workers):
            command = [python, "-m", "service", "worker"]
            stack.enter_context(process(command, env, work / f"worker-{number}.log"))
        time.sleep(3)  # the workers load the watchlist
        figures = run_job(base, path, work / "results.csv")
    check_results(work / "results.csv", rows, figures["job"])
    figures["audit_records"] = audit_records(data / "screening.sqlite3", figures["job"]["id"])
    assert figures["audit_records"] == rows, "job rows without their audit record"
    figures["rows_per_s"] = round(rows / figures["total_s"])
    figures["workers"] = workers
    return figures


def audit_records(database: Path, job_id: str) -> int:
    """The job's rows recorded in the audit trail (each once: their ids are fixed)."""
    with sqlite3.connect(database) as connection:
        query = "SELECT count(*) FROM screenings WHERE job_id = ?"
        count: int = connection.execute(query, (job_id,)).fetchone()[0]
    return count


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with args.file.open(encoding="utf-8-sig") as file:
        rows = sum(1 for _ in file) - 1
    runs = []
    for _ in range(args.rounds):
        for workers in args.workers:
            before = uptime()
            with tempfile.TemporaryDirectory(prefix="batch-api-bench-") as work:
                figures = one_run(args.file, rows, workers, Path(work))
            figures |= {"uptime_before": before, "uptime_after": uptime()}
            job = figures.pop("job")
            figures["job_rows_per_s"] = job["progress"]["rows_per_second"]
            figures["cache_hits"] = job["progress"]["cache_hits"]
            runs.append(figures)
            print(json.dumps(figures), flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"file": str(args.file), "rows": rows, "runs": runs}, indent=2))
    print("\n| workers | upload s | processing s | download s | total s | rows/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        print(f"| {run['workers']} | {run['upload_s']} | {run['processing_s']} | "
              f"{run['download_s']} | {run['total_s']} | {run['rows_per_s']:,} |")  # fmt: skip


if __name__ == "__main__":
    main()
