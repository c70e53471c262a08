"""Screening against one loaded watchlist version: the bridge from watchlist entities to the
matching engine, and the identifiers a query gives weighed against the engine's name matches
(`service.screening.evidence`).

No web, no Redis: the API, the command line and batch jobs all screen through `Screener`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from service.matching.index import ListedEntity
from service.matching.matcher import Explanation, Match, Matcher
from service.matching.normalize import tokenize, visual_reading
from service.screening.evidence import (
    Conflict,
    IdentifierHit,
    ListedIdentifiers,
    Origin,
    QueryIdentifier,
    conflict,
    label,
)
from service.watchlist.loader import Watchlist
from service.watchlist.model import Entity, Identifier

#: Multiplier of a name match's score when the query gives a number of a scheme that gives one
#: company one number and the entity lists another (`service.screening.evidence.conflict`):
#: the names agree, the registers do not. The score never falls below the query's threshold
#: for it: a conflict flags a name match for the reviewer, it never hides one.
IDENTIFIER_CONFLICT = 0.8
#: Score of an entity that lists one of the query's identifiers, whatever the name.
IDENTIFIER_HIT = 1.0


def listed(entity: Entity) -> ListedEntity:
    """What the engine needs of an entity: its names and the countries it is linked to."""
    countries = dict.fromkeys(entity.country)
    for address in entity.addresses:
        if address.country:
            countries.setdefault(address.country, None)
    places = dict.fromkeys(a.city for a in entity.addresses if a.city)
    return ListedEntity(
        id=entity.id,
        name=entity.name,
        aliases=tuple((a.name, a.kind.value) for a in entity.aliases),
        countries=tuple(countries),
        places=tuple(places),
    )


def normalized_query(name: str) -> str:
    """The words the engine reads in a query, as one string: empty when there are none (read
    as written, or with look-alike letters of other scripts read as Latin)."""
    tokens = tokenize(name)
    if not tokens and (visual := visual_reading(name)) is not None:
        tokens = tokenize(visual)
    return " ".join(t.text for t in tokens)


@dataclass(frozen=True, slots=True)
class Weighed:
    """A match as reported: the engine's name match (or, for an entity found by an identifier
    alone, a match without matched words), with the identifier evidence that changed it."""

    match: Match
    #: The query's identifier that the entity lists: the score is `IDENTIFIER_HIT`.
    identifier: IdentifierHit | None = None
    #: The query's number that the entity's contradict: the score is lowered.
    conflict: Conflict | None = None


@dataclass(frozen=True, slots=True)
class Screener:
    """One watchlist version, its name index and its identifier index; immutable, so a reload
    swaps the whole object."""

    watchlist: Watchlist
    matcher: Matcher
    identifiers: ListedIdentifiers

    @classmethod
    def build(cls, watchlist: Watchlist) -> Screener:
        return cls(
            watchlist,
            Matcher(listed(e) for e in watchlist.entities),
            ListedIdentifiers(watchlist.entities),
        )

    @property
    def version(self) -> str:
        return self.watchlist.version

    def screen(
        self, name: str, *, country: str | None, threshold: float, limit: int
    ) -> list[Match]:
        """The engine's matches of a name (names only)."""
        return self.matcher.screen(name, country=country, threshold=threshold, limit=limit)

    def weigh(
        self,
        name: str,
        identifiers: Sequence[QueryIdentifier],
        *,
        country: str | None,
        threshold: float,
        limit: int,
    ) -> list[Weighed]:
        """The matches of a query with its identifiers, best first: each entity that lists one
        of them at `IDENTIFIER_HIT` (whatever the name, first), then the name's matches, each
        lowered by `IDENTIFIER_CONFLICT` where the entity's numbers contradict the query's.
        `name` may be empty (a query by identifiers alone)."""
        matches = (
            self.screen(name, country=country, threshold=threshold, limit=limit) if name else []
        )
        if not identifiers:
            return [Weighed(m) for m in matches]
        hits = self.identifiers.hits(identifiers)
        by_name = {m.entity_id: m for m in matches}
        found = [
            self._identified(entity, hit, by_name.pop(entity.id, None), name)
            for entity_id, hit in hits.items()
            if (entity := self.watchlist.get(entity_id)) is not None
        ]
        weighed = [self._contradicted(m, identifiers, threshold) for m in by_name.values()]
        weighed.sort(key=lambda w: (-w.match.score, w.match.entity_id))
        return (found + weighed)[:limit]

    def _identified(
        self, entity: Entity, hit: IdentifierHit, match: Match | None, name: str
    ) -> Weighed:
        """An entity that lists one of the query's identifiers, at `IDENTIFIER_HIT`, with the
        name's match where the name matched it too (its words stay in the explanation)."""
        given = hit.query
        where = " (written in the name)" if given.origin is Origin.NAME else ""
        note = (
            f"identifier match: the query's {label(given.type)} {given.value}{where} is the "
            f"entity's {_listed(hit.listed)}; a hit whatever the name"
        )
        if match is not None:
            note += f" (the name alone scored {match.score:.2f})"
        else:
            note += " (the name did not reach the threshold)" if name else " (no name given)"
            match = self._listed_only(name, entity)
        explanation = dataclasses.replace(match.explanation, notes=(*match.explanation.notes, note))
        return Weighed(
            dataclasses.replace(match, score=IDENTIFIER_HIT, explanation=explanation), hit
        )

    def _listed_only(self, name: str, entity: Entity) -> Match:
        """A match of an entity found by an identifier alone: no word of the name matched."""
        query = normalized_query(name) if name else ""
        explanation = Explanation(
            query_part=None,
            query_normalized=query,
            alias_normalized=normalized_query(entity.name),
            query_legal_forms=(),
            alias_legal_forms=(),
            matched_tokens=(),
            unmatched_query_tokens=tuple(query.split()),
            unmatched_alias_tokens=(),
            alias_coverage=0.0,
            query_coverage=0.0,
            query_floor=0.0,
            penalties={},
            notes=(),
        )
        return Match(entity.id, entity.name, entity.name, entity.name, "primary", 0.0, explanation)

    def _contradicted(
        self, match: Match, identifiers: Sequence[QueryIdentifier], threshold: float
    ) -> Weighed:
        entity = self.watchlist.get(match.entity_id)
        found = conflict(entity, identifiers) if entity is not None else None
        if found is None:
            return Weighed(match)
        lowered = match.score * IDENTIFIER_CONFLICT
        score = round(max(lowered, threshold), 4)
        listed = ", ".join(_listed(i) for i in found.listed)
        note = (
            f"conflicting identifier: the query's {label(found.query.type)} "
            f"{found.query.value} differs from the entity's {listed}: the name matches, the "
            "number does not"
        )
        if lowered < threshold:
            note += f"; the score is kept at the threshold {threshold:g}: flagged, not hidden"
        explanation = dataclasses.replace(
            match.explanation,
            penalties={**match.explanation.penalties, "identifier_conflict": IDENTIFIER_CONFLICT},
            notes=(*match.explanation.notes, note),
        )
        adjusted = dataclasses.replace(match, score=score, explanation=explanation)
        return Weighed(adjusted, conflict=found)


def _listed(identifier: Identifier) -> str:
    """A listed identifier for a note: `UNP 100230519 (UA-NSDC)`."""
    source = f" ({identifier.source})" if identifier.source else ""
    return f"{label(identifier.type)} {identifier.value}{source}"
