"""Importer for OFAC's legacy CSV distribution: the SDN list and the Consolidated (non-SDN) list.

Each list is a primary file joined on `ent_num` with its address, alias and comments companions.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from service.errors import ImportFormatError
from service.watchlist.countries import country_code
from service.watchlist.importers.numbers import remark_identifiers
from service.watchlist.importers.records import (
    csv_records,
    decode_text,
    describe_validation,
    format_error,
)
from service.watchlist.model import Address, Alias, AliasKind, Entity, Listing, Schema, Source

AUTHORITY = "US-OFAC"
SDN_LIST = "SDN"
CONSOLIDATED_LIST = "Consolidated (non-SDN)"


class _Role(StrEnum):
    PRIMARY = "primary"
    ADDRESSES = "addresses"
    ALIASES = "aliases"
    COMMENTS = "comments"


_WIDTHS = {_Role.PRIMARY: 12, _Role.ADDRESSES: 6, _Role.ALIASES: 5, _Role.COMMENTS: 2}

#: Recognised file names (compared in lower case: OFAC has served both `sdn.csv` and `SDN.CSV`).
_FILES: dict[str, tuple[str, _Role]] = {
    "sdn.csv": (SDN_LIST, _Role.PRIMARY),
    "add.csv": (SDN_LIST, _Role.ADDRESSES),
    "alt.csv": (SDN_LIST, _Role.ALIASES),
    "sdn_comments.csv": (SDN_LIST, _Role.COMMENTS),
    "cons_prim.csv": (CONSOLIDATED_LIST, _Role.PRIMARY),
    "cons_add.csv": (CONSOLIDATED_LIST, _Role.ADDRESSES),
    "cons_alt.csv": (CONSOLIDATED_LIST, _Role.ALIASES),
    "cons_comments.csv": (CONSOLIDATED_LIST, _Role.COMMENTS),
}

_SCHEMAS = {"individual": Schema.PERSON, "vessel": Schema.VESSEL, "aircraft": Schema.AIRCRAFT}
# "nka" (now known as) is the current name, as strong as an a.k.a.
_ALIAS_KINDS = {"aka": AliasKind.AKA, "nka": AliasKind.AKA, "fka": AliasKind.FKA}

# Weak aliases live only in the remarks: "...; a.k.a. 'ABU 'ABD AL-'AZIZ'; f.k.a. 'X'." Names may
# hold apostrophes, so a name ends only at a quote followed by ";" or by the end of the remarks.
_WEAK_ALIAS = re.compile(r"\b[afn]\.k\.a\. '(.+?)'(?=;|\.?$)")
_REMARK_COUNTRY = re.compile(
    r"^(?:alt\. )?(?:Nationality of Registration|nationality|citizen) (.+?)\.?$"
)
_PROGRAMME_SEPARATOR = re.compile(r"\]\s*\[")


@dataclass(frozen=True, slots=True)
class OfacOrphan:
    """Companion data for an `ent_num` that has no row in the primary file of its list."""

    aliases: tuple[Alias, ...] = ()
    addresses: tuple[Address, ...] = ()
    #: The comments-file text: a continuation, so it usually starts in mid-word.
    remarks: str | None = None
    #: The companion files that mention the `ent_num` (provenance).
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OfacImport:
    #: One entity per primary row, in file order.
    entities: tuple[Entity, ...]
    #: Companion data by `ent_num` for ent_nums without a primary row.
    orphans: Mapping[str, OfacOrphan]


@dataclass
class _Companions:
    """The companion files of one list, by `ent_num`."""

    addresses: defaultdict[str, list[Address]] = field(default_factory=lambda: defaultdict(list))
    aliases: defaultdict[str, list[Alias]] = field(default_factory=lambda: defaultdict(list))
    comments: defaultdict[str, str] = field(default_factory=lambda: defaultdict(str))
    files: defaultdict[str, dict[str, None]] = field(default_factory=lambda: defaultdict(dict))

    def orphans(self, primary_ent_nums: set[str]) -> dict[str, OfacOrphan]:
        return {
            ent_num: OfacOrphan(
                aliases=tuple(self.aliases.get(ent_num, ())),
                addresses=tuple(self.addresses.get(ent_num, ())),
                remarks=self.comments.get(ent_num, "").strip() or None,
                files=tuple(files),
            )
            for ent_num, files in self.files.items()
            if ent_num not in primary_ent_nums
        }


def read_ofac_csv(paths: Sequence[Path], *, list_date: date | None = None) -> OfacImport:
    """Read OFAC legacy CSV files and folders of them into entities and orphan companion data.

    `list_date` is the publication date of the list, recorded in each entity's source.
    """
    entities: list[Entity] = []
    orphans: dict[str, OfacOrphan] = {}
    for list_name, files in _collect(paths).items():
        companions = _read_companions(files)
        by_ent_num = _read_primary(files[_Role.PRIMARY], list_name, companions, list_date)
        entities.extend(by_ent_num.values())
        for ent_num, orphan in companions.orphans(set(by_ent_num)).items():
            orphans[ent_num] = _merge(orphans[ent_num], orphan) if ent_num in orphans else orphan
    return OfacImport(tuple(entities), MappingProxyType(orphans))


def entity_from_orphan(
    ent_num: str,
    name: str,
    orphan: OfacOrphan,
    family: str = SDN_LIST,
    list_date: date | None = None,
    *,
    schema: Schema = Schema.ORGANIZATION,
) -> Entity:
    """Build the entity of an orphan whose primary name the caller found elsewhere.

    `family` is the list, `SDN_LIST` or `CONSOLIDATED_LIST`. The programme is unknown, so the
    listing has none; the type is unknown too, so `schema` defaults to the format's default.
    """
    if family not in (SDN_LIST, CONSOLIDATED_LIST):
        raise ValueError(f"family must be {SDN_LIST!r} or {CONSOLIDATED_LIST!r}, not {family!r}")
    return _build_entity(
        ent_num,
        name,
        schema=schema,
        programmes=(),
        remarks=orphan.remarks,
        aliases=orphan.aliases,
        addresses=orphan.addresses,
        list_name=family,
        sources=tuple(Source(name=f, reference=ent_num, date=list_date) for f in orphan.files),
    )


def _collect(paths: Sequence[Path]) -> dict[str, dict[_Role, Path]]:
    """Sort the given files and folders into lists and roles; refuse anything unrecognised."""
    found: dict[str, dict[_Role, Path]] = {}
    for path in paths:
        for file in _expand(Path(path)):
            list_name, role = _FILES[file.name.lower()]
            roles = found.setdefault(list_name, {})
            if role in roles and roles[role].resolve() != file.resolve():
                raise ImportFormatError(
                    f"two {list_name} {role} files given: {roles[role]}, {file}"
                )
            roles[role] = file
    if not found:
        raise ImportFormatError("no OFAC CSV file given")
    for list_name, roles in found.items():
        if _Role.PRIMARY not in roles:
            given = ", ".join(str(p) for p in roles.values())
            raise ImportFormatError(
                f"{given}: companion files of the {list_name} list given without its primary file"
            )
    return found


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower() in _FILES)
        if not files:
            raise ImportFormatError(f"{path}: folder holds no OFAC CSV file ({_known_names()})")
        return files
    if not path.exists():
        raise ImportFormatError(f"{path}: no such file or folder")
    if path.name.lower() not in _FILES:
        raise ImportFormatError(f"{path}: not an OFAC legacy CSV file name ({_known_names()})")
    return [path]


def _known_names() -> str:
    return "expected " + ", ".join(_FILES)


def _read_companions(files: Mapping[_Role, Path]) -> _Companions:
    companions = _Companions()
    if path := files.get(_Role.ADDRESSES):
        for line, fields in _rows(path, _Role.ADDRESSES):
            ent_num = _ent_num(path, line, fields[0])
            companions.files[ent_num][path.name] = None
            if address := _address(fields[2], fields[3], fields[4]):
                companions.addresses[ent_num].append(address)
    if path := files.get(_Role.ALIASES):
        for line, fields in _rows(path, _Role.ALIASES):
            ent_num = _ent_num(path, line, fields[0])
            companions.files[ent_num][path.name] = None
            companions.aliases[ent_num].append(_alias(path, line, fields))
    if path := files.get(_Role.COMMENTS):
        for line, fields in _rows(path, _Role.COMMENTS):
            ent_num = _ent_num(path, line, fields[0])
            companions.files[ent_num][path.name] = None
            # Kept raw: the split can fall next to a space that belongs in the joined remarks.
            companions.comments[ent_num] += _raw(fields[1])
    return companions


def _read_primary(
    path: Path, list_name: str, companions: _Companions, list_date: date | None
) -> dict[str, Entity]:
    """The entities of one primary file by `ent_num`, in file order."""
    entities: dict[str, Entity] = {}
    lines: dict[str, int] = {}
    for line, fields in _rows(path, _Role.PRIMARY):
        ent_num = _ent_num(path, line, fields[0])
        if ent_num in lines:
            raise format_error(
                path, line, f"duplicate ent_num {ent_num} (first on line {lines[ent_num]})"
            )
        lines[ent_num] = line
        name = _value(fields[1])
        if name is None:
            raise format_error(path, line, "SDN_Name is empty")
        try:
            entities[ent_num] = _build_entity(
                ent_num,
                name,
                schema=_schema(path, line, fields[2]),
                programmes=_programmes(fields[3]),
                remarks=_join_remarks(_raw(fields[11]), companions.comments.get(ent_num)),
                aliases=companions.aliases.get(ent_num, ()),
                addresses=companions.addresses.get(ent_num, ()),
                list_name=list_name,
                sources=(Source(name=path.name, reference=ent_num, date=list_date),),
            )
        except ValidationError as exc:
            raise format_error(path, line, describe_validation(exc)) from None
    return entities


def _build_entity(
    ent_num: str,
    name: str,
    *,
    schema: Schema,
    programmes: Sequence[str],
    remarks: str | None,
    aliases: Iterable[Alias],
    addresses: Iterable[Address],
    list_name: str,
    sources: tuple[Source, ...],
) -> Entity:
    unique_addresses = tuple(dict.fromkeys(addresses))
    return Entity(
        id=f"ofac-{ent_num}",
        name=name,
        aliases=_unique_aliases(name, itertools.chain(aliases, _weak_aliases(remarks))),
        schema_=schema,
        country=_countries(unique_addresses, remarks),
        addresses=unique_addresses,
        identifiers=tuple(remark_identifiers(remarks or "", source=AUTHORITY)),
        listings=tuple(
            Listing(authority=AUTHORITY, list=list_name, programme=programme, reference=ent_num)
            for programme in (programmes or (None,))
        ),
        sources=sources,
        notes=remarks,
    )


def _rows(path: Path, role: _Role) -> Iterator[tuple[int, list[str]]]:
    """The non-blank records of a headerless OFAC CSV file, with their line numbers."""
    # The files end with CRLF and a DOS end-of-file byte (Ctrl-Z, 0x1A) that csv would read as data.
    text = decode_text(path.read_bytes()).rstrip("\x1a\r\n")
    width = _WIDTHS[role]
    for line, fields in csv_records(path, text):
        if len(fields) != width:
            raise format_error(path, line, f"expected {width} fields, found {len(fields)}")
        yield line, fields


def _raw(field_text: str) -> str:
    """A free-text field unstripped, or "" for OFAC's null marker."""
    return "" if _value(field_text) is None else field_text


