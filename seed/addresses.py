"""Free-text addresses (EU transcription, Japan's list) into `Address` values.

The full text is kept as printed; the city and the country code are read from a small table of
the places these lists name. An address that is only a country ("Republic of Belarus") becomes
a country-only `Address`. Imports nothing from the seed.
"""

from __future__ import annotations

import re

from service.watchlist.model import Address

#: Country names as the lists print them, longest first.
_COUNTRIES: tuple[tuple[str, str], ...] = (
    ("Republic of Belarus", "BY"),
    ("Belarus", "BY"),
    ("Russian Federation", "RU"),
    ("Russia", "RU"),
    ("Turkey", "TR"),
    ("China", "CN"),
    ("Cyprus", "CY"),
    ("Ukraine", "UA"),
)

#: Places named in the EU and Japanese addresses (spelling as printed), with their country.
_CITIES: dict[str, str] = {
    "Grodno/Hrodna": "BY", "Gomel/Homyel": "BY", "Minsk": "BY", "Borisov": "BY",
    "Baranovichi": "BY", "Orsha": "BY", "Bolbasovo": "BY", "Zhodino": "BY", "Grodno": "BY",
    "Gomel": "BY", "Vitebsk": "BY", "Brest": "BY", "Mogilev": "BY", "Bobruisk": "BY",
    "Soligorsk": "BY", "Novopolotsk": "BY", "Polotsk": "BY", "Zhlobin": "BY", "Pinsk": "BY",
    "Slutsk": "BY", "Mozyr": "BY", "Lida": "BY", "Vileyka": "BY", "Rogachev": "BY",
    "Pogranichny": "BY", "Moscow": "RU", "Smolensk": "RU", "Istanbul": "TR", "Wuhan": "CN",
}  # fmt: skip
#: A place name followed by one of these words names a region or district, not the city.
_NOT_A_CITY = r"(?![-\w]|\s+(?:Region|region|District|district|Oblast|oblast|Free|World))"
_CITY = re.compile(r"\b(" + "|".join(re.escape(c) for c in _CITIES) + r")" + _NOT_A_CITY)


def split_addresses(text: str, separator: str = "; ") -> list[str]:
    """Split a list of addresses on `separator`, never inside a double-quoted address."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        if text[i] == '"':
            quoted = not quoted
        elif not quoted and text.startswith(separator, i):
            parts.append("".join(current))
            current = []
            i += len(separator)
            continue
        current.append(text[i])
        i += 1
    parts.append("".join(current))
    return [p.strip().strip('"').strip() for p in parts if p.strip().strip('"').strip()]


def country_of(text: str) -> str | None:
    for name, code in _COUNTRIES:
        if re.search(r"\b" + re.escape(name) + r"\b", text):
            return code
    return None


def parse_address(text: str) -> Address:
    """One printed address; a bare country name gives a country-only address."""
    text = text.strip()
    bare = text.rstrip(".")
    for name, code in _COUNTRIES:
        if bare == name:
            return Address(country=code)
    match = _CITY.search(text)
    city = match.group(1) if match else None
    country = country_of(text) or (_CITIES[city] if city else None)
    return Address(full=text, city=city, country=country)
