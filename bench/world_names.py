"""Names of the world against the seed: how many organisations that are not Belarus-linked
does the engine flag? The OFAC SDN file lists thousands of companies of every region; those
with no Belarus address or programme are screened against the seed watchlist, and every hit at
the threshold is a false alarm a compliance team would review (some are namesakes worth a look:
the Sberbank or VTB groups beside their Belarusian banks).

Reads `ofac_sdn_csv/sdn_2024-05-03/sdn.csv` from the data folder (`../shared/data` beside the
repository), as published; says so and stops when it is absent.

Run: python bench/world_names.py [--data DIR] [--threshold 0.75] [--list]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.matching.matcher import DEFAULT_THRESHOLD, Matcher  # noqa: E402
from service.screening.screener import listed  # noqa: E402
from service.watchlist.loader import load_watchlist  # noqa: E402

SDN = Path("ofac_sdn_csv") / "sdn_2024-05-03" / "sdn.csv"
#: sdn.csv columns: ent_num, name, type (-0- for organisations), programme, ..., remarks.
_NAME, _TYPE, _PROGRAMME, _REMARKS = 1, 2, 3, 11


def world_names(path: Path) -> list[str]:
    """Organisation names of the SDN file with no Belarus programme or remark."""
    names = []
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) <= _REMARKS or row[_TYPE].strip() not in ("-0-", ""):
                continue
            if "BELARUS" in row[_PROGRAMME].upper() or "BELARUS" in row[_REMARKS].upper():
                continue
            names.append(row[_NAME])
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--list", action="store_true", help="print every flagged name")
    args = parser.parse_args()
    path = args.data / SDN
    if not path.is_file():
        print(f"the OFAC SDN file is not in {args.data}: nothing to measure", file=sys.stderr)
        return 1
    watchlist = load_watchlist()
    matcher = Matcher([listed(e) for e in watchlist.entities])
    names = world_names(path)
    flagged = []
    for name in names:
        found = matcher.screen(name, threshold=args.threshold, limit=1)
        if found:
            flagged.append((found[0].score, name, found[0].entity_id))
    if args.list:
        for score, name, entity in sorted(flagged, reverse=True):
            print(f"{score:.3f}  {name}  ->  {entity}")
    share = len(flagged) / len(names) if names else 0.0
    print(
        f"{len(flagged)} of {len(names)} organisation names flagged at {args.threshold} "
        f"({share:.1%}), seed of {len(watchlist.entities)} entities"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
