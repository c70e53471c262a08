"""Where a watchlist comes from: a JSON Lines file, or official list files in one of the
importers' formats, written `FORMAT:PATH` (`ofac-csv:/lists/ofac/`) in `WATCHLIST_PATH`.

Only the names and their parsing; reading them is `service.watchlist.loader`'s. Imports nothing
from the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class SourceFormat(StrEnum):
    JSONL = "jsonl"  # the project's own format (`service.watchlist.model`)
    OFAC_CSV = "ofac-csv"  # sdn.csv / cons_prim.csv with their companion files, or folders
    OPENSANCTIONS_FTM = "opensanctions-ftm"  # entities.ftm.json
    OPENSANCTIONS_CSV = "opensanctions-csv"  # targets.simple.csv
    EU_XML = "eu-xml"  # EU Financial Sanctions Files, XML
    UK_CSV = "uk-csv"  # UK OFSI ConList.csv
    UA_SANCTIONS_JSON = "ua-sanctions-json"  # Ukraine's sanctions register, companies (JSON)
    AU_DFAT_XLSX = "au-dfat-xlsx"  # Australia's DFAT Consolidated List, XLSX


FORMAT_NAMES = tuple(f.value for f in SourceFormat)

# What a mistyped format looks like ("ofac:", "eu_xml:"): a word before the colon. A path
# starting that way but naming no format is refused rather than read as a JSON Lines file.
_FORMAT_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class WatchlistSource:
    """One configured entry: a format and a file (or, for `ofac-csv`, a folder)."""

    format: SourceFormat
    path: Path

    @classmethod
    def parse(cls, text: str) -> WatchlistSource:
        """`FORMAT:PATH`, or a bare path (a JSON Lines file); `ValueError` when it is neither."""
        text = text.strip()
        prefix, colon, rest = text.partition(":")
        if not colon:
            return cls(SourceFormat.JSONL, Path(text))
        if prefix.lower() in FORMAT_NAMES:
            if not rest.strip():
                raise ValueError(f"{text!r}: no path after the format")
            return cls(SourceFormat(prefix.lower()), Path(rest.strip()))
        if _FORMAT_LIKE.match(prefix):
            raise ValueError(
                f"{text!r}: unknown format {prefix!r}; expected one of {', '.join(FORMAT_NAMES)}"
            )
        return cls(SourceFormat.JSONL, Path(text))

    def __str__(self) -> str:
        if self.format is SourceFormat.JSONL:
            return str(self.path)
        return f"{self.format.value}:{self.path}"


def parse_sources(text: str | None) -> list[WatchlistSource]:
    """A comma-separated list of entries (`WATCHLIST_PATH`); empty means none."""
    return [WatchlistSource.parse(part) for part in (text or "").split(",") if part.strip()]
