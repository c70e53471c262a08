"""The registration and tax numbers of a supplier table: which columns hold them (a header that
names a scheme, `УНП`, `ИНН`, `Tax ID`, `Registration number`; else a column of values that
pass a scheme's check digits) and the identifiers written in one cell. Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.screening.query_identifiers import Asked, typed_value
from service.watchlist.identifiers import Scheme, normalize, readings, scheme_of, valid

# Word beginnings of a header that names a scheme (casefolded), in the languages of `columns`.
_SCHEME_STEMS = (
    (("unp", "унп", "унн"), Scheme.UNP),
    (("inn", "инн", "іпн"), Scheme.INN),
    (("ogrn", "огрн"), Scheme.OGRN),
    (("okpo", "окпо", "акпа"), Scheme.OKPO),
    (("edrpou", "єдрпоу", "едрпоу", "егрпоу"), Scheme.EDRPOU),
    (("lei",), Scheme.LEI),
    (("regist", "регистрац", "реєстрац", "рэгістрац", "krs", "regon", "handelsreg", "ogrnip"),
     Scheme.REGISTRATION),
    (("vat", "tax", "tin", "nip", "ust", "steuer", "stceg", "stcd", "налог", "подат",
      "падатк"), Scheme.TAX),
)  # fmt: skip
#: Words of a header about the name or the country, not a number: "Registered name",
#: "Country of registration", "Tax residence country".
_NOT_A_NUMBER = (
    "name", "наименован", "назв", "найменн", "найменуван", "bezeichnung", "nazw", "countr",
    "стран", "краін", "країн", "land", "kraj", "państw", "address", "адрес", "адрас",
    "resid", "office", "status", "статус", "date", "дата",
)  # fmt: skip
_WORD_RE = re.compile(r"[^\W_]+")
#: What separates several numbers in one cell (`ИНН/КПП` columns: `7707083893/773601001`).
_CELL_PARTS_RE = re.compile(r"[/;,|\n]+")
#: A column found by content: this share of its values must be identifiers.
CONTENT_SHARE = 0.8
#: Most identifiers read from one cell.
MAX_PER_CELL = 5


def header_scheme(cell: str) -> Scheme | None:
    """The scheme a header names, if it names one (`УНП`, `Tax ID`, `Код ЄДРПОУ`)."""
    words = _WORD_RE.findall(cell.casefold())
    if not words or any(w.startswith(_NOT_A_NUMBER) for w in words):
        return None
    named = scheme_of(cell)
    if named is not None:
        return named
    for stems, scheme in _SCHEME_STEMS:
        if any(w.startswith(stems) for w in words):
            return scheme
    return None


def _reads(kind: str | None, value: str) -> bool:
    scheme = None if kind is None else scheme_of(kind)
    if scheme is None:
        return kind is None and bool(readings(value))
    return valid(scheme, normalize(scheme, value))


def holds_identifiers(values: Sequence[str]) -> bool:
    """Whether a column's values are mostly numbers with a scheme's shape and check digits."""
    return bool(values) and sum(map(is_identifier, values)) >= CONTENT_SHARE * len(values)


def is_identifier(value: str) -> bool:
    """Whether a cell holds a value with a known scheme's shape and check digits."""
    return any(ch.isdigit() for ch in value) and bool(readings(value))


def cell_identifiers(scheme: Scheme | None, cell: str) -> list[Asked]:
    """The identifiers a cell of a column of `scheme` holds, as asked of screening (type or
    None, value): the whole cell, or where it is not one number but its parts are, each part
    that is (`7707083893/773601001`: an INN and a KPP, of which the INN); a part may name its
    type (`unp:100230519; inn:7707083893`). A value that is no valid number is given all the
    same, for screening to say so in the row's warnings."""
    text = cell.strip()
    kind = None if scheme is None else scheme.value
    if not text or _reads(kind, text):
        return [(kind, text)] if text else []
    parts = [_typed(kind, p) for p in _CELL_PARTS_RE.split(text) if p.strip()]
    good = [(k, v) for k, v in parts if _reads(k, v)]
    if len(parts) == 1 or not good:
        return parts[:1] if len(parts) == 1 else [(kind, text)]
    return good[:MAX_PER_CELL]


def _typed(kind: str | None, part: str) -> Asked:
    named, value = typed_value(part.strip())
    return (named, value.strip()) if named is not None else (kind, value)
