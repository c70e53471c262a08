"""Text cells that a spreadsheet would take for a formula (CSV injection: `=HYPERLINK(...)`,
`+cmd|...`, `@SUM(...)`, `-1+2`), made inert: the one rule for every CSV and XLSX the service
writes (job and `screen-file` results, the audit export). Imports nothing of the service.
"""

from __future__ import annotations

from typing import TypeVar

#: First characters that make a text cell a formula in Excel, LibreOffice or Google Sheets
#: (a tab or carriage return first is how the others slip past a naive check).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def inert(value: T) -> T | str:
    """A text cell that would be a formula, with a leading apostrophe (spreadsheets show it as
    text); any other value as it is."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
