"""The XML parts of a workbook parsed as a stream of events (expat, fed in pieces), within
bounds: no DOCTYPE (so no entity expansion), and no tag, comment or run of markup longer than
`MAX_TOKEN_BYTES` (expat holds a whole tag in memory; text it hands over in pieces). The
relationship parts, read whole, are small. No file opening here: parts come from `archive`.
"""

from __future__ import annotations

import posixpath
import xml.parsers.expat
from collections.abc import Callable, Iterator
from typing import Any

from service.errors import UploadTooLarge
from service.files.archive import Archive, Part, unreadable

#: Bytes fed to the parser at a time.
FEED_BYTES = 64 * 1024
#: Bytes fed without a single event: expat is then holding one tag (or comment) whole. Real
#: tags are a few hundred bytes; a cell's text comes in pieces and does not count here.
MAX_TOKEN_BYTES = 1 << 20
#: Characters of text expat gathers before handing them over.
TEXT_BUFFER = 64 * 1024

StartHandler = Callable[[str, dict[str, str]], None]
EndHandler = Callable[[str], None]
TextHandler = Callable[[str], None]


def local(name: str) -> str:
    """An element's name without its namespace prefix (`x:row` is `row`)."""
    return name.rpartition(":")[2] if ":" in name else name


class EventParser:
    """An expat parser fed from a part, that knows whether any event came of the last feed."""

    def __init__(self, start: StartHandler, end: EndHandler, text: TextHandler | None) -> None:
        self.heard = False
        parser = xml.parsers.expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = TEXT_BUFFER

        def started(name: str, attributes: dict[str, str]) -> None:
            self.heard = True
            start(local(name), attributes)

        def ended(name: str) -> None:
            self.heard = True
            end(local(name))

        parser.StartElementHandler = started
        parser.EndElementHandler = ended
        if text is not None:

            def heard_text(data: str) -> None:
                self.heard = True
                text(data)

            parser.CharacterDataHandler = heard_text
        parser.StartDoctypeDeclHandler = _no_doctype
        self.parser = parser

    def feed(self, part: Part) -> Iterator[None]:
        """Feed the whole part, yielding after each piece (the handlers have run on it)."""
        silent = 0
        while True:
            data = part.read(FEED_BYTES)
            self.heard = False
            try:
                self.parser.Parse(data, not data)
            except xml.parsers.expat.ExpatError as exc:
                raise unreadable(f"part {part.name} is not well-formed XML: {exc}") from None
            silent = 0 if self.heard else silent + len(data)
            if silent > MAX_TOKEN_BYTES:
                raise UploadTooLarge(
                    f"part {part.name} of the workbook holds one XML tag or comment longer "
                    f"than {MAX_TOKEN_BYTES:,} bytes: not a spreadsheet's",
                    code="xml_token_too_large",
                )
            yield
            if not data:
                return


def _no_doctype(*_: Any) -> None:
    raise unreadable("an XML part declares a DOCTYPE, which spreadsheets never write")


def read_elements(archive: Archive, name: str, wanted: str) -> list[dict[str, str]]:
    """The attributes of every `wanted` element of a small part (relationships, the sheet
    list), in order."""
    found: list[dict[str, str]] = []

    def start(element: str, attributes: dict[str, str]) -> None:
        if element == wanted:
            found.append({local(key): value for key, value in attributes.items()})

    part = archive.open(name)
    try:
        for _ in EventParser(start, lambda _: None, None).feed(part):
            pass
    finally:
        part.close()
    return found


def relationships(archive: Archive, source: str) -> dict[str, tuple[str, str]]:
    """The relationships of part `source`: id -> (type's last word, target part's name)."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.names:
        return {}
    out = {}
    for rel in read_elements(archive, rels, "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], posixpath.normpath(path))
    return out
