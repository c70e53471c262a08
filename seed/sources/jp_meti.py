"""Japan's list of Belarusian entities under the export ban (MOFA Notice No. 104 of 2022).

The file is METI's PDF as text: numbered entries, each a Japanese name (別称 = a.k.a.), an
English name with "a.k.a." lines ("- X; and") and an address line ("所在地："). Page breaks glue
an entry to the end of the previous one ("...Belarus７ 株式会社..." or "KB Radar.所在地：..."), so
the text is first cut back into lines; entries must come numbered 1, 2, 3, ... or the read fails.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from seed.addresses import parse_address
from seed.records import Record, file_source
from service.watchlist.model import Address, Alias, AliasKind, Listing

PATH = "jp_meti_belarus/list_belarus_tokutei.pdf.txt"
LIST_NAME = "MOFA Notice No. 104 of 2022 (Belarus)"
#: "指定日：2022 年03月08 日": the one designation date the file gives (it names no later date
#: per entry; the whole list was last updated on 2022-07-05).
DESIGNATED = date(2022, 3, 8)
EXPECTED_ENTRIES = 27

_ADDRESS_MARK = "所在地："
_ENTRY = re.compile(r"^(\d{1,2}) (.+)$")
_GLUED_ENTRY = re.compile(r"(Belarus)([０-９\d]{1,2} )")
_AKA = re.compile(r",? a\.k\.a\.,? the following .*$")
_ALSO_KNOWN = "（別称、"
#: Kana, kanji and full-width forms: a line with none of them is an English line.
_JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


def read_records(data: Path) -> list[Record]:
    text = (data / PATH).read_text(encoding="utf-8")
    entries = _entries(_lines(text))
    if [number for number, _ in entries] != list(range(1, EXPECTED_ENTRIES + 1)):
        raise ValueError(f"{PATH}: expected entries 1..{EXPECTED_ENTRIES}, found {len(entries)}")
    return [_record(number, lines) for number, lines in entries]


def _lines(text: str) -> list[str]:
    """The text cut back into lines, entry numbers in ASCII digits."""
    text = _GLUED_ENTRY.sub(r"\1\n\2", text)
    text = text.replace(_ADDRESS_MARK, "\n" + _ADDRESS_MARK)
    lines = []
    for line in text.splitlines():
        head = re.match(r"^([０-９]{1,2}) ", line)
        if head:
            line = unicodedata.normalize("NFKC", head.group(1)) + line[len(head.group(1)) :]
        if line.strip():
            lines.append(line.rstrip())
    return lines


def _entries(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(number, lines) for each numbered entry; the header lines before entry 1 are dropped."""
    entries: list[tuple[int, list[str]]] = []
    for line in lines:
        match = _ENTRY.match(line)
        if match and int(match.group(1)) == len(entries) + 1 and _JAPANESE.search(line):
            entries.append((len(entries) + 1, [match.group(2)]))
        elif entries:
            entries[-1][1].append(line)
    return entries


def _record(number: int, lines: list[str]) -> Record:
    japanese, english, address = _parts(lines)
    names = (*_english_names(english), *_japanese_names(japanese))
    addresses = tuple(_address(a) for a in address.split("; and "))
    return Record(
        key=f"jp/{number}",
        names=names,
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        addresses=addresses,
        listings=(
            Listing(
                authority="JP-MOFA", list=LIST_NAME, reference=str(number), listed_on=DESIGNATED
            ),
        ),
        sources=(file_source(PATH, f"entry {number}"),),
        defence_evidence=("JP MOFA Notice No. 104 of 2022 (export ban, Belarus)",),
    )


def _parts(lines: list[str]) -> tuple[str, list[str], str]:
    """The Japanese name text, the English lines, the address text of one entry."""
    first_english = next(i for i, line in enumerate(lines) if not _JAPANESE.search(line))
    address_at = next(i for i, line in enumerate(lines) if line.startswith(_ADDRESS_MARK))
    japanese = ""
    for line in lines[:first_english]:
        # A wrapped Japanese line continues without a space, unless it broke after Latin text.
        japanese += (" " if japanese[-1:].isascii() and japanese[-1:].isalnum() else "") + line
    address = " ".join(lines[address_at:])[len(_ADDRESS_MARK) :]
    return japanese, lines[first_english:address_at], address


def _english_names(lines: list[str]) -> list[Alias]:
    heading = " ".join(line for line in lines if not line.startswith("- "))
    name = _AKA.sub("", heading)
    # Entry 1 describes what the Ministry includes: the name ends before ", including".
    name = name.split(", including ")[0]
    names = [Alias(name=name, lang="en")]
    for line in lines:
        if line.startswith("- "):
            alias = re.sub(r"(; and|;|\.)$", "", line[2:].strip())
            names.append(Alias(name=alias, lang="en"))
    return names


def _japanese_names(text: str) -> list[Alias]:
    if _ALSO_KNOWN in text:
        name, rest = text.split(_ALSO_KNOWN, 1)
        aliases = rest.rsplit("）", 1)[0].split("、")
        return [Alias(name=n.strip(), lang="ja") for n in (name, *aliases) if n.strip()]
    # Entry 1: the parenthesis and the sentence after it describe the Ministry, not its name.
    return [Alias(name=text.split("（")[0].strip(), lang="ja", kind=AliasKind.AKA)]


def _address(text: str) -> Address:
    text = text.strip()
    if text == "All addresses located in Belarus":
        return Address(country="BY")
    return parse_address(text)
