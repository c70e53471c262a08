"""Tests of the OpenSanctions `targets.simple.csv` importer, on fixtures written as theirs are."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import ImportFormatError
from service.watchlist.importers.filters import filter_entities
from service.watchlist.importers.opensanctions_csv import read_opensanctions_csv
from service.watchlist.loader import parse_jsonl
from service.watchlist.model import Address, Alias, Entity, Listing, Schema, Source, dump_jsonl

FIXTURES = Path(__file__).parent / "fixtures" / "opensanctions_csv"
CURRENT = FIXTURES / "targets.simple.csv"  # with program_ids and last_change
OLDER = FIXTURES / "gb_targets.simple.csv"  # without them, last_seen before first_seen
BELMASH = "opensanctions-NK-7Bq4FJtYbT8zVxKd3hWc2m"
IVANOU = "opensanctions-ofac-40777"
SDN = "US OFAC Specially Designated Nationals (SDN) List"
HEADER = '"id","schema","name","aliases","countries","dataset"\n'


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {entity.id: entity for entity in read_opensanctions_csv([CURRENT])}


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_one_entity_per_row_of_a_screenable_schema(entities: dict[str, Entity]) -> None:
    assert {e.id: e.schema_ for e in entities.values()} == {
        BELMASH: Schema.ORGANIZATION,
        IVANOU: Schema.PERSON,
        "opensanctions-imo-9876543": Schema.VESSEL,
        "opensanctions-ofac-air-ew123": Schema.AIRCRAFT,
        # and not the CryptoWallet row, whose "name" is its key
    }


def test_multi_values_are_split_on_semicolons_with_csv_quoting(
    entities: dict[str, Entity],
) -> None:
    assert entities[BELMASH].aliases == (
        Alias(name="BELMASH OJSC"),
        Alias(name="BM"),
        Alias(name="Minsk Machine Plant"),
        Alias(name="ОАО Белмаш"),
    )
    # Quoted values keep their ";" and doubled quotes; the caption among the names is dropped.
    assert entities[IVANOU].aliases == (
        Alias(name="IVANOV; Ivan Ivanovich"),
        Alias(name='Ivan "Vanya" IVANOU'),
    )
    assert entities[BELMASH].addresses == (
        Address(full="Partizanski Ave 150, 220021 Minsk, Belarus"),
        Address(full="Tverskaya 1, Moscow"),
    )


def test_countries_to_iso_codes(entities: dict[str, Entity]) -> None:
    assert entities[IVANOU].country == ("BY", "RU", "UA")  # "suhh" dropped, "ua-cri" is UA
    assert entities["opensanctions-imo-9876543"].country == ()


def test_listings_from_datasets_and_programme_ids(entities: dict[str, Entity]) -> None:
    # One dataset: the programme ids are its own.
    assert entities[IVANOU].listings == (
        Listing(authority="OpenSanctions", list=SDN, programme="US-BELARUS"),
    )
    # Several: which gave which programme is not said, so the programmes go to the collection.
    assert entities[BELMASH].listings == (
        Listing(authority="OpenSanctions", list="EU Financial Sanctions Files (FSF)"),
        Listing(authority="OpenSanctions", list=SDN),
        Listing(authority="OpenSanctions", list="OpenSanctions", programme="EU-BLR"),
        Listing(authority="OpenSanctions", list="OpenSanctions", programme="US-BELARUS-EO14038"),
    )
    # No dataset at all: the collection.
    assert entities["opensanctions-ofac-air-ew123"].listings == (
        Listing(authority="OpenSanctions", list="OpenSanctions"),
    )


def test_sanctions_text_in_the_notes_and_provenance(entities: dict[str, Entity]) -> None:
    assert entities[IVANOU].notes == "BELARUS-EO14038 - Belarus-related - 2021-08-09"
    assert entities[IVANOU].sources == (Source(name="targets.simple.csv", reference="ofac-40777"),)
    assert entities["opensanctions-imo-9876543"].notes is None


def test_an_older_layout_is_read_by_column_name() -> None:
    by_id = {e.id: e for e in read_opensanctions_csv([OLDER])}

    assert by_id["opensanctions-gb-hmt-15001"].listings == (
        Listing(authority="OpenSanctions", list="UK Sanctions List"),
    )
    assert by_id[BELMASH].name == "BELMASH OAO"


def test_the_same_id_in_two_files_merges(entities: dict[str, Entity]) -> None:
    merged = {e.id: e for e in read_opensanctions_csv([CURRENT, OLDER])}[BELMASH]

    assert merged.name == "OAO BELMASH"  # the first file's caption stays primary
    assert merged.aliases[-2:] == (Alias(name="BELMASH OAO"), Alias(name="BELMASH HOLDING"))
    assert merged.listings[-1] == Listing(authority="OpenSanctions", list="UK Sanctions List")
    assert [s.name for s in merged.sources] == ["targets.simple.csv", "gb_targets.simple.csv"]
    assert merged.addresses == entities[BELMASH].addresses  # the repeated address is kept once
    assert merged.notes is not None and merged.notes.endswith("2019 - 2023-02-24")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: not an OpenSanctions targets.simple.csv header: no id, schema"),
        ('{"id": "x", "schema": "Person"}\n', "line 1: not an OpenSanctions targets.simple.csv"),
        (HEADER + '"x","Person","X","","by"\n', "line 2: expected 6 fields, found 5"),
        (HEADER + '"x","Person","","","by","ds"\n', "line 2: entity x: the name is empty"),
        (HEADER + '"","Person","X","","by","ds"\n', "line 2: the id is empty"),
        (HEADER + '"x","Person","X","","",""\n"x","Person","X","","",""\n', "duplicate id x"),
        (HEADER + '"x y","Person","X","","",""\n', "line 2: entity x y: id:"),
        (HEADER + '"x","Person","X","","","\n', "malformed CSV"),
    ],
)
def test_bad_input_is_refused_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=r"bad\.csv") as error:
        read_opensanctions_csv([write(tmp_path / "bad.csv", text)])

    assert message in str(error.value)


def test_round_trip_through_the_jsonl_format() -> None:
    entities = read_opensanctions_csv([CURRENT, OLDER])

    assert parse_jsonl(dump_jsonl(entities).splitlines(), "watchlist.jsonl") == entities


def test_belarus_filter() -> None:
    entities = read_opensanctions_csv([CURRENT, OLDER])

    linked = [e.id for e in filter_entities(entities, countries={"BY"})]

    assert linked == [
        BELMASH,
        IVANOU,
        "opensanctions-ofac-air-ew123",
        "opensanctions-gb-hmt-15001",
    ]


def test_untyped_identifiers_read_in_the_entitys_one_country(tmp_path: Path) -> None:
    path = write(
        tmp_path / "targets.simple.csv",
        '"id","schema","name","aliases","countries","dataset","identifiers"\n'
        '"a","Company","OAO Peleng","","by","eu_fsf","100230519;100230518"\n'
        '"b","Company","Two Countries","","by;ru","eu_fsf","100230519"\n',
    )

    found = {e.id: e.identifiers for e in read_opensanctions_csv([path])}

    assert [(i.type, i.value, i.country) for i in found["opensanctions-a"]] == [
        ("unp", "100230519", "BY"),
        ("registration", "100230518", "BY"),
    ]
    assert [(i.type, i.value, i.country) for i in found["opensanctions-b"]] == [
        ("registration", "100230519", None)
    ]
