"""The seed watchlist as the dev set sees it: each entity's names split, cleaned and cored, and the
checks every case must pass (a positive must not name another entity better than its own; a
negative must not be, or look like, a listed name). Loads the seed with the service's loader.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from legalforms import split_legal_form
from rapidfuzz import fuzz
from textnorm import casefold_key, fold_homoglyphs, lang_of, script_of, skeleton, split_names
from vocab import GENERIC, LEGAL, PLACES, STOP, WRAPPER

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from service.watchlist.loader import load_watchlist  # noqa: E402
from service.watchlist.model import Entity  # noqa: E402

#: Token similarity (0-100) above which a negative's word counts as a listed distinctive word.
NEAR_TOKEN = 88
#: Share of the shorter name's words (places, numbers and legal forms aside) that a negative
#: may not have in common with a listed name: '121 Aircraft Repair Plant' is 'nearly' 558's name.
NEAR_SHARE = 0.75


@dataclass(frozen=True)
class Name:
    entity_id: str
    text: str  # one name, split out of a combined list string, homoglyphs folded
    kind: str  # aka, fka, weak
    script: str  # cyr, lat, mixed
    lang: str  # be, ru, uk for Cyrillic; en or translit for Latin (a guess)
    core: str  # without legal form and wrapping quotes

    @property
    def core_tokens(self) -> list[str]:
        return [t for t in skeleton(self.core).split() if t not in STOP]


def _names_of(entity: Entity) -> list[Name]:
    kinds = {entity.name: "aka"} | {a.name: a.kind.value for a in entity.aliases}
    langs = {a.name: a.lang for a in entity.aliases}
    found: dict[str, Name] = {}
    for raw, kind in kinds.items():
        for part in split_names(raw):
            text = fold_homoglyphs(part)
            script = script_of(text)
            if script == "other":
                continue
            lang = lang_of(text, langs.get(raw)) if script != "lat" else "lat"
            core = split_legal_form(text)[0]
            found.setdefault(text, Name(entity.id, text, kind, script, lang, core))
    return list(found.values())


def _content_words(core: str) -> set[str]:
    """Words of a skeleton core without places, numbers, legal forms and name wrappers."""
    return {w for w in core.split() if not w[0].isdigit()} - STOP - PLACES - LEGAL - WRAPPER


class Seed:
    """The seed watchlist, indexed for generating and checking cases."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entities = {e.id: e for e in load_watchlist([path]).entities}
        self.names = {eid: _names_of(e) for eid, e in self.entities.items()}
        self._exact = {casefold_key(n) for e in self.entities.values() for n in e.all_names}
        self._exact |= {casefold_key(n.text) for ns in self.names.values() for n in ns}
        self.name_words = {t for ns in self.names.values() for n in ns for t in n.core_tokens}
        self._core_owner: dict[str, set[str]] = defaultdict(set)
        self._token_owner: dict[str, set[str]] = defaultdict(set)
        for eid, names in self.names.items():
            for name in names:
                self._core_owner[" ".join(name.core_tokens)].add(eid)
                for token in name.core_tokens:
                    if token not in GENERIC and len(token) > 1:
                        self._token_owner[token].add(eid)

    def require(self, entity_id: str) -> Entity:
        """The entity, or a loud failure naming the seed file (ids are stable, but may merge)."""
        if entity_id not in self.entities:
            raise SystemExit(f"expected entity {entity_id!r} is not in {self.path}: fix the case")
        return self.entities[entity_id]

    def is_listed(self, query: str) -> bool:
        return casefold_key(query) in self._exact

    def ambiguous_core(self, name: Name) -> bool:
        """True when another entity has a name with the same core (Dana Holdings, Agat)."""
        return len(self._core_owner[" ".join(name.core_tokens)]) > 1

    def usable(self, entity_id: str, script: str | None = None) -> list[Name]:
        """Names safe to vary: not weak, core not shared with another entity, has letters."""
        return [
            n
            for n in self.names[entity_id]
            if n.kind != "weak"
            and not self.ambiguous_core(n)
            and n.core_tokens
            and (script is None or n.script == script)
        ]

    def negative_problem(self, query: str) -> str | None:
        """Why a query cannot be a negative: it is a listed name or looks like one."""
        if self.is_listed(query):
            return "is a listed name"
        core = " ".join(t for t in skeleton(split_legal_form(query)[0]).split() if t not in STOP)
        if core in self._core_owner:
            return f"same core as {sorted(self._core_owner[core])}"
        words = core.split()
        joined = [a + b for a, b in pairwise(words) if min(len(a), len(b)) > 2]
        for token in words + joined:
            if token in self._token_owner:
                return f"shares distinctive word {token!r} with {sorted(self._token_owner[token])}"
            if len(token) >= 5 and token not in GENERIC:
                for listed, owners in self._token_owner.items():
                    if len(listed) >= 5 and fuzz.ratio(token, listed) >= NEAR_TOKEN:
                        return f"word {token!r} is close to {listed!r} of {sorted(owners)}"
        near = self.near_name(core)
        return f"nearly the same name as {near[1]!r} of {near[0]}" if near else None

    def near_name(self, core: str) -> tuple[list[str], str] | None:
        """A listed name with nearly the same words (places, numbers, legal forms aside):
        at least two words shared, covering NEAR_SHARE of the shorter name."""
        query = _content_words(core)
        for listed, owners in self._core_owner.items():
            words = _content_words(listed)
            shared = words & query
            if len(shared) >= 2 and len(shared) >= NEAR_SHARE * min(len(words), len(query)):
                return sorted(owners), listed
        return None

    def positive_problem(self, query: str, expected: str) -> str | None:
        """Why a query cannot be a positive for `expected`: it names another entity better."""
        if expected not in self.entities:
            return f"{expected!r} is not in the seed"
        rivals = self.rivals(query, expected)
        return f"contains a fuller name of {rivals}" if rivals else None

    def rivals(self, query: str, expected: str) -> list[str]:
        """Other entities one of whose names the query contains with more words than any name
        of the expected entity it contains (names of generic words only, like 'Group A',
        do not count)."""
        query_tokens = set(skeleton(query).split())
        best: dict[str, int] = {}
        for eid, names in self.names.items():
            for name in names:
                tokens = name.core_tokens
                if set(tokens) - GENERIC and set(tokens) <= query_tokens:
                    best[eid] = max(best.get(eid, 0), len(tokens))
        own = best.get(expected, 0)
        return sorted(eid for eid, size in best.items() if eid != expected and size > own)