def _value(field_text: str) -> str | None:
    """A field stripped, or None for an empty field or OFAC's null marker `-0-`."""
    text = field_text.strip()
    return None if text in ("", "-0-") else text


def _ent_num(path: Path, line: int, field_text: str) -> str:
    ent_num = field_text.strip()
    if not ent_num.isdigit():
        raise format_error(path, line, f"ent_num {field_text!r} is not a number")
    return ent_num


def _schema(path: Path, line: int, field_text: str) -> Schema:
    value = _value(field_text)
    if value is None:
        return Schema.ORGANIZATION  # OFAC leaves the type empty for entities
    try:
        return _SCHEMAS[value.lower()]
    except KeyError:
        raise format_error(path, line, f"unknown SDN_Type {value!r}") from None


def _programmes(field_text: str) -> tuple[str, ...]:
    """`BELARUS-EO14038] [RUSSIA-EO14024` (OFAC omits the outer brackets) to its programmes."""
    value = _value(field_text)
    if value is None:
        return ()
    parts = (part.strip(" []") for part in _PROGRAMME_SEPARATOR.split(value))
    return tuple(dict.fromkeys(part for part in parts if part))


def _join_remarks(primary: str, continuation: str | None) -> str | None:
    """The remarks of sdn.csv, cut at 1,000 characters, followed by their comments-file rest."""
    # A comments file captured later than the primary file can continue remarks that have since
    # grown; when the primary file already ends with the continuation, appending would repeat it.
    if continuation and not primary.endswith(continuation):
        primary += continuation
    return primary.strip() or None


