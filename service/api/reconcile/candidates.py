"""The candidates of a reconciliation query, from the engine's match list as screening renders
it (`service.screening.results`): the listed entity's id, primary name, a description a person
can decide on, the score, whether it is certain (`match`), its type and the features.

No web framework: the handlers join what this returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from service.api.reconcile.vocabulary import TYPES
from service.screening.results import Result, count_matches
from service.watchlist.model import Entity

#: A candidate is taken as certain (`match`: OpenRefine then matches the cell without asking)
#: when it lists one of the query's identifiers, or when its name scores at least this (0 to 1,
#: the engine's score) and no other candidate does: a name that close, and only one.
AUTO_MATCH_SCORE = 0.95
#: Most characters of a candidate's description.
_DESCRIPTION_CHARS = 300


def candidates(
    result: Result, types: frozenset[str] | None, entity_of: Callable[[str], Entity | None]
) -> tuple[list[dict[str, Any]], Result]:
    """The candidates of one screened query, best first, only of `types` (None: any); and the
    result as answered (the matches of other types left out) for the audit trail."""
    matches: list[dict[str, Any]] = json.loads(result.payload)
    if types is not None:
        matches = [m for m in matches if _type_of(entity_of(m["entity_id"])) in types]
        payload = json.dumps(matches, ensure_ascii=False, separators=(",", ":")).encode()
        result = Result(payload, result.cached, count_matches(payload))
    certain = sum(1 for m in matches if m["score"] >= AUTO_MATCH_SCORE)
    found = [_candidate(m, entity_of(m["entity_id"]), certain == 1) for m in matches]
    return found, result


def _type_of(entity: Entity | None) -> str:
    return entity.schema_.value if entity is not None else ""


def _candidate(match: dict[str, Any], entity: Entity | None, only_close: bool) -> dict[str, Any]:
    explanation = match["explanation"]
    by_identifier = explanation.get("identifier") is not None
    type_id = _type_of(entity)
    term = TYPES.get(type_id)
    return {
        "id": match["entity_id"],
        "name": match["name"],
        "description": describe(match, entity),
        "score": match["score"],
        "match": by_identifier or (only_close and match["score"] >= AUTO_MATCH_SCORE),
        "type": [term.brief()] if term is not None else [],
        "features": [
            {"id": "identifier_match", "value": by_identifier},
            {"id": "alias_coverage", "value": explanation["alias_coverage"]},
            {"id": "query_coverage", "value": explanation["query_coverage"]},
            {"id": "defence", "value": match["defence"]},
        ],
    }


def describe(match: dict[str, Any], entity: Entity | None) -> str:
    """What tells namesakes apart: the name matched, countries, who lists it, defence."""
    parts = []
    if match["matched_alias"] != match["name"]:
        parts.append(f"matched “{match['matched_alias']}”")
    if match["countries"]:
        parts.append(", ".join(match["countries"]))
    if entity is not None:
        parts.extend(_listed_by(entity.listings))
    if match["defence"]:
        parts.append("defence")
    if match["explanation"].get("identifier") is not None:
        hit = match["explanation"]["identifier"]
        parts.append(f"lists {hit['type']} {hit['value']}")
    text = " · ".join(parts)
    return text if len(text) <= _DESCRIPTION_CHARS else text[: _DESCRIPTION_CHARS - 1] + "…"


def _listed_by(listings: Sequence[Any]) -> list[str]:
    authorities = list(dict.fromkeys(listing.authority for listing in listings))
    return [f"listed by {', '.join(authorities)}"] if authorities else []
