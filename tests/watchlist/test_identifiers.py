"""Company identifiers: normal forms, check digits of each national scheme (checked on real
numbers of the lists), labels, and the identifiers written in a free-text supplier line."""

from __future__ import annotations

import pytest

from service.watchlist.identifiers import (
    Found,
    Scheme,
    find_identifiers,
    normalize,
    scheme_of,
    valid,
)
from service.watchlist.model import Entity


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        (Scheme.UNP, "192003422"), (Scheme.UNP, "690664113"), (Scheme.UNP, "100016923"),
        (Scheme.INN, "7707083893"), (Scheme.INN, "6152000912"), (Scheme.INN, "500100732259"),
        (Scheme.OGRN, "1027700132195"), (Scheme.OGRN, "304500116000157"),
        (Scheme.OKPO, "00032537"), (Scheme.EDRPOU, "20047038"),
        (Scheme.LEI, "549300V3GQ2MCTQAIV68"), (Scheme.UNP, "AB1234567"),
        (Scheme.REGISTRATION, "U11100GJ1989PLC032116"),
    ],
)  # fmt: skip
def test_real_numbers_are_valid(scheme: Scheme, value: str) -> None:
    assert valid(scheme, value)


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        (Scheme.UNP, "192003423"), (Scheme.UNP, "19200342"), (Scheme.INN, "7707083894"),
        (Scheme.INN, "500100732258"), (Scheme.OGRN, "1027700132194"),
        (Scheme.LEI, "549300V3GQ2MCTQAIV67"), (Scheme.UNP, "1920034X2"), (Scheme.TAX, ""),
    ],
)  # fmt: skip
def test_a_wrong_digit_is_invalid(scheme: Scheme, value: str) -> None:
    assert not valid(scheme, value)


def test_normal_form() -> None:
    assert normalize(Scheme.UNP, " 192 003-422 ") == "192003422"
    assert normalize(Scheme.INN, "77O7O83893") == "7707083893"  # letters typed for digits
    assert normalize(Scheme.UNP, "l92OO3422") == "192003422"
    assert normalize(Scheme.UNP, "ab1234567") == "AB1234567"  # an individual's, not digits
    assert normalize(Scheme.REGISTRATION, "reg-0O1") == "REG0O1"  # only national schemes


def test_labels() -> None:
    assert scheme_of("УНП") is scheme_of("UNP") is Scheme.UNP
    assert scheme_of("Tax ID No.") is Scheme.TAX
    assert scheme_of("Registration Number") is Scheme.REGISTRATION
    assert scheme_of("ЄДРПОУ") is Scheme.EDRPOU
    assert scheme_of("colour") is None


def test_identifiers_in_a_supplier_line() -> None:
    line = "ОАО «Пеленг», УНП: 192 003 422, Минск; ИНН 7707083893 ОГРН 1027700132195"
    assert find_identifiers(line) == [
        Found(Scheme.UNP, "192003422"),
        Found(Scheme.INN, "7707083893"),
        Found(Scheme.OGRN, "1027700132195"),
    ]
    assert find_identifiers("Peleng 192003422 Minsk") == [Found(Scheme.UNP, "192003422")]
    assert find_identifiers("UNP l92OO3422") == [Found(Scheme.UNP, "192003422")]


@pytest.mark.parametrize(
    "line",
    [
        "tel. 375172123456",  # 12 digits failing INN's check digits
        "Peleng 192003423",  # a wrong check digit
        "amount 1,192,003,422.00",  # a sum of money
        "IBAN BY20OLMP31350000001000000933",  # inside a longer code
        "УНП 192003423",  # labelled, but the check digit is wrong
    ],
)
def test_numbers_that_are_no_identifier(line: str) -> None:
    assert find_identifiers(line) == []


def test_entities_keep_identifiers_in_normal_form() -> None:
    entity = Entity.model_validate(
        {"id": "x", "name": "X", "identifiers": [{"type": "unp", "value": "192 003 422"}]}
    )
    [identifier] = entity.identifiers
    assert (identifier.type, identifier.value) == (Scheme.UNP, "192003422")
    assert entity.to_json()["identifiers"] == [{"type": "unp", "value": "192003422"}]
