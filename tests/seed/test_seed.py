"""The committed seed watchlist: it loads, it holds what it promises, it rebuilds identically."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from service.watchlist.loader import load_watchlist
from service.watchlist.model import Entity, Schema

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "service" / "watchlist" / "seed" / "watchlist.jsonl"
DATA = REPO / ".." / "shared" / "data"
EU = DATA / "eu_oj_transcription_opensanctions"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(),
    reason="the shared data folder (../shared/data next to the repository) is absent",
)

ARTICLE = "The Washington Times, 2026-02-24: Belarus military-industrial integration"
#: Seed id -> a name the article uses for it.
ARTICLE_ENTERPRISES = {
    "by-legmash": "Legmash",
    "by-belaz": "BelAZ",
    "by-zavod-svt": "Zavod SVT",
    "by-amkodor": "Amkodor",
    "by-zki": "ZKI Casing Products Plant",
}


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {entity.id: entity for entity in load_watchlist([SEED]).entities}


def test_the_committed_seed_loads_with_unique_readable_ids() -> None:
    loaded = load_watchlist([SEED]).entities
    ids = [entity.id for entity in loaded]
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(ids) == len(set(ids)) == len(lines)
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"by-[a-z0-9]+(-[a-z0-9]+)*", entity_id) for entity_id in ids)


def test_every_entity_is_a_belarus_linked_organisation_with_provenance(
    entities: dict[str, Entity],
) -> None:
    for entity in entities.values():
        assert entity.schema_ is Schema.ORGANIZATION
        assert "BY" in entity.country
        assert entity.sources and entity.notes
        assert len({alias.name for alias in entity.aliases}) == len(entity.aliases)
        assert entity.name not in {alias.name for alias in entity.aliases}


@pytest.mark.parametrize(("entity_id", "article_name"), ARTICLE_ENTERPRISES.items())
def test_the_article_enterprises_are_in_with_the_article_as_source(
    entities: dict[str, Entity], entity_id: str, article_name: str
) -> None:
    entity = entities[entity_id]
    assert article_name in entity.all_names
    assert ARTICLE in {source.name for source in entity.sources}
    assert entity.defence


def test_the_zki_plant_is_the_hull_products_plant_of_the_eu(entities: dict[str, Entity]) -> None:
    zki = entities["by-zki"]
    assert "CJSC “Hull Products Plant”" in zki.all_names
    assert ("EU", "Impl. Reg. 2026/1846 (Annex V)") in {
        (li.authority, li.list) for li in zki.listings
    }


def test_russian_namesakes_of_annex_iv_are_not_in(entities: dict[str, Entity]) -> None:
    names = {name.casefold() for entity in entities.values() for name in entity.all_names}
    for russian in ("Integral SPB", "OOO Planar", "AO GMZ AGAT", "JSC NII SVT", "AO NII SVT"):
        assert russian.casefold() not in names


def _annex_v_rows(path: Path) -> list[tuple[int, str]]:
    """(row number within Annex V, name) for each Annex V row of an EU transcription file."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["annex"] == "V"]
    return [(number, row["name"]) for number, row in enumerate(rows, start=1)]


@needs_data
@pytest.mark.parametrize(
    ("file", "listing", "count"),
    [
        ("consolidated/32006R0765.csv", "Reg. 765/2006 Annex V", 26),
        ("amendments/32026R1846.csv", "Impl. Reg. 2026/1846 (Annex V)", 4),
    ],
)
def test_every_annex_v_row_maps_to_an_entity(
    entities: dict[str, Entity], file: str, listing: str, count: int
) -> None:
    rows = _annex_v_rows(EU / file)
    assert len(rows) == count
    for number, name in rows:
        owners = [
            entity
            for entity in entities.values()
            if ("EU", listing, f"row {number}")
            in {(li.authority, li.list, li.reference) for li in entity.listings}
        ]
        assert len(owners) == 1, (file, number, name)
        assert name in owners[0].all_names


@needs_data
def test_rebuilding_from_the_shared_data_gives_the_committed_file(tmp_path: Path) -> None:
    output = tmp_path / "watchlist.jsonl"
    result = subprocess.run(
        [sys.executable, str(REPO / "seed" / "build.py"), "--data", str(DATA), "-o", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == SEED.read_bytes()