def _alias(path: Path, line: int, fields: list[str]) -> Alias:
    kind_text = (_value(fields[2]) or "").lower()
    if kind_text not in _ALIAS_KINDS:
        raise format_error(path, line, f"unknown alt_type {fields[2].strip()!r}")
    name = _value(fields[3])
    if name is None:
        raise format_error(path, line, "alt_name is empty")
    return Alias(name=name, kind=_ALIAS_KINDS[kind_text])


def _weak_aliases(remarks: str | None) -> Iterator[Alias]:
    for match in _WEAK_ALIAS.finditer(remarks or ""):
        if name := match.group(1).strip():
            yield Alias(name=name, kind=AliasKind.WEAK)


def _unique_aliases(name: str, aliases: Iterable[Alias]) -> tuple[Alias, ...]:
    """The aliases without the primary name and without repeats (the first kind wins)."""
    unique: dict[str, Alias] = {}
    for alias in aliases:
        if alias.name != name:
            unique.setdefault(alias.name, alias)
    return tuple(unique.values())


def _address(street: str, city_line: str, country_name: str) -> Address | None:
    parts = [p for p in (_value(street), _value(city_line), _value(country_name)) if p]
    if not parts:
        return None
    return Address(
        full=", ".join(parts), city=_city(_value(city_line)), country=_country_code(country_name)
    )


