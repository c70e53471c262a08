"""Screening through the result cache: from checked queries to the JSON of each name's matches,
taken from the cache where possible and computed by the engine, off the event loop, otherwise.

The JSON of a match list is what the cache stores and what responses embed unchanged, so a
cache hit never parses or re-serialises its matches. No web framework and no Redis client here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json

from service.keyspace import KeySpace
from service.matching.matcher import Explanation, Match
from service.metrics import Metrics
from service.screening.cache import ResultCache
from service.screening.evidence import IdentifierHit
from service.screening.queries import ScreenQuery
from service.screening.screener import Screener, Weighed
from service.watchlist.model import Listing


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class TokenMatchOut(_Out):
    query: str = Field(description="Query word(s), case-folded.")
    alias: str = Field(description="Listed word(s) they matched.")
    kind: str = Field(description="How they matched: exact, phonetic, typo, translation, ...")
    similarity: float
    weight: float = Field(description="Weight of the listed word(s) in the name (rarity).")


class IdentifierMatchOut(_Out):
    type: str = Field(
        description="The scheme of the entity's identifier: unp, inn, ogrn, okpo, edrpou, lei, "
        "registration or tax.",
        examples=["unp"],
    )
    value: str = Field(description="The entity's identifier, normalised.", examples=["100230519"])
    source: str | None = Field(
        description="The list or register that gives it.", examples=["UA-NSDC"]
    )
    country: str | None = Field(description="The country that issued it, where known.")
    query_type: str = Field(
        description="The scheme the query's identifier was read as (a query's INN matches a "
        "list's tax number of the same value).",
        examples=["unp"],
    )
    origin: str = Field(
        description="`given`: in the query's `identifiers`; `name`: written in the name.",
        examples=["given"],
    )


class ExplanationOut(_Out):
    query_part: str | None = Field(
        default=None,
        description="The part of the query that matched, when one part of a longer input "
        "(a field of an address line, say) scored better than the whole.",
    )
    query_normalized: str
    alias_normalized: str
    query_legal_forms: list[str]
    alias_legal_forms: list[str]
    matched_tokens: list[TokenMatchOut]
    unmatched_query_tokens: list[str]
    unmatched_alias_tokens: list[str]
    alias_coverage: float = Field(description="Share of the listed name's weight matched.")
    query_coverage: float = Field(description="Share of the query's weight matched.")
    query_floor: float
    penalties: dict[str, float] = Field(description="Multipliers applied to the score.")
    notes: list[str] = Field(
        default_factory=list,
        description="What a reviewer should know besides the numbers, such as a country that "
        "does not fit the entity's, an identifier that matched or one that conflicts.",
    )
    identifier: IdentifierMatchOut | None = Field(
        default=None,
        description="The query's identifier that the entity lists: the score is 1.0 whatever "
        "the name, and the rest of the explanation is the name's (its penalties lowered the "
        "name's own score, given in a note). Null for a match on the name alone.",
    )


class MatchOut(_Out):
    # entity_id must stay the first field: `count_matches` relies on it.
    entity_id: str
    name: str = Field(description="The entity's primary name.")
    matched_alias: str = Field(description="The listed name (primary or alias) that matched.")
    matched_name: str = Field(description="The part of a combined listed name that matched.")
    alias_kind: str = Field(description="primary, aka, fka or weak.")
    score: float = Field(description="0 to 1; the matches are sorted by it.")
    defence: bool = Field(description="Part of, or supplier to, a military-industrial complex.")
    countries: list[str]
    listings: list[Listing]
    explanation: ExplanationOut


#: Longest the engine runs in one go for a batch, in seconds, before the event loop gets a
#: turn (health checks and other requests wait at most about this long).
SLICE_SECONDS = 0.02
#: Each match object starts with this key; inside JSON strings a quote is always escaped, so
#: the sequence cannot occur anywhere else in a serialised match list.
_MATCH_START = b'{"entity_id":'


def count_matches(payload: bytes) -> int:
    """The number of matches in a serialised match list, without parsing it."""
    return payload.count(_MATCH_START)


@dataclass(frozen=True, slots=True)
class Result:
    #: The JSON array of matches, as `list[MatchOut]`.
    payload: bytes
    cached: bool
    matches: int
    #: (entity id, score) of each match, when computed here (not read from the cache): the
    #: audit record's, without reading them back from the payload.
    found: tuple[tuple[str, float], ...] | None = None


def describe_matches(screener: Screener, matches: Sequence[Match | Weighed]) -> list[MatchOut]:
    """The engine's matches, or a query's weighed with its identifiers, with the watchlist
    facts a reviewer needs next to each."""
    out = []
    for found in matches:
        weighed = found if isinstance(found, Weighed) else Weighed(found)
        match = weighed.match
        entity = screener.watchlist.get(match.entity_id)
        explanation = ExplanationOut.model_validate(match.explanation)
        if weighed.identifier is not None:
            hit = weighed.identifier
            explanation = explanation.model_copy(
                update={
                    "identifier": IdentifierMatchOut(
                        type=hit.listed.type.value,
                        value=hit.listed.value,
                        source=hit.listed.source,
                        country=hit.listed.country,
                        query_type=hit.query.type.value,
                        origin=hit.query.origin.value,
                    )
                }
            )
        out.append(
            MatchOut(
                entity_id=match.entity_id,
                name=match.name,
                matched_alias=match.matched_alias,
                matched_name=match.matched_name,
                alias_kind=match.alias_kind,
                score=match.score,
                defence=entity.defence if entity else False,
                countries=list(entity.country) if entity else [],
                listings=list(entity.listings) if entity else [],
                explanation=explanation,
            )
        )
    return out


def render_matches(screener: Screener, matches: Sequence[Match | Weighed]) -> bytes:
    """The JSON of a match list, as cached and as embedded in responses: the bytes of
    `list[MatchOut]` dumped from `describe_matches`, written from the engine's objects without
    building and validating the models (a sixth of a new name's screening otherwise; a test
    holds the two to the same bytes)."""
    if not matches:
        return b"[]"
    return to_json([_match_data(screener, found) for found in matches])


def _match_data(screener: Screener, found: Match | Weighed) -> dict[str, Any]:
    """A `MatchOut`'s data, its fields in the model's order."""
    weighed = found if isinstance(found, Weighed) else Weighed(found)
    match = weighed.match
    entity = screener.watchlist.get(match.entity_id)
    return {
        "entity_id": match.entity_id,
        "name": match.name,
        "matched_alias": match.matched_alias,
        "matched_name": match.matched_name,
        "alias_kind": match.alias_kind,
        "score": float(match.score),
        "defence": entity.defence if entity else False,
        "countries": list(entity.country) if entity else [],
        "listings": list(entity.listings) if entity else [],
        "explanation": _explanation_data(match.explanation, weighed.identifier),
    }


def _explanation_data(explained: Explanation, hit: IdentifierHit | None) -> dict[str, Any]:
    """An `ExplanationOut`'s data, its fields in the model's order."""
    identifier = None
    if hit is not None:
        listed = hit.listed
        identifier = {
            "type": listed.type.value,
            "value": listed.value,
            "source": listed.source,
            "country": listed.country,
            "query_type": hit.query.type.value,
            "origin": hit.query.origin.value,
        }
    return {
        "query_part": explained.query_part,
        "query_normalized": explained.query_normalized,
        "alias_normalized": explained.alias_normalized,
        "query_legal_forms": explained.query_legal_forms,
        "alias_legal_forms": explained.alias_legal_forms,
        "matched_tokens": [
            {
                "query": t.query,
                "alias": t.alias,
                "kind": t.kind,
                "similarity": float(t.similarity),
                "weight": float(t.weight),
            }
            for t in explained.matched_tokens
        ],
        "unmatched_query_tokens": explained.unmatched_query_tokens,
        "unmatched_alias_tokens": explained.unmatched_alias_tokens,
        "alias_coverage": float(explained.alias_coverage),
        "query_coverage": float(explained.query_coverage),
        "query_floor": float(explained.query_floor),
        "penalties": {k: float(v) for k, v in explained.penalties.items()},
        "notes": explained.notes,
        "identifier": identifier,
    }


def weigh(screener: Screener, query: ScreenQuery) -> list[Weighed]:
    """The matches of a checked query, with its identifiers and parameters."""
    return screener.weigh(
        query.screened,
        query.identifiers,
        country=query.country,
        threshold=query.threshold,
        limit=query.limit,
    )


def _compute(
    screener: Screener, queries: Sequence[ScreenQuery], budget_seconds: float = math.inf
) -> list[Result]:
    """The results of the first queries, as many as fit in `budget_seconds` (at least one)."""
    results = []
    deadline = time.perf_counter() + budget_seconds
    for query in queries:
        matches = weigh(screener, query)
        found = tuple((w.match.entity_id, float(w.match.score)) for w in matches)
        results.append(Result(render_matches(screener, matches), False, len(matches), found))
        if time.perf_counter() > deadline:
            break
    return results


async def _compute_all(screener: Screener, queries: Sequence[ScreenQuery]) -> list[Result]:
    """Every query's result, computed in a worker thread in slices of `SLICE_SECONDS`: the
    compiled engine keeps the interpreter lock while it runs, so the event loop only gets a
    turn between slices."""
    results: list[Result] = []
    while len(results) < len(queries):
        rest = queries[len(results) :]
        results += await anyio.to_thread.run_sync(_compute, screener, rest, SLICE_SECONDS)
    return results


class ScreeningService:
    """Screens checked queries against one watchlist version, through the result cache."""

    def __init__(self, cache: ResultCache, keys: KeySpace, ttl_seconds: int, metrics: Metrics):
        self.cache = cache
        self.keys = keys
        self.ttl_seconds = ttl_seconds
        self.metrics = metrics

    def key(self, screener: Screener, query: ScreenQuery) -> str:
        return self.keys.result(
            screener.version,
            query.screened,
            query.country,
            query.threshold,
            query.limit,
            query.identifier_key,
        )

    async def screen_one(self, screener: Screener, query: ScreenQuery) -> Result:
        """`screen` for a single query, without the bookkeeping of a batch (the hot path)."""
        key = self.key(screener, query)
        [payload] = await self.cache.get_many([key])
        if payload is not None:
            result = Result(payload, True, count_matches(payload))
        else:
            [result] = await _compute_all(screener, [query])
            await self.cache.set_many({key: result.payload}, self.ttl_seconds)
        self.metrics.observe_screening(
            hits=int(result.cached), misses=int(not result.cached), matches=result.matches
        )
        return result

    async def screen(self, screener: Screener, queries: Sequence[ScreenQuery]) -> list[Result]:
        """One result per query, in order: one cache read for all, the misses matched in a
        worker thread (the event loop keeps serving), one cache write for all."""
        keys = [self.key(screener, q) for q in queries]
        cached = await self.cache.get_many(keys)
        results: dict[str, Result] = {}
        todo: dict[str, ScreenQuery] = {}
        for key, query, payload in zip(keys, queries, cached, strict=True):
            if payload is not None:
                results[key] = Result(payload, True, count_matches(payload))
            else:
                todo.setdefault(key, query)
        if todo:
            computed = await _compute_all(screener, list(todo.values()))
            fresh = dict(zip(todo, computed, strict=True))
            results.update(fresh)
            await self.cache.set_many({k: r.payload for k, r in fresh.items()}, self.ttl_seconds)
        ordered = [results[key] for key in keys]
        hits = sum(1 for r in ordered if r.cached)
        self.metrics.observe_screening(
            hits=hits, misses=len(ordered) - hits, matches=sum(r.matches for r in ordered)
        )
        return ordered
