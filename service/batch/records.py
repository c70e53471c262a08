"""The records of a CSV text, read within bounds, none lost silently: physical lines read at
most `max_chars` at a time (a longer row is read to its end, not kept, and reported); a quoted
field followed over line ends, and one that is never closed where a field can end (at the end
of the file, past `max_chars`, or before text) reported on the row that opened it, the lines
after that row then read as rows again. Also the bounded lines of a JSON Lines text. No file
opening here.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterator
from functools import cache
from typing import TextIO

#: Characters read at a time past a line's limit, while looking for its end.
_SKIP_CHARS = 1 << 20
_ENDS = ("\n", "\r")
#: The end of a quoted field's text, from inside it: doubled quotes are quotes.
_QUOTED_END = re.compile(r'(?:[^"]|"")*+"')
#: A record: its cells (None when the row could not be read), and its problem.
Record = tuple[list[str] | None, str | None]


def too_long(max_chars: int) -> str:
    return (
        f"the row is longer than {max_chars:,} characters (SCREENING_UPLOAD_MAX_ROW_CHARS): it "
        "is not read"
    )


def unclosed(max_chars: int) -> str:
    return (
        "a quote opened in this row is never closed where a field can end (looked for over "
        f"{max_chars:,} characters): the row is not read; the lines after it are read as rows"
    )


def lines(text: TextIO, max_chars: int) -> Iterator[str | None]:
    """The physical lines of `text`, with their ends; None for one longer than `max_chars`
    (its end not counted), which is read through but not kept."""
    while line := text.readline(max_chars + 2):
        if line.endswith(_ENDS):
            yield line if len(line.rstrip("\r\n")) <= max_chars else None
        elif len(line) <= max_chars:
            yield line  # the last line, without an end
        else:
            while (more := text.readline(_SKIP_CHARS)) and not more.endswith(_ENDS):
                pass
            yield None


@cache
def _whole_line(delimiter: str) -> re.Pattern[str]:
    """A line that is a record of its own, with no quote out of place (most lines)."""
    d = re.escape(delimiter)
    field = rf'(?:"(?:[^"]|"")*+"|[^"{d}\r\n][^{d}\r\n]*+)?+'
    return re.compile(rf"{field}(?:{d}{field})*+(?:\r\n|\n|\r)?\Z")


def scan(line: str, delimiter: str, inside: bool) -> tuple[bool, bool]:
    """Whether a quoted field is open at the end of `line` (given whether one was at its
    start), and whether a closing quote was followed by text rather than a field's end."""
    end = len(line.rstrip("\r\n"))
    junk = False
    pos = 0
    if inside:
        found = _QUOTED_END.match(line)
        if found is None:
            return True, False
        pos = found.end()
        junk = pos < end and line[pos] != delimiter
    else:
        pos = -1  # before the first field
    while True:
        if pos >= 0:
            pos = line.find(delimiter, pos, end)
            if pos < 0:
                return False, junk
        pos += 1
        if pos < end and line[pos] == '"':
            found = _QUOTED_END.match(line, pos + 1)
            if found is None:
                return True, junk
            pos = found.end()
            junk = junk or (pos < end and line[pos] != delimiter)


class CsvRecords:
    """The records of a CSV text, in order, each with its problem (see the module)."""

    def __init__(self, text: TextIO, delimiter: str, max_chars: int, max_columns: int) -> None:
        self.source = lines(text, max_chars)
        self.delimiter = delimiter
        self.max_chars = max_chars
        self.max_columns = max_columns
        self.whole = _whole_line(delimiter)
        #: Lines read ahead and to be read again (after a quote that was never closed).
        self.again: deque[str | None] = deque()
        #: Rows not read (too long, an unclosed quote): lost from the results but for their
        #: error rows.
        self.unread = 0

    def _next(self) -> str | None:
        return self.again.popleft() if self.again else next(self.source, "")

    def __iter__(self) -> Iterator[Record]:
        while (line := self._next()) != "":
            if line is None:
                self.unread += 1
                yield None, too_long(self.max_chars)
            elif '"' not in line:
                cells = line.rstrip("\r\n").split(self.delimiter, self.max_columns)
                yield cells[: self.max_columns], None
            elif self.whole.match(line) or not scan(line, self.delimiter, False)[0]:
                yield self._parsed([line])
            else:
                yield self._quoted(line)

    def _quoted(self, first: str) -> Record:
        """A record whose quoted field goes on over the end of its first line."""
        record = [first]
        size = len(first)
        while True:
            line = self._next()
            if line == "" or line is None:
                break
            record.append(line)
            size += len(line)
            if size > self.max_chars:
                break
            inside, junk = scan(line, self.delimiter, True)
            if junk:
                break
            if not inside:
                return self._parsed(record)
        again: list[str | None] = [*record[1:]]
        if line is None:
            again.append(None)
        self.again.extendleft(reversed(again))
        self.unread += 1
        return None, unclosed(self.max_chars)

    def _parsed(self, record: list[str]) -> Record:
        try:
            cells = next(csv.reader(record, delimiter=self.delimiter), [])
        except csv.Error as exc:
            self.unread += 1
            return None, f"the row cannot be read as CSV ({exc}): it is not read"
        return cells[: self.max_columns], None