def _city(city_line: str | None) -> str | None:
    """Best effort: the first part of "City/State/Province/Postal Code" without postal codes."""
    words = (city_line or "").split(",")[0].split()
    # Postal codes follow the city ("Minsk 220004", "London EC3N 1DY") or precede it ("0578 Oslo").
    words = list(itertools.dropwhile(_has_digit, words))
    return " ".join(itertools.takewhile(lambda word: not _has_digit(word), words)) or None


def _has_digit(word: str) -> bool:
    return any(char.isdigit() for char in word)


def _country_code(country_name: str | None) -> str | None:
    value = _value(country_name or "")
    return None if value is None else country_code(value)


def _countries(addresses: Sequence[Address], remarks: str | None) -> tuple[str, ...]:
    """Address countries first, then nationality, citizenship and registration from remarks."""
    codes = [address.country for address in addresses if address.country]
    for part in (remarks or "").split(";"):
        if (match := _REMARK_COUNTRY.match(part.strip())) and (code := _country_code(match[1])):
            codes.append(code)
    return tuple(dict.fromkeys(codes))


def _merge(first: OfacOrphan, second: OfacOrphan) -> OfacOrphan:
    """One orphan from the companions of both lists: OFAC numbers entries across its lists."""
    remarks = "\n".join(dict.fromkeys(r for r in (first.remarks, second.remarks) if r))
    return OfacOrphan(
        aliases=tuple(dict.fromkeys(first.aliases + second.aliases)),
        addresses=tuple(dict.fromkeys(first.addresses + second.addresses)),
        remarks=remarks or None,
        files=first.files + second.files,
    )
