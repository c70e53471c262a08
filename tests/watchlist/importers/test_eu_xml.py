"""Tests of the EU Financial Sanctions Files XML importer, on a fixture built from the format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.errors import ImportFormatError
from service.watchlist.importers.eu_xml import LIST_NAME, read_eu_xml
from service.watchlist.importers.filters import filter_entities
from service.watchlist.loader import parse_jsonl
from service.watchlist.model import Address, Alias, AliasKind, Entity, Listing, Schema, dump_jsonl

FIXTURE = Path(__file__).parent / "fixtures" / "eu_xml" / "eu_fsf.xml"
NAMESPACE = ' xmlns="http://eu.europa.ec/fpi/fsd/export"'


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {entity.id: entity for entity in read_eu_xml([FIXTURE])}


def export(*entities: str, attributes: str = NAMESPACE) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<export{attributes}>{"".join(entities)}</export>'
    )


def sanction_entity(logical_id: str = "1", body: str = "") -> str:
    return (
        f'<sanctionEntity logicalId="{logical_id}"><subjectType code="enterprise"/>'
        f'<nameAlias wholeName="NAME {logical_id}" strong="true"/>{body}</sanctionEntity>'
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def listing(programme: str, reference: str | None, listed_on: date) -> Listing:
    return Listing(
        authority="EU",
        list=LIST_NAME,
        programme=programme,
        reference=reference,
        listed_on=listed_on,
    )


def test_one_entity_per_sanction_entity_in_the_default_namespace(
    entities: dict[str, Entity],
) -> None:
    assert {e.id: e.schema_ for e in entities.values()} == {
        "eu-140021": Schema.ORGANIZATION,  # enterprise
        "eu-140022": Schema.PERSON,
        "eu-140023": Schema.ORGANIZATION,
        "eu-140024": Schema.PERSON,
    }


def test_without_a_namespace_too(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8").replace(NAMESPACE, "")
    assert NAMESPACE not in text

    assert read_eu_xml([write(tmp_path / FIXTURE.name, text)]) == read_eu_xml([FIXTURE])


def test_name_aliases_strong_false_is_weak_languages_kept(entities: dict[str, Entity]) -> None:
    belmash = entities["eu-140021"]

    assert belmash.name == "OAO BELMASH"
    assert belmash.aliases == (
        Alias(name="ОАО Белмаш", lang="ru"),
        Alias(name="Minsk Machine Plant"),
        Alias(name="BM", kind=AliasKind.WEAK),
    )


def test_primary_name_is_the_first_strong_english_one(entities: dict[str, Entity]) -> None:
    ivanou = entities["eu-140022"]

    assert ivanou.name == "Ivan Ivanavich IVANOU"  # not the Swedish spelling listed first
    assert ivanou.aliases == (
        Alias(name="Ivan Ivanovitj IVANOU", lang="sv"),
        Alias(name="Иван Иванович Иванов", lang="ru"),
        Alias(name="Vanya", kind=AliasKind.WEAK),  # strong="true" but remarked "Low quality"
    )


def test_a_name_from_its_parts_when_the_whole_name_is_empty(entities: dict[str, Entity]) -> None:
    assert entities["eu-140024"].name == "Piotr PIATROU"


def test_regulations_give_one_listing_per_programme(entities: dict[str, Entity]) -> None:
    assert entities["eu-140021"].listings == (listing("BLR", "EU.7001.12", date(2022, 6, 3)),)
    # No designation date: each programme is dated by its earliest regulation date.
    assert entities["eu-140022"].listings == (
        listing("BLR", "EU.8123.45", date(2023, 8, 3)),
        listing("RUS", "EU.8123.45", date(2024, 2, 23)),
    )
    # No EU reference number: no reference.
    assert entities["eu-140023"].listings == (listing("TAQA", None, date(2002, 5, 29)),)


def test_addresses_and_unknown_countries(entities: dict[str, Entity]) -> None:
    assert entities["eu-140021"].addresses == (
        Address(full="Partizanski Ave 150, Minsk, 220021, BELARUS", city="Minsk", country="BY"),
    )
    # countryIso2Code "00", "UNKNOWN", and nothing else: no address.
    assert entities["eu-140023"].addresses == (
        Address(full="Beirut, LEBANON", city="Beirut", country="LB"),
    )
    assert entities["eu-140024"].country == ("RS",)  # CS, Serbia and Montenegro


def test_countries_from_citizenship_addresses_and_documents(entities: dict[str, Entity]) -> None:
    assert entities["eu-140022"].country == ("BY", "RU")  # citizenships; birth places are not
    assert entities["eu-140021"].country == ("BY",)  # address and registration number


def test_provenance_has_the_file_date_and_the_regulation(entities: dict[str, Entity]) -> None:
    (source,) = entities["eu-140022"].sources

    assert (source.name, source.reference, source.date) == (
        "eu_fsf.xml",
        "EU.8123.45",
        date(2024, 5, 2),
    )
    assert source.url == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32023R1591"
    assert entities["eu-140023"].sources[0].reference == "140023"  # the logicalId instead
    assert entities["eu-140021"].notes == "Manufacturer of military vehicle parts."


def test_missing_optional_parts(tmp_path: Path) -> None:
    path = write(
        tmp_path / "minimal.xml",
        export(
            '<sanctionEntity logicalId="7"><nameAlias wholeName="X"/></sanctionEntity>',
            attributes="",
        ),
    )

    (entity,) = read_eu_xml([path])

    assert entity.schema_ is Schema.OTHER
    assert entity.listings == (Listing(authority="EU", list=LIST_NAME),)
    assert entity.sources[0].date is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Name 6,Name 1\n", "line 1, column 0: not well-formed XML"),
        ("", "not well-formed XML"),
        ("<sdnList/>", "not an EU Financial Sanctions Files export (root <sdnList>"),
        (export(sanction_entity("1")[:-5]), "not well-formed XML"),
        (
            export('<sanctionEntity><nameAlias wholeName="X"/></sanctionEntity>'),
            "#1 (logicalId None): no logicalId",
        ),
        (
            export(sanction_entity("1"), '<sanctionEntity logicalId="2"/>'),
            "#2 (logicalId 2): no nameAlias",
        ),
        (export(sanction_entity("1"), sanction_entity("1")), "eu-1 is also in"),
        (
            export(sanction_entity("1", '<regulation programme="BLR" publicationDate="3 May"/>')),
            "publicationDate '3 May' is not a date",
        ),
        (
            '<!DOCTYPE export [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            "<export>&b;</export>",
            "a DOCTYPE or entity declaration",
        ),
    ],
)
def test_bad_input_is_refused_naming_file_and_record(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ImportFormatError, match=r"bad\.xml") as error:
        read_eu_xml([write(tmp_path / "bad.xml", text)])

    assert message in str(error.value)


def test_an_entity_in_two_files_is_refused(tmp_path: Path) -> None:
    first = write(tmp_path / "a.xml", export(sanction_entity("1")))
    second = write(tmp_path / "b.xml", export(sanction_entity("2"), sanction_entity("1")))

    with pytest.raises(
        ImportFormatError, match=r"b\.xml, sanctionEntity #2 .*eu-1 is also in .*a\.xml"
    ):
        read_eu_xml([first, second])


def test_round_trip_through_the_jsonl_format() -> None:
    entities = read_eu_xml([FIXTURE])

    assert parse_jsonl(dump_jsonl(entities).splitlines(), "watchlist.jsonl") == entities


def test_belarus_filter_by_address_citizenship_or_programme(entities: dict[str, Entity]) -> None:
    linked = [e.id for e in filter_entities(entities.values(), countries={"BY"})]

    # eu-140024 lives in Belgrade: only its programme, BLR, links it to Belarus.
    assert linked == ["eu-140021", "eu-140022", "eu-140024"]


def test_registration_and_tax_numbers_become_identifiers(tmp_path: Path) -> None:
    documents = (
        '<identification number="100230519" countryIso2Code="BY" '
        'identificationTypeCode="regnumber" identificationTypeDescription="Registration Number"/>'
        '<identification number="7707083893" countryIso2Code="RU" '
        'identificationTypeCode="tax" identificationTypeDescription="Tax Identification Number"/>'
        '<identification number="12-34" countryIso2Code="00" '
        'identificationTypeCode="other" identificationTypeDescription="Registration Number"/>'
        '<identification number="MP1234567" countryIso2Code="BY" '
        'identificationTypeCode="passport" identificationTypeDescription="Passport"/>'
    )
    path = write(tmp_path / "eu.xml", export(sanction_entity("1", documents)))

    (entity,) = read_eu_xml([path])

    assert [(i.type, i.value, i.country, i.source) for i in entity.identifiers] == [
        ("unp", "100230519", "BY", "EU"),
        ("inn", "7707083893", "RU", "EU"),
        ("registration", "1234", None, "EU"),
    ]
