"""Company identifiers: the schemes the lists and supplier files use (Belarusian UNP, Russian
INN and OGRN, OKPO, Ukrainian EDRPOU, the LEI, and other registration and tax numbers), their
normal form, their check digits, and the identifiers written inside a free-text line.

Pure: no I/O, imports nothing from the service. An identifier is evidence of who a company is
only in its normal form and, where the scheme has check digits, when they hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Scheme(StrEnum):
    UNP = "unp"  # Belarus: УНП, payer's account number, 9 characters
    INN = "inn"  # Russia: ИНН, 10 digits (organisations) or 12 (individuals)
    OGRN = "ogrn"  # Russia: ОГРН, 13 digits (organisations) or 15 (ОГРНИП, entrepreneurs)
    OKPO = "okpo"  # Russia, Belarus: ОКПО, statistical register code
    EDRPOU = "edrpou"  # Ukraine: ЄДРПОУ, 8 digits
    LEI = "lei"  # Legal Entity Identifier, ISO 17442, 20 characters
    REGISTRATION = "registration"  # any other company registration number
    TAX = "tax"  # any other tax number


#: Schemes whose numbers identify one company in one country; the others are kept as given.
NATIONAL = frozenset({Scheme.UNP, Scheme.INN, Scheme.OGRN, Scheme.OKPO, Scheme.EDRPOU})
#: Characters of a number as people write them: spaces, dashes, dots, slashes between digits.
_SEPARATORS_RE = re.compile(r"[\s\-./]+")
#: Letters typed for the digits they look like, inside a number that is all digits otherwise
#: ("4O7", "l00230599"): read as those digits.
_DIGIT_LOOKALIKES = str.maketrans("OoОоlI|", "0000111")
_DIGITS_AND_LOOKALIKES_RE = re.compile(r"[0-9OoОоlI|]*[0-9][0-9OoОоlI|]*")
_UNP_WEIGHTS = (29, 23, 19, 17, 13, 7, 5, 3)
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_LENGTHS = {
    Scheme.UNP: (9,),
    Scheme.INN: (10, 12),
    Scheme.OGRN: (13, 15),
    Scheme.OKPO: (8, 10, 12, 14),
    Scheme.EDRPOU: (8,),
    Scheme.LEI: (20,),
}


@dataclass(frozen=True, slots=True)
class Found:
    """An identifier read from text: its scheme and normal form."""

    scheme: Scheme
    value: str
    #: Written after its label (`УНП 100230519`), not recognised by its length and check
    #: digits alone; not part of what the identifier is (equality, hashing).
    labelled: bool = field(default=False, compare=False)


def scheme_of(name: str) -> Scheme | None:
    """The scheme a label or type names (`УНП`, `UNP`, `ИНН`, `tax id`, `reg. no.`...)."""
    key = " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())
    return _LABELS.get(key)


def normalize(scheme: Scheme, value: str) -> str:
    """The normal form of an identifier: no separators, upper case; a national scheme's number
    (all digits) read through the letters typed for digits they look like ("4O7", "l00")."""
    text = _SEPARATORS_RE.sub("", value.strip())
    if scheme in NATIONAL and _DIGITS_AND_LOOKALIKES_RE.fullmatch(text):
        text = text.translate(_DIGIT_LOOKALIKES)
    return text.upper()


#: The schemes an untyped value is read as, in this order: those with a known shape.
RECOGNISED = (Scheme.UNP, Scheme.INN, Scheme.OGRN, Scheme.OKPO, Scheme.EDRPOU, Scheme.LEI)


def readings(value: str) -> list[Found]:
    """An identifier given without its scheme, read as each scheme of `RECOGNISED` whose shape
    and check digits it has (in normal form); none when it has no such reading. More than one
    reading is common: an 8-digit OKPO code and an EDRPOU share their check digit, a 10-digit
    number may be an INN and an OKPO code."""
    found: dict[Found, None] = {}
    for scheme in RECOGNISED:
        normal = normalize(scheme, value)
        if valid(scheme, normal):
            found.setdefault(Found(scheme, normal), None)
    return list(found)


def valid(scheme: Scheme, value: str) -> bool:
    """Whether a value in normal form has the scheme's shape and check digits (schemes without
    a known shape: any value of letters and digits)."""
    lengths = _LENGTHS.get(scheme)
    if lengths is None:
        return bool(value) and value.isalnum()
    if len(value) not in lengths:
        return False
    if scheme is Scheme.LEI:
        return value.isalnum() and value.isascii() and _mod97(value) == 1
    if scheme is Scheme.UNP and value[:2].isalpha() and value[:2].isascii():
        return value[2:].isdigit()  # an individual's UNP: two letters, no known check digit
    if not (value.isdigit() and value.isascii()):
        return False
    return _CHECKS[scheme](value)


def problem(scheme: Scheme, value: str) -> str | None:
    """Why a value in normal form is not `valid` for the scheme, in words; None if it is."""
    if valid(scheme, value):
        return None
    lengths = _LENGTHS.get(scheme)
    if lengths is None:
        return "only letters and digits (and separators between them) make a number"
    if len(value) not in lengths:
        wanted = " or ".join(map(str, lengths))
        return f"it has {len(value)} characters; {scheme.value.upper()} numbers have {wanted}"
    if scheme is Scheme.LEI:
        return "its check digits do not hold"
    if not (value.isdigit() and value.isascii()):
        return "it is not all digits"
    return "its check digit does not hold"


def _unp(value: str) -> bool:
    remainder = sum(int(d) * w for d, w in zip(value, _UNP_WEIGHTS, strict=False)) % 11
    return remainder < 10 and remainder == int(value[8])


def _inn(value: str) -> bool:
    def digit(weights: tuple[int, ...]) -> int:
        return sum(int(d) * w for d, w in zip(value, weights, strict=False)) % 11 % 10

    if len(value) == 10:
        return digit(_INN10_WEIGHTS) == int(value[9])
    return digit(_INN11_WEIGHTS) == int(value[10]) and digit(_INN12_WEIGHTS) == int(value[11])


def _ogrn(value: str) -> bool:
    modulus = 11 if len(value) == 13 else 13
    return int(value[:-1]) % modulus % 10 == int(value[-1])


def _okpo(value: str) -> bool:
    digits = [int(d) for d in value[:-1]]
    for shift in (1, 3):
        remainder = sum(d * ((i + shift - 1) % 10 + 1) for i, d in enumerate(digits)) % 11
        if remainder < 10:
            return remainder == int(value[-1])
    return int(value[-1]) == 0


def _edrpou(value: str) -> bool:
    number = int(value)
    weights = [1, 2, 3, 4, 5, 6, 7] if number < 30_000_000 or number > 60_000_000 else [
        7, 1, 2, 3, 4, 5, 6
    ]  # fmt: skip
    for extra in (0, 2):
        remainder = sum(int(d) * (w + extra) for d, w in zip(value, weights, strict=False)) % 11
        if remainder < 10:
            return remainder == int(value[7])
    return int(value[7]) == 0


def _mod97(value: str) -> int:
    return int("".join(str(int(c, 36)) for c in value)) % 97


_CHECKS = {
    Scheme.UNP: _unp,
    Scheme.INN: _inn,
    Scheme.OGRN: _ogrn,
    Scheme.OKPO: _okpo,
    Scheme.EDRPOU: _edrpou,
}

# Labels as lists and supplier files write them, folded as `scheme_of` folds its input.
_LABELS = {
    **dict.fromkeys(
        ["unp", "унп", "унн", "uhp", "payer account number", "taxpayer identification number "
         "unp", "учетный номер плательщика", "уліковы нумар плацельшчыка"], Scheme.UNP),
    **dict.fromkeys(["inn", "инн", "іпн", "ідентифікаційний номер платника податків"], Scheme.INN),
    **dict.fromkeys(["ogrn", "огрн", "ogrnip", "огрнип", "primary state registration number"],
                    Scheme.OGRN),
    **dict.fromkeys(["okpo", "окпо", "окпо код"], Scheme.OKPO),
    **dict.fromkeys(["edrpou", "єдрпоу", "едрпоу", "код єдрпоу", "usreou"], Scheme.EDRPOU),
    **dict.fromkeys(["lei", "legal entity identifier", "lei code"], Scheme.LEI),
    **dict.fromkeys(["tax", "tax id", "tax id no", "tax number", "tax identification number",
                     "vat", "vat number", "tin"], Scheme.TAX),
    **dict.fromkeys(["registration", "registration number", "registration id", "reg no",
                     "reg number", "company number", "business registration number",
                     "registration no", "рег номер", "регистрационный номер"],
                    Scheme.REGISTRATION),
    **{s.value: s for s in Scheme},
}  # fmt: skip

# A labelled number in free text: the label, then the number (digits and the separators and
# look-alike letters people type inside one).
_LABELLED_RE = re.compile(
    r"(?<![\w])(?P<label>УНП|UNP|ИНН|INN|ІПН|ОГРНИП|ОГРН|OGRNIP|OGRN|ОКПО|OKPO|ЄДРПОУ|ЕДРПОУ|"
    r"EDRPOU|LEI)(?![\w])[\s:№#.\-]*(?P<value>[0-9A-Z][0-9OolI|\- ]{6,20}[0-9])",
    re.IGNORECASE,
)
# An unlabelled run of digits, the length of a national identifier.
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{9}|\d{10}|\d{12}|\d{13}|\d{15})(?![\w]|[.,]\d)")
# Unlabelled numbers are read as the schemes whose check digits they pass, in this order.
_UNLABELLED = {9: (Scheme.UNP,), 10: (Scheme.INN,), 12: (Scheme.INN,), 13: (Scheme.OGRN,),
               15: (Scheme.OGRN,)}  # fmt: skip


def find_identifiers(text: str) -> list[Found]:
    """The identifiers written in a free-text line: labelled ones (`УНП 100230599`,
    `INN: 7707083893`) whose check digits hold, and unlabelled runs of digits that have a
    national scheme's length and pass its check digits. Each once, in order."""
    found: dict[Found, None] = {}
    spans: list[tuple[int, int]] = []
    for match in _LABELLED_RE.finditer(text):
        scheme = scheme_of(match["label"])
        if scheme is None:
            continue
        value = normalize(scheme, match["value"])
        if valid(scheme, value):
            found.setdefault(Found(scheme, value, labelled=True), None)
            spans.append(match.span())
    for match in _NUMBER_RE.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        value = match[1]
        for scheme in _UNLABELLED[len(value)]:
            if valid(scheme, value):
                found.setdefault(Found(scheme, value), None)
                break
    return list(found)
