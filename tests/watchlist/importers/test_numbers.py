"""Tests of the register and tax numbers as the lists print them (`importers.numbers`)."""

from __future__ import annotations

import pytest

from service.watchlist.identifiers import Scheme
from service.watchlist.importers.numbers import (
    bracketed_fields,
    identifier,
    identifiers_in,
    label_scheme,
    remark_identifiers,
)
from service.watchlist.model import Identifier


def ident(scheme: Scheme, value: str, country: str | None, source: str | None = None) -> Identifier:
    return Identifier(type=scheme, value=value, country=country, source=source)


@pytest.mark.parametrize(
    ("label", "scheme"),
    [
        ("Tax ID No.", Scheme.TAX),
        ("Registration ID", Scheme.REGISTRATION),
        ("Government Gazette Number", Scheme.OKPO),
        ("Legal Entity Number", Scheme.LEI),
        ("registrationNumber", Scheme.REGISTRATION),
        ("innCode", Scheme.INN),
        ("УНП", Scheme.UNP),
        ("Passport", None),
        ("Phone Number", None),
    ],
)
def test_labels_name_schemes(label: str, scheme: Scheme | None) -> None:
    assert label_scheme(label) is scheme


def test_a_generic_number_takes_the_national_scheme_of_its_country_when_it_holds() -> None:
    assert identifier(Scheme.REGISTRATION, "100230519", country="BY") == ident(
        Scheme.UNP, "100230519", "BY"
    )
    assert identifier(Scheme.TAX, "7707083893", country="RU") == ident(
        Scheme.INN, "7707083893", "RU"
    )
    assert identifier(Scheme.REGISTRATION, "1027700132195", country="RU") == ident(
        Scheme.OGRN, "1027700132195", "RU"
    )
    assert identifier(Scheme.TAX, "00032129", country="UA") == ident(
        Scheme.EDRPOU, "00032129", "UA"
    )
    # Check digit wrong, another country, no country: a generic number.
    assert identifier(Scheme.REGISTRATION, "100230518", country="BY") == ident(
        Scheme.REGISTRATION, "100230518", "BY"
    )
    assert identifier(Scheme.REGISTRATION, "100230519", country="UZ") == ident(
        Scheme.REGISTRATION, "100230519", "UZ"
    )
    assert identifier(Scheme.TAX, "100230519") == ident(Scheme.TAX, "100230519", None)


def test_a_national_number_failing_its_check_digits_is_kept_as_generic() -> None:
    assert identifier(Scheme.UNP, "100230518") == ident(Scheme.TAX, "100230518", None)
    assert identifier(Scheme.OGRN, "12345") == ident(Scheme.REGISTRATION, "12345", None)
    assert identifier(Scheme.REGISTRATION, "n/a") is None
    assert identifier(Scheme.REGISTRATION, "-") is None


def test_a_national_scheme_says_its_country() -> None:
    assert identifier(Scheme.INN, "7707083893", country="BY") == ident(
        Scheme.INN, "7707083893", "RU"
    )


def test_fields_with_several_numbers_notes_and_inner_labels() -> None:
    assert identifiers_in(
        "registrationNumber", "190950894 (Belarus); 7704734000/770301001 (Russia)", country="BY"
    ) == [ident(Scheme.UNP, "190950894", "BY"), ident(Scheme.INN, "7704734000", "RU")]
    assert identifiers_in("registrationNumber", "100211261(УНП)") == [
        ident(Scheme.UNP, "100211261", "BY")
    ]
    assert identifiers_in("Tax Identification Number", "INN - 7707083893", source="UK") == [
        ident(Scheme.INN, "7707083893", "RU", "UK")
    ]
    assert identifiers_in("taxNumber", "KPP 770301001") == []
    assert identifiers_in("Passport", "MP1234567 (Belarus)") == []


def test_remarks_written_the_ofac_way() -> None:
    remarks = (
        "a.k.a. 'BM'; Registration ID 100230519 (Belarus) issued 16 Oct 2009; Tax ID No. "
        "7707083893 (Russia); Government Gazette Number 09804148 (Russia); Business "
        "Registration Document # UNP 100386629 (Belarus); Passport 1084010 (Egypt); Legal "
        "Entity Number 253400V1H6ART1UQ0N98 (Russia); alt. Registration ID 14063277."
    )
    assert remark_identifiers(remarks, source="US-OFAC") == [
        ident(Scheme.UNP, "100230519", "BY", "US-OFAC"),
        ident(Scheme.INN, "7707083893", "RU", "US-OFAC"),
        ident(Scheme.OKPO, "09804148", "RU", "US-OFAC"),
        ident(Scheme.UNP, "100386629", "BY", "US-OFAC"),
        ident(Scheme.LEI, "253400V1H6ART1UQ0N98", "RU", "US-OFAC"),
        ident(Scheme.REGISTRATION, "14063277", None, "US-OFAC"),
    ]


def test_bracketed_fields() -> None:
    text = "(UK Sanctions List Ref):BEL0001 (Business Reg No):100230519 (Phone number):+375 17"
    assert list(bracketed_fields(text)) == [
        ("UK Sanctions List Ref", "BEL0001"),
        ("Business Reg No", "100230519"),
        ("Phone number", "+375 17"),
    ]
