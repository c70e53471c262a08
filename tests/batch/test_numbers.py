"""Registration and tax numbers in supplier tables: the headers that name a scheme, columns of
numbers found by their check digits, and the numbers of one cell."""

from __future__ import annotations

import pytest

from service.batch.columns import Requested, find_columns
from service.batch.numbers import cell_identifiers, header_scheme
from service.watchlist.identifiers import Scheme

#: Real numbers: Peleng's and Legmash's UNP, Integral SPB's INN and OGRN.
ROWS = [
    ["1", "ОАО «Пеленг»", "BY", "100230519", "Минск"],
    ["2", "ОАО «Легмаш»", "BY", "300228934", "Орша"],
    ["3", "АО «Интеграл СПБ»", "RU", "7801047839", "Санкт-Петербург"],
]


@pytest.mark.parametrize(
    ("header", "scheme"),
    [
        ("УНП", Scheme.UNP), ("UNP", Scheme.UNP), ("ИНН", Scheme.INN), ("ИНН/КПП", Scheme.INN),
        ("ОГРН", Scheme.OGRN), ("Код ЄДРПОУ", Scheme.EDRPOU), ("ОКПО", Scheme.OKPO),
        ("LEI code", Scheme.LEI), ("Tax ID", Scheme.TAX), ("VAT No.", Scheme.TAX),
        ("NIP", Scheme.TAX), ("Steuernummer", Scheme.TAX),
        ("Registration number", Scheme.REGISTRATION), ("Reg. No.", Scheme.REGISTRATION),
        ("Регистрационный номер", Scheme.REGISTRATION),
        ("Registered name", None), ("Страна регистрации", None), ("Tax residence country", None),
        ("Supplier No", None), ("Vendor ID", None), ("Наименование", None),
    ],
)  # fmt: skip
def test_headers_that_name_a_scheme(header: str, scheme: Scheme | None) -> None:
    assert header_scheme(header) is scheme


@pytest.mark.parametrize(
    ("header", "identifiers", "supplier_id"),
    [
        # The number column is the supplier id too where no other column is.
        (["Код", "Наименование", "Страна", "УНП", "Город"], (3,), 0),
        (["№", "Name", "Country", "Tax ID", "City"], (3,), 0),
        (["Kennung", "Firma", "Land", "Bemerkung", "Ort"], (3,), None),  # by the check digits
        (["Lieferantennummer", "Firma", "Land", "Bemerkung", "Ort"], (3,), 0),
    ],
)
def test_identifier_columns(
    header: list[str], identifiers: tuple[int, ...], supplier_id: int | None
) -> None:
    found = find_columns(header, True, ROWS, Requested())
    assert (found.name, found.identifiers, found.id) == (1, identifiers, supplier_id)


def test_identifier_columns_of_a_headerless_file_and_on_request() -> None:
    labels = [f"column {i}" for i in range(1, 6)]
    assert find_columns(labels, False, ROWS, Requested()).identifiers == (3,)
    requested = Requested(identifier="1")
    assert find_columns(labels, False, ROWS, requested).identifiers == (0,)
    # Supplier numbers are not identifiers: they pass no scheme's check digits.
    plain = [[row[0] + "0023", *row[1:3]] for row in ROWS]
    assert find_columns(["Nr", "Firma", "Land"], True, plain, Requested()).identifiers == ()


def test_the_numbers_of_a_cell() -> None:
    assert cell_identifiers(Scheme.UNP, " 100 230 519 ") == [("unp", "100 230 519")]
    # An INN/KPP pair: the INN is the identifier, the KPP is not one.
    assert cell_identifiers(Scheme.INN, "7801047839/780101001") == [("inn", "7801047839")]
    assert cell_identifiers(None, "unp:100230519; 7801047839") == [
        ("unp", "100230519"),
        (None, "7801047839"),
    ]
    # Not a valid number: given all the same, for screening to say so in the row's warnings.
    assert cell_identifiers(Scheme.UNP, "100230518") == [("unp", "100230518")]
    assert cell_identifiers(Scheme.UNP, "  ") == []
