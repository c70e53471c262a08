"""JSON input, streamed: the values of a JSON array one at a time, and the lines of a JSON
Lines file with a per-line error for a line that is not JSON. No file opening here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from service.errors import BadUpload

#: Characters read from the stream at a time.
_CHUNK = 1 << 16
_SPACE = " \t\r\n"
#: Longest element of an array, in characters: past it the array is taken as broken rather
#: than read to its end in search of the element's close.
MAX_ELEMENT_CHARS = 1 << 24


def line_values(stream: TextIO) -> Iterator[tuple[object, str | None]]:
    """`(value, None)` per line, `(None, problem)` for a line that is not JSON; blank lines
    come out as `(None, None)` so that numbering follows the lines."""
    for line in stream:
        if not line.strip():
            yield None, None
            continue
        try:
            yield json.loads(line), None
        except json.JSONDecodeError as exc:
            yield None, f"line is not JSON: {exc.msg} at column {exc.colno}"


def array_values(stream: TextIO) -> Iterator[object]:
    """The elements of a top-level JSON array, parsed one at a time (constant memory)."""
    decoder = json.JSONDecoder()
    reader = _Buffer(stream)
    if reader.next_char() != "[":
        raise BadUpload("a JSON file must hold an array: [...]", code="not_a_table")
    reader.skip(1)
    if reader.next_char() == "]":
        return
    while True:
        yield reader.decode(decoder)
        separator = reader.next_char()
        reader.skip(1)
        if separator == "]":
            return
        if separator != ",":
            raise reader.malformed(f"expected ',' or ']' after an element, found {separator!r}")


class _Buffer:
    """A window on the text stream, refilled as values are decoded from it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        self.pos = 0
        self.consumed = 0  # characters dropped from the front, for error positions
        self.eof = False

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.consumed += self.pos
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return True

    def next_char(self) -> str:
        """The next character that is not white space, without consuming it ("" at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.text) or not self._fill():
                return self.text[self.pos : self.pos + 1]

    def skip(self, count: int) -> None:
        self.pos += count

    def decode(self, decoder: json.JSONDecoder) -> object:
        self.next_char()
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.text) - self.pos < MAX_ELEMENT_CHARS and self._fill():
                    continue
                raise self.malformed(exc.msg) from None
            # A number at the end of the window may go on in the next chunk.
            if end == len(self.text) and self._fill():
                continue
            self.pos = end
            return value

    def malformed(self, problem: str) -> BadUpload:
        return BadUpload(
            f"the JSON array is malformed near character {self.consumed + self.pos}: {problem}",
            code="malformed_file",
        )
