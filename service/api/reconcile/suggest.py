"""Entity suggest: the listed entities one of whose names has a word starting with what the
user has typed, compared case-folded and also in Latin letters (`belaz` finds «БЕЛАЗ»). An
index of the names is built once per watchlist version, in a worker thread.

No web framework; imports the watchlist model and anyascii only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

from service.watchlist.model import Entity

#: Suggestions per page (the client asks for the next with `cursor`).
PAGE = 10
#: Longest prefix looked up, in characters: a suggestion is for the start of a name.
MAX_PREFIX = 200
_SPACES = re.compile(r"\s+")
#: A word starts where a letter or digit follows anything else.
_WORD_START = re.compile(r"(?<!\w)\w")


@dataclass(frozen=True, slots=True)
class _Name:
    entity: Entity
    #: The name case-folded, then in Latin letters, with single spaces.
    forms: tuple[str, ...]
    #: Where a word starts in each form.
    starts: tuple[tuple[int, ...], ...]


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text.casefold()).strip()


def _forms(name: str) -> tuple[str, ...]:
    folded = _fold(name)
    # anyascii writes the soft sign as an apostrophe (Альфа: Al'fa), which nobody types.
    latin = _fold(anyascii(name).replace("'", ""))
    return (folded,) if latin == folded else (folded, latin)


class SuggestIndex:
    """The names of one watchlist version, for looking up what a user types."""

    def __init__(self, version: str, entities: list[Entity]) -> None:
        self.version = version
        names = []
        for entity in entities:
            for name in entity.all_names:
                forms = _forms(name)
                starts = tuple(tuple(m.start() for m in _WORD_START.finditer(f)) for f in forms)
                names.append(_Name(entity, forms, starts))
        self._names = names

    def find(self, prefix: str, cursor: int) -> list[Entity]:
        """A page of the entities with a name whose start, or a word's, is `prefix`: those
        whose name starts with it first, then in watchlist order; each entity once."""
        wanted = tuple(form for form in _forms(prefix) if form)
        if not wanted:  # blanks only: the start of every name
            return []
        first: dict[str, Entity] = {}
        then: dict[str, Entity] = {}
        for name in self._names:
            where = _where(name, wanted)
            if where is None:
                continue
            found = first if where == 0 else then
            found.setdefault(name.entity.id, name.entity)
        ordered = list(first.values()) + [e for k, e in then.items() if k not in first]
        return ordered[cursor : cursor + PAGE]


def _where(name: _Name, wanted: tuple[str, ...]) -> int | None:
    """The earliest word start of `name` where one of the `wanted` forms is written."""
    best = None
    for form, starts in zip(name.forms, name.starts, strict=True):
        for prefix in wanted:
            at = next((s for s in starts if form.startswith(prefix, s)), None)
            if at is not None and (best is None or at < best):
                best = at
    return best
