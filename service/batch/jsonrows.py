"""JSON input, streamed: the values of a JSON array one at a time, and the lines of a JSON
Lines file with a per-line error for a line that is not JSON or is too long. No file opening
here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from service.batch.records import lines, too_long
from service.errors import BadUpload

#: Characters read from the stream at a time.
_CHUNK = 1 << 16
_SPACE = " \t\r\n"


def line_values(stream: TextIO, max_chars: int) -> Iterator[tuple[object, str | None]]:
    """`(value, None)` per line, `(None, problem)` for a line that is not JSON or is longer
    than `max_chars`; blank lines come out as `(None, None)` so that numbering follows the
    lines."""
    for line in lines(stream, max_chars):
        if line is None:
            yield None, too_long(max_chars)
            continue
        if not line.strip():
            yield None, None
            continue
        try:
            yield json.loads(line), None
        except json.JSONDecodeError as exc:
            yield None, f"line is not JSON: {exc.msg} at column {exc.colno}"


def array_values(stream: TextIO, max_chars: int) -> Iterator[object]:
    """The elements of a top-level JSON array, parsed one at a time (constant memory); an
    element longer than `max_chars` is taken for a broken array rather than read to its end
    in search of its close."""
    decoder = json.JSONDecoder()
    reader = _Buffer(stream, max_chars)
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

    def __init__(self, stream: TextIO, max_chars: int) -> None:
        self.stream = stream
        self.max_chars = max_chars
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
                if len(self.text) - self.pos <= self.max_chars and self._fill():
                    continue
                if len(self.text) - self.pos > self.max_chars:
                    raise self.malformed(
                        f"an element longer than {self.max_chars:,} characters "
                        "(SCREENING_UPLOAD_MAX_ROW_CHARS), or one never closed"
                    ) from None
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
