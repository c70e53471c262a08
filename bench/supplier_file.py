"""A realistic supplier master for batch benchmarks: an ERP export (semicolon-separated UTF-8
with a BOM, as spreadsheets in Europe write it) of N rows, deterministic for a seed.

- Most rows are unlisted companies: names made of real-looking words, legal forms and places
  in Russian, Belarusian, Ukrainian, German, Polish and English, Cyrillic and Latin; a name
  whose normalised form is a seed entity's name is never used.
- A few per cent (`--listed-share`) are listed entities in every kind of variation: the
  positive queries of the development set (bench/devset/devset.csv), each several times.
- Suppliers repeat, as in a real supplier master (one company under several vendor records):
  about 3 rows per supplier on average, some many more, spelt now and then in capitals or
  with other quotes.
- A few rows have no name (blocked or half-created records).

Beside the file, `<name>.listed.csv` marks the listed rows (row number, supplier id, the
entity expected, the development-set category and case) so that a benchmark can check they
are found.

Run: python bench/supplier_file.py 1000000 -o bench/out/suppliers-1m.csv [--seed 5]
`--distinct` writes every name once instead (no repeats), to measure what repeats save.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality import read_cases  # noqa: E402
from supplier_words import company_name, contact, place  # noqa: E402

from service.screening.screener import normalized_query  # noqa: E402
from service.watchlist.loader import Watchlist, load_watchlist  # noqa: E402

COLUMNS = ["Supplier ID", "Supplier name", "Country", "City", "Street", "Postal code",
           "VAT/UNP", "Contact person", "Created", "Blocked"]  # fmt: skip
#: Share of rows that are listed entities (development-set positives).
LISTED_SHARE = 0.03
#: Share of rows without a name.
EMPTY_SHARE = 0.0005
#: Vendor records per supplier: (count, weight). Mean about 3.
MULTIPLICITY = [(1, 40), (2, 20), (3, 12), (4, 8), (5, 6), (8, 6), (12, 4), (20, 3), (40, 1)]
#: The plan's mark of a row without a name.
EMPTY = -(10**9)


@dataclass(frozen=True)
class Listed:
    query: str
    country: str
    entity_id: str
    category: str
    case_id: str


@dataclass(frozen=True)
class Supplier:
    name: str
    country: str
    city: str
    street: str
    postal: str
    vat: str
    contact: str


def listed_cases(watchlist: Watchlist) -> list[Listed]:
    """The development set's positives, with the entity's own country when the case has none
    (a supplier master always records one)."""
    out = []
    for case in read_cases():
        if case.expected is None:
            continue
        entity = watchlist.get(case.expected)
        country = case.country or (entity.country[0] if entity and entity.country else "BY")
        out.append(Listed(case.query, country, case.expected, case.category, case.case_id))
    return out


def listed_forms(watchlist: Watchlist) -> set[str]:
    return {normalized_query(name) for e in watchlist.entities for name in e.all_names}


def supplier(seed: int, index: int, forbidden: set[str]) -> Supplier:
    """The supplier `index`, the same for a seed whatever else is generated."""
    rng = random.Random(seed * 10_000_019 + index)
    while True:
        country, city, postal, street, vat = place(rng)
        name = company_name(rng, country)
        if normalized_query(name) not in forbidden:
            return Supplier(name, country, city, street, postal, vat, contact(rng, country))


def plan(count: int, seed: int, cases: int, listed_share: float, distinct: bool) -> list[int]:
    """What each row is, shuffled: a supplier index (>= 0), a listed case (-1 - its index), or
    `EMPTY`. One int per row, so that a million rows plan in a few megabytes."""
    rng = random.Random(seed)
    listed = round(count * listed_share)
    empty = round(count * EMPTY_SHARE)
    if distinct:
        picked = rng.sample(range(cases), min(listed, cases))
    else:
        picked = [rng.randrange(cases) for _ in range(listed)]
    rows = [-1 - case for case in picked] + [EMPTY] * empty
    sizes, weights = zip(*(MULTIPLICITY if not distinct else [(1, 1)]), strict=True)
    index = 0
    while len(rows) < count:
        repeats = rng.choices(sizes, weights)[0]
        rows += [index] * min(repeats, count - len(rows))
        index += 1
    rng.shuffle(rows)
    return rows


def spelling(rng: random.Random, name: str) -> str:
    """Another vendor record of the same supplier: mostly the same text, sometimes capitals
    or other quotes (the same name once normalised)."""
    roll = rng.random()
    if roll < 0.08:
        return name.upper()
    if roll < 0.14:
        return name.replace("«", '"').replace("»", '"')
    return name


def rows(
    count: int, seed: int, listed_share: float, distinct: bool = False
) -> Iterator[tuple[list[str], Listed | None]]:
    """The rows; with `distinct`, no supplier twice and no two names alike once normalised
    (the case where remembering names saves nothing)."""
    watchlist = load_watchlist()
    cases = listed_cases(watchlist)
    forbidden = listed_forms(watchlist)
    rng = random.Random(seed + 1)
    cache: dict[int, Supplier] = {}
    for number, what in enumerate(plan(count, seed, len(cases), listed_share, distinct), 1):
        vendor = f"V{number:07d}"
        created = f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        blocked = "X" if rng.random() < 0.02 else ""
        if what == EMPTY:
            yield [vendor, "", "BY", "", "", "", "", "", created, "X"], None
        elif what < 0:
            case = cases[-1 - what]
            yield [vendor, case.query, case.country, "", "", "", "", "", created, blocked], case
        else:
            if what not in cache:
                if len(cache) > 100_000:
                    cache.clear()  # suppliers repeat close together often enough
                cache[what] = supplier(seed, what, forbidden)
            s = cache[what]
            if distinct:
                forbidden.add(normalized_query(s.name))  # taken: the next alike is redrawn
            name = s.name if distinct else spelling(rng, s.name)
            yield [vendor, name, s.country, s.city, s.street, s.postal, s.vat, s.contact,
                   created, blocked], None  # fmt: skip


def side_file(output: Path) -> Path:
    return output.with_name(output.stem + ".listed.csv")


def write(
    count: int,
    output: Path,
    seed: int,
    listed_share: float,
    delimiter: str,
    distinct: bool = False,
) -> dict[str, int]:
    output.parent.mkdir(parents=True, exist_ok=True)
    stats = {"rows": 0, "listed rows": 0, "empty names": 0}
    names: set[str] = set()
    with (
        output.open("w", encoding="utf-8-sig", newline="") as table,
        side_file(output).open("w", encoding="utf-8", newline="") as marks,
    ):
        writer = csv.writer(table, delimiter=delimiter)
        marker = csv.writer(marks)
        writer.writerow(COLUMNS)
        marker.writerow(["row", "supplier_id", "expected_entity_id", "category", "case_id"])
        for number, (row, case) in enumerate(rows(count, seed, listed_share, distinct), 1):
            writer.writerow(row)
            names.add(row[1])
            stats["rows"] += 1
            stats["empty names"] += not row[1]
            if case is not None:
                marker.writerow([number, row[0], case.entity_id, case.category, case.case_id])
                stats["listed rows"] += 1
    stats["distinct names"] = len(names)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("count", type=int, help="rows to write")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--listed-share", type=float, default=LISTED_SHARE)
    parser.add_argument("--delimiter", default=";")
    parser.add_argument(
        "--distinct", action="store_true", help="every name once (no repeats, for comparison)"
    )
    args = parser.parse_args()
    stats = write(
        args.count, args.output, args.seed, args.listed_share, args.delimiter, args.distinct
    )
    print(", ".join(f"{k}: {v:,}" for k, v in stats.items()), file=sys.stderr)
    print(f"written: {args.output} and {side_file(args.output)}", file=sys.stderr)


if __name__ == "__main__":
    main()
