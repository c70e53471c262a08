"""XLSX bombs against a running API process: the peak resident memory of the process
(`VmHWM`, its high-water mark) and the answer to each crafted upload, against a baseline
measured in the same process just before: a normal supplier workbook screened through the
same API (10,000 rows, upload to job done).

Each run starts its own `redis-server` and `python -m service serve` (uvicorn in that process,
its embedded worker on: the job's file is read in the API process too, the worst case), the
seed watchlist, default settings. Per run: the normal file, then one bomb. In open mode, except
for the lying dimension, sent with a key of 1,000 rows per hour, as the issue found it. The
crafted files are made once into bench/out/upload-bombs/ (bench/upload_files.py).

Run: python bench/upload_bombs_bench.py [--runs 3] [--only huge_cell ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import upload_files
from batch_api_bench import api_ready, free_port, process, redis_answers, wait_for

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "bench" / "out" / "upload-bombs"
OUT = ROOT / "bench" / "out" / "upload_bombs_bench.json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The bound the issue sets on the API process's peak.
MAX_PEAK_MB = 300

#: name -> (what it is, how to make it, sent with a key of 1,000 rows per hour)
CASES: dict[str, tuple[str, Callable[[Path], Path], bool]] = {
    "huge_cell": (
        "one cell of 300,000,000 characters",
        lambda p: upload_files.huge_cell(p, 300_000_000),
        False,
    ),
    "shared_strings": (
        "6,000,000 shared strings",
        lambda p: upload_files.shared_strings_bomb(p, 6_000_000),
        False,
    ),
    "lying_dimension": (
        "declares 2 rows, holds 2,000,000 (identical)",
        lambda p: upload_files.identical_rows(p, 2_000_000, dimension="A1:A2"),
        True,
    ),
    "lying_dimension_distinct": (
        "declares 2 rows, holds 2,000,000 (all different)",
        lambda p: upload_files.suppliers(p, 2_000_000, dimension="A1:B2"),
        True,
    ),
    "zip_bomb": (
        "a sheet inflating to 1.5 GB (white space)",
        lambda p: upload_files.zip_bomb(p, 1_500_000_000),
        False,
    ),
}


def peak_mb(pid: int) -> float:
    """The process's resident high-water mark, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def submit(client: httpx.Client, path: Path, headers: dict[str, str]) -> dict[str, Any]:
    """The answer to the upload and, for a job taken, how the job ended."""
    started = time.perf_counter()
    with path.open("rb") as file:
        response = client.post("/v1/jobs", files={"file": (path.name, file, XLSX)}, headers=headers)
    body = response.json()
    answer: dict[str, Any] = {"status": response.status_code, "code": body.get("code")}
    if response.status_code == 202:
        job = body
        while job["status"] not in ("done", "failed"):
            time.sleep(0.2)
            job = client.get(f"/v1/jobs/{job['id']}", headers=headers).json()
        answer |= {
            "job": job["status"],
            "code": (job["error"] or {}).get("code"),
            "rows_done": job["progress"]["rows_done"],
        }
    answer["seconds"] = round(time.perf_counter() - started, 2)
    return answer


def keys(client: httpx.Client) -> tuple[dict[str, str], dict[str, str]]:
    """An admin key (for the normal file) and a key of 1,000 rows per hour (for the bomb)."""
    admin = client.post("/v1/keys", json={"name": "admin", "role": "admin"}).json()["key"]
    body = {"name": "erp", "role": "screener", "rows_per_hour": 1000}
    key = client.post("/v1/keys", json=body, headers={"X-API-Key": admin}).json()["key"]
    return {"X-API-Key": admin}, {"X-API-Key": key}


def one_run(case: str, normal: Path, bomb: Path, work: Path) -> dict[str, Any]:
    redis_port, api_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    for name in ("WATCHLIST_PATH", "DATABASE_URL"):
        env.pop(name, None)
    env |= {
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SCREENING_DATA_DIR": str(work / "data"),
        "SCREENING_LOG_LEVEL": "WARNING",
    }
    with ExitStack() as stack:
        redis = shutil.which("redis-server") or "redis-server"
        command = [redis, "--port", str(redis_port), "--save", "", "--appendonly", "no"]
        stack.enter_context(process(command, env, work / "redis.log"))
        wait_for(lambda: redis_answers(redis_port), "redis-server")
        serve = [sys.executable, "-m", "service", "serve", "--port", str(api_port)]
        api = stack.enter_context(process(serve, env, work / "api.log"))
        base = f"http://127.0.0.1:{api_port}"
        wait_for(lambda: api_ready(base), "the API")
        with httpx.Client(base_url=base, timeout=600) as client:
            started_mb = peak_mb(api.pid)
            admin, headers = keys(client) if CASES[case][2] else ({}, {})
            normal_answer = submit(client, normal, admin)
            baseline_mb = peak_mb(api.pid)
            answer = submit(client, bomb, headers)
            time.sleep(1)  # the job's last chunks, if any, end
            bomb_mb = peak_mb(api.pid)
            alive = client.get("/health").status_code == 200
    assert normal_answer.get("job") == "done", normal_answer
    return {
        "started_mb": round(started_mb),
        "baseline_mb": round(baseline_mb),
        "peak_mb": round(bomb_mb),
        "answer": answer,
        "alive": alive,
    }


def made(name: str, make: Callable[[Path], Path]) -> Path:
    path = FILES / f"{name}.xlsx"
    if not path.exists():
        FILES.mkdir(parents=True, exist_ok=True)
        make(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=list(CASES), default=list(CASES))
    args = parser.parse_args()
    normal = made("normal", lambda p: upload_files.suppliers(p, 10_000))
    report = {}
    for case in args.only:
        what, make, _ = CASES[case]
        bomb = made(case, make)
        runs = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="upload-bombs-") as work:
                runs.append(one_run(case, normal, bomb, Path(work)))
        figures = {
            "what": what,
            "file_kb": round(bomb.stat().st_size / 1024),
            "baseline_mb": statistics.median(r["baseline_mb"] for r in runs),
            "peak_mb": statistics.median(r["peak_mb"] for r in runs),
            "max_peak_mb": max(r["peak_mb"] for r in runs),
            "answers": sorted({json.dumps(r["answer"] | {"seconds": None}) for r in runs}),
            "seconds": statistics.median(r["answer"]["seconds"] for r in runs),
            "alive": all(r["alive"] for r in runs),
            "runs": runs,
        }
        report[case] = figures
        print(f"{case}: {json.dumps({k: v for k, v in figures.items() if k != 'runs'})}")
        assert figures["max_peak_mb"] < MAX_PEAK_MB, f"{case}: peak over {MAX_PEAK_MB} MB"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
