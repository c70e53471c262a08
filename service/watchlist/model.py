"""The watchlist entity as it is stored in the project's JSON Lines format, and the version hash.

Pydantic models, because entities cross a file boundary. Imports only the identifier schemes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from service.watchlist.identifiers import Scheme, normalize

#: Entity ids travel in URLs (`GET /v1/watchlist/{entity_id}`): keep them URL-safe.
ENTITY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
#: Ids that name endpoints beside `/v1/watchlist/{entity_id}`: an entity could not be fetched.
RESERVED_IDS = frozenset({"versions", "changes", "reload"})

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class AliasKind(StrEnum):
    """How strongly a list vouches for a name."""

    AKA = "aka"  # also known as: as strong as the primary name
    FKA = "fka"  # formerly known as
    WEAK = "weak"  # low-quality alias (OFAC "weak a.k.a."), matched but flagged


class Schema(StrEnum):
    ORGANIZATION = "Organization"
    PERSON = "Person"
    VESSEL = "Vessel"
    AIRCRAFT = "Aircraft"
    OTHER = "Other"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Alias(_Frozen):
    name: NonEmpty
    kind: AliasKind = AliasKind.AKA
    #: ISO 639-1 code where the source says which language the name is in.
    lang: str | None = None


class Address(_Frozen):
    full: str | None = None
    city: str | None = None
    #: ISO 3166-1 alpha-2.
    country: str | None = None


class Identifier(_Frozen):
    """A number that identifies the entity in a register: UNP, INN, OGRN, OKPO, EDRPOU, LEI, or
    another registration or tax number (`service.watchlist.identifiers`), in normal form."""

    type: Scheme
    value: NonEmpty
    #: The list or register that gives it (`EU`, `US-OFAC`, `UA-NSDC`...).
    source: str | None = None
    #: The country that issued it, ISO 3166-1 alpha-2, where known.
    country: str | None = None

    @field_validator("value")
    @classmethod
    def _normal_form(cls, value: str, info: ValidationInfo) -> str:
        scheme = info.data.get("type")
        return normalize(scheme, value) if isinstance(scheme, Scheme) else value


class Listing(_Frozen):
    """One designation of the entity by one authority."""

    authority: NonEmpty  # "EU", "US-OFAC", "JP-MOFA", "US-BIS", ...
    list: NonEmpty  # "EU Reg. 765/2006 Annex V", "SDN", ...
    programme: str | None = None  # "EU-BLR", "BELARUS-EO14038", ...
    reference: str | None = None  # the list's own id for the entry
    listed_on: datetime.date | None = None


class Source(_Frozen):
    """Where the facts of an entity were taken from (provenance)."""

    name: NonEmpty  # a file, a publication, an article
    reference: str | None = None
    date: datetime.date | None = None
    url: str | None = None


class Entity(_Frozen):
    id: Annotated[str, StringConstraints(pattern=ENTITY_ID_PATTERN)]
    name: NonEmpty
    aliases: tuple[Alias, ...] = ()
    schema_: Schema = Field(default=Schema.ORGANIZATION, alias="schema")
    #: ISO 3166-1 alpha-2 codes of the countries the entity is linked to, main one first.
    country: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    listings: tuple[Listing, ...] = ()
    #: True when the entity is part of, or supplies, a military or military-industrial complex.
    defence: bool = False
    sources: tuple[Source, ...] = ()
    notes: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases_from_strings(cls, value: Any) -> Any:
        """Accept plain strings for aliases (the minimal format) next to alias objects."""
        if isinstance(value, list | tuple):
            return tuple({"name": v} if isinstance(v, str) else v for v in value)
        return value

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value.lower() in RESERVED_IDS:
            raise ValueError(f"id {value!r} is reserved: it names an endpoint")
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _country_from_string(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        return value

    @field_validator("country")
    @classmethod
    def _country_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = tuple(c.strip().upper() for c in value if c.strip())
        for code in codes:
            if len(code) != 2 or not code.isalpha() or not code.isascii():
                raise ValueError(f"country {code!r} is not an ISO 3166-1 alpha-2 code")
        return codes

    @property
    def all_names(self) -> tuple[str, ...]:
        """The primary name then every alias, in file order, without repeats."""
        seen: dict[str, None] = {self.name: None}
        for alias in self.aliases:
            seen.setdefault(alias.name, None)
        return tuple(seen)

    def to_json(self) -> dict[str, Any]:
        """The entity as one line of the JSON Lines format, without empty fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True) | {
            "id": self.id,
            "name": self.name,
        }


def watchlist_version(entities: Iterable[Entity]) -> str:
    """A short content hash: equal for equal watchlists whatever the order of the entities."""
    digest = hashlib.sha256()
    for entity in sorted(entities, key=lambda e: e.id):
        line = json.dumps(entity.to_json(), sort_keys=True, ensure_ascii=False)
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def dump_jsonl(entities: Sequence[Entity]) -> str:
    """Serialise entities to the JSON Lines format, one entity per line."""
    return "".join(
        json.dumps(e.to_json(), ensure_ascii=False, sort_keys=False) + "\n" for e in entities
    )
