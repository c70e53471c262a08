"""A dev-set case, its stable id and split, and reading and writing the CSV files."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from textnorm import casefold_key

POSITIVE_CATEGORIES = (
    "translit_cyr_query", "translit_lat_query", "legal_form", "typo", "word_order",
    "noise_words", "punctuation", "acronym", "supplier_line", "combined", "other_script",
    "ukrainian", "compound", "abbreviation", "digit_letter", "single_letters", "long_name_typo",
    "translated_acronym", "corruption",
)  # fmt: skip
NEGATIVE_CATEGORIES = ("negative_clean", "negative_namesake")
CATEGORIES = POSITIVE_CATEGORIES + NEGATIVE_CATEGORIES
PREFIX = {
    "translit_cyr_query": "cyr", "translit_lat_query": "lat", "legal_form": "lf", "typo": "typo",
    "word_order": "order", "noise_words": "noise", "punctuation": "punct", "acronym": "acr",
    "supplier_line": "supp", "combined": "comb", "other_script": "script", "negative_clean": "negc",
    "negative_namesake": "negn", "ukrainian": "ukr", "compound": "cmpd", "abbreviation": "abbr",
    "digit_letter": "digit", "single_letters": "letter", "long_name_typo": "ltypo",
    "translated_acronym": "tacr", "corruption": "corr",
}  # fmt: skip
COLUMNS = ("case_id", "query", "country", "expected_entity_id", "category", "split",
           "source_note")  # fmt: skip
HANDWRITTEN_COLUMNS = ("query", "country", "expected_entity_id", "category", "source_note")
#: Share of every category in the gate split: hash bucket (0-99) below this is 'gate'.
GATE_PERCENT = 25
#: source_note prefix of negatives drawn from the shared list files (reused when they are absent).
LIST_NOTE = "from list file: "


@dataclass(frozen=True)
class Case:
    query: str
    country: str
    expected: str
    category: str
    note: str
    origin: str = "generated"  # generated, hand, list

    @property
    def key(self) -> tuple[str, str]:
        """What makes a case unique: the query (case and spaces aside) and the country."""
        return casefold_key(self.query), self.country.upper()

    @property
    def case_id(self) -> str:
        digest = hashlib.sha1("|".join(self.key).encode("utf-8")).hexdigest()[:10]
        return f"{PREFIX[self.category]}-{digest}"

    @property
    def split(self) -> str:
        bucket = int(hashlib.sha256(self.case_id.encode("utf-8")).hexdigest()[:8], 16) % 100
        return "gate" if bucket < GATE_PERCENT else "dev"

    def row(self) -> dict[str, str]:
        return {
            "case_id": self.case_id,
            "query": self.query,
            "country": self.country,
            "expected_entity_id": self.expected,
            "category": self.category,
            "split": self.split,
            "source_note": self.note,
        }


def read_handwritten(path: Path) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != HANDWRITTEN_COLUMNS:
            raise SystemExit(f"{path}: columns must be {', '.join(HANDWRITTEN_COLUMNS)}")
        cases = []
        for line, row in enumerate(reader, start=2):
            if row["category"] not in CATEGORIES:
                raise SystemExit(f"{path}:{line}: unknown category {row['category']!r}")
            cases.append(
                Case(
                    row["query"],
                    row["country"].strip().upper(),
                    row["expected_entity_id"].strip(),
                    row["category"],
                    row["source_note"].strip(),
                    "hand",
                )
            )
    return cases


def read_list_negatives(path: Path) -> list[Case]:
    """The list-derived negatives of a committed dev set (used when the shared data is absent)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Case(r["query"], r["country"], "", r["category"], r["source_note"], "list")
            for r in csv.DictReader(handle)
            if r["source_note"].startswith(LIST_NOTE)
        ]


def write_devset(cases: list[Case], path: Path) -> None:
    order = {c: i for i, c in enumerate(CATEGORIES)}
    rows = sorted((c.row() for c in cases), key=lambda r: (order[r["category"]], r["case_id"]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def unique(cases: list[Case]) -> list[Case]:
    """First case for each (query, country) key wins: hand-written ones come first."""
    seen: dict[tuple[str, str], Case] = {}
    for case in cases:
        seen.setdefault(case.key, replace(case, query=case.query.strip()))
    return list(seen.values())
