"""Watchlist entities as FollowTheMoney (FtM) entities, the way yente serves them: the listed
company or organisation with its names, countries, identifiers, addresses and topics, and one
`Sanction` entity per listing; the datasets (one per listing authority) they belong to.

Written from the FtM schema by hand (the `followthemoney` library is a test dependency only,
which validates what is rendered here). No web framework, no I/O.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from service.matching.legal_forms import split_legal_forms
from service.matching.normalize import tokenize
from service.watchlist.identifiers import Scheme
from service.watchlist.model import AliasKind, Entity, Listing
from service.watchlist.model import Schema as ListSchema

#: FtM schemata a query may name, each with its parent: a result's schema must be the query's,
#: or one of its descendants or ancestors (FtM's `can_match`). `Thing` itself is not matchable.
PARENTS: dict[str, str] = {
    "LegalEntity": "Thing",
    "Organization": "LegalEntity",
    "Company": "Organization",
    "PublicBody": "Organization",
    "Person": "LegalEntity",
    "Vessel": "Thing",
    "Airplane": "Thing",
}
#: The FtM schema of each schema of the watchlist format; an organisation that names a legal
#: form in any of its names is a `Company` (a plant, a bank: what OpenSanctions calls one).
_SCHEMATA = {
    ListSchema.ORGANIZATION: "Organization",
    ListSchema.PERSON: "Person",
    ListSchema.VESSEL: "Vessel",
    ListSchema.AIRCRAFT: "Airplane",
    ListSchema.OTHER: "LegalEntity",
}
#: The FtM property of each identifier scheme. A UNP is Belarus's taxpayer number, an EDRPOU
#: Ukraine's register code: FtM has no property of their own.
IDENTIFIER_PROPERTIES: dict[Scheme, str] = {
    Scheme.UNP: "taxNumber",
    Scheme.INN: "innCode",
    Scheme.OGRN: "ogrnCode",
    Scheme.OKPO: "okpoCode",
    Scheme.EDRPOU: "registrationNumber",
    Scheme.LEI: "leiCode",
    Scheme.REGISTRATION: "registrationNumber",
    Scheme.TAX: "taxNumber",
}
_ALIAS_PROPERTIES = {
    AliasKind.AKA: "alias",
    AliasKind.FKA: "previousName",
    AliasKind.WEAK: "weakAlias",
}
#: Every listed entity is under sanctions; those of a military-industrial complex are `mil`.
SANCTION_TOPIC, MILITARY_TOPIC = "sanction", "mil"
#: The collection of every dataset, as yente's default deployment names it.
DEFAULT_DATASET = "default"
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def schema_compatible(query: str, result: str) -> bool:
    """Whether a result of schema `result` answers a query of schema `query` (one descends
    from the other), as FtM's `Schema.can_match` says."""
    return query in ancestry(result) or result in ancestry(query)


def ancestry(schema: str) -> list[str]:
    """The schema and its ancestors, nearest first."""
    chain = [schema]
    while chain[-1] in PARENTS:
        chain.append(PARENTS[chain[-1]])
    return chain


def dataset_name(authority: str) -> str:
    """The dataset of a listing authority: `US-OFAC` is `us_ofac`."""
    return _SLUG_RE.sub("_", authority.lower()).strip("_") or "unknown"


def entity_countries(entity: Entity) -> list[str]:
    """The countries an entity is linked to, FtM's lower-case codes, main one first."""
    countries = [*entity.country, *(a.country for a in entity.addresses if a.country)]
    return list(dict.fromkeys(c.lower() for c in countries))


def entity_topics(entity: Entity) -> list[str]:
    return [SANCTION_TOPIC, MILITARY_TOPIC] if entity.defence else [SANCTION_TOPIC]


def entity_datasets(entity: Entity) -> list[str]:
    return sorted({dataset_name(listing.authority) for listing in entity.listings})


@lru_cache(maxsize=65_536)
def _names_a_legal_form(name: str) -> bool:
    return bool(split_legal_forms(tokenize(name))[1])


def ftm_schema(entity: Entity) -> str:
    schema = _SCHEMATA[entity.schema_]
    if schema == "Organization" and any(map(_names_a_legal_form, entity.all_names)):
        return "Company"
    return schema


