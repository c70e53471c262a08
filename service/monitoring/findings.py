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
from service.matching.matcher import Matcher
from service.screening.evidence import ListedIdentifiers
from service.screening.queries import Limits, Parameters, check_query
from service.screening.results import describe_matches
from service.screening.screener import Screener, listed
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


#: The threshold of the scope's own index: any name the query's words reach at all.
_ANY_SCORE = 1e-6


class Scope:
    """The few entities a re-screening after a list change brings alerts in line on (added or
    changed), and which counterparties may match one of them at all.

    A counterparty is screened against the whole list (the words weigh what they weigh in the
    list, and scores are those of a full re-screen) only when an index of the scope's names
    alone finds one of them for one of its names at any score, or one of its identifiers (given
    or written in a name) is one of theirs. The whole list's index finds a listed name only
    through the name's words among those the query's words may stand for (the same look-ups,
    over more words: a word the small index does not know is looked up at least as widely),
    its acronyms and initials, or an identifier; each of those finds it in the small index too.
    Every other counterparty matches none of the scope's entities: its findings on them are
    none, as the full screening would have found, without screening it.

    One exception: two words of a scope name written as one that the list also has as a word
    of another name are looked up with more typos in the whole list (as a word) than in the
    small index (as words written as one). A scope with such a name filters nothing."""

    def __init__(self, screener: Screener, entity_ids: frozenset[str]) -> None:
        entities = [e for i in sorted(entity_ids) if (e := screener.watchlist.get(i)) is not None]
        self.matcher = Matcher([listed(e) for e in entities])
        self.identifiers = ListedIdentifiers(entities)
        words = screener.matcher.index.postings
        small = self.matcher.index
        self.filters = not any(key in words for key in small.compounds.keys() - small.postings)

    def may_match(self, subject: Subject, parameters: Parameters, limits: Limits) -> bool:
        """Whether the counterparty may match an entity of the scope; `InvalidInput` as `find`."""
        if not self.filters:
            check_subject(subject, parameters, limits)
            return True
        for index, name in enumerate(subject.names):
            query = check_query(
                name,
                subject.country,
                parameters,
                limits,
                subject.identifiers if not index else (),
                lenient=True,
            )
            if query.identifiers and self.identifiers.hits(query.identifiers):
                return True
            if query.screened and self.matcher.screen(
                query.screened, threshold=_ANY_SCORE, limit=1
            ):
                return True
        return False


def find_in_scope(
    screener: Screener,
    scope: Scope,
    subjects: Sequence[Subject],
    parameters: Parameters,
    limits: Limits,
) -> tuple[list[dict[str, Finding] | None], int]:
    """As `find_all`, with no findings for the subjects that cannot match the scope (see
    `Scope`): what a re-screening brings in line on the scope's entities is the same."""
    out: list[dict[str, Finding] | None] = []
    errors = 0
    for subject in subjects:
        try:
            may = scope.may_match(subject, parameters, limits)
            out.append(find(screener, subject, parameters, limits) if may else {})
        except InvalidInput:
            out.append(None)
            errors += 1
    return out, errors
