"""What recording every row in the audit trail costs `screen-file`: the same supplier master
(`supplier_file.py`, made first if missing) screened with the audit on and off
(`SCREENING_AUDIT_ENABLED`), the runs interleaved, each in a new data directory (an empty
embedded SQLite store), pinned to one core; wall time and rows per second, medians. With the
audit on, the records are counted in the store afterwards (one per row).

Run: python bench/cli_audit_bench.py [--rows 200000] [--runs 3] [--cpu 0]
With the Python of an installation that has the compiled engine.
Figures go to bench/out/cli_audit_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))

import supplier_file  # noqa: E402
from api_bench import machine  # noqa: E402


def one(path: Path, audit: bool, cpu: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        command = ["taskset", "-c", str(cpu), sys.executable, "-m", "service", "screen-file"]
        command += [str(path), "-o", str(Path(tmp) / "results.csv")]
        env = os.environ | {"PYTHONPATH": str(ROOT), "SCREENING_AUDIT_ENABLED": str(audit)}
        started = time.perf_counter()
        done = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        records = 0
        if audit:
            with sqlite3.connect(Path(tmp) / "data" / "screening.sqlite3") as db:
                records = db.execute("SELECT count(*) FROM screenings").fetchone()[0]
    return {"audit": audit, "seconds": round(seconds, 2), "records": records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=0)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    path = OUT / f"suppliers-{args.rows}-seed{args.seed}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        supplier_file.write(args.rows, path, args.seed, supplier_file.LISTED_SHARE, ";", False)
    runs = [one(path, audit, args.cpu) for _ in range(args.runs) for audit in (False, True)]
    for run in runs:
        print(json.dumps(run), file=sys.stderr)
    summary = {}
    for audit in (False, True):
        seconds = statistics.median(r["seconds"] for r in runs if r["audit"] is audit)
        summary["on" if audit else "off"] = {
            "seconds": seconds,
            "rows_per_second": round(args.rows / seconds),
        }
    on, off = summary["on"]["seconds"], summary["off"]["seconds"]
    summary["cost_us_per_row"] = round((on - off) / args.rows * 1e6, 1)
    result = {
        "command": " ".join(["python", "bench/cli_audit_bench.py", *sys.argv[1:]]),
        "machine": machine(),
        "runs": runs,
        "summary": summary,
    }
    (OUT / "cli_audit_bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
