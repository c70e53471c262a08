"""Tests of the importer for Australia's DFAT Consolidated List (XLSX), on workbooks written here
in the published column layout, and on the published file when the data folder is present."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from service.errors import ImportFormatError
from service.watchlist.identifiers import Scheme
from service.watchlist.importers.au_xlsx import AUTHORITY, LIST_NAME, read_au_dfat_xlsx
from service.watchlist.importers.filters import filter_entities, is_belarus_linked
from service.watchlist.loader import load_watchlist
from service.watchlist.model import Address, Alias, AliasKind, Entity, Identifier, Listing, Schema

ROOT = Path(__file__).resolve().parents[3]
REAL_FILE = (
    ROOT / ".." / "shared" / "data" / "au_dfat_consolidated_2026-04"
    / "Australian_Sanctions_Consolidated_List.xlsx"
)  # fmt: skip
HEADER = (
    "Reference", "Name of Individual or Entity", "Type", "Name Type", "Alias Strength",
    "Date of Birth", "Place of Birth", "Citizenship", "Address", "Additional Information",
    "Listing Information", "IMO Number", "Committees", "Control Date",
    "Instrument of Designation", "Targeted Financial Sanction", "Travel Ban", "Arms Embargo",
    "Maritime Restriction",
)  # fmt: skip
INSTRUMENT = (
    "Autonomous Sanctions (Designated Persons and Entities and Declared Persons – Russia and "
    "Ukraine) Amendment (No. 1) Instrument 2025"
)
BELOMO = "Makayenka Street, 23, Minsk, Misnk Region 220023 Belarus"
RUSSIAN_BANK = (
    "Registration ID: 1027800000084 (Russia)\nGovernment Gazette Number: 09804148 (Russia)\n"
    "Tax ID No.: 7831000122 (Russia)\nTel: +963 112110059"
)


def row(reference: str, name: str, kind: str, name_type: str, **cells: object) -> list[object]:
    values: dict[str, object] = {
        "Reference": reference,
        "Name of Individual or Entity": name,
        "Type": kind,
        "Name Type": name_type,
        "Committees": "Autonomous (Russia)",
        "Control Date": datetime(2025, 2, 21),
        "Targeted Financial Sanction": True,
        **{key.replace("_", " "): value for key, value in cells.items()},
    }
    return [values.get(column) for column in HEADER]


ROWS: list[list[object]] = [
    row("8136", "Minsk Mechanical Works Named After S.I. Vavilov - Management Company of BelOMO "
        "Holding Open Joint Stock Company", "Entity", "Primary Name", Address=BELOMO,
        Additional_Information="https://www.belomo.by/", Listing_Information=INSTRUMENT),
    row("8136a", "BelOMA", "Entity", "Alias", Alias_Strength="Strong", Address=BELOMO),
    row("8136b", "BelOMO", "Entity", "Alias", Alias_Strength="Weak", Address=BELOMO),
    row("2", "MOHAMMAD HASSAN AKHUND", "Individual", "Primary Name", Citizenship="Afghanistan",
        Committees="1988 (Taliban)",
        Listing_Information="Listed by UN 1267 Committee on 25 January 2001 (amended 2007)"),
    row("2a", "محمد حسن أخوند", "Individual", "Original Script", Citizenship="Afghanistan",
        Committees="1988 (Taliban)"),
    [None] * len(HEADER),  # a blank row between references is skipped
    row("2780", "Bank Rossiya", "Entity", "Primary Name", Control_Date=datetime(2026, 2, 24),
        Address="a) 2 Rastrelli Square, St. Petersburg, Russia b) Moscow, Russia",
        Additional_Information=RUSSIAN_BANK, Listing_Information="Listed on 20 Mar. 2014"),
    row("9001", "OCEAN STAR", "Vessel", "Primary Name", IMO_Number="9123456",
        Committees="Autonomous (Vessels)"),
]  # fmt: skip


def write_book(path: Path, rows: list[list[object]], header: tuple[str, ...] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Consolidated List"
    sheet.append(list(header))
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_book(tmp_path_factory.mktemp("au") / "consolidated.xlsx", ROWS)


@pytest.fixture(scope="module")
def entities(book: Path) -> dict[str, Entity]:
    return {entity.id: entity for entity in read_au_dfat_xlsx([book])}


def test_rows_of_one_reference_make_one_entity(entities: dict[str, Entity]) -> None:
    assert {e.id: e.schema_ for e in entities.values()} == {
        "au-8136": Schema.ORGANIZATION,
        "au-2": Schema.PERSON,
        "au-2780": Schema.ORGANIZATION,
        "au-9001": Schema.VESSEL,
    }


def test_names_aliases_and_their_strength(entities: dict[str, Entity]) -> None:
    belomo = entities["au-8136"]
    assert belomo.name.startswith("Minsk Mechanical Works Named After S.I. Vavilov")
    assert belomo.aliases == (Alias(name="BelOMA"), Alias(name="BelOMO", kind=AliasKind.WEAK))
    assert entities["au-2"].aliases == (Alias(name="محمد حسن أخوند"),)


def test_addresses_countries_listings_and_source(entities: dict[str, Entity]) -> None:
    belomo = entities["au-8136"]
    assert belomo.addresses == (Address(full=BELOMO, country="BY"),)
    assert belomo.country == ("BY",)
    assert belomo.listings == (
        Listing(authority=AUTHORITY, list=LIST_NAME, programme="Autonomous (Russia)",
                reference="8136", listed_on=None),
    )  # fmt: skip
    # The list date is the latest Control Date of the file, an Excel serial date.
    assert belomo.sources[0].date == date(2026, 2, 24)
    assert belomo.sources[0].reference == "8136"
    assert belomo.notes == "https://www.belomo.by/"
    bank = entities["au-2780"]
    assert [a.full for a in bank.addresses] == [
        "2 Rastrelli Square, St. Petersburg, Russia",
        "Moscow, Russia",
    ]
    assert bank.country == ("RU",)
    assert bank.listings[0].listed_on == date(2014, 3, 20)
    assert entities["au-2"].country == ("AF",)
    assert entities["au-2"].listings[0].listed_on == date(2001, 1, 25)


def test_labelled_register_numbers_become_identifiers(entities: dict[str, Entity]) -> None:
    # The telephone number has a UNP's length and check digit but no label: not read.
    assert entities["au-2780"].identifiers == (
        Identifier(type=Scheme.OGRN, value="1027800000084", source=AUTHORITY, country="RU"),
        Identifier(type=Scheme.OKPO, value="09804148", source=AUTHORITY, country="RU"),
        Identifier(type=Scheme.INN, value="7831000122", source=AUTHORITY, country="RU"),
    )
    assert entities["au-8136"].identifiers == ()


def test_the_belarus_filter_keeps_the_entities_with_a_belarus_address(
    entities: dict[str, Entity],
) -> None:
    assert [e.id for e in filter_entities(entities.values(), countries={"BY"})] == ["au-8136"]


def test_the_command_line_reads_the_format(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "by.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "service", "import-watchlist", "au-dfat-xlsx", str(book),
         "--country", "BY", "-o", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "written: 1 entities" in done.stderr
    assert [e.id for e in load_watchlist([out]).entities] == ["au-8136"]


@pytest.mark.parametrize(
    ("rows", "header", "problem"),
    [
        (ROWS, HEADER[1:], "line 1: not a DFAT Consolidated List header: no Reference"),
        ([row("12-a", "X", "Entity", "Primary Name")], HEADER, "line 2: Reference '12-a' is not"),
        ([row("7", "", "Entity", "Primary Name")], HEADER, "Reference 7: the name is empty"),
        ([row("7", "X", "Entity", "Primary Name", Control_Date="soon")], HEADER,
         "line 2: Control Date 'soon' is not a date"),
        ([], (), "the sheet is empty"),
    ],
)  # fmt: skip
def test_bad_workbooks_are_refused_naming_the_file_and_line(
    tmp_path: Path, rows: list[list[object]], header: tuple[str, ...], problem: str
) -> None:
    path = write_book(tmp_path / "bad.xlsx", rows, header)
    with pytest.raises(ImportFormatError, match=problem) as refused:
        read_au_dfat_xlsx([path])
    assert str(path) in str(refused.value)


def test_a_file_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_text("Reference,Name\n1,X\n", "utf-8")
    with pytest.raises(ImportFormatError, match="not a readable XLSX workbook"):
        read_au_dfat_xlsx([path])
    with pytest.raises(ImportFormatError, match="no such file"):
        read_au_dfat_xlsx([tmp_path / "missing.xlsx"])


def test_a_reference_in_two_files_is_refused(book: Path, tmp_path: Path) -> None:
    again = write_book(tmp_path / "again.xlsx", ROWS[:1])
    with pytest.raises(ImportFormatError, match="Reference 8136 is also in"):
        read_au_dfat_xlsx([book, again])


@pytest.mark.skipif(not REAL_FILE.is_file(), reason="the shared data folder is not present")
def test_the_published_list() -> None:
    entities = read_au_dfat_xlsx([REAL_FILE])
    assert len(entities) == 3_811  # references (10,976 rows)
    belarus = [e for e in entities if is_belarus_linked(e) and e.schema_ is Schema.ORGANIZATION]
    assert len(belarus) == 18
    peleng = next(e for e in entities if e.id == "au-8142")
    assert peleng.name == "Peleng Joint Stock Company"
    assert peleng.aliases == (Alias(name="Peleng JSC"),)
    assert peleng.sources[0].date == date(2026, 2, 24)
