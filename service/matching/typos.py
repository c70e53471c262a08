"""Typo and truncation lookup over a fixed set of keys: pass-join segments find every key
within a few edits of a query key without comparing it to all of them, and a sorted list
finds the keys a cut-short word begins.

Pure; imports nothing from the service.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

#: Keys shorter than this are only matched exactly (no typo tolerance for MAZ, BNK, 558).
FUZZY_MIN_LEN = 4
#: Query keys whose neighbourhood is kept in memory.
CACHE_SIZE = 50_000


#: The largest edit budget max_edits gives.
MAX_EDITS = 3


def max_edits(length: int) -> int:
    """Typos tolerated in a key of this length."""
    if length < FUZZY_MIN_LEN:
        return 0
    if length < 6:
        return 1
    if length < 10:
        return 2
    return 3


class TypoIndex:
    """Immutable once built; its cache is a plain dict, safe under the GIL."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(keys)
        self.sorted = sorted(self.keys)
        longest = max(map(len, self.keys), default=0)
        # A key within the edit budget of another shares at least one of its (budget + 1)
        # segments, near the same place (pass-join): [length][segment number] -> segment -> keys.
        self.segments: list[list[dict[str, list[str]]]] = [
            [{} for _ in segment_bounds(length)] for length in range(longest + 1)
        ]
        for key in self.keys:
            if len(key) >= FUZZY_MIN_LEN and not key.isdigit():
                tables = self.segments[len(key)]
                for number, (start, size) in enumerate(segment_bounds(len(key))):
                    tables[number].setdefault(key[start : start + size], []).append(key)
        #: [length] -> segment_bounds(length)
        self.bounds = [segment_bounds(length) for length in range(longest + 1)]
        self._cache: dict[tuple[str, int], dict[str, int]] = {}

    def similar(self, key: str, most: int = MAX_EDITS) -> dict[str, int]:
        """Known keys within the edit budget of `key` (and at most `most` edits), with their
        distance (itself included)."""
        found = self._cache.get((key, most))
        if found is None:
            found = self._find(key, most)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key, most] = found
        return found

    def _find(self, key: str, most: int) -> dict[str, int]:
        found: dict[str, int] = {key: 0} if key in self.keys else {}
        longest = len(self.segments) - 1
        if len(key) < FUZZY_MIN_LEN - 1 or key.isdigit():
            return found
        widest = min(max_edits(len(key) + MAX_EDITS), most)
        # The keys sharing a segment (a key may share several) are gathered first and measured
        # in one call: the loop then runs in rapidfuzz's C code, and a common segment of a
        # large list brings thousands of keys.
        shared: list[str] = []
        budgets: dict[int, int] = {}
        for length in range(max(len(key) - widest, 1), min(len(key) + widest, longest) + 1):
            # The budget of a pair is that of its longer key ("pinG" may be "pilinG"), within
            # what the listed key's segments can guarantee. (Comparisons, not min and max: the
            # compiled loop calls those as Python builtins.)
            allowed = max_edits(length if length > len(key) else len(key))
            if max_edits(length) < allowed:
                allowed = max_edits(length)
            if most < allowed:
                allowed = most
            delta = len(key) - length
            if abs(delta) > allowed or allowed == 0:
                continue
            budgets[length] = allowed
            tables = self.segments[length]
            for number, (start, size) in enumerate(self.bounds[length]):
                pieces = tables[number]
                if not pieces:
                    continue
                # Where the segment can start in `key`, given the edits left for the others.
                spare = allowed - number
                low = start - number if number < spare - delta else start + delta - spare
                high = start + number if number < spare + delta else start + delta + spare
                for at in range(low if low > 0 else 0, min(high, len(key) - size) + 1):
                    keys = pieces.get(key[at : at + size])
                    if keys is not None:
                        shared.extend(keys)
        if shared:
            cutoff = max(budgets.values())
            for other, distance, _ in process.extract(
                key, shared, scorer=OSA.distance, score_cutoff=cutoff, limit=None
            ):
                if distance <= budgets[len(other)] and other not in found:
                    found[other] = int(distance)
        # Two letters swapped (one edit) may cut across the segments looked up above: those
        # are the first `budget + 1` of the key's length, at their place. A swap touches two
        # segments, so only one across the first two, with a budget of one, goes unseen (RDEUT
        # / REDUT); with no budget (keys too short for typos) any swap does.
        budget = min(max_edits(len(key)), most)
        if budget >= 2 or len(key) > longest:
            return found
        if budget == 1:
            cut = self.bounds[len(key)][1][0]
            swaps = range(cut - 1, cut)
        else:
            swaps = range(len(key) - 1)
        for i in swaps:
            swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
            if swapped in self.keys:
                found.setdefault(swapped, 1)
        return found

    def continuations(self, prefix: str, limit: int = 20) -> list[str]:
        """Known keys that continue `prefix` (a word cut short by a field length limit)."""
        start = bisect_left(self.sorted, prefix)
        out = []
        for key in self.sorted[start : start + limit]:
            if not key.startswith(prefix):
                break
            if key != prefix:
                out.append(key)
        return out


@lru_cache(maxsize=256)
def segment_bounds(length: int) -> tuple[tuple[int, int], ...]:
    """(start, size) of the segments a key of this length is cut into."""
    parts = max_edits(length) + 1
    size, extra = divmod(length, parts)
    bounds = []
    start = 0
    for number in range(parts):
        width = size + (1 if number >= parts - extra else 0)
        bounds.append((start, width))
        start += width
    return tuple(bounds)
