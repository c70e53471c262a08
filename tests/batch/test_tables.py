"""Reading supplier files: every variant an ERP or a spreadsheet writes (encodings, BOM,
delimiters, quoted newlines, XLSX, JSON Lines, JSON arrays), header-less files, per-row
problems, and the bad uploads refused with their codes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from openpyxl import Workbook

from service.batch.layout import TableFormat, TableInfo, TableOptions
from service.batch.tables import InputRow, inspect_file, inspect_table, read_rows
from service.errors import BadUpload, InvalidInput

SUPPLIERS = [
    ("10023", "ОАО «БЕЛАЗ»", "BY"),
    ("10024", "Minsk Wheeled Tractor Plant", "BY"),
    ("10025", "Müller Maschinenbau GmbH", "DE"),
]


def table(delimiter: str = ",", header: bool = True) -> str:
    lines = [delimiter.join(("Supplier No", "Name", "Country"))] if header else []
    lines += [delimiter.join(row) for row in SUPPLIERS]
    return "\r\n".join(lines) + "\r\n"


def read(path: Path, **options: str) -> tuple[TableInfo, list[InputRow]]:
    info = inspect_file(path, TableOptions(**options))  # type: ignore[arg-type]
    return info, list(read_rows(path, info))


def names(rows: list[InputRow]) -> list[str | None]:
    return [row.name for row in rows]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (table().encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + table().encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + table("\t").encode("utf-16-le"), "utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 (Excel's unicode text)"],
)
def test_unicode_files(tmp_path: Path, data: bytes, encoding: str) -> None:
    info, rows = read(write(tmp_path, "suppliers.csv", data))
    assert info.encoding == encoding
    assert names(rows) == [name for _, name, _ in SUPPLIERS]
    assert rows[0] == InputRow(1, "ОАО «БЕЛАЗ»", "BY", "10023", None)


CP1251 = (
    "Код;Наименование контрагента;Страна\n"
    "1;ОАО «Интеграл»;Беларусь\n"
    "2;ЗАО «Завод корпусных изделий»;BY\n"
    "3;ООО «Ромашка» (торговля, опт);Россия\n"
)


def test_cp1251_is_detected(tmp_path: Path) -> None:
    info, rows = read(write(tmp_path, "1c.csv", CP1251.encode("cp1251")))
    assert (info.encoding, info.delimiter) == ("cp1251", ";")
    assert names(rows) == ["ОАО «Интеграл»", "ЗАО «Завод корпусных изделий»",
                           "ООО «Ромашка» (торговля, опт)"]  # fmt: skip
    assert [row.country for row in rows] == ["BY", "BY", "RU"]


def test_named_encoding_wins_over_detection(tmp_path: Path) -> None:
    # A DOS code page (cp866), which detection cannot tell from its Ukrainian sibling.
    dos = CP1251.replace("«", '"').replace("»", '"')
    info, rows = read(write(tmp_path, "dos.csv", dos.encode("cp866")), encoding="CP866")
    assert info.encoding == "cp866"
    assert rows[0].name == 'ОАО "Интеграл"'
    info, rows = read(write(tmp_path, "1c.csv", CP1251.encode("cp1251")), encoding="windows-1251")
    assert info.encoding == "cp1251"
    assert rows[1].name == "ЗАО «Завод корпусных изделий»"


def test_unknown_encoding_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        read(write(tmp_path, "a.csv", b"Name\nX\n"), encoding="cp9999")
    assert caught.value.code == "unknown_encoding"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(tmp_path: Path, delimiter: str) -> None:
    info, rows = read(write(tmp_path, "a.csv", table(delimiter).encode()))
    assert info.delimiter == delimiter
    assert [(r.supplier_id, r.name, r.country) for r in rows] == SUPPLIERS


def test_named_delimiter(tmp_path: Path) -> None:
    info, _ = read(write(tmp_path, "a.csv", table(";").encode()), delimiter="semicolon")
    assert info.delimiter == ";"


def test_quoted_fields_with_delimiters_quotes_and_newlines(tmp_path: Path) -> None:
    data = 'Name;Country\n"ООО ""Ромашка""\nфилиал ""Юг""";RU\n"Belaz; Minsk";BY\n"Zavod, SVT";BY\n'
    info, rows = read(write(tmp_path, "a.csv", data.encode()))
    assert info.delimiter == ";"
    assert names(rows) == ['ООО "Ромашка"\nфилиал "Юг"', "Belaz; Minsk", "Zavod, SVT"]
    assert [row.number for row in rows] == [1, 2, 3]


