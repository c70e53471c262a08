"""Which columns of a supplier table hold the name, the country, the supplier id and the
registration or tax numbers (`numbers`): by the header's words (English, Russian, Belarusian,
Ukrainian, German, Polish), else by content; and whether the first row is a header at all. Pure
functions over a sample of rows; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from service.batch.country import country_code
from service.batch.numbers import header_scheme, holds_identifiers
from service.errors import BadUpload

_WORD_RE = re.compile(r"[^\W_]+|№")
_DIGIT_RE = re.compile(r"\d")

# Word beginnings, so that inflections and compounds meet: "наименование поставщика",
# "nazwa dostawcy", "Lieferantenname", SAP's NAME1 and LAND1.
_NAME_STEMS = (
    "name", "company", "supplier", "vendor", "counterpart", "organisation", "organization",
    "firm", "contractor", "creditor", "partner", "payee", "beneficiar",
    "наименован", "назван", "контрагент", "поставщик", "организац", "компани", "фирм",
    "предприят", "партн", "юрлиц", "получател",
    "найменн", "назв", "пастаўшчык", "арганізац", "кампані", "прадпрыем",
    "найменуван", "постачальник", "організац", "підприєм",
    "lieferant", "kreditor", "unternehm", "bezeichnung", "geschäftspartner",
    "nazw", "dostawc", "kontrahent", "przedsiębiorstw", "przedsiebiorstw",
)  # fmt: skip
#: Stems that say "this is the name itself" rather than "this is about the supplier".
_NAME_ITSELF = ("name", "наименован", "назв", "найменн", "найменуван", "bezeichnung", "nazw")
_COUNTRY_STEMS = (
    "countr", "land", "länd", "стран", "краін", "країн", "kraj", "państw", "panstw", "staat",
)  # fmt: skip
#: Whole words only: SAP's "Kreditor" is the vendor number, "Kreditorname" its name.
_ID_WORDS = frozenset({"id", "no", "nr", "№", "num", "nº", "kreditor", "debitor"})
_ID_STEMS = ("number", "numer", "nummer", "code", "kod", "код", "номер", "ident", "lifnr")
_TAX_STEMS = (
    "vat", "unp", "унп", "inn", "инн", "іпн", "tax", "tin", "nip", "regon", "krs", "edrpou",
    "єдрпоу", "егрпоу", "ust", "steuer", "stceg", "stcd", "uid", "ogrn", "огрн",
)  # fmt: skip
#: Headers about something else that happens to carry a name word: "Contact name", "Bank
#: name", "Supplier group", "Название товара".
_OTHER_STEMS = (
    "contact", "kontakt", "контакт", "person", "лиц", "особ", "ansprech", "bank", "банк",
    "street", "straß", "stras", "улиц", "вуліц", "вулиц", "ulic", "city", "town", "stadt",
    "город", "горад", "місто", "miast", "miejscow", "addr", "adres", "адрес", "адрас",
    "anschrift", "mail", "почт", "phone", "tel", "факс", "fax", "manager", "менедж", "user",
    "buyer", "einkäuf", "group", "grupp", "grupa", "груп", "categ", "категор", "kategor",
    "type", "тип", "status", "статус", "товар", "product", "produkt", "item", "artikel",
    "material", "file",
)  # fmt: skip
#: Words a header may hold besides the stems above: "Full name", "Name of the supplier".
_HEADER_FILLERS = frozenset(
    "of the full short legal official registered полное краткое полн кратк официальное "
    "des der die pełna skrócona oficjalna поўнае кароткае повне коротке".split()
)
#: A column found by content must average at least this many letters per value.
MIN_NAME_LETTERS = 3.0
#: Share of a column's values that must look alike (country codes, digits) to decide by them.
CONTENT_SHARE = 0.8


class Role(Enum):
    NAME = "name"
    COUNTRY = "country"
    ID = "id"


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns found: labels as shown to the user, and the positions of each role."""

    labels: tuple[str, ...]
    header: bool
    name: int
    country: int | None
    id: int | None
    #: Columns of registration or tax numbers (one may be the supplier id column too).
    identifiers: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Requested:
    """Columns the user named: header text, or a 1-based position as text."""

    name: str | None = None
    country: str | None = None
    id: str | None = None
    #: The one column of registration or tax numbers (none detected then).
    identifier: str | None = None


