"""Country names as sanctions lists write them, to ISO 3166-1 alpha-2 codes. Pure data."""

from __future__ import annotations

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
