"""A query's identifiers: those given (`identifiers` of a request, `--identifier`, the number
columns of a file) read and checked one by one, those written in the name found, and how they
are shown. Raises `InvalidInput` from the error tree; no web, no Redis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from service.errors import InvalidInput
from service.screening.evidence import Origin, QueryIdentifier, label
from service.watchlist.identifiers import (
    RECOGNISED,
    Found,
    Scheme,
    find_identifiers,
    normalize,
    problem,
    readings,
    scheme_of,
)

#: Most identifiers one query may give (a company has a handful: UNP, OKPO, an old number).
MAX_QUERY_IDENTIFIERS = 20
#: Longest identifier value or type accepted, in characters: an LEI has 20, a registration
#: number written with its separators rarely more than 30.
MAX_IDENTIFIER_CHARS = 64
#: An identifier as asked: its type (a scheme or a label such as `УНП`; None: recognised by
#: shape and check digits) and its value as written.
Asked = tuple[str | None, str]
#: Identifiers and names whose reading is remembered (a few MB at most).
REMEMBERED = 16_384
#: A name holding no digit holds no identifier: the search for them is skipped.
_DIGIT_RE = re.compile(r"\d")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def typed_value(text: str) -> Asked:
    """An identifier written on a command line or in a cell: `TYPE:VALUE` when the part
    before the first colon names a scheme (`unp:100230519`, `ИНН: 7707083893`), else the value
    alone (its scheme recognised)."""
    kind, colon, value = text.partition(":")
    if colon and scheme_of(kind) is not None:
        return kind, value
    return None, text


@lru_cache(maxsize=REMEMBERED)
def read_identifier(kind: str | None, value: str) -> tuple[QueryIdentifier, ...]:
    """A given identifier in normal form: a typed one checked against its scheme, an untyped
    one read as each scheme whose shape and check digits it has; `InvalidInput` with a code
    when it is not valid. Remembered: the same suppliers come again with the same numbers."""
    if len(value) > MAX_IDENTIFIER_CHARS or (kind is not None and len(kind) > MAX_IDENTIFIER_CHARS):
        raise InvalidInput(
            f"an identifier's type and value may be at most {MAX_IDENTIFIER_CHARS} characters long",
            code="identifier_too_long",
        )
    shown = representable(value.strip())
    if not value.strip():
        raise InvalidInput("an identifier's value is empty", code="identifier_empty")
    if kind is None:
        found = readings(value)
        if not found:
            known = ", ".join(s.value.upper() for s in RECOGNISED)
            raise InvalidInput(
                f"identifier {shown!r} has the shape and check digits of no known scheme "
                f"({known}); give its type (`registration` or `tax` for other numbers)",
                code="identifier_unrecognised",
            )
        return tuple(
            QueryIdentifier(f.scheme, f.value, Origin.GIVEN, len(found) == 1) for f in found
        )
    scheme = scheme_of(kind)
    if scheme is None:
        raise InvalidInput(
            f"unknown identifier type {representable(kind)!r}: one of "
            f"{', '.join(s.value for s in Scheme)} (or a label such as `УНП`, `ИНН`, `Tax ID`), "
            "or none to have the value recognised",
            code="identifier_type_unknown",
        )
    normal = normalize(scheme, value)
    wrong = problem(scheme, normal)
    if wrong is not None:
        raise InvalidInput(
            f"identifier {shown!r} is not a valid {scheme.value}: {wrong}",
            code="identifier_invalid",
        )
    return (QueryIdentifier(scheme, normal, Origin.GIVEN, True),)


def written_in(screened: str, given: Sequence[QueryIdentifier]) -> tuple[QueryIdentifier, ...]:
    """The identifiers written in the name (with their check digits) that are not given."""
    known = {(i.type, i.value) for i in given}
    return tuple(
        QueryIdentifier(f.scheme, f.value, Origin.NAME, f.labelled)
        for f in numbers_in(screened)
        if (f.scheme, f.value) not in known
    )


@lru_cache(maxsize=REMEMBERED)
def numbers_in(screened: str) -> tuple[Found, ...]:
    """The identifiers written in a name. Remembered, as the normal form of names is: the
    hot path of a name alone pays a lookup."""
    return tuple(find_identifiers(screened)) if _DIGIT_RE.search(screened) else ()


def identifiers_text(identifiers: Sequence[QueryIdentifier]) -> str | None:
    """The identifiers of a query as one text (a cell of a results file), or None."""
    return (
        "; ".join(
            f"{label(i.type)} {i.value}{' (in the name)' if i.origin is Origin.NAME else ''}"
            for i in identifiers
        )
        or None
    )


def representable(text: str) -> str:
    """The text with lone surrogate halves (no UTF-8 text can hold them) as U+FFFD."""
    return _SURROGATE_RE.sub("\ufffd", text) if not text.isascii() else text
