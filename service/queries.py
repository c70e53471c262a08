"""Checking screening queries against the configured limits, with one error code per problem;
shared by the API and the command line.

Raises `InvalidInput` from the error tree; no web, no Redis.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from service.errors import BatchTooLarge, InvalidInput
from service.screening import normalized_query
from service.settings import Settings

_COUNTRY_RE = re.compile(r"[A-Za-z]{2}")
#: Names whose normalised form is remembered (a few MB at most).
NORMALIZED_CACHE_SIZE = 16_384
#: Unicode categories refused in a name: control characters and lone surrogate halves.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})


@dataclass(frozen=True, slots=True)
class Limits:
    default_threshold: float
    default_limit: int
    max_limit: int
    max_name_length: int
    batch_max_queries: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            default_threshold=settings.default_threshold,
            default_limit=settings.default_limit,
            max_limit=settings.max_limit,
            max_name_length=settings.max_name_length,
            batch_max_queries=settings.batch_max_queries,
        )


@dataclass(frozen=True, slots=True)
class Parameters:
    """What a request asks besides the names: the same for every name of a batch."""

    threshold: float
    limit: int


@dataclass(frozen=True, slots=True)
class ScreenQuery:
    #: The name as the caller sent it.
    name: str
    #: The name as the engine sees it; what results are cached under.
    normalized: str
    country: str | None
    threshold: float
    limit: int


def check_parameters(threshold: float | None, limit: int | None, limits: Limits) -> Parameters:
    if threshold is None:
        threshold = limits.default_threshold
    elif not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise InvalidInput(
            f"threshold must be between 0 and 1, got {threshold}", code="threshold_out_of_range"
        )
    if limit is None:
        limit = limits.default_limit
    elif not 1 <= limit <= limits.max_limit:
        raise InvalidInput(
            f"limit must be between 1 and {limits.max_limit}, got {limit}",
            code="limit_out_of_range",
        )
    return Parameters(float(threshold), limit)


def check_query(
    name: str, country: str | None, parameters: Parameters, limits: Limits
) -> ScreenQuery:
    """A validated query, or `InvalidInput` with the code of the first problem found."""
    return ScreenQuery(
        name=name,
        normalized=_check_name(name, limits),
        country=_check_country(country),
        threshold=parameters.threshold,
        limit=parameters.limit,
    )


def check_batch(
    queries: Sequence[tuple[str, str, str | None]], parameters: Parameters, limits: Limits
) -> list[ScreenQuery]:
    """Validate a batch of `(id, name, country)`; every bad query is named in one error."""
    if not queries:
        raise InvalidInput("a batch needs at least one query", code="batch_empty")
    if len(queries) > limits.batch_max_queries:
        raise BatchTooLarge(
            f"a batch holds at most {limits.batch_max_queries} queries, got {len(queries)}"
        )
    repeated = [qid for qid, count in Counter(q[0] for q in queries).items() if count > 1]
    if repeated:
        raise InvalidInput(
            f"query ids must be unique; repeated: {', '.join(map(repr, repeated[:20]))}",
            code="duplicate_query_ids",
            details=[{"id": qid} for qid in repeated],
        )
    checked: list[ScreenQuery] = []
    problems: list[dict[str, Any]] = []
    for index, (qid, name, country) in enumerate(queries):
        try:
            checked.append(check_query(name, country, parameters, limits))
        except InvalidInput as exc:
            problems.append({"index": index, "id": qid, "code": exc.code, "message": exc.message})
    if problems:
        raise InvalidInput(
            f"{len(problems)} of {len(queries)} queries are invalid; see details",
            code="invalid_queries",
            details=problems,
        )
    return checked


def _check_name(name: str, limits: Limits) -> str:
    if not name.strip():
        raise InvalidInput("name is empty", code="name_empty")
    if len(name) > limits.max_name_length:
        raise InvalidInput(
            f"name is {len(name)} characters long; the limit is {limits.max_name_length}",
            code="name_too_long",
        )
    if not name.isprintable():
        for position, char in enumerate(name):
            if unicodedata.category(char) in _REFUSED_CATEGORIES:
                raise InvalidInput(
                    f"name contains a control character (U+{ord(char):04X} at position {position})",
                    code="name_control_characters",
                )
    normalized = _normalized(name)
    if not normalized:
        raise InvalidInput("name has no letters or digits to match", code="name_nothing_to_match")
    return normalized


@lru_cache(maxsize=NORMALIZED_CACHE_SIZE)
def _normalized(name: str) -> str:
    # Names are screened again and again (the same suppliers, every order): remembering their
    # normalised form makes a repeated query skip tokenising altogether.
    return normalized_query(name)


def _check_country(country: str | None) -> str | None:
    if country is None:
        return None
    if not _COUNTRY_RE.fullmatch(country):
        raise InvalidInput(
            f"country must be an ISO 3166-1 alpha-2 code such as 'BY', got {country!r}",
            code="country_invalid",
        )
    return country.upper()
