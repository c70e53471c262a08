"""The country cell of a supplier file as an ISO 3166-1 alpha-2 code: a code already, an
alpha-3 code, or a country name in any language (`service.watchlist.countries`).

Text that names no known country gives None: the row is then screened without a country,
which can only add matches (a country lowers the score of entities linked elsewhere).
"""

from __future__ import annotations

from service.watchlist.countries import resolve_country


def country_code(text: str | None) -> str | None:
    """The ISO alpha-2 code the cell names, or None."""
    return resolve_country(" ".join(text.split())) if text else None
