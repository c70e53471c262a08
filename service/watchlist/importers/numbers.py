"""Register and tax numbers as the lists print them, for every importer: a label ("Tax ID No.",
"Registration ID", "UNP", `taxNumber`), a number and maybe the issuing country, read into an
`Identifier` of the scheme they name.

A generic label (registration or tax number) becomes the national scheme of the country that
issued the number when the number has that scheme's shape and check digits (a Belarusian
registration number is the UNP; a Russian tax number the INN); otherwise it stays a generic
registration or tax number. Imports only the watchlist model and the country names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from service.watchlist.countries import resolve_country
from service.watchlist.identifiers import Scheme, normalize, scheme_of, valid
from service.watchlist.model import Identifier

#: Labels of company numbers beyond those `scheme_of` knows: OFAC remarks, UK "Other
#: Information" fields and FollowTheMoney property names, folded as `scheme_of` folds them.
_LABELS = {
    **dict.fromkeys(
        ["registration id", "registration number", "business registration number",
         "business registration document", "business reg no", "company number",
         "uk company number", "commercial registry number", "chamber of commerce number",
         "central registration system number", "enterprise number", "public registration number",
         "certificate of incorporation number", "registrationnumber", "regnumber",
         "state registration number", "реєстраційний номер"], Scheme.REGISTRATION),
    **dict.fromkeys(
        ["tax id no", "tax identification number", "v a t number", "taxnumber", "fiscalcode",
         "tax number", "податковий номер"], Scheme.TAX),
    **dict.fromkeys(["inncode"], Scheme.INN),
    **dict.fromkeys(["ogrncode"], Scheme.OGRN),
    **dict.fromkeys(["okpocode", "government gazette number"], Scheme.OKPO),
    **dict.fromkeys(["leicode", "legal entity number"], Scheme.LEI),
}  # fmt: skip
#: The national schemes a generic number of a country may be, the likelier first.
_NATIONAL = {
    ("BY", Scheme.REGISTRATION): (Scheme.UNP,),
    ("BY", Scheme.TAX): (Scheme.UNP,),
    ("RU", Scheme.REGISTRATION): (Scheme.OGRN, Scheme.INN),
    ("RU", Scheme.TAX): (Scheme.INN, Scheme.OGRN),
    ("UA", Scheme.REGISTRATION): (Scheme.EDRPOU,),
    ("UA", Scheme.TAX): (Scheme.EDRPOU,),
}
#: The country whose register a national scheme is.
_SCHEME_COUNTRY = {Scheme.UNP: "BY", Scheme.INN: "RU", Scheme.OGRN: "RU", Scheme.EDRPOU: "UA"}
#: A national scheme's number that fails its check digits is kept as a generic one.
_GENERIC = {Scheme.UNP: Scheme.TAX, Scheme.INN: Scheme.TAX}
#: Labels written inside a value ("INN 7707083893", "100211261(УНП)").
_INNER_LABEL = re.compile(
    r"^(?P<label>УНП|UNP|ИНН|INN|ОГРН|OGRN|ОКПО|OKPO|ЄДРПОУ|EDRPOU|LEI|KPP|КПП)\b[\s:№#\-]*",
    re.IGNORECASE,
)
#: One number of a value: digits and letters with separators, then an optional note in brackets.
_NUMBER = re.compile(r"(?P<number>[0-9A-Z][0-9A-Z\s\-./]*?[0-9A-Z])\s*(?:\((?P<note>[^)]*)\))?$")
#: A Russian INN written with its KPP ("7704734000/770301001"): the KPP names a branch, not
#: the company.
_INN_KPP = re.compile(r"^(\d{10})\s*/\s*\d{9}$")
#: Labels of the numbers in OFAC's remarks ("Tax ID No. 100219673 (Belarus)"), longest first.
_REMARK_LABELS = sorted(
    ["Registration ID", "Registration Number", "Tax ID No.", "Business Registration Number",
     "Business Registration Document #", "Government Gazette Number", "Legal Entity Number",
     "Company Number", "UK Company Number", "Commercial Registry Number",
     "Chamber of Commerce Number", "Central Registration System Number", "Enterprise Number",
     "Public Registration Number", "Certificate of Incorporation Number", "V.A.T. Number",
     "UNP", "INN", "OGRN", "OKPO"],
    key=len, reverse=True,
)  # fmt: skip
_REMARK = re.compile(
    r"^(?:alt\.\s+)?(?P<label>" + "|".join(re.escape(label) for label in _REMARK_LABELS) + r")"
    r"\s+(?P<value>.+?)(?:\s+(?:issued|expires)\b.*)?\.?$"
)


def label_scheme(label: str) -> Scheme | None:
    """The scheme a label names, generic for a plain registration or tax number; None for a
    label of something else (a passport, a phone number)."""
    key = " ".join(re.sub(r"[^\w]+", " ", label.casefold()).split())
    return _LABELS.get(key) or scheme_of(label)


def identifier(
    scheme: Scheme, number: str, *, country: str | None = None, source: str | None = None
) -> Identifier | None:
    """The identifier a number of a scheme (as its label names it) makes: a generic number of
    a country with national schemes in that scheme when it passes its check digits, a national
    number that fails them as a generic one. None when it is not a number at all."""
    if country and scheme in (Scheme.REGISTRATION, Scheme.TAX):
        for national in _NATIONAL.get((country, scheme), ()):
            if valid(national, value := normalize(national, number)):
                return Identifier(type=national, value=value, source=source, country=country)
    value = normalize(scheme, number)
    if not valid(scheme, value):
        scheme = _GENERIC.get(scheme, Scheme.REGISTRATION)
        value = normalize(scheme, number)
    if not valid(scheme, value) or not any(c.isdigit() for c in value):
        return None
    country = _SCHEME_COUNTRY.get(scheme, country)
    return Identifier(type=scheme, value=value, source=source, country=country)


def identifiers_in(
    label: str, text: str, *, country: str | None = None, source: str | None = None
) -> list[Identifier]:
    """The identifiers of one labelled field, which may hold several numbers separated by ";"
    each with a note in brackets: a country ("190950894 (Belarus)") or a label ("(УНП)")."""
    scheme = label_scheme(label)
    if scheme is None:
        return []
    found: dict[Identifier, None] = {}
    for part in (p.strip() for p in text.split(";")):
        if found_one := _one(scheme, part, country, source):
            found.setdefault(found_one, None)
    return list(found)


def remark_identifiers(remarks: str, *, source: str | None = None) -> list[Identifier]:
    """The company numbers in remarks written OFAC's way: `; `-separated parts, each a label,
    the number, maybe the issuing country in brackets and an issue or expiry date."""
    found: dict[Identifier, None] = {}
    for part in remarks.split(";"):
        if match := _REMARK.match(part.strip()):
            for one in identifiers_in(match["label"], match["value"], source=source):
                found.setdefault(one, None)
    return list(found)


def bracketed_fields(text: str) -> Iterator[tuple[str, str]]:
    """`(Label):value` fields, as the UK list writes its "Other Information"."""
    for match in re.finditer(r"\(([^()]+)\):\s*([^()]*?)\s*(?=\([^()]+\):|$)", text):
        yield match[1].strip(), match[2].strip()


def _one(scheme: Scheme, part: str, country: str | None, source: str | None) -> Identifier | None:
    if inner := _INNER_LABEL.match(part):
        if inner["label"].upper() in ("KPP", "КПП"):
            return None
        scheme = scheme_of(inner["label"]) or scheme
        part = part[inner.end() :]
    match = _NUMBER.search(part)
    if match is None or (match.start() > 0 and part[: match.start()].strip()):
        return None
    number, note = match["number"], (match["note"] or "").strip()
    if kpp := _INN_KPP.match(number):
        number = kpp[1]
    if note:
        if (named := scheme_of(note)) is not None:
            scheme = named
        elif (code := resolve_country(note)) is not None:
            country = code
    return identifier(scheme, number, country=country, source=source)
