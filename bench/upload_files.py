"""Crafted XLSX workbooks for the upload tests (tests/security/test_uploads.py) and the upload
bombs benchmark (bench/upload_bombs_bench.py): written part by part with zipfile, the large
parts streamed in pieces (a 300 MB cell is never held in memory), so that a workbook that
inflates to hundreds of MB is a few hundred KB on disk. Nothing runs on import.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="Suppliers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
#: Bytes written to a part at a time.
PIECE = 1 << 20


def write_xlsx(
    path: Path,
    rows: Iterable[bytes],
    *,
    strings: Iterable[bytes] = (),
    dimension: str | None = None,
    level: int = 9,
) -> Path:
    """A workbook of one sheet made of `rows` (`<row>` elements, or any XML pieces between
    `<sheetData>` and its end) and a shared-strings part of `strings` (`<si>` elements)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        if dimension is not None:
            head += f'<dimension ref="{dimension}"/>'
        _stream(
            book, "xl/worksheets/sheet1.xml", head + "<sheetData>", rows, "</sheetData></worksheet>"
        )
        _stream(book, "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">', strings, "</sst>")
    return path


def _stream(book: zipfile.ZipFile, name: str, head: str, body: Iterable[bytes], tail: str) -> None:
    with book.open(name, "w", force_zip64=True) as part:
        part.write(head.encode())
        pending = bytearray()
        for piece in body:
            pending += piece
            if len(pending) >= PIECE:
                part.write(pending)
                pending.clear()
        part.write(pending)
        part.write(tail.encode())


def row(number: int, *values: str) -> bytes:
    """A row of inline strings (what the `r` attributes say is where each cell goes)."""
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def suppliers(path: Path, count: int, *, dimension: str | None = None, level: int = 6) -> Path:
    """A header and `count` supplier rows, each name different (so it compresses as data
    does, about 10 times): what a spreadsheet exports, or with a `dimension` that lies."""

    def rows() -> Iterator[bytes]:
        yield row(1, "Supplier name", "Country")
        for n in range(2, count + 2):
            yield row(n, f"Supplier {n * 7919 % 1_000_003} Trading LLC", "DE")

    return write_xlsx(path, rows(), dimension=dimension, level=level)


def huge_cell(path: Path, chars: int) -> Path:
    """A header, then one cell of `chars` characters (a run of one letter: deflate makes it
    about 1,000 times smaller), then a supplier."""
    pieces = [row(1, "Supplier name"), b'<row r="2"><c r="A2" t="inlineStr"><is><t>']
    pieces += repeat(b"x" * PIECE, chars // PIECE)
    pieces += [b"x" * (chars % PIECE), b"</t></is></c></row>", row(3, "Zavod SVT")]
    return write_xlsx(path, pieces)


def shared_strings_bomb(path: Path, count: int) -> Path:
    """A sheet of one cell whose shared-strings part lists `count` one-letter strings."""
    block = b"<si><t>x</t></si>" * 4096
    strings = [*repeat(block, count // 4096), b"<si><t>x</t></si>" * (count % 4096)]
    header = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return write_xlsx(path, [header], strings=strings)


def identical_rows(path: Path, count: int, *, dimension: str) -> Path:
    """`count` rows of the same supplier, without references: deflate makes the sheet about
    1,000 times smaller; `dimension` says how many rows there are (and lies)."""
    header = b'<row><c t="inlineStr"><is><t>Supplier name</t></is></c></row>'
    one = b'<row><c t="inlineStr"><is><t>Zavod SVT</t></is></c></row>'
    pieces = [header, *repeat(one * 4096, count // 4096), one * (count % 4096)]
    return write_xlsx(path, pieces, dimension=dimension)


def zip_bomb(path: Path, size: int) -> Path:
    """Two rows of a sheet, then `size` bytes of spaces inside it (valid XML: white space
    between rows), which deflate makes about 1,000 times smaller."""
    pieces = [row(1, "Supplier name"), row(2, "Zavod SVT"), *repeat(b" " * PIECE, size // PIECE)]
    return write_xlsx(path, pieces)
