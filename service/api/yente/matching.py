"""`POST /match/{dataset}` without the web: a yente query (an FtM entity) read as the
screening queries of `/v1/screen` (each of its names, with its countries and identifiers), and
their matches merged back into one answer per query: the best score per entity, filtered by
dataset, topic, schema and excluded ids, rendered as yente's scored entities.

Threshold semantics are those of `/v1/screen`: the engine screens at `cutoff` (at most
`threshold`; both default to the service's threshold), so a result is returned when its score
is at least `cutoff`, and is a `match` when its score is at least `threshold`. No web framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from service.api.yente import ftm
from service.api.yente.catalog import ALGORITHM_ALIASES, covered, in_datasets, leaf_datasets
from service.api.yente.models import (
    EntityExample,
    EntityMatches,
    Feature,
    MatchRequest,
    ScoredEntityOut,
    TotalOut,
)
from service.errors import BatchTooLarge, InvalidInput
from service.screening.queries import (
    Limits,
    Parameters,
    ScreenQuery,
    check_batch_parameters,
    check_parameters,
    check_query,
)
from service.screening.query_identifiers import Asked
from service.screening.results import MatchOut, Result
from service.screening.screener import Screener
from service.watchlist.loader import Watchlist
from service.watchlist.model import Entity

#: Most queries in one request: yente's own default (`YENTE_MAX_BATCH`).
MAX_QUERIES = 100
#: Most names (name, alias, previousName, weakAlias) and countries (country, jurisdiction)
#: read of one query: each name is screened once per country.
MAX_NAMES, MAX_COUNTRIES = 50, 5
#: Most entity ids a request may exclude (yente's bound).
MAX_EXCLUDED = 50
_NAME_PROPERTIES = ("name", "alias", "previousName", "weakAlias")
_COUNTRY_PROPERTIES = ("country", "jurisdiction")
#: The identifier properties read, with the scheme each is read as (None: any scheme whose
#: shape and check digits the value has).
_IDENTIFIER_PROPERTIES: dict[str, str | None] = {
    "registrationNumber": None,
    "taxNumber": None,
    "innCode": "inn",
    "ogrnCode": "ogrn",
    "okpoCode": "okpo",
    "leiCode": "lei",
}
_MATCHES = TypeAdapter(list[MatchOut])


@dataclass(frozen=True, slots=True)
class Options:
    """The query parameters of a `/match` request, checked."""

    threshold: float
    #: The lowest score returned: the engine's threshold.
    cutoff: float
    limit: int
    datasets: frozenset[str] | None
    excluded_datasets: frozenset[str]
    topics: frozenset[str]
    excluded_ids: frozenset[str]
    #: Schemata left out, their descendants with them (yente's `exclude_schema`).
    excluded_schemata: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Planned:
    """One query of the request: its key, its echo, and the screening queries it stands for."""

    key: str
    example: EntityExample
    queries: tuple[ScreenQuery, ...]
    warnings: tuple[str, ...]


def check_options(
    threshold: float | None,
    cutoff: float | None,
    limit: int | None,
    algorithm: str,
    limits: Limits,
) -> tuple[float, Parameters]:
    """The `threshold` of a match, and the engine's parameters: `cutoff` (at most the
    threshold; the threshold when not given) as its threshold."""
    if algorithm.strip().lower() not in ALGORITHM_ALIASES:
        raise InvalidInput(
            f"unknown algorithm {algorithm!r}: this service runs one, named by any of "
            f"{', '.join(sorted(ALGORITHM_ALIASES))} (see /algorithms)",
            code="algorithm_unknown",
        )
    match_at = check_parameters(threshold, limit, limits)
    if cutoff is None:
        return match_at.threshold, match_at
    lowest = check_parameters(cutoff, None, limits).threshold
    return match_at.threshold, Parameters(min(lowest, match_at.threshold), match_at.limit)


def make_options(
    watchlist: Watchlist,
    dataset: str,
    threshold: float,
    engine: Parameters,
    include: Sequence[str],
    exclude: Sequence[str],
    topics: Sequence[str],
    excluded_ids: Sequence[str],
    excluded_schemata: Sequence[str] = (),
) -> Options:
    """The filters of a request, checked: `NotFound` for a dataset the catalog lacks."""
    scope = covered(watchlist, dataset)
    if include:
        # `include_dataset` narrows the path's dataset, as in yente.
        named: frozenset[str] | None = frozenset()
        for name in include:
            leaves = covered(watchlist, name)
            named = None if leaves is None or named is None else named | leaves
        if named is not None:
            scope = named if scope is None else scope & named
    excluded: frozenset[str] = frozenset()
    for name in exclude:
        excluded |= covered(watchlist, name) or frozenset(leaf_datasets(watchlist))
    if len(excluded_ids) > MAX_EXCLUDED:
        raise InvalidInput(
            f"at most {MAX_EXCLUDED} excluded entity ids, got {len(excluded_ids)}",
            code="excluded_ids_too_many",
        )
    return Options(
        threshold=threshold,
        cutoff=engine.threshold,
        limit=engine.limit,
        datasets=scope,
        excluded_datasets=excluded,
        topics=frozenset(topics),
        excluded_ids=frozenset(excluded_ids),
        excluded_schemata=frozenset(excluded_schemata),
    )


def _values(example: EntityExample, names: Sequence[str]) -> list[str]:
    found: dict[str, None] = {}
    for prop in names:
        given = example.properties.get(prop, [])
        for value in [given] if isinstance(given, str) else given:
            if value.strip():
                found.setdefault(value.strip(), None)
    return list(found)


def plan(request: MatchRequest, engine: Parameters, limits: Limits) -> list[Planned]:
    """Every query's screening queries, checked; `InvalidInput` naming the first query that
    cannot be screened, `BatchTooLarge` past the bounds."""
    if not request.queries:
        raise InvalidInput("no queries given", code="queries_missing")
    if len(request.queries) > MAX_QUERIES:
        raise BatchTooLarge(f"at most {MAX_QUERIES} queries, got {len(request.queries)}")
    if request.weights or request.config:
        raise InvalidInput(
            "weights and config are yente's algorithm settings; this service's engine takes none",
            code="algorithm_config_unknown",
        )
    planned = [_plan_one(key, example, engine, limits) for key, example in request.queries.items()]
    screened = sum(len(p.queries) for p in planned)
    if screened > limits.batch_max_queries:
        raise BatchTooLarge(
            f"the queries stand for {screened:,} names to screen (names times countries); "
            f"at most {limits.batch_max_queries:,}"
        )
    if screened > 1:
        check_batch_parameters(engine, screened, limits)
    return planned


def _plan_one(key: str, example: EntityExample, engine: Parameters, limits: Limits) -> Planned:
    def refused(message: str, code: str) -> InvalidInput:
        return InvalidInput(f"query {key!r}: {message}", code=code, details=[{"query": key}])

    schema = example.schema_
    if schema not in ftm.PARENTS:
        known = ", ".join(sorted(ftm.PARENTS))
        raise refused(f"schema {schema!r} cannot be matched here; one of {known}", "schema_unknown")
    names = _values(example, _NAME_PROPERTIES)
    countries = _values(example, _COUNTRY_PROPERTIES)
    if len(names) > MAX_NAMES or len(countries) > MAX_COUNTRIES:
        raise refused(
            f"at most {MAX_NAMES} names and {MAX_COUNTRIES} countries, got {len(names)} and "
            f"{len(countries)}",
            "query_too_large",
        )
    asked: list[Asked] = [
        (scheme, value)
        for prop, scheme in _IDENTIFIER_PROPERTIES.items()
        for value in _values(example, [prop])
    ]
    queries = []
    names_or_none: list[str | None] = [*names] or [None]
    countries_or_none: list[str | None] = [*countries] or [None]
    try:
        for name in names_or_none:
            for country in countries_or_none:
                query = check_query(name, country, engine, limits, asked, lenient=True)
                queries.append(query)
    except InvalidInput as exc:
        raise refused(exc.message, exc.code) from exc
    warnings = dict.fromkeys(notice.message for q in queries for notice in q.notices)
    echo = EntityExample.model_validate(
        {"id": example.id, "schema": schema, "properties": _as_lists(example)}
    )
    return Planned(key, echo, tuple(queries), tuple(warnings))


def _as_lists(example: EntityExample) -> dict[str, str | list[str]]:
    return {
        prop: [values] if isinstance(values, str) else list(values)
        for prop, values in example.properties.items()
    }


@dataclass(frozen=True, slots=True)
class _Best:
    match: MatchOut
    name: str


def _best_per_entity(queries: Sequence[ScreenQuery], results: Sequence[Result]) -> list[_Best]:
    """Each entity once, at the best score any of the names reached, best first."""
    best: dict[str, _Best] = {}
    for query, result in zip(queries, results, strict=True):
        for match in _MATCHES.validate_json(result.payload):
            kept = best.get(match.entity_id)
            if kept is None or match.score > kept.match.score:
                best[match.entity_id] = _Best(match, query.name or "")
    return sorted(best.values(), key=lambda b: (-b.match.score, b.match.entity_id))


def _kept(entity: Entity | None, schema: str, options: Options) -> bool:
    if entity is None or entity.id in options.excluded_ids:
        return False
    if not in_datasets(entity, options.datasets):
        return False
    if options.excluded_datasets and not options.excluded_datasets.isdisjoint(
        ftm.entity_datasets(entity)
    ):
        return False
    if options.topics and options.topics.isdisjoint(ftm.entity_topics(entity)):
        return False
    found = ftm.ftm_schema(entity)
    if not options.excluded_schemata.isdisjoint(ftm.ancestry(found)):
        return False
    return ftm.schema_compatible(schema, found)


def _features(best: _Best) -> tuple[dict[str, float], dict[str, Feature]]:
    match = best.match
    explanation = match.explanation
    features = {"name_match": match.score}
    explained = {
        "name_match": Feature(
            score=match.score,
            detail=f"{best.name!r} matched the listed name {match.matched_alias!r} "
            f"({match.alias_kind})",
            query=best.name,
            candidate=match.matched_alias,
        )
    }
    if explanation.identifier is not None:
        hit = explanation.identifier
        features = {"identifier_match": match.score}
        explained = {
            "identifier_match": Feature(
                score=match.score,
                detail=f"the entity lists the {hit.type} {hit.value}",
                query=hit.value,
                candidate=hit.value,
            )
        }
    for name, factor in explanation.penalties.items():
        features[name] = factor
        explained[name] = Feature(score=factor, detail=f"penalty {name}: the score times {factor}")
    return features, explained


def answer(
    screener: Screener,
    planned: Planned,
    results: Sequence[Result],
    options: Options,
    render: Callable[[Entity], dict[str, Any]],
) -> EntityMatches:
    """One query's answer: its best matches per entity, filtered, at most `limit` of them."""
    scored = []
    for best in _best_per_entity(planned.queries, results):
        entity = screener.watchlist.get(best.match.entity_id)
        if entity is None or not _kept(entity, planned.example.schema_, options):
            continue
        features, explained = _features(best)
        scored.append(
            ScoredEntityOut.model_validate(
                render(entity)
                | {
                    "score": best.match.score,
                    "match": best.match.score >= options.threshold,
                    "features": features,
                    "explanations": explained,
                    "explanation": best.match.explanation,
                    "matched_name": best.name,
                    "matched_alias": best.match.matched_alias,
                }
            )
        )
    matches = sum(1 for s in scored if s.match)
    return EntityMatches(
        results=scored[: options.limit],
        total=TotalOut(value=matches),
        query=planned.example,
        warnings=list(planned.warnings),
    )
