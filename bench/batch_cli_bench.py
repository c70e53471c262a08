"""Rows per second of `python -m service screen-file` on a supplier master (by default the
1,000,000-row file of `supplier_file.py`, made first if missing), pinned to one core, with wall
time, peak memory and the machine's load; then the results checked against the file's marks:
recall of the listed rows (the expected entity among a row's matches, and as its best match)
and the share of unlisted rows with a hit.

Run: python bench/batch_cli_bench.py [--rows 1000000] [--cpu 0] [--output-format csv]
                                     [--distinct]   (every name once: what the memo saves)
With the Python of an installation that has the compiled engine (see bench/RESULTS.md).
Figures go to bench/out/batch_cli_bench-<variant>.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))

import supplier_file  # noqa: E402


def supplier_master(rows: int, seed: int, distinct: bool) -> Path:
    path = OUT / f"suppliers-{rows}-seed{seed}{'-distinct' if distinct else ''}.csv"
    if not path.exists() or not supplier_file.side_file(path).exists():
        print(f"writing {path} ...", file=sys.stderr)
        supplier_file.write(rows, path, seed, supplier_file.LISTED_SHARE, ";", distinct)
    return path


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(source: Path, output: Path, cpu: int | None, extra: list[str]) -> dict[str, Any]:
    """One `screen-file` run in a child process: wall time, peak RSS, the command's summary."""
    command = [sys.executable, "-m", "service", "screen-file", str(source), "-o", str(output),
               "--no-progress", *extra]  # fmt: skip
    if cpu is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(cpu), *command]
    before = uptime()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"screen-file failed ({done.returncode}):\n{done.stderr}")
    # ru_maxrss of the children: the screen-file process (taskset execs it), in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "command": " ".join(c if c != sys.executable else "python" for c in command),
        "wall_seconds": round(wall, 2),
        "peak_rss_mib": round(peak),
        "stderr": done.stderr.strip().splitlines(),
        "uptime_before": before,
        "uptime_after": uptime(),
    }


def check(results: Path, marks: Path) -> dict[str, Any]:
    """Recall of the listed rows and hits among the other rows, from a CSV of results."""
    with marks.open(encoding="utf-8", newline="") as handle:
        listed = {int(r["row"]): r for r in csv.DictReader(handle)}
    found: Counter[str] = Counter()
    best: Counter[str] = Counter()
    per_category: Counter[str] = Counter()
    unlisted = unlisted_hits = rows = 0
    false_hits: Counter[tuple[str, str]] = Counter()
    with results.open(encoding="utf-8-sig", newline="") as handle:
        for r in csv.DictReader(handle):
            rows += 1
            mark = listed.get(int(r["row"]))
            if mark is None:
                unlisted += 1
                if r["status"] == "hit":
                    unlisted_hits += 1
                    false_hits[(r["name"], r["best_entity_id"])] += 1
                continue
            category, expected = mark["category"], mark["expected_entity_id"]
            per_category[category] += 1
            ids = [m["entity_id"] for m in json.loads(r["matches"])]
            found[category] += expected in ids
            best[category] += r["best_entity_id"] == expected
    total = sum(per_category.values())
    return {
        "rows": rows,
        "listed_rows": total,
        "recall": round(sum(found.values()) / total, 4),
        "recall_best_match": round(sum(best.values()) / total, 4),
        "recall_by_category": {c: round(found[c] / n, 4) for c, n in sorted(per_category.items())},
        "unlisted_rows": unlisted,
        "unlisted_rows_with_a_hit": unlisted_hits,
        "unlisted_hit_share": round(unlisted_hits / unlisted, 4) if unlisted else 0.0,
        "most_frequent_unlisted_hits": [
            {"name": name, "entity_id": entity, "rows": n}
            for (name, entity), n in false_hits.most_common(15)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--file", type=Path, help="a supplier file with its .listed.csv marks")
    parser.add_argument("--cpu", type=int, default=0, help="core to pin to; -1: no pinning")
    parser.add_argument("--output-format", default="csv", choices=["csv", "jsonl", "xlsx"])
    parser.add_argument("--distinct", action="store_true", help="a file without repeated names")
    args = parser.parse_args()
    source = args.file or supplier_master(args.rows, args.seed, args.distinct)
    variant = f"{'-distinct' if args.distinct else ''}-{args.output_format}"
    output = OUT / f"batch_cli_results{variant}.{args.output_format}"
    extra = ["--output-format", args.output_format]
    figures = run(source, output, None if args.cpu < 0 else args.cpu, extra)
    summary = figures["stderr"][-1]
    rows = int(summary.split(" rows")[0].split()[-1].replace(",", ""))
    figures["rows_per_second"] = round(rows / figures["wall_seconds"])
    if args.output_format == "csv":
        figures["quality"] = check(output, supplier_file.side_file(source))
    figures["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    report = OUT / f"batch_cli_bench{variant}.json"
    report.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
