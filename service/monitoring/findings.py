"""What screening one counterparty finds: each listed entity matched by its name, an alias or
an identifier, best score kept, with the match as the screening API reports it and the
entity's names and identifiers (what a decision on the pair covers).

Pure: a `Screener` in, values out; no store, no web.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.errors import InvalidInput
from service.screening.queries import Limits, Parameters, check_query
from service.screening.results import describe_matches
from service.screening.screener import Screener
from service.watchlist.model import Entity

Basis = dict[str, list[Any]]


@dataclass(frozen=True, slots=True)
class Subject:
    """A counterparty as it is screened: its names, country and identifiers."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str | None
    identifiers: tuple[tuple[str | None, str], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, *self.aliases)))

    def basis(self) -> Basis:
        """What of the counterparty a decision covers: its names and identifiers."""
        return {
            "names": sorted(self.names),
            "identifiers": sorted([t or "", v] for t, v in self.identifiers),
        }


def entity_basis(entity: Entity) -> Basis:
    """What of a listed entity a decision covers: its names and identifiers."""
    return {
        "names": sorted(entity.all_names),
        "identifiers": sorted([i.type.value, i.value] for i in entity.identifiers),
    }


@dataclass(frozen=True, slots=True)
class Finding:
    entity_id: str
    entity_name: str
    score: float
    #: The match as `POST /v1/screen` reports it, explanation included (JSON-able).
    match: dict[str, Any]
    entity: Basis


def check_subject(subject: Subject, parameters: Parameters, limits: Limits) -> None:
    """`InvalidInput` if a name or identifier of the counterparty cannot be screened."""
    for index, name in enumerate(subject.names):
        given = subject.identifiers if not index else ()
        check_query(name, subject.country, parameters, limits, given)


def find(
    screener: Screener, subject: Subject, parameters: Parameters, limits: Limits
) -> dict[str, Finding]:
    """The entities the counterparty matches at or above the threshold, by id. Its identifiers
    go with its name; each alias is screened as a name of its own."""
    found: dict[str, Finding] = {}
    for index, name in enumerate(subject.names):
        query = check_query(
            name,
            subject.country,
            parameters,
            limits,
            subject.identifiers if not index else (),
            lenient=True,
        )
        weighed = screener.weigh(
            query.screened,
            query.identifiers,
            country=query.country,
            threshold=query.threshold,
            limit=query.limit,
        )
        for match in describe_matches(screener, weighed):
            best = found.get(match.entity_id)
            if best is not None and best.score >= match.score:
                continue
            entity = screener.watchlist.get(match.entity_id)
            found[match.entity_id] = Finding(
                entity_id=match.entity_id,
                entity_name=match.name,
                score=match.score,
                match=match.model_dump(mode="json"),
                entity=entity_basis(entity) if entity else {"names": [match.name]},
            )
    return found


def find_all(
    screener: Screener, subjects: Sequence[Subject], parameters: Parameters, limits: Limits
) -> tuple[list[dict[str, Finding] | None], int]:
    """Each subject's findings (None for one that cannot be screened), and how many could not."""
    out: list[dict[str, Finding] | None] = []
    errors = 0
    for subject in subjects:
        try:
            out.append(find(screener, subject, parameters, limits))
        except InvalidInput:
            out.append(None)
            errors += 1
    return out, errors
