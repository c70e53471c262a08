"""Script handling: homoglyph folding, Cyrillic to Latin, and the phonetic key where the usual
Russian, Belarusian, Ukrainian and English romanisations of one word meet.

Pure functions over single tokens; imports nothing from the service.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Cyrillic to Latin, close to BGN/PCGN for Russian and Belarusian. Used for the readable form
# shown in explanations; the matching key below removes the differences between schemes.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c",
    "џ": "dz", "ѓ": "g", "ќ": "k", "ѕ": "dz",
}  # fmt: skip
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)

# Letters that look alike in the two scripts. Official texts put Latin i, I, O, X (and the
# kra, ĸ) inside Cyrillic words; the reverse happens in Latin names typed on Cyrillic keyboards.
_LATIN_TO_CYRILLIC = str.maketrans({
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М", "O": "О",
    "P": "Р", "T": "Т", "X": "Х", "Y": "У", "a": "а", "c": "с", "e": "е", "i": "і", "o": "о",
    "p": "р", "x": "х", "y": "у", "ĸ": "к", "k": "к",
})  # fmt: skip
_CYRILLIC_TO_LATIN = str.maketrans({
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y", "а": "a", "с": "c", "е": "e", "і": "i", "о": "o",
    "р": "p", "х": "x", "у": "y", "ј": "j", "ѕ": "s",
})  # fmt: skip

# Latin letters with diacritics used by ISO 9, the Belarusian national system, Łacinka and
# Czech/Polish-style spellings, mapped to their plain English-style digraphs.
_LATIN_DIACRITICS = str.maketrans({
    "š": "sh", "č": "ch", "ž": "zh", "ż": "zh", "ŝ": "shch", "ŭ": "u", "ł": "l", "ć": "ts",
    "ś": "s", "ź": "z", "ń": "n", "ё": "e", "ë": "e", "â": "ya", "û": "yu", "ǎ": "a", "ß": "ss",
    "ø": "o", "æ": "ae", "œ": "oe", "đ": "dj", "ı": "i", "ʹ": "", "ʺ": "",
})  # fmt: skip


def is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff" or "\u0500" <= char <= "\u052f"


def fold_homoglyphs(token: str) -> str:
    """Rewrite a token written in two scripts into the script most of its letters are in.

    Works on the original case: upper-case look-alikes (X, I, O, B, H, ...) are what lists use.
    """
    cyrillic = sum(1 for c in token if is_cyrillic(c))
    if cyrillic == 0:
        return token
    latin = sum(1 for c in token if (c.isascii() and c.isalpha()) or c == "ĸ")
    if latin == 0:
        return token
    if cyrillic >= latin:
        return token.translate(_LATIN_TO_CYRILLIC)
    return token.translate(_CYRILLIC_TO_LATIN)


@lru_cache(maxsize=200_000)
def to_latin(token: str) -> str:
    """Readable lower-case ASCII form of a lower-case token in any script we handle."""
    text = token.translate(_CYRILLIC_TABLE).translate(_LATIN_DIACRITICS)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii())


# The phonetic key. Rules run in order on the readable Latin form; German (sch, tsch, schtsch)
# and Polish (sz, cz, szcz, rz) spellings of Slavic sounds are folded too. Capital letters stand for
# single sounds that several spellings share: S = ш/щ, Z = ж, C = ч, T = ц, G = г/х (g, h, kh, since
# Belarusian г is romanised h: Grodno/Hrodna, Integral/Intehral). Vowels fold to a (a, o:
# Belarusian akanye, zavod/zavad), i (e, i, y, j: Minskii/Minskiy/Minsky) and u.
_DIGRAPHS = [
    ("schtsch", "S"), ("szcz", "S"), ("shch", "S"), ("tsch", "C"), ("sch", "S"), ("sh", "S"),
    ("sz", "S"), ("zh", "Z"), ("rz", "Z"), ("tch", "C"),
    ("tech", "teG"), ("mech", "meG"), ("chem", "Gem"), ("chim", "Gim"), ("chn", "Gn"),
    ("chr", "Gr"), ("ch", "C"), ("kh", "G"), ("ts", "T"), ("tz", "T"), ("cz", "C"),
    ("ph", "f"), ("ck", "k"), ("th", "t"), ("x", "ks"), ("q", "k"), ("w", "v"),
]  # fmt: skip
_DIGRAPH_RE = re.compile("|".join(re.escape(a) for a, _ in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)
# English hard c (before a consonant, a, o, u or at the end) is k; soft c and the Slavic c
# (ICU and Łacinka write ц as c) join ts as T.
_HARD_C_RE = re.compile(r"c(?![eiyj])")
_LETTERS = str.maketrans({"o": "a", "e": "i", "y": "i", "j": "i", "h": "G", "g": "G", "c": "T"})


@lru_cache(maxsize=200_000)
def phonetic_key(latin: str) -> str:
    """Key of a readable Latin token: equal for the usual romanisations of one word."""
    if latin.isdigit():
        return latin
    text = _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group(0)], latin)
    text = _HARD_C_RE.sub("k", text)
    return _single_letters(text.translate(_LETTERS))


def _single_letters(text: str) -> str:
    """The text with each run of one letter written once ("Gadd" -> "Gad"). A loop: the
    regular expression with a back-reference (`(.)\\1+` -> `\\1`) cost 40 % of a key."""
    out = []
    previous = ""
    for char in text:
        if char != previous:
            out.append(char)
            previous = char
    return "".join(out)