def words(cell: str) -> list[str]:
    return _WORD_RE.findall(cell.casefold())


def _starts(word: str, stems: Sequence[str]) -> bool:
    return word.startswith(tuple(stems))


def header_role(cell: str) -> tuple[Role, int] | None:
    """What a header cell announces, with a strength to choose among several (higher wins)."""
    ws = words(cell)
    if not ws:
        return None
    if any(_starts(w, _COUNTRY_STEMS) for w in ws):
        return Role.COUNTRY, 1
    party = any(_starts(w, _NAME_STEMS) for w in ws)
    generic_id = any(
        w in _ID_WORDS or _starts(w, _ID_STEMS) or "nummer" in w or (len(w) > 5 and w[-2:] == "nr")
        for w in ws
    )
    if generic_id:
        return Role.ID, 3 if party else 2
    if any(_starts(w, _TAX_STEMS) for w in ws):
        return Role.ID, 1
    if party and not any(_starts(w, _OTHER_STEMS) for w in ws):
        # Inside compounds too: "Firmenname", "Lieferantenname".
        return Role.NAME, 2 if any(stem in w for w in ws for stem in _NAME_ITSELF) else 1
    return None


def looks_like_header(first: Sequence[str], rest: Sequence[Sequence[str]]) -> bool:
    """Whether the first row names the columns. In doubt it is data: a header screened as a
    name costs one odd result row, a supplier taken for a header would go unscreened."""
    cells = [c for c in first if c]
    if not cells or len(set(cells)) < len(cells):
        return False
    if any(not _has_letters(c) and c.strip() not in ("№", "#") for c in cells):
        return False  # a number or a date: data rows carry those, headers do not
    # Made only of header words ("Supplier name", "VAT No."), unlike "Supplier Company Ltd".
    if any(header_role(c) is not None and all(map(_header_word, words(c))) for c in cells):
        return True
    for position, cell in enumerate(first):
        below = [row[position] for row in rest if position < len(row) and row[position]]
        if below and not _has_digit(cell) and _share(below, _has_digit) >= CONTENT_SHARE:
            return True  # a word above a column of numbers
    return False


def _header_word(word: str) -> bool:
    return (
        word.isdigit()
        or word in _HEADER_FILLERS
        or word in _ID_WORDS
        or _starts(word, (*_NAME_STEMS, *_COUNTRY_STEMS, *_ID_STEMS, *_TAX_STEMS))
        or header_scheme(word) is not None
    )


def find_columns(
    labels: Sequence[str], header: bool, sample: Sequence[Sequence[str]], requested: Requested
) -> Columns:
    """The name, country and id columns: requested ones first, then by header, then by
    content; `BadUpload` when a requested column is missing or no column holds names."""
    taken: set[int] = set()
    chosen: dict[Role, int | None] = {}
    for role, spec in ((Role.NAME, requested.name), (Role.COUNTRY, requested.country),
                       (Role.ID, requested.id)):  # fmt: skip
        position = None if spec is None else _resolve(spec, labels)
        chosen[role] = position
        taken.update([] if position is None else [position])
    if header:
        for role, position in _by_header(labels, taken).items():
            if chosen[role] is None:
                chosen[role] = position
                taken.add(position)
    country = chosen[Role.COUNTRY]
    if country is None:
        country = _by_content(labels, sample, taken, _is_country)
        taken.update([] if country is None else [country])
    name = chosen[Role.NAME]
    if name is None:
        name = _name_by_content(labels, sample, taken)
    if name is None:
        raise BadUpload(_no_name_message(labels, header), code="no_name_column")
    taken.add(name)
    supplier_id = chosen[Role.ID]
    if supplier_id is None and not header:
        supplier_id = _by_content(labels, sample, taken, _is_code)
    identifiers = _identifier_columns(labels, header, sample, requested, {name, country})
    return Columns(tuple(labels), header, name, country, supplier_id, identifiers)


