"""Text to tokens: Unicode NFKC, quotes and punctuation, homoglyph folding, case folding, and for
each token its readable Latin form and its phonetic key.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from service.matching.lookalikes import LOOKALIKES
from service.matching.scripts import is_read, read_latin, split_cjk
from service.matching.translit import fold_homoglyphs, is_cyrillic, phonetic_key, to_latin


class Token:
    """One word. A plain class with __slots__ rather than a dataclass: tokens are made for
    every name and query, and a dataclass's generated __init__ stays interpreted Python even
    when the engine is compiled. Not changed after it is made."""

    __slots__ = ("cyrillic", "key", "latin", "number", "text")

    def __init__(self, text: str, latin: str, key: str, cyrillic: bool, number: bool) -> None:
        #: Case-folded, in the script it was written in ("пеленг").
        self.text = text
        #: Readable lower-case Latin ("peleng").
        self.latin = latin
        #: Phonetic key where spelling variants meet ("pilinG").
        self.key = key
        self.cyrillic = cyrillic
        #: All digits (a plant number such as 558, or a tax id).
        self.number = number

    def __repr__(self) -> str:
        return f"Token({self.text!r}, key={self.key!r})"


# A person's initials after a word, the surname ("ИП Андреев В.В.", "Belov E. N.", "Белов С.А"
# at the end of the text or of a field): two single letters, each followed by a full stop.
# Runs of three (O.A.O., J. S. C.) and runs at the start of a name are abbreviations.
_INITIALS_RE = re.compile(
    r"(?<=[^\W\d_]{2})(\.?,?\s+|,)"
    r"([^\W\d_])\.\s?([^\W\d_])(?:\.|(?=\s*(?:$|[,;|)])))"
    r"(?!\s?[^\W\d_]\.|[^\W\d_])"
)
#: Marks a token as a person's initials: the letters keep their full stops ("в.в.", key
#: "v.v."), so that they never read as an abbreviation, a legal form or an acronym (В.В. is not
#: ВВ, внутренние войска; С.А. is not SA) and meet only the same initials in a listed name.
INITIALS_MARK = "."
# Single letters each followed by a full stop (d.o.o., S.A., V.I.) are one abbreviation.
_DOTTED_RE = re.compile(r"(?<!\w)(?:[^\W\d_]\.){2,}(?![^\W\d_])")
# An apostrophe between letters is part of the word (Belarusian and Ukrainian apostrophe,
# romanised soft sign): drop it without splitting the word.
_APOSTROPHE_RE = re.compile(r"(?<=[^\W\d_])['’ʼ`´ʹ′](?=[^\W\d_])")
_NON_WORD_RE = re.compile(r"[\W_]+")
_DIGIT_BOUNDARY_RE = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
# Characters that print as nothing: Unicode's default-ignorable code points (zero-width space,
# joiners, LRM/RLM and the other bidi marks and isolates, soft hyphen, word joiner, BOM,
# variation selectors, Hangul fillers, tags) and every other format character (category Cf).
# Inside a word they would split it ("Grod\u200bno"), so they go before anything else, in
# queries and listed names alike. tests/matching/test_normalize.py checks the class against
# the Unicode database.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001345f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]+"
)
# Combining marks left after NFKC on a Latin, Greek or Cyrillic letter (no precomposed form:
# "Gro\u0332dno", "Be\u0336lAZ"): they carry nothing the matching reads, and between letters
# they would split the word. Marks of other scripts (vowel signs) stay.
_STRAY_MARKS_RE = re.compile(
    "(?<=[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u1e00-\u1eff])"
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def strip_invisible(text: str) -> str:
    """The text without the characters that print as nothing (see `_INVISIBLE_RE`)."""
    return text if text.isascii() else _INVISIBLE_RE.sub("", text)


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """(position, character) of each character that prints as nothing, for reporting."""
    if text.isascii():
        return []
    return [(m.start() + i, c) for m in _INVISIBLE_RE.finditer(text) for i, c in enumerate(m[0])]


_LOOKALIKE_TABLE = str.maketrans(LOOKALIKES)


def visual_reading(text: str) -> str | None:
    """The text with the letters of other scripts that look like Latin ones read as those
    (`ΡΑΝΟΡΤΕS` is PANOPTES), when it looks disguised: it has look-alike letters of a script
    other than Latin and Cyrillic (Greek, Armenian, Cherokee...), or Cyrillic look-alikes
    beside Latin letters. None otherwise (a name written in Cyrillic is read as Cyrillic)."""
    if text.isascii():
        return None
    latin = cyrillic_lookalike = other_lookalike = False
    for char in text:
        if char.isascii():
            latin = latin or char.isalpha()
        elif char in LOOKALIKES:
            if is_cyrillic(char):
                cyrillic_lookalike = True
            else:
                other_lookalike = True
    if not (other_lookalike or (cyrillic_lookalike and latin)):
        return None
    read = unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", text)).translate(_LOOKALIKE_TABLE)
    return read if read != text else None


def clean_text(text: str) -> str:
    """NFKC, abbreviations and apostrophes joined, everything but letters and digits to spaces,
    a person's initials written as one word with their full stops ("В.В."). Each step runs only
    when the text has what it rewrites (this runs for every query)."""
    ascii_only = text.isascii()
    if not ascii_only:
        text = unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", text))
        text = _STRAY_MARKS_RE.sub("", text)
    if "." in text and _INITIALS_RE.search(text):
        return _clean_around_initials(text, ascii_only)
    return _clean(text, ascii_only)


def _clean_around_initials(text: str, ascii_only: bool) -> str:
    pieces = []
    start = 0
    for found in _INITIALS_RE.finditer(text):
        pieces.append(_clean(text[start : found.start()], ascii_only))
        pieces.append(f"{found.group(2)}{INITIALS_MARK}{found.group(3)}{INITIALS_MARK}")
        start = found.end()
    pieces.append(_clean(text[start:], ascii_only))
    return " ".join(p for p in pieces if p)


def _clean(text: str, ascii_only: bool) -> str:
    if "." in text:
        text = _DOTTED_RE.sub(lambda m: m.group(0).replace(".", ""), text)
    if not ascii_only or "'" in text or "`" in text:
        text = _APOSTROPHE_RE.sub("", text)
    text = _NON_WORD_RE.sub(" ", text)
    if not text.isascii():
        text = split_cjk(text)  # Chinese, Japanese and Korean runs to words
    if any(c.isdigit() for c in text):
        text = _DIGIT_BOUNDARY_RE.sub(" ", text)
    return text.strip()


def is_initials(key: str) -> bool:
    """A token's key stands for a person's initials (see INITIALS_MARK)."""
    return INITIALS_MARK in key


@lru_cache(maxsize=200_000)
def make_token(word: str) -> Token:
    """One cleaned word, in its original case, to a token."""
    folded = fold_homoglyphs(word).casefold()
    # Words of other scripts (Greek, Arabic, kana, hangul, Han...) have readings of their own.
    latin = read_latin(folded) if is_read(folded) else to_latin(folded)
    if not latin and not folded.isascii():
        latin = read_latin(folded)  # letters of any other script: anyascii's reading
    key = phonetic_key(latin)
    return Token(folded, latin, key, any(is_cyrillic(c) for c in folded), key.isdigit())


def tokenize(text: str) -> list[Token]:
    """Split a name into tokens; words that yield no Latin letters or digits (marks, symbols)
    are dropped."""
    tokens = []
    for word in clean_text(text).split():
        token = make_token(word)
        if token.key:
            tokens.append(token)
    return tokens
