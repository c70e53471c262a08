"""The typo index against a full scan: every key within the edit budget is found, nothing
beyond it, whatever the lengths; and the words a cut-short word begins."""

from __future__ import annotations

import random

from rapidfuzz.distance import OSA, Levenshtein

from service.matching.typos import MAX_EDITS, TypoIndex, max_edits


def _scan(keys: set[str], key: str, most: int, metric: str) -> dict[str, int]:
    """Keys within the budget by a full scan: the budget of a pair is that of its longer key,
    within the listed key's own and `most`; two letters swapped alone are one typo in any key
    of three letters or more. Distances are reported as OSA distances (a swap is one edit)."""
    found = {}
    for other in keys:
        allowed = min(max_edits(max(len(other), len(key))), max_edits(len(other)), most)
        distance = OSA.distance(key, other)
        measured = distance if metric == "osa" else Levenshtein.distance(key, other)
        if other == key or (len(key) >= 3 and not key.isdigit() and measured <= allowed):
            found[other] = distance
        elif len(key) >= 3 and distance == 1 and sorted(key) == sorted(other):
            found[other] = 1
    return found


def _words(rng: random.Random, count: int) -> set[str]:
    letters = "aiuknrstvzGSCT"
    return {"".join(rng.choices(letters, k=rng.randint(3, 16))) for _ in range(count)}


def _mangled(rng: random.Random, word: str) -> str:
    chars = list(word)
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(len(chars) + 1)
        edit = rng.choice(["insert", "delete", "replace", "swap"])
        if edit == "insert" or not chars:
            chars.insert(at, rng.choice("aiukGS"))
        elif edit == "delete":
            del chars[min(at, len(chars) - 1)]
        elif edit == "replace":
            chars[min(at, len(chars) - 1)] = rng.choice("aiukGS")
        elif len(chars) > 1:
            i = min(at, len(chars) - 2)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def test_the_index_finds_what_a_full_scan_finds() -> None:
    rng = random.Random(7)
    keys = _words(rng, 2000)
    index = TypoIndex(keys)
    queries = [_mangled(rng, w) for w in rng.sample(sorted(keys), 200)] + list(_words(rng, 50))
    for query in queries:
        for most in (1, MAX_EDITS):
            found = index.similar(query, most)
            # Every key within the budget in plain edits (insert, delete, replace) or one swap;
            # a swap beside other edits may cut two segments, and is found when a third holds.
            assert _scan(keys, query, most, "levenshtein").items() <= found.items(), query
            assert found.items() <= _scan(keys, query, most, "osa").items(), query


def test_a_transposition_across_every_segment_is_found() -> None:
    # Short keys: each letter pair swapped cuts across the segments pass-join relies on.
    assert TypoIndex({"rdeut"}).similar("redut") == {"rdeut": 1}


def test_every_swap_of_two_letters_is_one_typo_whatever_the_budget() -> None:
    # The swaps the segments cannot see are looked up one by one: all of them in keys too
    # short for typos, the one across the first two segments with a budget of one.
    rng = random.Random(11)
    keys = _words(rng, 300)
    index = TypoIndex(keys)
    for key in sorted(keys):
        for i in range(len(key) - 1):
            swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
            if swapped == key:
                continue
            for most in (1, 2, MAX_EDITS):
                assert index.similar(swapped, most).get(key) == 1, (key, swapped, most)


def test_cut_short_words_find_the_keys_they_begin() -> None:
    index = TypoIndex({"belaz", "belarus", "belavia", "minsk"})
    assert index.continuations("bela") == ["belarus", "belavia", "belaz"]
    assert index.continuations("bela", limit=1) == ["belarus"]
    assert index.continuations("gomel") == []