#: The longest value FtM's types hold, in characters (`followthemoney.types`): a longer one is
#: not a valid value, so it goes to the entity's `notes` (text, 65,000), labelled.
_MAX_LENGTHS = {"address": 250, "name": 384, "identifier": 64}
_PROPERTY_TYPES = {
    "address": "address",
    **dict.fromkeys(("name", "alias", "previousName", "weakAlias"), "name"),
    **dict.fromkeys(IDENTIFIER_PROPERTIES.values(), "identifier"),
}


def _add(properties: dict[str, list[Any]], prop: str, values: Iterable[str | None]) -> None:
    kind = _PROPERTY_TYPES.get(prop)
    for value in values:
        if not value:
            continue
        target = prop
        if kind is not None and len(value) > _MAX_LENGTHS[kind]:
            value, target = f"{prop}: {value}", "notes"
        if value not in properties.setdefault(target, []):
            properties[target].append(value)


def entity_properties(entity: Entity, own_url: str | None) -> dict[str, list[Any]]:
    """The FtM properties of a listed entity; `own_url`, its page at this service, is one of
    its `sourceUrl` (as yente's enricher records it)."""
    properties: dict[str, list[Any]] = {"name": [entity.name]}
    for alias in entity.aliases:
        _add(properties, _ALIAS_PROPERTIES[alias.kind], [alias.name])
    _add(properties, "country", entity_countries(entity))
    _add(properties, "address", (a.full for a in entity.addresses))
    for identifier in entity.identifiers:
        _add(properties, IDENTIFIER_PROPERTIES[identifier.type], [identifier.value])
    _add(properties, "topics", entity_topics(entity))
    _add(properties, "sourceUrl", [own_url, *(s.url for s in entity.sources)])
    _add(properties, "notes", [entity.notes])
    # Empty lists come from `setdefault` for values that were all blank.
    return {prop: values for prop, values in properties.items() if values}


@dataclass(frozen=True, slots=True)
class Dates:
    """When the service first and last saw an entity, and when its record last changed (None:
    not known)."""

    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


def render_entity(entity: Entity, own_url: str | None, dates: Dates) -> dict[str, Any]:
    """A listed entity as yente's `EntityResponse`: flat properties (nested listings are added
    by `with_sanctions`)."""
    return {
        "id": entity.id,
        "caption": entity.name,
        "schema": ftm_schema(entity),
        "properties": entity_properties(entity, own_url),
        "datasets": entity_datasets(entity),
        "referents": [],
        "target": True,
        "first_seen": dates.first_seen,
        "last_seen": dates.last_seen,
        "last_change": dates.last_change,
    }


def sanction_id(entity: Entity, listing: Listing) -> str:
    """A stable id for a listing: the entity's id and a digest of what the listing says."""
    said = "\x1f".join(
        str(part or "")
        for part in (listing.authority, listing.list, listing.programme, listing.reference)
    )
    return f"{entity.id}-sanction-{hashlib.sha1(said.encode()).hexdigest()[:10]}"


def render_sanction(entity: Entity, listing: Listing, dates: Dates) -> dict[str, Any]:
    """One listing as an FtM `Sanction` entity, pointing at the listed entity."""
    properties: dict[str, list[Any]] = {"entity": [entity.id]}
    _add(properties, "authority", [listing.authority])
    _add(properties, "program", [listing.list])
    _add(properties, "programId", [listing.programme])
    _add(properties, "authorityId", [listing.reference])
    listed_on = listing.listed_on.isoformat() if listing.listed_on else None
    _add(properties, "listingDate", [listed_on])
    _add(properties, "startDate", [listed_on])
    caption = f"{listing.authority}: {listing.list}"
    return {
        "id": sanction_id(entity, listing),
        "caption": caption,
        "schema": "Sanction",
        "properties": {prop: values for prop, values in properties.items() if values},
        "datasets": [dataset_name(listing.authority)],
        "referents": [],
        "target": False,
        "first_seen": dates.first_seen,
        "last_seen": dates.last_seen,
        "last_change": dates.last_change,
    }


def with_sanctions(rendered: dict[str, Any], entity: Entity, dates: Dates) -> dict[str, Any]:
    """`rendered` with its listings nested under `sanctions`, as yente's `/entities/{id}`
    answers; each nested listing without the `entity` back to it (yente leaves it out)."""
    nested = []
    for listing in entity.listings:
        sanction = render_sanction(entity, listing, dates)
        sanction["properties"] = {k: v for k, v in sanction["properties"].items() if k != "entity"}
        nested.append(sanction)
    if not nested:
        return rendered
    return rendered | {"properties": rendered["properties"] | {"sanctions": nested}}