def test_one_column_of_names_with_commas(tmp_path: Path) -> None:
    data = "Supplier\nBelaz, OJSC\nMZKT\nOrsha Plant Legmash, Orsha, Belarus\n"
    info, rows = read(write(tmp_path, "names.txt", data.encode()))
    assert info.columns == ("Supplier",)
    assert names(rows) == ["Belaz, OJSC", "MZKT", "Orsha Plant Legmash, Orsha, Belarus"]


def test_header_less_file_is_read_by_position(tmp_path: Path) -> None:
    info, rows = read(write(tmp_path, "a.csv", table(";", header=False).encode()))
    assert not info.header
    assert info.columns == ("column 1", "column 2", "column 3")
    assert (info.name_column, info.country_column, info.id_column) == (
        "column 2", "column 3", "column 1",
    )  # fmt: skip
    assert (rows[0].number, rows[0].supplier_id, rows[0].name) == (1, "10023", "ОАО «БЕЛАЗ»")
    assert len(rows) == 3  # the first row is screened, not taken for a header


def test_header_less_file_with_a_name_column_by_position(tmp_path: Path) -> None:
    data = "Acme Garden Furniture;Berlin\nOJSC Peleng;Minsk\n"
    info, rows = read(write(tmp_path, "a.csv", data.encode()), name_column="1")
    assert (info.header, info.name_column) == (False, "column 1")
    assert names(rows) == ["Acme Garden Furniture", "OJSC Peleng"]


def test_per_row_problems_do_not_fail_the_file(tmp_path: Path) -> None:
    data = (
        "Name;Country\nОАО «БЕЛАЗ»;BY\n;BY\n\n".encode()
        + "Пеленг".encode("cp1251")  # one row from another system, in Windows-1251
        + b";BY\n"
        + "ОАО «Минский автомобильный завод»;BY\n".encode() * 20
    )
    info, rows = read(write(tmp_path, "a.csv", data))
    assert info.encoding == "utf-8"  # most of the file is
    assert [(r.number, r.error is None) for r in rows[:4]] == [
        (1, True), (2, False), (4, False), (5, True),
    ]  # fmt: skip
    assert len(rows) == 23
    assert rows[1].error == "name is empty"
    assert rows[2].error == "undecodable bytes in the name: the file is not all utf-8"
    assert rows[2].name is not None and "\ufffd" in rows[2].name  # shown, and encodable


def test_a_legacy_file_with_few_cyrillic_names(tmp_path: Path) -> None:
    data = b"Name;Country\nBelaz;BY\n" + "ОАО Пеленг".encode("cp1251") + b";BY\nMAZ;BY\n"
    info, rows = read(write(tmp_path, "a.csv", data))
    assert info.encoding == "cp1251"
    assert names(rows) == ["Belaz", "ОАО Пеленг", "MAZ"]


def test_country_names_become_codes(tmp_path: Path) -> None:
    data = "Name,Country\nA,Belarus\nB,Deutschland\nC,blr\nD,Atlantis\nE,\n"
    _, rows = read(write(tmp_path, "a.csv", data.encode()))
    assert [row.country for row in rows] == ["BY", "DE", "BY", None, None]


def xlsx(path: Path, rows: list[list[object]], sheet: str = "Suppliers") -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["exported from the ERP"])
    data = book.create_sheet(sheet)
    for row in rows:
        data.append(row)
    book.move_sheet(sheet, offset=-1)
    book.save(path)
    return path


def test_xlsx(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "suppliers.xlsx", [
        [], ["Lieferantennummer", "Firmenname", "Land"], [100023, "Belaz", "BY"],
        [None, None, None], [100024.0, "MZKT", "Belarus"],
    ])  # fmt: skip
    info, rows = read(path)
    assert (info.format, info.sheet) == (TableFormat.XLSX, "Suppliers")
    assert (info.name_column, info.country_column, info.id_column) == (
        "Firmenname", "Land", "Lieferantennummer",
    )  # fmt: skip
    assert rows == [InputRow(1, "Belaz", "BY", "100023", None),
                    InputRow(3, "MZKT", "BY", "100024", None)]  # fmt: skip


def test_xlsx_other_sheet_and_unknown_sheet(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "s.xlsx", [["Name"], ["Belaz"]])
    with pytest.raises(BadUpload) as caught:
        read(path, sheet="Sheet9")
    assert caught.value.code == "unknown_sheet"
    assert "'Notes'" in caught.value.message
    _, rows = read(path, sheet="Suppliers")
    assert names(rows) == ["Belaz"]


def test_json_lines(tmp_path: Path) -> None:
    data = '{"name": "Belaz", "country": "BY", "id": 7}\nnot json\n\n{"name": "MZKT"}\n'
    info, rows = read(write(tmp_path, "a.jsonl", data.encode()))
    assert (info.format, info.columns) == (TableFormat.JSONL, ("name", "country", "id"))
    assert rows[0] == InputRow(1, "Belaz", "BY", "7", None)
    assert rows[1].number == 2 and rows[1].error is not None
    assert rows[1].error.startswith("line is not JSON")
    assert rows[2] == InputRow(4, "MZKT", None, None, None)


