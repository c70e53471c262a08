"""Build the labelled development set bench/devset/devset.csv from the seed watchlist, the
hand-written cases (handwritten.csv), generated variants and, for clean negatives, the shared
list files at ../shared/data (read-only; when they are absent the list-derived negatives of the
committed devset.csv are kept). Never imports the matching engine. Deterministic.

Run from the repository root:  python bench/devset/build_devset.py
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import (  # noqa: E402
    NEGATIVE_CATEGORIES,
    POSITIVE_CATEGORIES,
    Case,
    read_handwritten,
    read_list_negatives,
    unique,
    write_devset,
)
from classes import generators as class_generators  # noqa: E402
from generate import generate_all  # noqa: E402
from negatives import list_negatives, recheck, shares_generic  # noqa: E402
from seedinfo import REPO, Seed  # noqa: E402
from supplier import combined, supplier_lines  # noqa: E402
from ukrainian import ukrainian  # noqa: E402

#: Minimum cases: per positive category, clean negatives (and those sharing a generic word
#: with a listed name), namesakes, and positives per seed entity.
MIN_POSITIVE = 60
#: The classes added later have smaller minimums (Ukrainian-language names a larger one).
MIN_NEW_CLASS = {"ukrainian": 130, "compound": 40, "abbreviation": 40, "digit_letter": 40,
                 "single_letters": 40, "long_name_typo": 40, "translated_acronym": 40,
                 "corruption": 40}  # fmt: skip
MIN_CLEAN = 800
MIN_CLEAN_GENERIC = 150
MIN_NAMESAKE = 30
MIN_PER_ENTITY = 3


def check_handwritten(seed: Seed, cases: list[Case]) -> list[str]:
    """Every hand-written case must still be right against the current seed."""
    errors = []
    for case in cases:
        where = f"handwritten {case.category} {case.query!r}"
        if case.category in POSITIVE_CATEGORIES:
            seed.require(case.expected)
            rivals = seed.rivals(case.query, case.expected)
            if unacknowledged := [r for r in rivals if r not in case.note]:
                errors.append(
                    f"{where}: contains a fuller name of {unacknowledged} "
                    "(say so in the note, naming the id, if that is intended)"
                )
        elif case.expected:
            errors.append(f"{where}: a negative has an expected entity")
        elif case.category == "negative_clean" and (problem := seed.negative_problem(case.query)):
            errors.append(f"{where}: {problem}")
        elif case.category == "negative_namesake":
            problem = seed.negative_problem(case.query)
            if not case.country or problem is None or problem == "is a listed name":
                errors.append(f"{where}: needs a country and a name close to a listed one")
    return errors


def list_derived(seed: Seed, data: Path, out: Path, taken: set[tuple[str, str]]) -> list[Case]:
    if data.is_dir():
        print(f"reading the shared list files (read-only) at {data}")
        return list_negatives(seed, data, taken)
    committed = read_list_negatives(out)
    print(
        f"WARNING: {data} not found: keeping the {len(committed)} list-derived negatives of "
        f"the committed {out.name} (re-checked against the seed) instead of drawing anew"
    )
    kept, dropped = recheck(seed, committed)
    for reason in dropped:
        print(f"  dropped (now conflicts with the seed): {reason}")
    if not kept:
        raise SystemExit(f"cannot build the clean negatives: no {data} and no committed {out}")
    return kept


def check_minimums(seed: Seed, cases: list[Case]) -> list[str]:
    counts = Counter(c.category for c in cases)
    least = {cat: MIN_NEW_CLASS.get(cat, MIN_POSITIVE) for cat in POSITIVE_CATEGORIES}
    errors = [f"{cat}: {counts[cat]} < {least[cat]}" for cat in POSITIVE_CATEGORIES
              if counts[cat] < least[cat]]  # fmt: skip
    clean = [c for c in cases if c.category == "negative_clean"]
    generic = sum(shares_generic(seed, c.query) for c in clean)
    if len(clean) < MIN_CLEAN or generic < MIN_CLEAN_GENERIC:
        errors.append(f"negative_clean: {len(clean)} (< {MIN_CLEAN}?), sharing a generic word: "
                      f"{generic} (< {MIN_CLEAN_GENERIC}?)")  # fmt: skip
    if counts["negative_namesake"] < MIN_NAMESAKE:
        errors.append(f"negative_namesake: {counts['negative_namesake']} < {MIN_NAMESAKE}")
    per_entity = Counter(c.expected for c in cases if c.expected)
    errors += [f"entity {eid}: {per_entity[eid]} positives < {MIN_PER_ENTITY}"
               for eid in seed.entities if per_entity[eid] < MIN_PER_ENTITY]  # fmt: skip
    return errors


def summary(seed: Seed, cases: list[Case]) -> str:
    lines = [f"{'category':22} {'dev':>5} {'gate':>5} {'total':>6}"]
    for category in POSITIVE_CATEGORIES + NEGATIVE_CATEGORIES:
        splits = Counter(c.split for c in cases if c.category == category)
        total = splits["dev"] + splits["gate"]
        lines.append(f"{category:22} {splits['dev']:5} {splits['gate']:5} {total:6}")
    splits = Counter(c.split for c in cases)
    lines.append(f"{'all':22} {splits['dev']:5} {splits['gate']:5} {len(cases):6}")
    covered = len({c.expected for c in cases if c.expected})
    lines.append(f"entities with positives: {covered} of {len(seed.entities)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seed = REPO / "service" / "watchlist" / "seed" / "watchlist.jsonl"
    parser.add_argument("--seed", type=Path, default=seed)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--handwritten", type=Path, default=HERE / "handwritten.csv")
    parser.add_argument("--out", type=Path, default=HERE / "devset.csv")
    args = parser.parse_args(argv)

    seed = Seed(args.seed)
    hand = read_handwritten(args.handwritten)
    if errors := check_handwritten(seed, hand):
        raise SystemExit("hand-written cases no longer fit the seed:\n  " + "\n  ".join(errors))
    extra = {"supplier_line": supplier_lines, "combined": combined, "ukrainian": ukrainian}
    cases = unique(hand + generate_all(seed, extra | class_generators()))
    taken = {c.key for c in cases}
    cases = unique(cases + list_derived(seed, args.data, args.out, taken))
    if errors := check_minimums(seed, cases):
        raise SystemExit("the dev set misses its minimums:\n  " + "\n  ".join(errors))
    write_devset(cases, args.out)
    print(summary(seed, cases))
    print(f"wrote {len(cases)} cases to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
