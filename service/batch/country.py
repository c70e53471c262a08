"""The country cell of a supplier file as an ISO 3166-1 alpha-2 code: a code already, an
alpha-3 code, or a country name in English or, for the countries supplier files of this
service's users name most, in Russian, Belarusian, Ukrainian, German or Polish. Pure data.

Text that names no known country gives None: the row is then screened without a country,
which can only add matches (a country lowers the score of entities linked elsewhere).
"""

from __future__ import annotations

from service.watchlist.countries import country_code as english_country_code

_ALPHA3 = {
    "BLR": "BY", "RUS": "RU", "UKR": "UA", "POL": "PL", "DEU": "DE", "LTU": "LT", "LVA": "LV",
    "EST": "EE", "KAZ": "KZ", "CHN": "CN", "TUR": "TR", "ARE": "AE", "USA": "US", "GBR": "GB",
    "FRA": "FR", "ITA": "IT", "NLD": "NL", "CZE": "CZ", "SVK": "SK", "AUT": "AT", "CHE": "CH",
    "ARM": "AM", "AZE": "AZ", "GEO": "GE", "UZB": "UZ", "KGZ": "KG", "TJK": "TJ", "MDA": "MD",
    "IRN": "IR", "IND": "IN", "SRB": "RS", "HKG": "HK", "FIN": "FI", "SWE": "SE",
}  # fmt: skip
_LOCAL_NAMES = {
    "беларусь": "BY", "белоруссия": "BY", "республика беларусь": "BY", "рб": "BY",
    "рэспубліка беларусь": "BY", "білорусь": "BY", "weißrussland": "BY", "belarus": "BY",
    "białoruś": "BY", "bialorus": "BY", "weissrussland": "BY",
    "россия": "RU", "российская федерация": "RU", "рф": "RU", "расія": "RU", "росія": "RU",
    "russland": "RU", "rosja": "RU",
    "украина": "UA", "украіна": "UA", "україна": "UA", "ukraine": "UA", "ukraina": "UA",
    "польша": "PL", "польшча": "PL", "польща": "PL", "polen": "PL", "polska": "PL",
    "германия": "DE", "германія": "DE", "німеччина": "DE", "deutschland": "DE", "niemcy": "DE",
    "литва": "LT", "litauen": "LT", "litwa": "LT", "латвия": "LV", "латвія": "LV",
    "lettland": "LV", "łotwa": "LV", "эстония": "EE", "казахстан": "KZ", "китай": "CN",
    "кітай": "CN", "china": "CN", "chiny": "CN", "турция": "TR", "türkei": "TR", "turcja": "TR",
    "оаэ": "AE", "сша": "US", "usa": "US", "великобритания": "GB", "узбекистан": "UZ",
    "армения": "AM", "азербайджан": "AZ", "грузия": "GE", "молдова": "MD", "кыргызстан": "KG",
    "таджикистан": "TJ", "иран": "IR", "индия": "IN", "сербия": "RS", "чехия": "CZ",
    "tschechien": "CZ", "czechy": "CZ", "италия": "IT", "italien": "IT", "włochy": "IT",
    "франция": "FR", "frankreich": "FR", "francja": "FR", "нидерланды": "NL",
    "niederlande": "NL", "holandia": "NL", "österreich": "AT", "austria": "AT",
    "schweiz": "CH", "szwajcaria": "CH", "швейцария": "CH", "финляндия": "FI",
}  # fmt: skip


def country_code(text: str | None) -> str | None:
    """The ISO alpha-2 code the cell names, or None."""
    if not text:
        return None
    value = " ".join(text.split())
    if len(value) == 2 and value.isascii() and value.isalpha():
        return value.upper()
    if len(value) == 3 and value.isascii() and value.upper() in _ALPHA3:
        return _ALPHA3[value.upper()]
    return _LOCAL_NAMES.get(value.casefold()) or english_country_code(value)
