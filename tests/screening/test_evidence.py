"""The identifier index and conflicts, below HTTP: which listed numbers a query's number finds
(the same scheme, or a list's generic number of the same value from the right country), and
when an entity's numbers contradict a query's."""

from __future__ import annotations

from service.screening.evidence import (
    GENERIC_MIN_CHARS,
    ListedIdentifiers,
    Origin,
    QueryIdentifier,
    conflict,
)
from service.watchlist.identifiers import Scheme
from service.watchlist.model import Entity, Identifier


def entity(entity_id: str, *identifiers: tuple[str, str, str | None]) -> Entity:
    return Entity(
        id=entity_id,
        name=entity_id,
        identifiers=tuple(
            Identifier(type=Scheme(t), value=v, country=c) for t, v, c in identifiers
        ),
    )


def given(scheme: Scheme, value: str, *, certain: bool = True) -> QueryIdentifier:
    return QueryIdentifier(scheme, value, Origin.GIVEN, certain)


PELENG = entity("peleng", ("unp", "100230519", "BY"), ("okpo", "14360570", "BY"))
SBERBANK = entity("sberbank", ("tax", "7707083893", "RU"))
POLISH = entity("polish", ("tax", "100230519", "PL"))  # a made-up number of another register
SHORT = entity("short", ("registration", "12345", None), ("registration", "HRB 98765", "DE"))
INDEX = ListedIdentifiers([PELENG, SBERBANK, POLISH, SHORT])


def test_a_number_finds_the_same_scheme_and_a_lists_generic_number_of_its_country() -> None:
    assert list(INDEX.hits([given(Scheme.UNP, "100230519")])) == ["peleng"]
    assert list(INDEX.hits([given(Scheme.INN, "7707083893")])) == ["sberbank"]
    # A generic number finds a national one whose check digits it passes, and the reverse.
    assert set(INDEX.hits([given(Scheme.TAX, "100230519")])) == {"peleng", "polish"}
    assert INDEX.hits([given(Scheme.OGRN, "1027700132195")]) == {}


def test_generic_numbers_match_each_other_from_a_length_on() -> None:
    assert GENERIC_MIN_CHARS == 6
    assert INDEX.hits([given(Scheme.REGISTRATION, "12345")]) == {}
    assert list(INDEX.hits([given(Scheme.REGISTRATION, "HRB98765")])) == ["short"]


def test_the_search_takes_any_scheme_without_check_digits() -> None:
    assert [e for e, _ in INDEX.find(None, "100 230 519")] == ["peleng", "polish"]
    assert [e for e, _ in INDEX.find(Scheme.UNP, "100230519")] == ["peleng"]
    assert [e for e, _ in INDEX.find(None, "12345")] == ["short"]


def test_a_conflict_needs_a_certain_number_of_a_scheme_the_entity_lists() -> None:
    other = given(Scheme.UNP, "300228934")
    found = conflict(PELENG, [other])
    assert found is not None and found.query == other
    assert [i.value for i in found.listed] == ["100230519"]
    assert conflict(PELENG, [given(Scheme.UNP, "300228934", certain=False)]) is None
    assert conflict(SBERBANK, [given(Scheme.INN, "7801047839")]) is None  # lists a tax number
    assert conflict(SHORT, [given(Scheme.REGISTRATION, "777777")]) is None  # generic: no
    # One of the entity's numbers of the scheme is the query's: no conflict.
    two = entity("two", ("okpo", "14360570", "BY"), ("okpo", "00000000", "BY"))
    assert conflict(two, [given(Scheme.OKPO, "14360570")]) is None
