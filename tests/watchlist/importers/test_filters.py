"""Tests of the format-independent entity filters."""

from __future__ import annotations

import pytest

from service.watchlist.identifiers import Scheme
from service.watchlist.importers.filters import EntityFilter, filter_entities, is_belarus_linked
from service.watchlist.model import Address, Entity, Identifier, Listing, Schema


def entity(
    entity_id: str,
    *,
    country: tuple[str, ...] = (),
    address_country: str | None = None,
    programme: str | None = None,
    schema: Schema = Schema.ORGANIZATION,
) -> Entity:
    return Entity(
        id=entity_id,
        name=entity_id.upper(),
        country=country,
        addresses=(Address(full="somewhere", country=address_country),),
        listings=(Listing(authority="US-OFAC", list="SDN", programme=programme),),
        schema_=schema,
    )


BY_COUNTRY = entity("by-country", country=("RU", "BY"))
BY_ADDRESS = entity("by-address", address_country="BY", schema=Schema.PERSON)
BY_PROGRAMME = entity("by-programme", programme="BELARUS-EO14038")
RUSSIAN = entity("russian", country=("RU",), programme="RUSSIA-EO14024", schema=Schema.PERSON)
ALL = [BY_COUNTRY, BY_ADDRESS, BY_PROGRAMME, RUSSIAN]


@pytest.mark.parametrize(
    ("candidate", "linked"),
    [(BY_COUNTRY, True), (BY_ADDRESS, True), (BY_PROGRAMME, True), (RUSSIAN, False)],
)
def test_is_belarus_linked(candidate: Entity, linked: bool) -> None:
    assert is_belarus_linked(candidate) is linked


def test_belarus_programme_in_any_case_links_to_belarus() -> None:
    assert is_belarus_linked(entity("eu", programme="eu-belarus"))


def test_a_register_number_of_belarus_links_to_belarus() -> None:
    unp = Identifier(type=Scheme.UNP, value="100230519", country="BY")
    inn = Identifier(type=Scheme.INN, value="7707083893", country="RU")
    assert is_belarus_linked(entity("by-unp").model_copy(update={"identifiers": (unp,)}))
    assert not is_belarus_linked(entity("ru-inn").model_copy(update={"identifiers": (inn,)}))


def test_no_criteria_keeps_everything_in_order() -> None:
    assert filter_entities(ALL) == ALL


def test_countries_match_entity_and_address_countries_in_any_case() -> None:
    assert filter_entities(ALL, countries={"ru"}) == [BY_COUNTRY, RUSSIAN]
    assert filter_entities(ALL, countries={"BY"}) == [BY_COUNTRY, BY_ADDRESS, BY_PROGRAMME]


def test_only_belarus_has_a_programme_word() -> None:
    assert filter_entities([entity("x", programme="RUSSIA-EO14024")], countries={"RU"}) == []


def test_programmes_match_whole_names_in_any_case() -> None:
    assert filter_entities(ALL, programmes={"belarus-eo14038"}) == [BY_PROGRAMME]
    assert filter_entities(ALL, programmes={"BELARUS"}) == []


def test_schemas() -> None:
    assert filter_entities(ALL, schemas={Schema.PERSON}) == [BY_ADDRESS, RUSSIAN]


def test_criteria_combine_and_an_empty_set_matches_nothing() -> None:
    assert filter_entities(ALL, countries={"BY"}, schemas={Schema.PERSON}) == [BY_ADDRESS]
    assert filter_entities(ALL, countries=set()) == []


@pytest.mark.parametrize(
    "programme",
    ["BLR", "blr", "EU-BLR", "EU_BLR", "BLR/RUS", "Belarus", "BELARUS", "The Republic of Belarus"],
)
def test_eu_uk_and_opensanctions_belarus_programmes_link_to_belarus(programme: str) -> None:
    # EU programme code, OpenSanctions programme id, UK regime name, in any case.
    candidate = entity("x", programme=programme)

    assert is_belarus_linked(candidate)
    assert filter_entities([candidate], countries={"by"}) == [candidate]


@pytest.mark.parametrize("programme", ["BLRX", "XBLR", "EU-BLRUS", "RUS", "BY"])
def test_blr_must_stand_alone_to_name_belarus(programme: str) -> None:
    assert not is_belarus_linked(entity("x", programme=programme))


def test_entity_filter_from_names_as_typed() -> None:
    chosen = EntityFilter.of(countries=["by, ru"], programmes=[], schemas=["person", "Vessel"])
    assert chosen == EntityFilter(
        countries=frozenset({"BY", "RU"}), schemas=frozenset({Schema.PERSON, Schema.VESSEL})
    )
    assert chosen.apply(ALL) == [BY_ADDRESS, RUSSIAN]
    assert str(chosen) == "country BY, RU; schema Person, Vessel"
    assert EntityFilter.of().selects_all
    assert EntityFilter.of().apply(ALL) == ALL


@pytest.mark.parametrize(
    ("countries", "schemas", "problem"),
    [
        (["Belarus"], [], "'BELARUS' is not an ISO 3166-1 alpha-2 country code"),
        (["B1"], [], "'B1' is not an ISO"),
        ([], ["Company"], "unknown schema 'Company'"),
    ],
)
def test_entity_filter_refuses_bad_names(
    countries: list[str], schemas: list[str], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        EntityFilter.of(countries=countries, schemas=schemas)
