"""The candidate index: every listed name split, tokenised and posted under its tokens' phonetic
keys, with pass-join segments of each key for typos, sorted keys for truncated words and the
initials of long names for acronyms. A query looks up a few postings instead of scoring
every name, so its cost grows far slower than the watchlist.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from service.matching.legal_forms import LegalForm, split_legal_forms
from service.matching.names import split_name
from service.matching.normalize import Token, make_token, tokenize
from service.matching.translit import phonetic_key
from service.matching.vocabulary import FUNCTION, GENERIC

#: Weight, on the 0..1 rarity scale, above which a generic word never counts (Minsk, zavod).
GENERIC_WEIGHT = 0.1
#: Weight of function words (of, the, named after).
FUNCTION_WEIGHT = 0.02
#: Keys shorter than this are only matched exactly (no typo tolerance for MAZ, BNK, 558).
FUZZY_MIN_LEN = 4
#: A query word this long that starts a listed word matches it as a truncation.
PREFIX_MIN_LEN = 6
#: Acronyms are built for names of at least this many words and used from this length.
ACRONYM_MIN_WORDS = 3
ACRONYM_MIN_LEN = 3
#: Keys posted under more names than this are too common to retrieve candidates by.
MAX_POSTINGS = 20_000
#: Query keys whose typo neighbourhood is kept in memory (per index).
SIMILAR_CACHE_SIZE = 50_000


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """What the engine needs of a watchlist entity."""

    id: str
    name: str
    #: (name, kind) pairs; kind is "aka", "fka" or "weak".
    aliases: tuple[tuple[str, str], ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int
    #: The name as the list gives it.
    alias: str
    #: The part of it this entry stands for (combined names hold several).
    variant: str
    #: "primary", "aka", "fka" or "weak".
    kind: str
    tokens: tuple[Token, ...]
    legal_forms: tuple[LegalForm, ...]
    #: Phonetic key of the initials of a long name, "" for short names.
    acronym: str
    #: (position, key) of each pair of adjacent distinctive words, read as one word.
    compounds: tuple[tuple[int, str], ...]


def max_edits(length: int) -> int:
    """Typos tolerated in a key of this length."""
    if length < FUZZY_MIN_LEN:
        return 0
    if length < 6:
        return 1
    if length < 10:
        return 2
    return 3


def is_generic(key: str) -> bool:
    """A word that never identifies a name on its own."""
    return key in GENERIC or key in FUNCTION


def compound_key(left: Token, right: Token) -> str | None:
    """Key of two adjacent words written as one (Volat avto / Volatavto), for distinctive words."""
    if left.is_number or right.is_number or left.key in GENERIC or right.key in GENERIC:
        return None
    if left.key in FUNCTION or right.key in FUNCTION:
        return None
    return phonetic_key(left.latin + right.latin)


def initials_key(tokens: Iterable[Token]) -> str:
    words = [t for t in tokens if t.key not in FUNCTION and not t.is_number]
    if len(words) < ACRONYM_MIN_WORDS:
        return ""
    return make_token("".join(t.text[0] for t in words)).key


class NameIndex:
    """Immutable once built; safe to share between threads."""

    def __init__(self, entities: Iterable[ListedEntity]) -> None:
        self.entities: list[ListedEntity] = list(entities)
        self.names: list[IndexedName] = []
        #: key -> names holding a word with that key, once per occurrence
        self.postings: dict[str, list[int]] = defaultdict(list)
        #: key of two adjacent words written as one -> (name, weight of the two words)
        self.compounds: dict[str, list[tuple[int, float]]] = {}
        #: key of the initials of a long name -> names
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        #: names whose acronym the entity itself also lists (MZKT beside Minsk Wheeled Tractor
        #: Plant), and short names the entity also lists in full
        self.attested: set[int] = set()
        interned: dict[str, Token] = {}
        for number, entity in enumerate(self.entities):
            first = len(self.names)
            seen: set[str] = set()
            for alias, kind in [(entity.name, "primary"), *entity.aliases]:
                for variant in split_name(alias):
                    if variant not in seen:
                        seen.add(variant)
                        self._add(number, alias, variant, kind, interned)
            self._attest(range(first, len(self.names)))
        self.postings = dict(self.postings)
        self.acronyms = dict(self.acronyms)
        self.weights = self._weights()
        self._index_compounds()
        #: generic key -> the names made of nothing but generic words ("Minsk Automobile
        #: Plant"): the only names a generic word alone may retrieve
        self.generic_postings = self._generic_postings()
        #: most times one generic key occurs in one name (bounds what generic words add)
        self.generic_repeat = (
            max(
                (Counter(t.key for t in n.tokens if is_generic(t.key)).most_common(1) or [(0, 1)])[
                    0
                ][1]
                for n in self.names
            )
            if self.names
            else 1
        )
        #: total weight of each name's words: the denominator of its coverage
        self.totals = [sum(self.weights[t.key] for t in n.tokens) for n in self.names]
        keys = self.postings.keys() | self.compounds.keys()
        self.segments = _segments(keys)
        self.sorted_keys = sorted(keys)
        self._similar_cache: dict[str, dict[str, int]] = {}

    def _add(
        self, entity: int, alias: str, variant: str, kind: str, interned: dict[str, Token]
    ) -> None:
        tokens, forms = split_legal_forms(tokenize(variant))
        tokens = [interned.setdefault(t.text, t) for t in tokens]
        if not tokens:
            return
        name_id = len(self.names)
        acronym = initials_key(tokens)
        compounds = tuple(
            (i, key)
            for i, (left, right) in enumerate(zip(tokens, tokens[1:], strict=False))
            if (key := compound_key(left, right))
        )
        self.names.append(
            IndexedName(
                entity, alias, variant, kind, tuple(tokens), tuple(forms), acronym, compounds
            )
        )
        for token in tokens:
            self.postings[token.key].append(name_id)
        if len(acronym) >= ACRONYM_MIN_LEN:
            self.acronyms[acronym].append(name_id)

    def _attest(self, name_ids: range) -> None:
        short = {self.names[i].tokens[0].key for i in name_ids if len(self.names[i].tokens) == 1}
        initials = {self.names[i].acronym for i in name_ids if self.names[i].acronym}
        for i in name_ids:
            name = self.names[i]
            if name.acronym in short or (len(name.tokens) == 1 and name.tokens[0].key in initials):
                self.attested.add(i)

    def _weights(self) -> dict[str, float]:
        """Rarity on a 0..1 scale (IDF over entities), capped for generic words."""
        total = max(len(self.entities), 1)
        scale = math.log(1 + total)
        weights = {}
        for key, names in self.postings.items():
            entities = len({self.names[n].entity for n in names}) if len(names) > 1 else 1
            weight = math.log(1 + total / entities) / scale if scale else 1.0
            if key.isdigit():
                weight = 1.0
            elif key in FUNCTION:
                weight = FUNCTION_WEIGHT
            elif key in GENERIC:
                weight = min(weight, GENERIC_WEIGHT)
            weights[key] = weight
        return weights

    def _index_compounds(self) -> None:
        compounds: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for name_id, name in enumerate(self.names):
            for i, key in name.compounds:
                weight = self.weights[name.tokens[i].key] + self.weights[name.tokens[i + 1].key]
                compounds[key].append((name_id, weight))
        self.compounds = dict(compounds)

    def _generic_postings(self) -> dict[str, list[int]]:
        table: dict[str, list[int]] = defaultdict(list)
        for name_id, name in enumerate(self.names):
            if all(is_generic(t.key) for t in name.tokens):
                for token in name.tokens:
                    table[token.key].append(name_id)
        return dict(table)

    def weight(self, key: str) -> float | None:
        return self.weights.get(key)

    def knows(self, key: str) -> bool:
        return key in self.postings or key in self.compounds

    def similar_keys(self, key: str) -> dict[str, int]:
        """Listed keys within the edit budget of `key`, with their distance (exact included)."""
        cached = self._similar_cache.get(key)
        if cached is None:
            cached = self._find_similar(key)
            if len(self._similar_cache) >= SIMILAR_CACHE_SIZE:
                self._similar_cache.clear()
            self._similar_cache[key] = cached
        return cached

    def _find_similar(self, key: str) -> dict[str, int]:
        found: dict[str, int] = {key: 0} if self.knows(key) else {}
        if len(key) < FUZZY_MIN_LEN or key.isdigit():
            return found
        budget = max_edits(len(key))
        for length in range(len(key) - budget, len(key) + budget + 1):
            allowed = min(budget, max_edits(length))
            if allowed == 0:
                continue
            for number, (start, size) in enumerate(_segment_bounds(length)):
                for shift in range(-allowed, allowed + 1):
                    if start + shift < 0:
                        continue
                    piece = key[start + shift : start + shift + size]
                    for other in self.segments.get(f"{length}:{number}:{piece}", ()):
                        if other not in found:
                            distance = Levenshtein.distance(key, other, score_cutoff=allowed)
                            if distance <= allowed:
                                found[other] = distance
        return found

    def keys_starting_with(self, prefix: str, limit: int = 20) -> list[str]:
        """Listed keys that continue `prefix` (a word cut short by a field length limit)."""
        start = bisect_left(self.sorted_keys, prefix)
        out = []
        for key in self.sorted_keys[start : start + limit]:
            if not key.startswith(prefix):
                break
            if key != prefix:
                out.append(key)
        return out


def _segments(keys: Iterable[str]) -> dict[str, list[str]]:
    """Each fuzzy-matchable key cut into (edit budget + 1) segments: a key within the budget of
    another shares at least one segment with it, near the same place (pass-join)."""
    table: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        if len(key) >= FUZZY_MIN_LEN and not key.isdigit():
            for number, (start, length) in enumerate(_segment_bounds(len(key))):
                table[f"{len(key)}:{number}:{key[start : start + length]}"].append(key)
    return dict(table)


def _segment_bounds(length: int) -> list[tuple[int, int]]:
    """(start, size) of the segments a key of this length is cut into."""
    parts = max_edits(length) + 1
    size, extra = divmod(length, parts)
    bounds = []
    start = 0
    for number in range(parts):
        width = size + (1 if number >= parts - extra else 0)
        bounds.append((start, width))
        start += width
    return bounds
