"""Matching quality on the labelled development set, against the naive baseline in the same run.

Recall per positive category and false-positive rate per negative category at a threshold,
and the precision-recall curve over thresholds, for the engine and for rapidfuzz WRatio over
every listed name (the baseline).

Run: python bench/quality.py [--threshold 0.8] [--split all|gate|dev] [--curve]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.matching.matcher import DEFAULT_THRESHOLD  # noqa: E402
from service.screening.screener import Screener  # noqa: E402
from service.watchlist.loader import Watchlist, load_watchlist  # noqa: E402

DEVSET = ROOT / "bench" / "devset" / "devset.csv"
THRESHOLDS = [round(0.5 + 0.02 * i, 2) for i in range(26)]
#: Matches per query kept for the evaluation (an analyst reviews them all).
LIMIT = 10


@dataclass(frozen=True)
class Case:
    case_id: str
    query: str
    country: str | None
    expected: str | None
    category: str
    split: str


#: For one case: entity id -> best score (every entity the matcher returned).
Scores = dict[str, float]
Scorer = Callable[[Case], Scores]


def read_cases(path: Path = DEVSET, split: str = "all") -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cases = [
        Case(
            r["case_id"],
            r["query"],
            r["country"] or None,
            r["expected_entity_id"] or None,
            r["category"],
            r["split"],
        )
        for r in rows
    ]
    return [c for c in cases if split == "all" or c.split == split]


def engine_scorer(screener: Screener) -> Scorer:
    def score(case: Case) -> Scores:
        matches = screener.screen(case.query, country=case.country, threshold=0.0, limit=LIMIT)
        return {m.entity_id: m.score for m in matches}

    return score


def baseline_scorer(watchlist: Watchlist) -> Scorer:
    """rapidfuzz WRatio over every listed name (lower-cased, punctuation stripped)."""
    names: list[str] = []
    owners: list[str] = []
    for entity in watchlist.entities:
        for name in entity.all_names:
            names.append(name)
            owners.append(entity.id)

    def score(case: Case) -> Scores:
        found: Scores = {}
        hits = process.extract(
            case.query, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=LIMIT * 3
        )
        for _, value, index in hits:
            owner = owners[index]
            found[owner] = max(found.get(owner, 0.0), value / 100.0)
        return found

    return score


def evaluate(cases: Sequence[Case], scores: Sequence[Scores], threshold: float) -> dict[str, float]:
    """Recall per positive category, hit rate per negative category, overall precision."""
    hits: dict[str, list[bool]] = defaultdict(list)
    true_positive = false_positive = 0
    for case, found in zip(cases, scores, strict=True):
        above = {e for e, s in found.items() if s >= threshold}
        if case.expected:
            hit = case.expected in above
            hits[case.category].append(hit)
            true_positive += hit
            false_positive += len(above - {case.expected}) > 0 and not hit
        else:
            hits[case.category].append(bool(above))
            false_positive += bool(above)
    result = {category: sum(v) / len(v) for category, v in sorted(hits.items())}
    result["precision"] = true_positive / max(true_positive + false_positive, 1)
    positives = [h for c, v in hits.items() if not c.startswith("negative") for h in v]
    result["recall"] = sum(positives) / max(len(positives), 1)
    return result


def run(cases: Sequence[Case], scorer: Scorer) -> list[Scores]:
    return [scorer(case) for case in cases]


def _table(title: str, rows: dict[str, dict[str, float]], counts: dict[str, int]) -> None:
    columns = list(rows)
    print(f"\n{title}\n")
    print("| category | cases | " + " | ".join(columns) + " |")
    print("|---|---:|" + "---:|" * len(columns))
    for key in next(iter(rows.values())):
        cells = " | ".join(f"{rows[c][key]:.3f}" for c in columns)
        print(f"| {key} | {counts.get(key, '')} | {cells} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--baseline-threshold", type=float, default=0.85)
    parser.add_argument("--split", default="all", choices=["all", "gate", "dev"])
    parser.add_argument("--curve", action="store_true", help="print the precision-recall curve")
    args = parser.parse_args()
    cases = read_cases(split=args.split)
    watchlist = load_watchlist()
    engine = run(cases, engine_scorer(Screener.build(watchlist)))
    baseline = run(cases, baseline_scorer(watchlist))
    counts: dict[str, int] = defaultdict(int)
    for case in cases:
        counts[case.category] += 1
    _table(
        f"Recall (positives) and hit rate (negatives), watchlist {watchlist.version}",
        {
            f"engine @ {args.threshold}": evaluate(cases, engine, args.threshold),
            f"WRatio @ {args.baseline_threshold}": evaluate(
                cases, baseline, args.baseline_threshold
            ),
        },
        counts,
    )
    if args.curve:
        print("\nPrecision-recall curve\n")
        print(
            "| threshold | engine recall | engine precision | engine FP rate (clean) | "
            "WRatio recall | WRatio precision | WRatio FP rate (clean) |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for t in THRESHOLDS:
            e, b = evaluate(cases, engine, t), evaluate(cases, baseline, t)
            print(
                f"| {t:.2f} | {e['recall']:.3f} | {e['precision']:.3f} | "
                f"{e.get('negative_clean', 0):.3f} | {b['recall']:.3f} | {b['precision']:.3f} | "
                f"{b.get('negative_clean', 0):.3f} |"
            )


if __name__ == "__main__":
    main()
