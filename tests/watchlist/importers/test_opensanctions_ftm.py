"""Tests of the OpenSanctions FollowTheMoney JSON lines importer, on a fixture like their export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from service.errors import ImportFormatError
from service.watchlist.importers.filters import filter_entities
from service.watchlist.importers.opensanctions_ftm import read_opensanctions_ftm
from service.watchlist.loader import parse_jsonl
from service.watchlist.model import (
    Address,
    Alias,
    AliasKind,
    Entity,
    Listing,
    Schema,
    Source,
    dump_jsonl,
)

FIXTURE = Path(__file__).parent / "fixtures" / "opensanctions_ftm" / "entities.ftm.json"
BELMASH = "opensanctions-NK-7Bq4FJtYbT8zVxKd3hWc2m"
IVANOU = "opensanctions-ofac-40777"


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {entity.id: entity for entity in read_opensanctions_ftm([FIXTURE])}


def write_lines(path: Path, *objects: Any) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), "utf-8")
    return path


def thing(entity_id: str, *names: str, **properties: list[str]) -> dict[str, Any]:
    return {
        "id": entity_id,
        "schema": "Company",
        "properties": {"name": list(names), **properties},
        "datasets": ["eu_fsf"],
        "target": True,
    }


def test_only_targets_of_the_thing_schemas_become_entities_in_file_order() -> None:
    ids = [e.id for e in read_opensanctions_ftm([FIXTURE])]

    # Not: sanctions, addresses, the ownership, the passport, the non-target owner, the wallet.
    assert ids == [BELMASH, IVANOU, "opensanctions-imo-9876543", "opensanctions-ofac-air-ew123"]


def test_all_things_by_option() -> None:
    ids = [e.id for e in read_opensanctions_ftm([FIXTURE], targets_only=False)]

    assert ids[-1] == "opensanctions-NK-owner-holding"
    assert len(ids) == 5  # still no wallet: it has no name to screen


def test_schemas(entities: dict[str, Entity]) -> None:
    assert [e.schema_ for e in entities.values()] == [
        Schema.ORGANIZATION,
        Schema.PERSON,
        Schema.VESSEL,
        Schema.AIRCRAFT,
    ]


def test_names_first_is_primary_then_alias_previous_and_weak(entities: dict[str, Entity]) -> None:
    belmash = entities[BELMASH]

    assert belmash.name == "OAO BELMASH"
    assert belmash.aliases == (
        Alias(name="ОАО Белмаш"),  # the second `name`; the alias repeating the name is dropped
        Alias(name="BELMASH OJSC"),
        Alias(name="Minsk Machine Plant", kind=AliasKind.FKA),
        Alias(name="BM", kind=AliasKind.WEAK),
    )


def test_address_entities_are_resolved_and_texts_they_repeat_dropped(
    entities: dict[str, Entity],
) -> None:
    assert entities[BELMASH].addresses == (
        Address(full="Partizanski Ave 150, 220021 Minsk, Belarus", city="Minsk", country="BY"),
        Address(full="Tverskaya 1, Moscow"),  # "addr-missing" is not in the file: left out
    )
    # An Address entity without `full` is written from its parts.
    assert entities[IVANOU].addresses == (
        Address(full="Lenina 5, 220030, Minsk", city="Minsk", country="BY"),
    )


def test_countries_iso_main_first_regions_to_their_country_others_dropped(
    entities: dict[str, Entity],
) -> None:
    # nationality, citizenship, then country ("ua-cri" is Crimea; "suhh" and "zz" are none).
    assert entities[IVANOU].country == ("BY", "RU", "UA")
    assert entities[BELMASH].country == ("BY", "RU")
    assert entities["opensanctions-imo-9876543"].country == ()  # the flag is not a link


def test_sanctions_give_listings_with_programme_reference_and_date(
    entities: dict[str, Entity],
) -> None:
    assert entities[BELMASH].listings == (
        Listing(
            authority="OpenSanctions",
            list="eu_fsf",
            programme="EU-BLR",  # the programme id rather than the name "BLR"
            reference="EU.7001.12",
            listed_on=date(2022, 6, 3),  # the listing date rather than the start date
        ),
        Listing(
            authority="OpenSanctions",
            list="us_ofac_sdn",
            programme="BELARUS-EO14038",  # no programme id: the name
            listed_on=date(2023, 8, 9),  # no listing date: the start date
        ),
    )
    # A partial date ("2021") gives none; the UN SC id is a reference.
    assert entities[IVANOU].listings == (
        Listing(
            authority="OpenSanctions",
            list="us_ofac_sdn",
            programme="US-BELARUS",
            reference="KPi.001",
        ),
    )


def test_without_a_sanction_the_datasets_and_own_programmes_are_the_listings(
    entities: dict[str, Entity],
) -> None:
    # Two datasets: which one gave the programme is not said.
    assert entities["opensanctions-imo-9876543"].listings == (
        Listing(authority="OpenSanctions", list="us_ofac_sdn"),
        Listing(authority="OpenSanctions", list="gb_fcdo_sanctions"),
        Listing(authority="OpenSanctions", list="OpenSanctions", programme="RUSSIA-EO14024"),
    )
    assert entities["opensanctions-ofac-air-ew123"].listings == (
        Listing(authority="OpenSanctions", list="us_ofac_sdn"),
    )


def test_provenance_and_notes(entities: dict[str, Entity]) -> None:
    assert entities[BELMASH].sources == (
        Source(
            name="entities.ftm.json",
            reference="NK-7Bq4FJtYbT8zVxKd3hWc2m",
            url="https://eur-lex.europa.eu/eli/reg_impl/2022/876/oj",
        ),
    )
    assert entities[BELMASH].notes == "Manufacturer of military vehicle parts."
    assert entities[IVANOU].notes is None


def test_fragments_of_one_id_merge_across_lines_and_files(tmp_path: Path) -> None:
    first = write_lines(tmp_path / "a.ftm.json", thing("x1", "ACME", alias=["ACME LLC"]))
    second = write_lines(
        tmp_path / "b.ftm.json",
        thing("x1", "ACME", "AKME", weakAlias=["AC"], country=["by"]) | {"target": False},
        thing("x1", "ACME", alias=["ACME LLC"]),
    )

    (entity,) = read_opensanctions_ftm([first, second])

    assert entity.aliases == (
        Alias(name="AKME"),
        Alias(name="ACME LLC"),
        Alias(name="AC", kind=AliasKind.WEAK),
    )
    assert entity.country == ("BY",)
    assert [s.name for s in entity.sources] == ["a.ftm.json", "b.ftm.json"]


def test_an_empty_address_entity_gives_no_address(tmp_path: Path) -> None:
    empty = {"id": "a1", "schema": "Address", "properties": {"remarks": ["c/o"]}}
    path = write_lines(tmp_path / "e.json", thing("x1", "X", addressEntity=["a1"]), empty)

    assert read_opensanctions_ftm([path])[0].addresses == ()


def test_a_missing_name_falls_back_to_an_alias(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "e.json", thing("x1", alias=["ONLY ALIAS"], weakAlias=["OA"]))

    (entity,) = read_opensanctions_ftm([path])

    assert (entity.name, entity.aliases) == ("ONLY ALIAS", (Alias(name="OA", kind=AliasKind.WEAK),))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,schema,name\n", "line 1: not a JSON line of FtM entities"),
        ('{"id": "x"}\n', "line 1: entity x: no 'schema'"),
        ('\n{"schema": "Person"}\n', "line 2: not an FtM entity: no 'id'"),
        ('["x"]\n', "line 1: not an FtM entity: a line must hold one JSON object"),
        ('{"id": "x", "schema": "Person", "properties": {"name": "X"}}', "'name' must be a list"),
        ('{"id": "x", "schema": "Person", "properties": {}, "target": true}', "x has no name"),
        ('{"id": "x y", "schema": "Person", "properties": {"name": ["X"]}, "target": true}', "id:"),
        ("", "holds no FollowTheMoney entity"),
        (
            json.dumps(thing("x", "X", alias=["A" * 1001])),
            "line 1: entity x: name: String should have at most",
        ),
    ],
)
def test_bad_input_is_refused_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")

    with pytest.raises(ImportFormatError, match=r"bad\.json") as error:
        read_opensanctions_ftm([path])

    assert message in str(error.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no such file"):
        read_opensanctions_ftm([tmp_path / "nowhere.json"])


def test_round_trip_through_the_jsonl_format() -> None:
    entities = read_opensanctions_ftm([FIXTURE], targets_only=False)

    assert parse_jsonl(dump_jsonl(entities).splitlines(), "watchlist.jsonl") == entities


def test_belarus_filter() -> None:
    entities = read_opensanctions_ftm([FIXTURE])

    linked = [e.id for e in filter_entities(entities, countries={"BY"})]

    assert linked == [BELMASH, IVANOU, "opensanctions-ofac-air-ew123"]


def test_number_properties_become_identifiers_of_the_main_country(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "entities.ftm.json",
        thing(
            "by-1", "OAO Peleng", country=["by"], registrationNumber=["100230519"],
            taxNumber=["100230518"], innCode=["7707083893"], leiCode=["253400V1H6ART1UQ0N98"],
        ),
    )  # fmt: skip

    (entity,) = read_opensanctions_ftm([path])

    assert [(i.type, i.value, i.country, i.source) for i in entity.identifiers] == [
        ("unp", "100230519", "BY", "OpenSanctions"),
        ("tax", "100230518", "BY", "OpenSanctions"),  # its check digit does not hold
        ("inn", "7707083893", "RU", "OpenSanctions"),
        ("lei", "253400V1H6ART1UQ0N98", "BY", "OpenSanctions"),
    ]
