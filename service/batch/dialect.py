"""The text encoding and the delimiter of a CSV file, told from its first bytes: a byte-order
mark, else UTF-8 if it decodes, else charset-normalizer's guess among the Cyrillic or the Latin
legacy code pages (Windows-1251, KOI8-R, Windows-1250...); the delimiter whose split is the
most regular, over the first lines short enough to be rows. No file opening here.
"""

from __future__ import annotations

import codecs
import io
import re
from collections import Counter
from typing import BinaryIO

import charset_normalizer

from service.batch.records import CsvRecords, lines
from service.errors import BadUpload, InvalidInput

#: Longest BOMs first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Legacy code pages detected; others (Asian ones, say) must be named.
_CYRILLIC_PAGES = ["cp1251", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5"]
_LATIN_PAGES = ["cp1252", "cp1250", "cp1257", "iso8859_2", "iso8859_15"]
_HIGH_RUNS = re.compile(rb"[\x80-\xff]{3,}")
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
#: Bytes given to charset-normalizer: plenty to tell code pages apart, and quick (~30 ms).
DETECTION_BYTES = 256 * 1024
#: Valid UTF-8 characters above ASCII per broken sequence from which a head is UTF-8 with a
#: few broken rows rather than a legacy code page.
UTF8_MAJORITY = 10
#: Records of the head parsed to choose the delimiter and to find the columns.
SAMPLE_RECORDS = 200
#: Share of the sample's records that must split into the same number of fields.
REGULAR_SHARE = 0.8
#: Characters of whole lines sampled to choose the delimiter and find the columns.
SAMPLE_CHARS = 1 << 20
#: Characters read at most to gather that sample, lines too long to be rows left out (a
#: first row of 30 MB is reported when the file is read, and does not hide the next ones).
SAMPLE_READ_CHARS = 64 << 20


def check_encoding(name: str) -> str:
    """The codec's canonical name; `InvalidInput` for a name Python does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InvalidInput(
            f"unknown encoding {name!r}; give a name such as utf-8, cp1251, koi8-r, cp1250",
            code="unknown_encoding",
        ) from None


def detect_encoding(head: bytes) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head[:4096]:
        raise BadUpload(
            "the file holds binary data (NUL bytes), not text: send CSV, XLSX, JSON Lines or "
            "a JSON array",
            code="not_a_table",
        )
    # Incremental, so that a character cut at the end of the head is not an error.
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    broken = text.count("\ufffd")
    if not broken or sum(1 for ch in text if ord(ch) > 127) - broken >= UTF8_MAJORITY * broken:
        # All UTF-8, or UTF-8 with a few broken rows (legacy bytes seldom form UTF-8).
        return "utf-8"
    sample = head[:DETECTION_BYTES]
    guess = charset_normalizer.from_bytes(sample, cp_isolation=_legacy_candidates(sample)).best()
    if guess is None:
        raise BadUpload(
            "the file is not text in any encoding recognised; if it is a table, name its "
            "encoding (the encoding option, --encoding on the command line)",
            code="not_a_table",
        )
    return codecs.lookup(guess.encoding).name


def _legacy_candidates(sample: bytes) -> list[str]:
    """The code pages to choose among. Cyrillic words are runs of bytes above 127, while Latin
    text has its accented letters between ASCII ones: telling the two families apart first
    keeps a few Cyrillic names in an ASCII file from being read as Polish (or as Big5)."""
    high = sum(1 for byte in sample if byte >= 0x80)
    in_runs = sum(len(run) for run in _HIGH_RUNS.findall(sample))
    return _CYRILLIC_PAGES if in_runs * 2 >= high else _LATIN_PAGES


def sample_text(stream: BinaryIO, encoding: str, max_line_chars: int) -> str:
    """The first whole lines of the file (`SAMPLE_CHARS` of them), those longer than
    `max_line_chars` left out; undecodable bytes become U+FFFD here (rows report them)."""
    text = io.TextIOWrapper(stream, encoding, errors="replace", newline="")
    kept: list[str] = []
    size = 0
    try:
        for line in lines(text, max_line_chars):
            if line is not None:
                kept.append(line)
                size += len(line)
            if size >= SAMPLE_CHARS or text.buffer.tell() >= SAMPLE_READ_CHARS:
                break
    finally:
        text.detach()
    return "".join(kept).removeprefix("\ufeff")


def decode_head(head: bytes, encoding: str) -> str:
    """The head as text; undecodable bytes become U+FFFD here (rows report them later)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text: str = decoder.decode(head, final=False)
    return text.removeprefix("\ufeff")


def check_delimiter(name: str) -> str:
    delimiter = _DELIMITER_NAMES.get(name.casefold(), name)
    if len(delimiter) != 1 or delimiter in '"\r\n' or delimiter.isalnum():
        raise InvalidInput(
            f"a delimiter is one character such as , ; | or tab, got {name!r}",
            code="delimiter_invalid",
        )
    return delimiter


def detect_delimiter(text: str, max_columns: int) -> str:
    """The candidate splitting the most records into the same number (above one) of fields,
    parsed as CSV (quotes and quoted newlines respected). A file of one column gets a
    candidate that does not occur in it, so that commas inside names split nothing."""
    best: tuple[float, int, str] | None = None
    for delimiter in DELIMITERS:
        counts = [len(r) for r in sample_records(text, delimiter, max_columns)]
        if not counts:
            continue
        fields, times = Counter(counts).most_common(1)[0]
        regular = times / len(counts)
        if (
            fields > 1
            and regular >= REGULAR_SHARE
            and (best is None or (regular, fields) > best[:2])
        ):
            best = (regular, fields, delimiter)
    if best is not None:
        return best[2]
    return next((d for d in ("\t", "|", ";", ",") if d not in text), "\t")


def sample_records(text: str, delimiter: str, max_columns: int) -> list[list[str]]:
    """The first non-empty records of the sample that could be read, cells stripped."""
    records = []
    reader = CsvRecords(io.StringIO(text, newline=""), delimiter, len(text) + 1, max_columns)
    for record, problem in reader:
        if problem is None and record is not None and any(cell.strip() for cell in record):
            records.append([cell.strip() for cell in record])
            if len(records) == SAMPLE_RECORDS:
                break
    return records
