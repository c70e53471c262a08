"""The synthetic supplier master of the batch benchmarks (bench/supplier_file.py): the same file
for a seed in any process, no seed entity's name among the unlisted rows, and marks that say
truly which rows are listed."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from service.screening.screener import normalized_query
from service.watchlist.loader import load_watchlist

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import supplier_file  # noqa: E402
from quality import read_cases  # noqa: E402

ROWS = 3000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("suppliers") / "suppliers.csv"
    supplier_file.write(ROWS, path, seed=5, listed_share=0.03, delimiter=";")
    return path


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def marks(path: Path) -> dict[int, dict[str, str]]:
    with supplier_file.side_file(path).open(encoding="utf-8", newline="") as handle:
        return {int(r["row"]): r for r in csv.DictReader(handle)}


def test_the_same_seed_gives_the_same_file_in_another_process(
    generated: Path, tmp_path: Path
) -> None:
    other = tmp_path / "again.csv"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "supplier_file.py"), str(ROWS), "-o", str(other),
         "--seed", "5"],
        check=True, capture_output=True, env=os.environ | {"PYTHONHASHSEED": "12345"},
    )  # fmt: skip
    assert other.read_bytes() == generated.read_bytes()
    assert (
        supplier_file.side_file(other).read_bytes()
        == supplier_file.side_file(generated).read_bytes()
    )
    supplier_file.write(ROWS, tmp_path / "seed6.csv", seed=6, listed_share=0.03, delimiter=";")
    assert (tmp_path / "seed6.csv").read_bytes() != generated.read_bytes()


def test_shape_of_a_supplier_master(generated: Path) -> None:
    rows = table(generated)
    assert len(rows) == ROWS
    assert list(rows[0])[:3] == ["Supplier ID", "Supplier name", "Country"]
    names = Counter(r["Supplier name"] for r in rows if r["Supplier name"])
    assert len(names) < 0.6 * ROWS  # suppliers repeat
    assert max(names.values()) >= 5
    assert any(any("а" <= ch <= "я" for ch in name) for name in names)  # Cyrillic
    assert any(name.isascii() for name in names)  # and Latin


def test_listed_rows_are_marked_with_their_entity(generated: Path) -> None:
    positives = {(c.query, c.expected) for c in read_cases() if c.expected}
    rows, marked = table(generated), marks(generated)
    assert abs(len(marked) - 0.03 * ROWS) <= 1
    for number, mark in marked.items():
        row = rows[number - 1]
        assert row["Supplier ID"] == mark["supplier_id"]
        assert (row["Supplier name"], mark["expected_entity_id"]) in positives


def test_unlisted_rows_never_carry_a_seed_name(generated: Path) -> None:
    seed = {normalized_query(n) for e in load_watchlist().entities for n in e.all_names}
    marked = marks(generated)
    for number, row in enumerate(table(generated), start=1):
        if number not in marked and row["Supplier name"]:
            assert normalized_query(row["Supplier name"]) not in seed, row
