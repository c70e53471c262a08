"""Reconciliation query batches: read as the 0.2 specification's schema says (a query needs
`query` or at least one property; no other fields), then turned into the screening queries of
`service.screening.queries`, with the types each query accepts.

A query whose values are wrong for this service (a name too long, a country that names none)
refuses the batch with 422 naming it: a reconciliation result has no place for an error.
Properties this service does not know are ignored, as the specification lets a service do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    RootModel,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

from service.api.body import parse_body
from service.api.reconcile.vocabulary import COUNTRY, IDENTIFIER, QUERY_PROPERTIES, TYPES
from service.errors import BatchTooLarge, InvalidInput
from service.screening.queries import Limits, Parameters, ScreenQuery, check_query
from service.screening.query_identifiers import Asked

#: Most refused queries named in the details of a 422 (the message names the first).
_DETAILED = 100


class EntityValue(BaseModel):
    """A property value that is an entity reconciled before: its id is the value."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: StrictStr
    name: StrictStr | None = None


PropertyValue = StrictStr | StrictInt | StrictFloat | StrictBool | EntityValue


class PropertyIn(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    pid: StrictStr
    v: PropertyValue | list[PropertyValue]


class QueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    query: StrictStr | None = None
    type: StrictStr | list[StrictStr] | None = None
    limit: StrictInt | StrictFloat | None = None
    properties: list[PropertyIn] | None = None
    type_strict: Literal["any", "should", "all"] | None = None

    @model_validator(mode="after")
    def _something_to_match(self) -> QueryIn:
        if self.query is None and not self.properties:
            raise ValueError("a query needs `query` or at least one property")
        return self


class BatchIn(RootModel[dict[str, QueryIn]]):
    pass


@dataclass(frozen=True, slots=True)
class Planned:
    """One query of a batch: what to screen, or why nothing is (`skipped`: no name and no
    property this service reads, or only types no listed entity has)."""

    key: str
    name: str | None
    #: The types a candidate may be of; None: any.
    types: frozenset[str] | None
    query: ScreenQuery | None = None
    skipped: str = ""


def read_batch(text: bytes, limits: Limits, threshold: float) -> list[Planned]:
    """Parse and check a batch (the JSON of `queries`): 400/422 for a batch that is not one,
    413 past `batch_max_queries`, 422 naming every query whose values are wrong."""
    batch = parse_body(text, BatchIn).root
    if len(batch) > limits.batch_max_queries:
        raise BatchTooLarge(
            f"a batch holds at most {limits.batch_max_queries} queries, got {len(batch)}"
        )
    planned: list[Planned] = []
    refused: list[dict[str, str]] = []
    for key, query in batch.items():
        try:
            planned.append(_plan(key, query, limits, threshold))
        except InvalidInput as exc:
            refused.append({"query": key, "code": exc.code, "message": exc.message})
    if refused:
        first = refused[0]
        raise InvalidInput(
            f"{len(refused)} queries cannot be screened; query {first['query']!r}: "
            f"{first['message']}",
            code="invalid_query",
            details=refused[:_DETAILED],
        )
    if sum(p.query.limit for p in planned if p.query) > limits.batch_max_matches:
        raise InvalidInput(
            f"a batch may return at most {limits.batch_max_matches:,} candidates (queries "
            "times limit); lower the limits or split the batch",
            code="batch_matches_too_many",
        )
    return planned


def _plan(key: str, query: QueryIn, limits: Limits, threshold: float) -> Planned:
    name = (query.query or "").strip() or None
    types = _types(query)
    if types is not None and types.isdisjoint(TYPES):
        return Planned(key, name, types, skipped="no listed entity is of the types asked")
    country, identifiers = _properties(query.properties or ())
    if name is None and not identifiers:
        return Planned(key, name, types, skipped="no name and no property this service reads")
    parameters = Parameters(threshold, _limit(query.limit, limits))
    screened = check_query(name, country, parameters, limits, identifiers, lenient=True)
    return Planned(key, name, types, screened)


def _types(query: QueryIn) -> frozenset[str] | None:
    """The types a candidate may be of: None when any will do (none asked, or only
    preferred: `type_strict` `should`). An entity has one type, so `all` of several is none."""
    if query.type is None or query.type_strict == "should":
        return None
    asked = frozenset([query.type] if isinstance(query.type, str) else query.type)
    if not asked:
        return None
    if query.type_strict == "all" and len(asked) > 1:
        return frozenset()
    return asked


def _limit(limit: float | None, limits: Limits) -> int:
    """The query's limit, at most the service's: a client cannot know that bound."""
    if limit is None:
        return limits.default_limit
    if math.isnan(limit) or limit < 1:
        raise InvalidInput(f"limit must be at least 1, got {limit}", code="limit_out_of_range")
    return int(min(limit, limits.max_limit))  # 1e400 reads as infinity


def _properties(properties: Sequence[PropertyIn]) -> tuple[str | None, list[Asked]]:
    """The country and the identifiers the properties give; other properties are ignored."""
    country: str | None = None
    identifiers: list[Asked] = []
    for prop in properties:
        if prop.pid not in QUERY_PROPERTIES:
            continue
        for text in _texts(prop):
            if prop.pid == COUNTRY:
                if country is not None and country != text:
                    raise InvalidInput("a query may give one country", code="country_ambiguous")
                country = text
            else:
                identifiers.append((None if prop.pid == IDENTIFIER else prop.pid, text))
    return country, identifiers


def _texts(prop: PropertyIn) -> list[str]:
    """A property's values as text, the empty ones left out (an empty spreadsheet cell)."""
    values = prop.v if isinstance(prop.v, list) else [prop.v]
    texts = []
    for value in values:
        if isinstance(value, bool):
            raise InvalidInput(
                f"property {prop.pid!r} takes text, not true or false", code="invalid_property"
            )
        if isinstance(value, EntityValue):
            text = value.id
        elif isinstance(value, float):
            # A number typed in a spreadsheet cell: 100230519.0 is the number 100230519.
            text = str(int(value)) if value.is_integer() else str(value)
        else:
            text = str(value)
        if text.strip():
            texts.append(text.strip())
    return texts
