"""Finding the name, country and supplier-id columns: by header words in six languages, by
content when the header says nothing, and the message when no column holds names."""

from __future__ import annotations

import pytest

from service.batch.columns import Requested, find_columns, looks_like_header
from service.errors import BadUpload

SAMPLE = [
    ["10023", "ОАО «БЕЛАЗ»", "BY", "Иванов И.И.", "Минск"],
    ["10024", "Peleng JSC", "BY", "Петров П.П.", "Минск"],
    ["10025", "Müller Maschinenbau GmbH", "DE", "Thomas Weber", "Berlin"],
]


@pytest.mark.parametrize(
    ("header", "name", "country", "supplier_id"),
    [
        (["Supplier No", "Supplier name", "Country", "Contact person", "City"], 1, 2, 0),
        (["Vendor ID", "Company", "Country code", "Contact name", "Town"], 1, 2, 0),
        (["Код контрагента", "Наименование", "Страна", "Контактное лицо", "Город"], 1, 2, 0),
        (["УНП", "Название поставщика", "Страна регистрации", "Менеджер", "Адрес"], 1, 2, 0),
        (["Код", "Найменне контрагента", "Краіна", "Кантактная асоба", "Горад"], 1, 2, 0),
        (["ЄДРПОУ", "Найменування постачальника", "Країна", "Контактна особа", "Місто"],
         1, 2, 0),
        (["Lieferantennummer", "Lieferant", "Land", "Ansprechpartner", "Ort"], 1, 2, 0),
        (["Kreditor", "Firmenname", "Länderschlüssel", "Ansprechpartner", "Stadt"], 1, 2, 0),
        (["NIP", "Nazwa kontrahenta", "Kraj", "Osoba kontaktowa", "Miasto"], 1, 2, 0),
        (["Nr dostawcy", "Dostawca", "Państwo", "Kontakt", "Miejscowość"], 1, 2, 0),
        (["LIFNR", "NAME1", "LAND1", "Contact", "ORT01"], 1, 2, 0),
    ],
    ids=["en", "en-vendor", "ru", "ru-2", "be", "uk", "de", "de-2", "pl", "pl-2", "sap"],
)  # fmt: skip
def test_header_words(header: list[str], name: int, country: int, supplier_id: int | None) -> None:
    assert looks_like_header(header, SAMPLE)
    found = find_columns(header, True, SAMPLE, Requested())
    assert (found.name, found.country, found.id) == (name, country, supplier_id)


def test_the_name_itself_beats_a_word_about_the_supplier() -> None:
    header = ["Supplier", "Supplier name", "Country"]
    assert find_columns(header, True, SAMPLE, Requested()).name == 1
    header = ["Name 1", "Name 2", "Country"]
    assert find_columns(header, True, SAMPLE, Requested()).name == 0


def test_contact_and_bank_names_are_not_the_name() -> None:
    header = ["Bank name", "Contact name", "Company"]
    rows = [["Belarusbank", "Ivan Petrov", "OJSC Peleng"]]
    assert find_columns(header, True, rows, Requested()).name == 2


def test_unknown_header_falls_back_to_the_most_letter_rich_column() -> None:
    header = ["Kennung", "Beschreibung", "Kz", "Person", "Sitz"]  # words it does not know
    found = find_columns(header, True, SAMPLE, Requested())
    # Names have more letters than people's initials, and vary more than cities.
    assert (found.name, found.country, found.id) == (1, 2, None)


def test_requested_columns_win() -> None:
    header = ["Supplier No", "Supplier name", "Country", "Contact person", "City"]
    found = find_columns(header, True, SAMPLE, Requested(name="contact person", id="5"))
    assert (found.name, found.id, found.country) == (3, 4, 2)


def test_no_name_column_message_lists_the_header_and_the_way_out() -> None:
    rows = [["1", "12.50", "2024-01-01"], ["2", "3.00", "2024-01-02"]]
    with pytest.raises(BadUpload) as caught:
        find_columns(["Nr", "Betrag", "Datum"], True, rows, Requested())
    assert caught.value.code == "no_name_column"
    message = caught.value.message
    assert "the header is 'Nr', 'Betrag', 'Datum'" in message
    assert "name_column" in message and "--name-column" in message


def test_no_name_column_in_a_header_less_file() -> None:
    rows = [["1", "12.50"], ["2", "3.00"]]
    with pytest.raises(BadUpload) as caught:
        find_columns(["column 1", "column 2"], False, rows, Requested())
    assert "no header row" in caught.value.message


@pytest.mark.parametrize(
    ("first", "header"),
    [
        (["Name", "Country"], True),
        (["Наименование"], True),
        (["№", "Наименование", "УНП"], True),
        (["Supplier Company Ltd", "BY"], False),  # a company named like a header word
        (["10023", "ОАО «БЕЛАЗ»", "BY"], False),
        (["ОАО «БЕЛАЗ»"], False),
        (["Kennung", "Bezeichnung"], True),  # words above a column of numbers
    ],
)
def test_looks_like_header(first: list[str], header: bool) -> None:
    rest = [["10023", "x"], ["10024", "y"]] if first[0] == "Kennung" else [["a", "b"]]
    assert looks_like_header(first, rest) is header