def test_json_array_of_names_and_of_objects(tmp_path: Path) -> None:
    _, rows = read(write(tmp_path, "a.json", b'["Belaz", "MZKT", ["x"]]'))
    assert names(rows) == ["Belaz", "MZKT", None]
    assert rows[2].error == "an array where a name or an object was expected"
    objects = b'[{"Nazwa": "Belaz", "Kraj": "BY"},\n {"Nazwa": "MZKT", "Kraj": "BY"}]'
    info, rows = read(write(tmp_path, "b.json", objects))
    assert (info.name_column, info.country_column) == ("Nazwa", "Kraj")
    assert names(rows) == ["Belaz", "MZKT"]


def test_json_array_longer_than_the_head_is_streamed(tmp_path: Path) -> None:
    many = ",".join(f'{{"name": "Supplier {i}", "n": {i}}}' for i in range(60_000))
    path = write(tmp_path, "big.json", f"[{many}]".encode())
    _, rows = read(path)
    assert len(rows) == 60_000
    assert rows[-1].name == "Supplier 59999"


def test_progress_reaches_the_end(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", table().encode() * 1)
    info = inspect_file(path, TableOptions())
    shares: list[float] = []
    list(read_rows(path, info, progress=shares.append))
    assert shares and shares[-1] == 1.0


@pytest.mark.parametrize(
    ("filename", "data", "code", "words"),
    [
        ("a.csv", b"", "empty_file", "empty"),
        ("a.csv", b"\xef\xbb\xbf\r\n\r\n", "empty_file", "empty"),
        ("a.csv", b"Name;Country\n", "empty_file", "header but no rows"),
        ("a.json", b"[]", "empty_file", "no rows"),
        ("a.bin", b"\x00\x01\x02\x03" * 100, "not_a_table", "binary"),
        ("a.json", b'{"suppliers": 3}', "not_a_table", "array"),
        ("a.jsonl", b"name: Belaz\n", "not_a_table", "line 1 is not JSON"),
        ("a.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "unsupported_format", "Excel 97-2003"),
        ("a.pdf", b"%PDF-1.4 ...", "unsupported_format", "PDF"),
        ("a.ods", b"PK\x03\x04...", "unsupported_format", "OpenDocument"),
        ("a.xlsx", b"PK\x03\x04 broken zip", "unreadable_xlsx", "not a readable XLSX"),
        ("a.xlsx", b"Name\nBelaz\n", "unreadable_xlsx", "not a readable XLSX"),
        ("a.csv", b"Amount;Date\n12.5;2024-01-01\n3;2024-01-02\n", "no_name_column",
         "'Amount', 'Date'"),
    ],
)  # fmt: skip
def test_bad_uploads(filename: str, data: bytes, code: str, words: str) -> None:
    with pytest.raises(BadUpload) as caught:
        inspect_table(data, filename, TableOptions())
    assert caught.value.code == code
    assert words in caught.value.message
    assert caught.value.status_code == 422


def test_unknown_requested_column_lists_the_header() -> None:
    with pytest.raises(BadUpload) as caught:
        inspect_table(table().encode(), "a.csv", TableOptions(name_column="Firma"))
    assert caught.value.code == "unknown_column"
    assert "'Supplier No', 'Name', 'Country'" in caught.value.message


def test_requested_columns_by_header_and_position() -> None:
    info = inspect_table(table().encode(), "a.csv", TableOptions(name_column="country"))
    assert info.name_column == "Country"
    info = inspect_table(table().encode(), "a.csv", TableOptions(id_column="3"))
    assert (info.name_column, info.id_column) == ("Name", "Country")


def test_unclosed_quote_mid_file_is_reported_on_its_row(tmp_path: Path) -> None:
    # Once the whole file failed as malformed; now the row is reported and the rest read.
    lines = ["Name;Country"] + [f"Supplier {i};BY" for i in range(300)]
    data = "\n".join(lines) + '\n"Broken;BY\n' + "x" * 200_000 + "\nLast;BY\n"
    path = write(tmp_path, "a.csv", data.encode())
    info = inspect_file(path, TableOptions())
    rows = list(read_rows(path, info))
    assert [r.number for r in rows[-3:]] == [301, 302, 303]
    broken, long, last = rows[-3:]
    assert broken.unread and broken.error is not None and "never closed" in broken.error
    assert long.unread and long.error is not None and "longer than 131,072" in long.error
    assert (last.name, last.country, last.unread) == ("Last", "BY", False)