def _identifier_columns(
    labels: Sequence[str],
    header: bool,
    sample: Sequence[Sequence[str]],
    requested: Requested,
    taken: set[int | None],
) -> tuple[int, ...]:
    """The requested column of numbers; else every column whose header names a scheme; else
    every column whose values mostly pass a scheme's check digits."""
    if requested.identifier is not None:
        return (_resolve(requested.identifier, labels),)
    free = [p for p in range(len(labels)) if p not in taken]
    named = [p for p in free if header and header_scheme(labels[p]) is not None]
    if named:
        return tuple(named)
    return tuple(p for p in free if holds_identifiers(_values(sample, p)))


def _resolve(spec: str, labels: Sequence[str]) -> int:
    wanted = " ".join(spec.split()).casefold()
    for position, label in enumerate(labels):
        if " ".join(label.split()).casefold() == wanted:
            return position
    if spec.strip().isdigit() and 1 <= int(spec) <= len(labels):
        return int(spec) - 1
    raise BadUpload(
        f"no column {spec!r}: the columns are {_listing(labels)}; give a column's header text "
        "or its position (1 for the first)",
        code="unknown_column",
    )


def _by_header(labels: Sequence[str], taken: set[int]) -> dict[Role, int]:
    best: dict[Role, tuple[int, int]] = {}
    for position, label in enumerate(labels):
        found = header_role(label) if position not in taken else None
        if found is None:
            continue
        role, strength = found
        # Strongest first; among equals the leftmost ("Name 1" before "Name 2").
        if role not in best or strength > best[role][0]:
            best[role] = (strength, position)
    return {role: position for role, (_, position) in best.items()}


def _by_content(
    labels: Sequence[str],
    sample: Sequence[Sequence[str]],
    taken: set[int],
    test: Callable[[str], bool],
) -> int | None:
    """The first free column whose values mostly pass `test`."""
    for position in range(len(labels)):
        values = _values(sample, position)
        if position not in taken and values and _share(values, test) >= CONTENT_SHARE:
            return position
    return None


def _name_by_content(
    labels: Sequence[str], sample: Sequence[Sequence[str]], taken: set[int]
) -> int | None:
    """The column of the most letter-rich text. Letters per value, times their share of the
    characters (an address has digits), times how varied the values are (cities repeat)."""
    best: tuple[float, int] | None = None
    for position in range(len(labels)):
        values = _values(sample, position)
        if position in taken or not values:
            continue
        letters = [sum(ch.isalpha() for ch in v) for v in values]
        mean_letters = sum(letters) / len(values)
        if mean_letters < MIN_NAME_LETTERS:
            continue
        density = sum(letters) / sum(len(v) for v in values)
        variety = len(set(values)) / len(values)
        score = mean_letters * density * variety**0.5
        if best is None or score > best[0]:
            best = (score, position)
    return None if best is None else best[1]


def _no_name_message(labels: Sequence[str], header: bool) -> str:
    where = (
        f"the header is {_listing(labels)}"
        if header
        else f"the file has no header row, and none of its {len(labels)} columns holds text"
    )
    return (
        f"no column of company names found: {where}. Say which column holds the names with "
        "the name_column option (--name-column on the command line): its header text or its "
        "position (1 for the first)"
    )


def _listing(labels: Sequence[str]) -> str:
    shown = ", ".join(repr(label) for label in labels[:30])
    return shown + (f" and {len(labels) - 30} more" if len(labels) > 30 else "")


def _values(sample: Sequence[Sequence[str]], position: int) -> list[str]:
    return [row[position] for row in sample if position < len(row) and row[position]]


def _share(values: Sequence[str], test: Callable[[str], bool]) -> float:
    return sum(1 for v in values if test(v)) / len(values)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _has_digit(text: str) -> bool:
    return _DIGIT_RE.search(text) is not None


def _is_code(text: str) -> bool:
    """A supplier number or tax id: one word holding digits."""
    return len(text) <= 40 and _has_digit(text) and not any(ch.isspace() for ch in text)


def _is_country(text: str) -> bool:
    return country_code(text) is not None
