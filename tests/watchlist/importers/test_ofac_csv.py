"""Tests of the OFAC legacy CSV importer: hand-made fixtures for each quirk, then the real files."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from service.errors import ImportFormatError
from service.watchlist.importers.filters import is_belarus_linked
from service.watchlist.importers.ofac_csv import (
    CONSOLIDATED_LIST,
    SDN_LIST,
    OfacImport,
    OfacOrphan,
    entity_from_orphan,
    read_ofac_csv,
)
from service.watchlist.model import Address, Alias, AliasKind, Entity, Listing, Schema, Source

FIXTURES = Path(__file__).parent / "fixtures" / "ofac"
SDN = FIXTURES / "sdn"
CONS = FIXTURES / "cons"
REAL_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
needs_real_data = pytest.mark.skipif(
    not REAL_DATA.is_dir(), reason=f"the real OFAC files are not available at {REAL_DATA}"
)

NULLS = ",".join(["-0- "] * 7)  # Title to Vess_owner of a primary row, all null


def primary_row(ent_num: str, name: str, kind: str = "-0- ", remarks: str = "-0- ") -> str:
    return f'{ent_num},"{name}",{kind},"SDGT",{NULLS},{remarks}'


def write(folder: Path, name: str, *lines: str, encoding: str = "ascii") -> Path:
    path = folder / name
    path.write_bytes("".join(f"{line}\r\n" for line in lines).encode(encoding) + b"\x1a")
    return path


@pytest.fixture(scope="module")
def sdn() -> dict[str, Entity]:
    return {entity.id: entity for entity in read_ofac_csv([SDN]).entities}


# --- the fixture files and their quirks ---------------------------------------------------------


def test_one_entity_per_primary_row_in_file_order() -> None:
    result = read_ofac_csv([SDN])

    assert isinstance(result, OfacImport)
    assert [e.id for e in result.entities] == [f"ofac-{n}" for n in range(101, 109)]
    assert result.entities[1].name == "IVANOU, Ivan Ivanavich"


def test_crlf_line_ends_and_trailing_ctrl_z_are_not_data(sdn: dict[str, Entity]) -> None:
    raw = (SDN / "sdn.csv").read_bytes()

    assert raw.endswith(b"\r\n\x1a")
    assert raw.count(b"\r\n") == 8
    assert sdn["ofac-108"].notes == (
        "Nationality of Registration Russia; Organization Established Date 2001."
    )
    assert not any(char in f"{e.name}{e.notes}" for e in sdn.values() for char in "\r\n\x1a")


def test_null_marker_with_or_without_trailing_space(sdn: dict[str, Entity]) -> None:
    assert sdn["ofac-101"].schema_ is Schema.ORGANIZATION  # "-0- "
    assert sdn["ofac-106"].schema_ is Schema.ORGANIZATION  # "-0-"
    assert sdn["ofac-107"].notes is None  # "-0-"
    assert sdn["ofac-102"].addresses == ()  # an address row of nothing but "-0- "


@pytest.mark.parametrize(
    ("entity_id", "schema"),
    [
        ("ofac-101", Schema.ORGANIZATION),
        ("ofac-102", Schema.PERSON),
        ("ofac-103", Schema.VESSEL),
        ("ofac-104", Schema.AIRCRAFT),
        ("ofac-105", Schema.ORGANIZATION),  # an empty type field
    ],
)
def test_type_maps_to_schema(sdn: dict[str, Entity], entity_id: str, schema: Schema) -> None:
    assert sdn[entity_id].schema_ is schema


def test_several_programmes_in_one_field_give_one_listing_each(sdn: dict[str, Entity]) -> None:
    assert sdn["ofac-101"].listings == (
        Listing(authority="US-OFAC", list="SDN", programme="BELARUS-EO14038", reference="101"),
        Listing(authority="US-OFAC", list="SDN", programme="RUSSIA-EO14024", reference="101"),
    )


def test_remarks_continue_in_the_comments_file(sdn: dict[str, Entity]) -> None:
    assert sdn["ofac-103"].notes == "Vessel Registration Identification IMO 1234567."
    assert sdn["ofac-105"].notes == (
        "Website example.test; a.k.a. 'LONG ONE'; a.k.a. 'SPLIT NAME'; Linked To: BELMASH OAO."
    )
    assert sdn["ofac-105"].aliases == (
        Alias(name="LONG ONE", kind=AliasKind.WEAK),
        Alias(name="SPLIT NAME", kind=AliasKind.WEAK),
    )


def test_register_numbers_in_the_remarks_become_identifiers(tmp_path: Path) -> None:
    remarks = (
        '"Registration ID 100230519 (Belarus) issued 16 Oct 2009; Tax ID No. 7707083893 '
        '(Russia); Passport MP1234567 (Belarus); Registration Number 100123456 (Belarus)."'
    )
    write(tmp_path, "sdn.csv", primary_row("1", "OAO PELENG", remarks=remarks))

    (entity,) = read_ofac_csv([tmp_path]).entities

    assert [(i.type, i.value, i.country, i.source) for i in entity.identifiers] == [
        ("unp", "100230519", "BY", "US-OFAC"),
        ("inn", "7707083893", "RU", "US-OFAC"),
        # nine digits of Belarus whose check digit does not hold: not called a UNP
        ("registration", "100123456", "BY", "US-OFAC"),
    ]


def test_a_continuation_the_remarks_already_end_with_is_not_repeated(
    sdn: dict[str, Entity],
) -> None:
    # A later comments file continues remarks that have since grown past 1,000 characters.
    assert sdn["ofac-106"].notes == "Registration Number 1027700012345 (Russia)."


def test_aliases_from_alt_file_then_weak_ones_from_remarks(sdn: dict[str, Entity]) -> None:
    assert sdn["ofac-101"].aliases == (
        Alias(name="BELMASH OPEN JOINT STOCK COMPANY", kind=AliasKind.AKA),
        Alias(name="MINSK MACHINE PLANT", kind=AliasKind.FKA),
        Alias(name="BELMASH HOLDING", kind=AliasKind.AKA),  # nka
        Alias(name="BELMASH", kind=AliasKind.WEAK),
        Alias(name="OJSC BM", kind=AliasKind.WEAK),
    )


def test_weak_alias_names_may_hold_apostrophes_and_alt_remarks_stay_out(
    sdn: dict[str, Entity],
) -> None:
    assert sdn["ofac-102"].aliases == (
        Alias(name="IVANOV, Ivan Ivanovich", kind=AliasKind.AKA),
        Alias(name="VANYA", kind=AliasKind.WEAK),
        Alias(name="O'BRIEN, Ivan", kind=AliasKind.WEAK),
    )


def test_addresses_joined_on_ent_num(sdn: dict[str, Entity]) -> None:
    assert sdn["ofac-101"].addresses == (  # the repeated address is kept once
        Address(full="Partizanski Ave 150, Minsk 220021, Belarus", city="Minsk", country="BY"),
        Address(full="Soligorsk, Minsk Region 223710, Belarus", city="Soligorsk", country="BY"),
        Address(full="Tverskaya 1, Moscow 125009, Russia", city="Moscow", country="RU"),
    )
    assert sdn["ofac-103"].addresses == (Address(full="Atlantis"),)
    assert sdn["ofac-107"].addresses == (Address(full="Havana, Cuba", city="Havana", country="CU"),)


@pytest.mark.parametrize(
    ("entity_id", "countries"),
    [
        ("ofac-101", ("BY", "RU")),  # address countries, main first
        ("ofac-102", ("BY", "RU")),  # "nationality Belarus; alt. citizen Russia"
        ("ofac-108", ("GB", "RU")),  # address, then "Nationality of Registration Russia"
        ("ofac-103", ()),  # an unknown country name; the vessel flag is not a link
    ],
)
def test_countries_from_addresses_then_remarks(
    sdn: dict[str, Entity], entity_id: str, countries: tuple[str, ...]
) -> None:
    assert sdn[entity_id].country == countries


def test_source_names_the_primary_file_and_the_list_date() -> None:
    entity = read_ofac_csv([SDN], list_date=date(2024, 5, 3)).entities[0]

    assert entity.sources == (Source(name="sdn.csv", reference="101", date=date(2024, 5, 3)),)
    assert entity.defence is False


def test_consolidated_list() -> None:
    first, second = read_ofac_csv([CONS]).entities

    assert first.notes == "SWIFT/BIC TESTBY22; Linked To: TEST BANK PJSC."
    assert first.aliases == (Alias(name="CJSC TEST SLAVBANK", kind=AliasKind.FKA),)
    assert {listing.list for listing in first.listings} == {CONSOLIDATED_LIST}
    assert first.sources[0].name == "cons_prim.csv"
    assert (second.schema_, second.country) == (Schema.PERSON, ("PS",))


def test_both_lists_together_join_companions_within_their_own_list() -> None:
    result = read_ofac_csv([SDN, CONS])

    assert [e.id for e in result.entities][-3:] == ["ofac-108", "ofac-501", "ofac-502"]
    assert result.entities[-2].listings[0].list == CONSOLIDATED_LIST
    assert result.orphans["900"].aliases == (
        Alias(name="ORPHAN PLANT JSC"),
        Alias(name="ORPHAN PLANT"),
    )
    assert result.orphans["900"].files == ("add.csv", "alt.csv", "cons_alt.csv")


def test_files_and_folders_may_be_mixed_and_repeated() -> None:
    result = read_ofac_csv([SDN / "sdn.csv", SDN / "alt.csv", SDN / "sdn.csv"])

    by_id = {e.id: e for e in result.entities}
    assert by_id["ofac-101"].addresses == ()
    assert by_id["ofac-101"].aliases[0].name == "BELMASH OPEN JOINT STOCK COMPANY"
    assert set(result.orphans) == {"900"}


# --- orphans --------------------------------------------------------------------------------------


def test_companion_rows_without_a_primary_row_are_kept_as_orphans() -> None:
    orphans = read_ofac_csv([SDN]).orphans

    assert dict(orphans) == {
        "900": OfacOrphan(
            aliases=(Alias(name="ORPHAN PLANT JSC"),),
            addresses=(
                Address(full="1 Orphan Street, Minsk 220004, Belarus", city="Minsk", country="BY"),
            ),
            files=("add.csv", "alt.csv"),
        ),
        "901": OfacOrphan(remarks="nued text; a.k.a. 'ORPHAN WEAK'.", files=("sdn_comments.csv",)),
    }


def test_entity_from_orphan_builds_the_entity_the_same_way() -> None:
    orphans = read_ofac_csv([SDN]).orphans

    entity = entity_from_orphan("900", "ORPHAN PLANT", orphans["900"], list_date=date(2025, 2, 27))
    weak = entity_from_orphan("901", "ORPHAN", orphans["901"], CONSOLIDATED_LIST)

    assert entity.id == "ofac-900"
    assert entity.aliases == (Alias(name="ORPHAN PLANT JSC"),)
    assert (entity.schema_, entity.country) == (Schema.ORGANIZATION, ("BY",))
    assert entity.listings == (Listing(authority="US-OFAC", list=SDN_LIST, reference="900"),)
    assert [s.name for s in entity.sources] == ["add.csv", "alt.csv"]
    assert entity.sources[0].date == date(2025, 2, 27)
    assert weak.aliases == (Alias(name="ORPHAN WEAK", kind=AliasKind.WEAK),)
    assert weak.listings[0].list == CONSOLIDATED_LIST


def test_entity_from_orphan_takes_a_schema_and_refuses_an_unknown_list() -> None:
    orphan = OfacOrphan(files=("add.csv",))

    assert (
        entity_from_orphan("9", "DOE, John", orphan, schema=Schema.PERSON).schema_ is Schema.PERSON
    )
    with pytest.raises(ValueError, match="family"):
        entity_from_orphan("9", "X", orphan, family="SSI")


# --- encodings ----------------------------------------------------------------------------------


def test_windows_1252_file_is_decoded() -> None:
    (entity,) = read_ofac_csv([FIXTURES / "cp1252"]).entities

    assert entity.name == "CAFÉ ÖZTÜRK LTD"
    assert entity.notes == "Director’s firm; a.k.a. 'KÖLN TRADING'."
    assert entity.aliases == (Alias(name="KÖLN TRADING", kind=AliasKind.WEAK),)


def test_utf8_file_with_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    write(tmp_path, "sdn.csv", "\ufeff" + primary_row("1", "ŁUKASZ TRADE"), encoding="utf-8")

    assert read_ofac_csv([tmp_path]).entities[0].name == "ŁUKASZ TRADE"


def test_a_byte_undefined_in_windows_1252_does_not_stop_the_import(tmp_path: Path) -> None:
    (tmp_path / "sdn.csv").write_bytes(primary_row("1", "A\x81B").encode("latin-1"))

    assert read_ofac_csv([tmp_path]).entities[0].name == "A\x81B"


# --- addresses: city and country --------------------------------------------------------------


@pytest.mark.parametrize(
    ("city_line", "city"),
    [
        ("Minsk 220004", "Minsk"),
        ("London EC3N 1DY", "London"),
        ("Zurich CH-8022", "Zurich"),
        ("0578 Oslo", "Oslo"),
        ("Rogachev City, Gomel Region", "Rogachev City"),
        ("079903", None),
    ],
)
def test_city_is_the_first_part_without_postal_codes(
    tmp_path: Path, city_line: str, city: str | None
) -> None:
    write(tmp_path, "sdn.csv", primary_row("1", "X"))
    write(tmp_path, "add.csv", f'1,1,-0- ,"{city_line}","Belarus",-0- ')

    assert read_ofac_csv([tmp_path]).entities[0].addresses[0].city == city


COUNTRIES = {
    # the former USSR
    "Russia": "RU", "Belarus": "BY", "Ukraine": "UA", "Moldova": "MD", "Georgia": "GE",
    "Armenia": "AM", "Azerbaijan": "AZ", "Kazakhstan": "KZ", "Kyrgyzstan": "KG",
    "Tajikistan": "TJ", "Turkmenistan": "TM", "Uzbekistan": "UZ", "Estonia": "EE",
    "Latvia": "LV", "Lithuania": "LT",
    # the rest of the EU
    "Austria": "AT", "Belgium": "BE", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY",
    "Czech Republic": "CZ", "Denmark": "DK", "Finland": "FI", "France": "FR", "Germany": "DE",
    "Greece": "GR", "Hungary": "HU", "Ireland": "IE", "Italy": "IT", "Luxembourg": "LU",
    "Malta": "MT", "Netherlands": "NL", "Poland": "PL", "Portugal": "PT", "Romania": "RO",
    "Slovakia": "SK", "Slovenia": "SI", "Spain": "ES", "Sweden": "SE",
    # OFAC's own spellings and frequent trade partners
    "China": "CN", "Hong Kong": "HK", "Iran": "IR", "Turkey": "TR", "United Arab Emirates": "AE",
    "Korea, North": "KP", "Burma": "MM", "Bahamas, The": "BS", "Cote d Ivoire": "CI",
    "Man, Isle of": "IM", "Region: Crimea": "UA", "Palestinian": "PS", "undetermined": None,
}  # fmt: skip


def test_country_names_map_to_iso_codes(tmp_path: Path) -> None:
    write(tmp_path, "sdn.csv", primary_row("1", "X"))
    rows = [f'1,{n},"Street {n}",-0- ,"{name}",-0- ' for n, name in enumerate(COUNTRIES)]
    write(tmp_path, "add.csv", *rows)

    addresses = read_ofac_csv([tmp_path]).entities[0].addresses
    assert [address.country for address in addresses] == list(COUNTRIES.values())


# --- malformed input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lines", "problem"),
    [
        (
            "sdn.csv",
            [primary_row("1", "A"), "2,B,-0- ,SDGT"],
            "line 2: expected 12 fields, found 4",
        ),
        ("sdn.csv", [primary_row("1", "A"), '2,"B'], "line 2: malformed CSV"),
        ("sdn.csv", [primary_row("x1", "A")], "line 1: ent_num 'x1' is not a number"),
        ("sdn.csv", [primary_row("1", "A", kind='"entity"')], "line 1: unknown SDN_Type 'entity'"),
        ("sdn.csv", [primary_row("1", "-0-")], "line 1: SDN_Name is empty"),
        ("sdn.csv", [primary_row("1", "A"), primary_row("1", "B")], "line 2: duplicate ent_num 1"),
        ("alt.csv", ['1,1,"a.k.a.","B",-0- '], "line 1: unknown alt_type 'a.k.a.'"),
        ("alt.csv", ['1,1,"aka",-0- ,-0- '], "line 1: alt_name is empty"),
        ("add.csv", ["1,1,-0- ,-0- ,-0- "], "line 1: expected 6 fields, found 5"),
    ],
)
def test_malformed_rows_are_refused_naming_file_and_line(
    tmp_path: Path, name: str, lines: list[str], problem: str
) -> None:
    if name != "sdn.csv":
        write(tmp_path, "sdn.csv", primary_row("1", "A"))
    path = write(tmp_path, name, *lines)

    with pytest.raises(ImportFormatError, match="^" + re.escape(f"{path}, {problem}")):
        read_ofac_csv([tmp_path])


def test_an_unrecognised_or_missing_path_is_refused(tmp_path: Path) -> None:
    other = write(tmp_path, "names.csv", "1,A")

    with pytest.raises(ImportFormatError, match="not an OFAC legacy CSV file name"):
        read_ofac_csv([other])
    with pytest.raises(ImportFormatError, match="no such file or folder"):
        read_ofac_csv([tmp_path / "sdn.csv"])
    with pytest.raises(ImportFormatError, match="folder holds no OFAC CSV file"):
        read_ofac_csv([tmp_path])
    with pytest.raises(ImportFormatError, match="no OFAC CSV file given"):
        read_ofac_csv([])


def test_companions_without_their_primary_file_are_refused() -> None:
    with pytest.raises(ImportFormatError, match=r"Consolidated.* without its primary file"):
        read_ofac_csv([SDN, CONS / "cons_alt.csv"])


def test_two_primary_files_of_one_list_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "sdn.csv", primary_row("1", "A"))

    with pytest.raises(ImportFormatError, match="two SDN primary files given"):
        read_ofac_csv([SDN, tmp_path])


# --- the real files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_sdn() -> tuple[OfacImport, float]:
    """The 2024-05-03 sdn.csv with the 2025-02-27 companions, and the seconds the import took."""
    started = time.perf_counter()
    result = read_ofac_csv(
        [
            REAL_DATA / "ofac_sdn_csv" / "sdn_2024-05-03",
            REAL_DATA / "ofac_sdn_csv" / "add_alt_comments_2025-02-27",
        ],
        list_date=date(2024, 5, 3),
    )
    return result, time.perf_counter() - started


@pytest.mark.serial
@needs_real_data
def test_real_sdn_file_imports_every_row_quickly(real_sdn: tuple[OfacImport, float]) -> None:
    result, seconds = real_sdn

    assert len(result.entities) == 14_965
    assert Counter(e.schema_ for e in result.entities) == {
        Schema.ORGANIZATION: 6_884,
        Schema.PERSON: 6_854,
        Schema.VESSEL: 851,
        Schema.AIRCRAFT: 376,
    }
    assert seconds < 10


@needs_real_data
@pytest.mark.parametrize("ent_num", ["9760", "48331", "48581"])
def test_real_sdn_persons(real_sdn: tuple[OfacImport, float], ent_num: str) -> None:
    entity = next(e for e in real_sdn[0].entities if e.id == f"ofac-{ent_num}")

    assert entity.schema_ is Schema.PERSON
    assert entity.country[0] == "BY"


@needs_real_data
def test_real_belarus_organisation_has_its_companions_joined(
    real_sdn: tuple[OfacImport, float],
) -> None:
    mzkt = next(e for e in real_sdn[0].entities if e.id == "ofac-34769")

    assert mzkt.name == "MINSK WHEEL TRACTOR PLANT"
    assert Alias(name="MINSK WHEELED TRACTOR PLANT") in mzkt.aliases
    assert Alias(name="VOLAT", kind=AliasKind.WEAK) in mzkt.aliases
    assert mzkt.addresses == (
        Address(full="Partizanski Ave 150, Minsk 220021, Belarus", city="Minsk", country="BY"),
    )
    assert [x.programme for x in mzkt.listings] == ["NPWMD", "BELARUS-EO14038"]


@needs_real_data
def test_real_remarks_continuations(real_sdn: tuple[OfacImport, float]) -> None:
    by_id = {e.id: e for e in real_sdn[0].entities}

    weak = [a.name for a in by_id["ofac-47682"].aliases if a.kind is AliasKind.WEAK]
    assert "@BASSTERLORD 0170742922" in weak  # split between sdn.csv and sdn_comments.csv
    alfa = by_id["ofac-34682"].notes or ""
    assert alfa.endswith("Registration Number 1027700067328 (Russia).")
    assert alfa.count("67328 (Russia).") == 1
    assert ("ogrn", "1027700067328") in {(i.type, i.value) for i in by_id["ofac-34682"].identifiers}


@needs_real_data
def test_real_belarus_filter(real_sdn: tuple[OfacImport, float]) -> None:
    result, _ = real_sdn
    linked = [e for e in result.entities if is_belarus_linked(e)]
    programme = [
        e for e in result.entities if any("BELARUS" in (x.programme or "") for x in e.listings)
    ]

    # The files are pinned by blob id (SOURCES.md), so the figures are exact.
    assert len(programme) == 232
    assert len(linked) == 250
    assert {e.id for e in programme} <= {e.id for e in linked}


@needs_real_data
def test_real_orphans_include_later_belarus_designations(
    real_sdn: tuple[OfacImport, float],
) -> None:
    orphans = real_sdn[0].orphans
    belarus = {n for n, o in orphans.items() if any(a.country == "BY" for a in o.addresses)}

    assert len(orphans) == 2_111
    assert len(belarus) == 52
    legmash = entity_from_orphan("50198", "Joint Stock Company Plant Legmash", orphans["50198"])
    assert is_belarus_linked(legmash)


@needs_real_data
def test_real_consolidated_list_and_its_belarusian_banks() -> None:
    result = read_ofac_csv([REAL_DATA / "ofac_consolidated_nonsdn_2025-12-19"])

    assert len(result.entities) == 442
    assert not result.orphans
    assert {e.listings[0].list for e in result.entities} == {CONSOLIDATED_LIST}
    linked = {e.id: e for e in result.entities if is_belarus_linked(e)}
    assert set(linked) == {"ofac-18291", "ofac-18714", "ofac-18721"}
    assert Alias(name="BELVNESHECONOMBANK OPEN JOINT STOCK COMPANY") in linked["ofac-18291"].aliases
