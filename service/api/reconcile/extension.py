"""Data extension: the values of the listed entities' properties (names, countries, listings,
identifiers, defence relevance) for ids reconciled before, and the properties proposed for a
type. As the 0.2 specification's schemas say; no web framework.

An id that names no entity, and a property this service does not have, get no values (the
specification's examples ask for properties of other services: they are answered, empty).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr

from service.api.body import parse_body
from service.api.reconcile.vocabulary import EXTENSION_PROPERTIES, TYPES
from service.errors import BatchTooLarge, InvalidInput
from service.watchlist.identifiers import Scheme
from service.watchlist.model import Entity, Listing

#: Most properties one extension query may ask for (this service has about twenty).
MAX_PROPERTIES = 100
#: The setting that bounds the values of a property per entity (0: all of them).
LIMIT_SETTING = "limit"

Value = dict[str, Any]
_SCHEMES = frozenset(scheme.value for scheme in Scheme)


class PropertyAsked(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: StrictStr
    settings: dict[str, Any] | None = None


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    ids: list[StrictStr]
    properties: list[PropertyAsked]


def read_extension(text: bytes, max_ids: int) -> ExtendIn:
    """Parse and bound an extension query (the JSON of `extend`)."""
    query = parse_body(text, ExtendIn)
    if len(query.ids) > max_ids:
        raise BatchTooLarge(f"an extension query holds at most {max_ids} ids, got {len(query.ids)}")
    if len(query.properties) > MAX_PROPERTIES:
        raise InvalidInput(
            f"an extension query asks for at most {MAX_PROPERTIES} properties, got "
            f"{len(query.properties)}",
            code="properties_too_many",
        )
    for prop in query.properties:
        _value_limit(prop)  # refused before any work
    return query


def extend(query: ExtendIn, entity_of: Callable[[str], Entity | None]) -> dict[str, Any]:
    """The extension response: `meta` names each property asked, `rows` gives each id's values."""
    meta = []
    for prop in query.properties:
        term = EXTENSION_PROPERTIES.get(prop.id)
        meta.append(term.brief() if term is not None else {"id": prop.id, "name": prop.id})
    rows: dict[str, dict[str, list[Value]]] = {}
    for entity_id in query.ids:
        entity = entity_of(entity_id)
        row = {}
        for prop in query.properties:
            values = values_of(entity, prop.id) if entity is not None else []
            limit = _value_limit(prop)
            row[prop.id] = values[:limit] if limit else values
        rows[entity_id] = row
    return {"meta": meta, "rows": rows}


def propose(type_id: str | None, limit: int | None) -> dict[str, Any]:
    """The properties proposed for extending entities of a type: all of them for a type of
    this service (the same for each), none for another."""
    known = type_id is None or type_id in TYPES
    terms = list(EXTENSION_PROPERTIES.values()) if known else []
    answer: dict[str, Any] = {"properties": [t.brief() for t in terms[:limit]]}
    if type_id is not None:
        answer["type"] = type_id
    if limit is not None:
        answer["limit"] = limit
    return answer


def _value_limit(prop: PropertyAsked) -> int:
    """The `limit` setting of a property asked (0 when absent: every value)."""
    raw = (prop.settings or {}).get(LIMIT_SETTING)
    if raw is None or raw == "":
        return 0
    try:
        # Clients send settings as form values: "5" as well as 5.
        limit = int(raw) if not isinstance(raw, bool) else -1
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400, infinity
        limit = -1
    if limit < 0:
        raise InvalidInput(
            f"the {LIMIT_SETTING!r} setting of property {prop.id!r} must be a whole number "
            f"of at least 0, got {raw!r}",
            code="invalid_setting",
        )
    return limit


def values_of(entity: Entity, property_id: str) -> list[Value]:
    """The values of one property of an entity, in the specification's value objects."""
    if property_id == "name":
        return [{"str": entity.name}]
    if property_id == "aliases":
        return [{"str": name} for name in entity.all_names[1:]]
    if property_id == "countries":
        return [{"str": code} for code in entity.country]
    if property_id == "listings":
        return [{"str": listing_text(listing)} for listing in entity.listings]
    if property_id == "authorities":
        return [{"str": a} for a in dict.fromkeys(listing.authority for listing in entity.listings)]
    if property_id == "listed_on":
        dates = dict.fromkeys(x.listed_on for x in entity.listings if x.listed_on is not None)
        return [{"date": f"{day.isoformat()}T00:00:00Z"} for day in dates]
    if property_id == "defence":
        return [{"str": "true" if entity.defence else "false"}]
    if property_id == "identifiers":
        return [{"str": f"{i.type.value}:{i.value}"} for i in entity.identifiers]
    if property_id in _SCHEMES:
        return [{"str": i.value} for i in entity.identifiers if i.type.value == property_id]
    return []


def listing_text(listing: Listing) -> str:
    """A designation as one line: `EU: EU Reg. 765/2006 Annex I (EU-BLR)`."""
    text = f"{listing.authority}: {listing.list}"
    return f"{text} ({listing.programme})" if listing.programme else text
