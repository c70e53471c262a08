"""Helpers of the jobs API tests: submitting files, waiting for a job, reading results back,
the saq keys of a test's queue, and `python -m service worker` processes (real ones, which a
test may kill)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import redis
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook

FIXTURE = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"
ROOT = Path(__file__).parents[2]

#: A supplier file as an ERP exports it: semicolons, a header, ids, a country column.
SUPPLIERS = (
    "Vendor no.;Supplier name;Country\n"
    "V-1;Zavod SVT;BY\n"
    "V-2;Acme Garden Furniture GmbH;DE\n"
    "V-3;Minsk Wheeled Tractor Plant;BY\n"
    "V-4;;BY\n"
    "V-5;Legmash Orsha;\n"
    "V-6;Acme Garden Furniture GmbH;DE\n"
    f"V-7;{'Supplier ' * 40};BY\n"
)
#: What each row of `SUPPLIERS` gives: status, and the best match's entity (or the error).
EXPECTED = [
    ("hit", "by-zavod-svt"),
    ("clear", None),
    ("hit", "by-mzkt"),
    ("error", "name is empty"),
    ("hit", "by-legmash"),
    ("clear", None),
    ("error", "name is 359 characters long; the limit is 300"),
]


def submit(
    client: TestClient[Litestar],
    text: str | bytes = SUPPLIERS,
    filename: str = "suppliers.csv",
    headers: dict[str, str] | None = None,
    **fields: str,
) -> Any:
    content = text.encode() if isinstance(text, str) else text
    response = client.post(
        "/v1/jobs", files={"file": (filename, content, "text/csv")}, data=fields, headers=headers
    )
    assert response.status_code == 202, response.text
    return response.json()


def wait_done(
    client: TestClient[Litestar],
    job_id: str,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/v1/jobs/{job_id}", headers=headers)
        assert response.status_code == 200, response.text
        job = response.json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']}: {job['progress']}"
        time.sleep(0.05)


def results(client: TestClient[Litestar], job_id: str, fmt: str = "jsonl", **query: str) -> Any:
    params = {"format": fmt, **query}
    response = client.get(f"/v1/jobs/{job_id}/results", params=params)
    assert response.status_code == 200, response.text
    if fmt == "jsonl":
        lines = [json.loads(line) for line in response.text.splitlines()]
        return lines[:-1], lines[-1]["summary"]
    if fmt == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = [list(row) for row in book["results"].values]
    summary = {row[0]: row[1] for row in book["summary"].values}
    book.close()
    width = len(sheet[0])  # read-only mode leaves out empty cells at the end of a row
    rows = [row + [None] * (width - len(row)) for row in sheet[1:]]
    return [dict(zip(sheet[0], row, strict=True)) for row in rows], summary


def saq_keys(db: redis.Redis, prefix: str) -> list[bytes]:
    """The keys saq keeps for the queue of a test's prefix (outside the prefix: `saq:...`)."""
    return list(db.scan_iter(match=f"saq:*{prefix}:*", count=1000))


def worker_env(redis_url: str, prefix: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """A worker's environment: the test's Redis and key prefix, and the test apps' store (the
    SQLite file in the test's data directory), where it records the rows it screens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env.pop("DATABASE_URL", None)
    return env | {
        "REDIS_URL": redis_url,
        "SCREENING_DATA_DIR": str(data_dir),
        "WATCHLIST_PATH": str(FIXTURE),
        "SCREENING_REDIS_KEY_PREFIX": prefix,
        "SCREENING_LOG_LEVEL": "WARNING",
        **{f"SCREENING_{name.upper()}": value for name, value in settings.items()},
    }


class WorkerProcess:
    """`python -m service worker`, a real process, which a test may kill."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "worker"],
            env=env,
            cwd=ROOT,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._out.close()
        return self.process.returncode
