"""Countries to ISO 3166-1 alpha-2 codes: names as sanctions lists write them
(`country_code`), and what a caller or a supplier file may send (`resolve_country`): a code,
an alpha-3 code, or a name in any language.

The names in every language come from pycountry (the Debian iso-codes tables and their
translations into about 160 languages), read once on first use; the common short names those
tables lack ("Россия", "РФ", "Weißrussland") are kept here. No I/O besides pycountry's data.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import pycountry

#: Country names as official lists write them (OFAC add.csv and remarks, EU and UK lists) to
#: ISO 3166-1 alpha-2.
_COUNTRY_NAMES = {
    "Afghanistan": "AF", "Albania": "AL", "Algeria": "DZ", "Angola": "AO", "Argentina": "AR",
    "Armenia": "AM", "Aruba": "AW", "Australia": "AU", "Austria": "AT", "Azerbaijan": "AZ",
    "Bahamas, The": "BS", "Bahrain": "BH", "Bangladesh": "BD", "Barbados": "BB", "Belarus": "BY",
    "Belgium": "BE", "Belize": "BZ", "Benin": "BJ", "Bermuda": "BM", "Bolivia": "BO",
    "Bosnia and Herzegovina": "BA", "Brazil": "BR", "Brunei": "BN", "Bulgaria": "BG",
    "Burkina Faso": "BF", "Burma": "MM", "Cabo Verde": "CV", "Cambodia": "KH", "Cameroon": "CM",
    "Canada": "CA", "Cayman Islands": "KY", "Central African Republic": "CF", "Chad": "TD",
    "Chile": "CL", "China": "CN", "Colombia": "CO", "Comoros": "KM",
    "Congo, Democratic Republic of the": "CD", "Congo, Republic of the": "CG",
    "Costa Rica": "CR", "Cote d Ivoire": "CI", "Croatia": "HR", "Cuba": "CU", "Cyprus": "CY",
    "Czech Republic": "CZ", "Czechia": "CZ", "Denmark": "DK", "Djibouti": "DJ", "Dominica": "DM",
    "Dominican Republic": "DO", "Ecuador": "EC", "Egypt": "EG", "El Salvador": "SV",
    "Equatorial Guinea": "GQ", "Eritrea": "ER", "Estonia": "EE", "Ethiopia": "ET",
    "Finland": "FI", "France": "FR", "Georgia": "GE", "Germany": "DE", "Ghana": "GH",
    "Gibraltar": "GI", "Greece": "GR", "Guatemala": "GT", "Guernsey": "GG", "Guinea": "GN",
    "Guinea-Bissau": "GW", "Guyana": "GY", "Haiti": "HT", "Honduras": "HN", "Hong Kong": "HK",
    "Hungary": "HU", "Iceland": "IS", "India": "IN", "Indonesia": "ID", "Iran": "IR",
    "Iraq": "IQ", "Ireland": "IE", "Israel": "IL", "Italy": "IT", "Jamaica": "JM", "Japan": "JP",
    "Jersey": "JE", "Jordan": "JO", "Kazakhstan": "KZ", "Kenya": "KE", "Korea, North": "KP",
    "Korea, South": "KR", "Kosovo": "XK", "Kuwait": "KW", "Kyrgyzstan": "KG", "Laos": "LA",
    "Latvia": "LV", "Lebanon": "LB", "Liberia": "LR", "Libya": "LY", "Liechtenstein": "LI",
    "Lithuania": "LT", "Luxembourg": "LU", "Macau": "MO", "Malaysia": "MY", "Maldives": "MV",
    "Mali": "ML", "Malta": "MT", "Man, Isle of": "IM", "Marshall Islands": "MH",
    "Mauritania": "MR", "Mexico": "MX", "Moldova": "MD", "Monaco": "MC", "Mongolia": "MN",
    "Montenegro": "ME", "Morocco": "MA", "Mozambique": "MZ", "Namibia": "NA",
    "Netherlands": "NL", "New Zealand": "NZ", "Nicaragua": "NI", "Niger": "NE", "Nigeria": "NG",
    "North Macedonia, The Republic of": "MK", "Norway": "NO", "Oman": "OM", "Pakistan": "PK",
    "Palau": "PW", "Palestinian": "PS", "Panama": "PA", "Paraguay": "PY", "Peru": "PE",
    "Philippines": "PH", "Poland": "PL", "Portugal": "PT", "Qatar": "QA",
    "Region: Crimea": "UA", "Region: Gaza": "PS", "Region: Northern Mali": "ML",
    "Region: Russia": "RU", "Region: West Bank": "PS", "Romania": "RO", "Russia": "RU",
    "Rwanda": "RW", "Saint Kitts and Nevis": "KN", "Saint Vincent and the Grenadines": "VC",
    "Samoa": "WS", "San Marino": "SM", "Saudi Arabia": "SA", "Senegal": "SN", "Serbia": "RS",
    "Seychelles": "SC", "Sierra Leone": "SL", "Singapore": "SG", "Slovakia": "SK",
    "Slovenia": "SI", "Somalia": "SO", "South Africa": "ZA", "South Sudan": "SS", "Spain": "ES",
    "Sri Lanka": "LK", "Sudan": "SD", "Suriname": "SR", "Sweden": "SE", "Switzerland": "CH",
    "Syria": "SY", "Taiwan": "TW", "Tajikistan": "TJ", "Tanzania": "TZ", "Thailand": "TH",
    "The Gambia": "GM", "Trinidad and Tobago": "TT", "Tunisia": "TN", "Turkey": "TR",
    "Turkiye": "TR", "Türkiye": "TR", "Turkmenistan": "TM", "Uganda": "UG", "Ukraine": "UA",
    "United Arab Emirates": "AE", "United Kingdom": "GB", "United States": "US",
    "Uruguay": "UY", "Uzbekistan": "UZ", "Vanuatu": "VU", "Venezuela": "VE", "Vietnam": "VN",
    "Virgin Islands, British": "VG", "West Bank": "PS", "Yemen": "YE", "Zambia": "ZM",
    "Zimbabwe": "ZW",
}  # fmt: skip
#: Other spellings the EU (countryDescription) and UK (OFSI Country, Nationality) lists use. "UK"
#: is the United Kingdom there, as OpenSanctions reads it too.
_OTHER_NAMES = {
    "Congo (Democratic Republic)": "CD", "Democratic People's Republic of Korea": "KP",
    "Iran (Islamic Republic of)": "IR", "Myanmar": "MM", "North Korea": "KP",
    "Occupied Palestinian Territories": "PS", "Russian Federation": "RU", "South Korea": "KR",
    "Syrian Arab Republic": "SY", "UK": "GB", "United States of America": "US", "USA": "US",
    "Viet Nam": "VN",
}  # fmt: skip
_COUNTRY_CODES = {name.casefold(): code for name, code in (_COUNTRY_NAMES | _OTHER_NAMES).items()}


def country_code(name: str) -> str | None:
    """ISO code of a country name, or None when the name is not a known country."""
    return _COUNTRY_CODES.get(" ".join(name.split()).casefold())


#: Kosovo: not in ISO 3166-1, but the code every sanctions list and registry uses.
_USER_ASSIGNED = {"XK": "XKX"}
#: Common names the iso-codes tables lack, in the languages of this service's users.
_LOCAL_NAMES = {
    "беларусь": "BY", "белоруссия": "BY", "республика беларусь": "BY", "рб": "BY",
    "рэспубліка беларусь": "BY", "білорусь": "BY", "weißrussland": "BY", "belarus": "BY",
    "białoruś": "BY", "bialorus": "BY", "weissrussland": "BY", "byelorussia": "BY",
    "belorussia": "BY", "biélorussie": "BY", "bielorussie": "BY",
    "россия": "RU", "российская федерация": "RU", "рф": "RU", "расія": "RU", "росія": "RU",
    "russland": "RU", "rosja": "RU", "russia": "RU",
    "украина": "UA", "украіна": "UA", "україна": "UA", "ukraine": "UA", "ukraina": "UA",
    "польша": "PL", "польшча": "PL", "польща": "PL", "polen": "PL", "polska": "PL",
    "германия": "DE", "германія": "DE", "німеччина": "DE", "deutschland": "DE", "niemcy": "DE",
    "литва": "LT", "litauen": "LT", "litwa": "LT", "латвия": "LV", "латвія": "LV",
    "lettland": "LV", "łotwa": "LV", "эстония": "EE", "казахстан": "KZ", "китай": "CN",
    "кітай": "CN", "china": "CN", "chiny": "CN", "турция": "TR", "türkei": "TR", "turcja": "TR",
    "turkey": "TR", "оаэ": "AE", "uae": "AE", "сша": "US", "usa": "US", "великобритания": "GB",
    "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "holland": "NL",
    "узбекистан": "UZ", "армения": "AM", "азербайджан": "AZ", "грузия": "GE", "молдова": "MD",
    "кыргызстан": "KG", "киргизия": "KG", "таджикистан": "TJ", "иран": "IR", "индия": "IN",
    "сербия": "RS", "чехия": "CZ", "tschechien": "CZ", "czechy": "CZ", "италия": "IT",
    "italien": "IT", "włochy": "IT", "франция": "FR", "frankreich": "FR", "francja": "FR",
    "нидерланды": "NL", "niederlande": "NL", "holandia": "NL", "österreich": "AT",
    "austria": "AT", "schweiz": "CH", "szwajcaria": "CH", "швейцария": "CH",
    "финляндия": "FI", "корея": "KR", "южная корея": "KR", "северная корея": "KP",
    "вьетнам": "VN", "сирия": "SY", "kosovo": "XK", "косово": "XK",
}  # fmt: skip
#: Longest text read as a country, in characters (the longest official names are about 60).
MAX_COUNTRY_LENGTH = 100
#: Country texts whose code is remembered (a supplier file repeats a few countries).
_RESOLVED_CACHE_SIZE = 4096
_NOT_WORD_RE = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Case, accents, punctuation and spacing folded: "Côte d'Ivoire" = "cote d ivoire"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_NOT_WORD_RE.sub(" ", plain).split())


@cache
def iso_codes() -> dict[str, str]:
    """Every current alpha-2 code (and Kosovo's) with its alpha-3 code."""
    codes = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    return codes | _USER_ASSIGNED


@cache
def _alpha3() -> dict[str, str]:
    return {alpha3: alpha2 for alpha2, alpha3 in iso_codes().items()}


@cache
def _names() -> dict[str, str]:
    """Country names in every language iso-codes has, folded by `_key`, to their codes; the
    lists' own spellings and the common names above on top."""
    names: dict[str, str] = {}
    countries = list(pycountry.countries)
    locales = Path(pycountry.LOCALES_DIR)
    languages = sorted(p.parent.parent.name for p in locales.glob("*/LC_MESSAGES/iso3166-1.mo"))
    for language in ["en", *languages]:
        translate = (
            gettext.translation("iso3166-1", str(locales), languages=[language]).gettext
            if language != "en"
            else str
        )
        for country in countries:
            for field in ("name", "official_name", "common_name"):
                value = getattr(country, field, None)
                if value:
                    names.setdefault(_key(translate(value)), country.alpha_2)
    for name, code in (_COUNTRY_NAMES | _OTHER_NAMES | _LOCAL_NAMES).items():
        names[_key(name)] = code
    names.pop("", None)
    return names


def load_country_names() -> int:
    """Read the tables now (about 0.3 s) rather than on the first request; their size."""
    return len(_names()) + len(iso_codes())


@lru_cache(maxsize=_RESOLVED_CACHE_SIZE)
def resolve_country(text: str | None) -> str | None:
    """The alpha-2 code `text` stands for: a current alpha-2 or alpha-3 code in any case, or a
    country's name in any language iso-codes knows; None when it names no known country."""
    if not text or len(text) > MAX_COUNTRY_LENGTH:
        return None
    value = text.strip()
    codes = iso_codes()
    if len(value) == 2 and value.isascii() and value.upper() in codes:
        return value.upper()
    if len(value) == 3 and value.isascii() and value.isalpha():
        found = _alpha3().get(value.upper())
        if found is not None:
            return found
    return _names().get(_key(value))
