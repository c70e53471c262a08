"""`python -m service import-watchlist`, run as a user runs it (a subprocess): every format, several
sources merged, the filters, the summary, and bad input refused with exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.watchlist.loader import load_watchlist
from service.watchlist.model import AliasKind, Entity

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "watchlist" / "importers" / "fixtures"
OFAC_SDN = FIXTURES / "ofac" / "sdn"
FTM = FIXTURES / "opensanctions_ftm" / "entities.ftm.json"
OS_CSV = FIXTURES / "opensanctions_csv" / "targets.simple.csv"
EU = FIXTURES / "eu_xml" / "eu_fsf.xml"
UK = FIXTURES / "uk_csv" / "ConList.csv"
UA = FIXTURES / "ua_json" / "sanctioned_companies.json"
REAL_DATA = ROOT / ".." / "shared" / "data"
BELMASH = "opensanctions-NK-7Bq4FJtYbT8zVxKd3hWc2m"


def import_watchlist(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", "import-watchlist", *map(str, args)],
        cwd=cwd,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def imported(path: Path) -> dict[str, Entity]:
    """The written file, read back by the service's own loader."""
    return {entity.id: entity for entity in load_watchlist([path]).entities}


@pytest.mark.parametrize(
    ("source_format", "paths", "entity_id", "count"),
    [
        ("ofac-csv", [OFAC_SDN, FIXTURES / "ofac" / "cons"], "ofac-501", 10),
        ("ofac-csv", [OFAC_SDN / "sdn.csv", OFAC_SDN / "alt.csv"], "ofac-101", 8),
        ("opensanctions-ftm", [FTM], "opensanctions-ofac-40777", 4),
        ("opensanctions-csv", [OS_CSV, OS_CSV.with_name("gb_targets.simple.csv")], BELMASH, 5),
        ("eu-xml", [EU], "eu-140021", 4),
        ("uk-csv", [UK], "uk-15001", 3),
        ("ua-sanctions-json", [UA], "ua-90004", 6),
    ],
)
def test_each_format_is_written_as_a_watchlist(
    tmp_path: Path, source_format: str, paths: list[Path], entity_id: str, count: int
) -> None:
    out = tmp_path / "watchlist.jsonl"
    done = import_watchlist(source_format, *paths, "-o", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    entities = imported(out)
    assert entity_id in entities
    assert len(entities) == count
    assert f": {count} entities" in done.stderr
    assert f"written: {count} entities to {out}" in done.stderr


def test_without_output_the_watchlist_goes_to_standard_output(tmp_path: Path) -> None:
    done = import_watchlist("uk-csv", UK, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ids = [json.loads(line)["id"] for line in done.stdout.splitlines()]
    assert ids == ["uk-15001", "uk-14200", "uk-13900"]
    assert "written: 3 entities to standard output" in done.stderr


def test_several_sources_merge_by_id_with_the_strongest_alias_kind(tmp_path: Path) -> None:
    out = tmp_path / "merged.jsonl"
    done = import_watchlist(
        "opensanctions-ftm", FTM, "opensanctions-csv", OS_CSV, "eu-xml", EU, "-o", out,
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    entities = imported(out)
    assert len(entities) == 4 + 4  # FtM and CSV hold the same four things; four EU ones
    kinds = {alias.name: alias.kind for alias in entities[BELMASH].aliases}
    assert kinds["BM"] is AliasKind.AKA  # weak in FtM, a plain alias in the CSV
    sources = {source.name for source in entities[BELMASH].sources}
    assert sources == {"entities.ftm.json", "targets.simple.csv"}
    assert "merged: 4 ids given by more than one entity (12 read, 8 after merging)" in done.stderr


def test_an_entity_on_both_ofac_lists_is_one_entity(tmp_path: Path) -> None:
    # As the 61 ent_nums on both the SDN and the Consolidated list: same id, one entity.
    cons = tmp_path / "cons"
    cons.mkdir()
    row = '101,"BELMASH OPEN JOINT STOCK CO",-0- ,"BELARUS-EO14038",' + ",".join(["-0- "] * 8)
    (cons / "cons_prim.csv").write_bytes(row.encode() + b"\r\n\x1a")
    out = tmp_path / "ofac.jsonl"

    done = import_watchlist("ofac-csv", OFAC_SDN, cons, "-o", out, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    belmash = imported(out)["ofac-101"]
    assert belmash.name == "BELMASH OAO"  # the SDN file's name, read first
    assert "BELMASH OPEN JOINT STOCK CO" in belmash.all_names
    assert {listing.list for listing in belmash.listings} == {"SDN", "Consolidated (non-SDN)"}
    assert "merged: 1 ids given by more than one entity (9 read, 8 after merging)" in done.stderr


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--country", "BY"], {"ofac-101", "ofac-102", "ofac-104", "uk-15001", "uk-14200"}),
        (["--country", "by", "--schema", "Person"], {"ofac-102", "uk-14200"}),
        (["--schema", "vessel,aircraft"], {"ofac-103", "ofac-104", "uk-13900"}),
        (["--programme", "SDGT", "--programme", "cuba"], {"ofac-105", "ofac-107"}),
    ],
)
def test_filters(tmp_path: Path, options: list[str], expected: set[str]) -> None:
    out = tmp_path / "filtered.jsonl"
    done = import_watchlist(*options, "ofac-csv", OFAC_SDN, "uk-csv", UK, "-o", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert set(imported(out)) == expected
    assert f"filtered out: {11 - len(expected)} entities (kept: " in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ofac", OFAC_SDN], "'ofac': a FORMAT must come first, one of jsonl, ofac-csv"),
        (["eu-xml"], "eu-xml: no PATH given"),
        (["eu-xml", "uk-csv", UK], "eu-xml: no PATH given"),
        (["eu-xml", "missing.xml"], "missing.xml: no such file"),
        (["eu-xml", UK], f"{UK}, line 1, column 0: not well-formed XML"),
        (["uk-csv", EU], f"{EU}, line 1: not an OFSI ConList.csv header"),
        (["opensanctions-ftm", OS_CSV], f"{OS_CSV}, line 1: not a JSON line of FtM entities"),
        (["ofac-csv", UK], f"{UK}: not an OFAC legacy CSV file name"),
        (["uk-csv", UK, "--country", "Belarus"], "'BELARUS' is not an ISO 3166-1 alpha-2"),
        (["uk-csv", UK, "--schema", "Company"], "unknown schema 'Company'"),
        (["uk-csv", UK, "--country", "ZZ"], "passes the filters (country ZZ); nothing written"),
        (["uk-csv", UK, "-o", "no/such/folder/out.jsonl"], "no/such/folder/out.jsonl: cannot"),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_the_file(
    tmp_path: Path, args: list[str | Path], message: str
) -> None:
    done = import_watchlist(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_an_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    done = import_watchlist("uk-csv", UK, "--frobnicate", cwd=tmp_path)
    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr


@pytest.mark.skipif(
    not REAL_DATA.is_dir(), reason=f"the shared OFAC files are not at {REAL_DATA.resolve()}"
)
def test_the_real_sdn_list_and_its_belarus_linked_entities(tmp_path: Path) -> None:
    sdn = REAL_DATA / "ofac_sdn_csv"
    files = [sdn / "sdn_2024-05-03" / "sdn.csv", sdn / "add_alt_comments_2025-02-27"]

    everything = import_watchlist("ofac-csv", *files, "-o", tmp_path / "sdn.jsonl", cwd=tmp_path)
    belarus = import_watchlist(
        "ofac-csv", *files, "--country", "BY", "-o", tmp_path / "by.jsonl", cwd=tmp_path
    )

    assert everything.returncode == 0, everything.stderr
    assert belarus.returncode == 0, belarus.stderr
    entities = imported(tmp_path / "sdn.jsonl")
    assert len(entities) == 14_965
    kinds = {alias.kind for entity in entities.values() for alias in entity.aliases}
    assert kinds == {AliasKind.AKA, AliasKind.FKA, AliasKind.WEAK}
    assert sum(bool(entity.addresses) for entity in entities.values()) == 12_185
    # The files are pinned by blob id (shared/data/SOURCES.md), so the figures are exact.
    assert len(imported(tmp_path / "by.jsonl")) == 250
    assert "2,111 ent_nums of the companion files have no row" in everything.stderr


def test_the_ukrainian_register_filtered_to_belarus_by_address_and_unp(tmp_path: Path) -> None:
    out = tmp_path / "by.jsonl"
    done = import_watchlist("ua-sanctions-json", UA, "--country", "BY", "-o", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(imported(out)) == ["ua-90001", "ua-90003", "ua-90004"]
    assert "filtered out: 3 entities (kept: country BY)" in done.stderr


def test_malformed_register_json_is_refused_with_status_2(tmp_path: Path) -> None:
    bad = tmp_path / "companies.json"
    bad.write_text('[{"person_id": 1, "name": "X"', "utf-8")
    done = import_watchlist("ua-sanctions-json", bad, cwd=tmp_path)
    assert done.returncode == 2
    assert f"{bad}, line 1, column" in done.stderr
    assert "Traceback" not in done.stderr
