"""Tests of the UK OFSI consolidated list CSV importer (`ConList.csv`), on a fixture like it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.errors import ImportFormatError
from service.watchlist.importers.filters import filter_entities
from service.watchlist.importers.uk_csv import LIST_NAME, read_uk_csv
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

FIXTURE = Path(__file__).parent / "fixtures" / "uk_csv" / "ConList.csv"
BANNER, HEADER, *ROWS = FIXTURE.read_text("utf-8").splitlines()


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {entity.id: entity for entity in read_uk_csv([FIXTURE])}


def write(path: Path, *lines: str) -> Path:
    path.write_text("".join(f"{line}\r\n" for line in lines), "utf-8")
    return path


def test_rows_group_into_one_entity_per_group_id_in_file_order(
    entities: dict[str, Entity],
) -> None:
    assert {e.id: e.schema_ for e in entities.values()} == {
        "uk-15001": Schema.ORGANIZATION,  # "Entity"
        "uk-14200": Schema.PERSON,  # "Individual"
        "uk-13900": Schema.VESSEL,  # "Ship"
    }


def test_names_by_alias_type_and_quality(entities: dict[str, Entity]) -> None:
    mtz = entities["uk-15001"]

    assert mtz.name == "MINSK TRACTOR WORKS"  # the "Primary name" row
    assert mtz.aliases == (
        Alias(name="OAO MTZ"),  # AKA, Good
        Alias(name="MTZ", kind=AliasKind.WEAK),  # AKA, Low
        Alias(name="MINSKIY TRAKTORNYY ZAVOD"),  # Primary name variation, rows apart
        Alias(name="Минский тракторный завод", lang="ru"),  # its non-Latin script name
        Alias(name="Minsk Tractor Plant", kind=AliasKind.WEAK),  # FKA but "Low quality"
    )
    assert entities["uk-13900"].aliases == (Alias(name="OCEAN DAWN", kind=AliasKind.FKA),)


def test_a_persons_name_is_given_names_then_name_6(entities: dict[str, Entity]) -> None:
    ivanou = entities["uk-14200"]

    assert ivanou.name == "Ivan Ivanavich IVANOU"
    assert ivanou.aliases == (
        Alias(name="Ivan Ivanovich IVANOV"),
        Alias(name="Иван Иванович ИВАНОВ", lang="ru"),
    )


def test_countries_nationalities_numbered_then_address_countries(
    entities: dict[str, Entity],
) -> None:
    assert entities["uk-14200"].country == ("BY", "RU")  # "(1) Belarus (2) Russia", "Russia"
    assert entities["uk-15001"].addresses == (
        Address(full="29 Dolginovsky Trakt, Minsk, 220053, Belarus", country="BY"),
    )
    assert entities["uk-13900"].addresses == ()
    assert entities["uk-13900"].country == ()


def test_listing_with_regime_uk_reference_and_date(entities: dict[str, Entity]) -> None:
    assert entities["uk-15001"].listings == (
        Listing(
            authority="UK",
            list=LIST_NAME,
            programme="Belarus",
            reference="BEL0123",  # "(UK Sanctions List Ref):BEL0123" in Other Information
            listed_on=date(2022, 3, 24),
        ),
    )


def test_provenance_has_the_list_date_of_the_first_line(entities: dict[str, Entity]) -> None:
    assert entities["uk-13900"].sources == (
        Source(name="ConList.csv", reference="13900", date=date(2024, 5, 2)),
    )
    assert entities["uk-13900"].notes is not None
    assert entities["uk-13900"].notes.startswith("(UK Sanctions List Ref):RUS1850")


def test_several_regimes_and_no_banner_line(tmp_path: Path) -> None:
    other_regime = ROWS[1].replace(",Belarus,24/03/2022,", ",Russia,01/06/2023,")
    path = write(tmp_path / "ConList.csv", HEADER, ROWS[0], other_regime)

    (entity,) = read_uk_csv([path])

    assert [(li.programme, li.listed_on) for li in entity.listings] == [
        ("Belarus", date(2022, 3, 24)),
        ("Russia", date(2023, 6, 1)),
    ]
    assert entity.sources[0].date is None


def test_missing_optional_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ConList.csv",
        "Name 6,Name 1,Group Type,Alias Type,Regime,Group ID",
        "ACME,,Entity,Primary name,Belarus,1",
    )

    (entity,) = read_uk_csv([path])

    assert (entity.id, entity.name, entity.aliases) == ("uk-1", "ACME", ())
    assert entity.listings == (
        Listing(authority="UK", list=LIST_NAME, programme="Belarus", reference="1"),
    )


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "line 1: not an OFSI ConList.csv header: no Name 6"),
        (("Last Updated,02/05/2024", "id,schema,name"), "line 2: not an OFSI ConList.csv header"),
        (("Unique ID,OFSI Group ID,Name 6",), "looks like the FCDO UK Sanctions List"),
        (("Last Updated,2 May 2024", HEADER), "line 1: Last Updated '2 May 2024' is not a dd/mm"),
        ((BANNER, HEADER, ROWS[0][:-6]), "line 3: expected 36 fields, found 35"),
        ((BANNER, HEADER, ROWS[0].replace(",15001", ",")), "line 3: Group ID is empty"),
        ((BANNER, HEADER, ROWS[0].replace("24/03/2022", "2022-03-24")), "line 3: Listed On"),
        ((BANNER, HEADER, ROWS[0].replace("MINSK TRACTOR WORKS", "")), "15001: the name is empty"),
        ((BANNER, HEADER, ROWS[0].replace(",15001", ",1 5")), "line 3: Group ID 1 5: id:"),
    ],
)
def test_bad_input_is_refused_naming_file_and_line(
    tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ImportFormatError, match=r"bad\.csv") as error:
        read_uk_csv([write(tmp_path / "bad.csv", *lines)])

    assert message in str(error.value)


def test_a_group_in_two_files_is_refused(tmp_path: Path) -> None:
    second = write(tmp_path / "again.csv", BANNER, HEADER, ROWS[0])

    with pytest.raises(ImportFormatError, match=r"again\.csv, line 3: Group ID 15001 is also in"):
        read_uk_csv([FIXTURE, second])


def test_round_trip_through_the_jsonl_format() -> None:
    entities = read_uk_csv([FIXTURE])

    assert parse_jsonl(dump_jsonl(entities).splitlines(), "watchlist.jsonl") == entities


def test_belarus_filter_by_nationality_address_or_regime(tmp_path: Path) -> None:
    entities = read_uk_csv([FIXTURE])
    # The Russian ship again, listed under the Belarus regime: only the regime links it.
    row = ROWS[5].replace(",Russia,19/05/2023,", ",Belarus,19/05/2023,")
    (relisted,) = read_uk_csv([write(tmp_path / "x.csv", HEADER, row)])

    # uk-15001 by address and regime, uk-14200 by nationality; the ship under Russia is not.
    assert filter_entities(entities, countries={"BY"}) == entities[:2]
    assert filter_entities([relisted], countries={"BY"}) == [relisted]


def test_company_numbers_in_other_information_become_identifiers(tmp_path: Path) -> None:
    numbered = ROWS[0].replace(
        "(Phone number):+375 17 000 00 00",
        "(Business Reg No):100230519 (Tax Identification Number):INN 7707083893 "
        "(Phone number):+375 17 000 00 00",
    )
    path = write(tmp_path / "ConList.csv", BANNER, HEADER, numbered)

    (entity,) = read_uk_csv([path])

    assert [(i.type, i.value, i.country, i.source) for i in entity.identifiers] == [
        ("unp", "100230519", "BY", "UK"),
        ("inn", "7707083893", "RU", "UK"),
    ]
