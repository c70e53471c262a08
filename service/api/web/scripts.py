"""The writing system of a name, for the entity page's list of names (Latin, Cyrillic, Han...):
the script of most of its letters, by their Unicode names."""

from __future__ import annotations

import unicodedata
from collections import Counter

#: Unicode name prefixes that are a script's letters, and the script's name as shown.
_SCRIPTS = {
    "LATIN": "Latin",
    "CYRILLIC": "Cyrillic",
    "CJK": "Han",
    "HIRAGANA": "Hiragana",
    "KATAKANA": "Katakana",
    "HANGUL": "Hangul",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
}


def script_of(name: str) -> str:
    counts: Counter[str] = Counter()
    for char in name:
        if not char.isalpha():
            continue
        first = unicodedata.name(char, "").split(" ", 1)[0]
        counts[_SCRIPTS.get(first, "other")] += 1
    if not counts:
        return ""
    return counts.most_common(1)[0][0]
