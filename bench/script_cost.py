"""What reading other scripts costs Latin and Cyrillic queries: the engine's time per query on
the development set's Latin and Cyrillic queries (every script-free query, 7 rounds, the
median round; CPU time of the process, which other work on a shared machine disturbs less than
wall time), for this checkout and a baseline checkout (another worktree or an extracted
commit, with its engine compiled beside its sources), alternately in fresh processes.

Run: python bench/script_cost.py --baseline PATH [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7


def latin_or_cyrillic(query: str) -> bool:
    return all(c.isascii() or "\u0400" <= c <= "\u04ff" or not c.isalpha() for c in query)


def measure(root: Path, devset: Path) -> float:
    """Median over rounds of the mean time per query, in microseconds (run in a subprocess)."""
    sys.path.insert(0, str(root))
    from service.screening.screener import Screener
    from service.watchlist.loader import load_watchlist

    screener = Screener.build(load_watchlist())
    with devset.open(encoding="utf-8", newline="") as handle:
        queries = [r["query"] for r in csv.DictReader(handle) if latin_or_cyrillic(r["query"])]
    for query in queries:
        screener.screen(query, country=None, threshold=0.75, limit=10)
    rounds = []
    for _ in range(ROUNDS):
        start = time.process_time()
        for query in queries:
            screener.screen(query, country=None, threshold=0.75, limit=10)
        rounds.append((time.process_time() - start) / len(queries) * 1e6)
    return statistics.median(rounds)


def run(root: Path, devset: Path) -> float:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(root), "--devset", str(devset)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--devset", type=Path, default=ROOT / "bench" / "devset" / "devset.csv")
    args = parser.parse_args()
    if args.measure is not None:
        print(f"{measure(args.measure, args.devset):.2f}")
        return
    if args.baseline is None:
        parser.error("--baseline is required")
    times: dict[str, list[float]] = {"baseline": [], "this checkout": []}
    for _ in range(args.runs):
        times["baseline"].append(run(args.baseline.resolve(), args.devset))
        times["this checkout"].append(run(ROOT, args.devset))
    print("| engine | µs per Latin/Cyrillic query, each run | median |")
    print("|---|---|---:|")
    for name, values in times.items():
        shown = ", ".join(f"{v:.1f}" for v in values)
        print(f"| {name} | {shown} | {statistics.median(values):.1f} |")


if __name__ == "__main__":
    main()
