"""Another reading of a query, screened beside it, for the ways names get mangled that the
tokens alone cannot show: a legal form glued to the name (JSCARGUMENT), digits typed for the
letters they look like inside a word (contr0l) and letters for digits inside a number (4O7),
single letters spaced or dotted out (Z A V O D, G.r.o.d.n.o), punctuation inside a word
(Be!laz).

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

import re

#: Abbreviated legal forms found glued to the front or the back of a name (the rest keeps at
#: least GLUED_REST_MIN letters): OOOROMASHKA, JSCARGUMENT, ACMELTD.
GLUED_FORMS = (
    "ojsc", "cjsc", "pjsc", "jsc", "ooo", "oao", "zao", "pao", "llc", "ltd", "gmbh", "ооо",
    "оао", "зао", "пао", "тов", "ват", "пат", "аат", "зат", "таа",
)  # fmt: skip
GLUED_REST_MIN = 3
# A glued form is written in capitals (see `_unglue`): a text without one has nothing to
# unglue, and the look at each long word is spared.
_CAPITAL_FORM_RE = re.compile("|".join(form.upper() for form in GLUED_FORMS))
# A word long enough to hold a glued form and a name (`_unglue` looks at its ends).
_LONG_WORD_RE = re.compile(rf"[^\W\d_]{{{GLUED_REST_MIN + 3},}}")
# A word of letters and digits: the letters typed for digits inside a number, or the digits
# typed for letters inside a word.
_MIXED_RE = re.compile(r"\b(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]{2,}\b")
_AS_DIGITS = str.maketrans("OoОоIl|ЗзZzSsbGB", "0000111332255668")
_AS_LETTERS = str.maketrans("01345678", "oieasgtb")
# Symbols typed for letters inside a word.
_SYMBOLS_RE = re.compile(r"(?<![@$€])(?<!\w)[@$€](?=[^\W\d_]{2})|(?<=[^\W\d_])[@$€](?=[^\W\d_])")
_SYMBOLS = str.maketrans("@$€", "ase")
# Three or more single letters, each apart from the next by a space, a dot, a hyphen or an
# underscore: one word spaced out.
_SPACED_RE = re.compile(r"(?<![^\W\d_])[^\W\d_](?:[\s.\-_/]+[^\W\d_](?![^\W\d_])){2,}")
_SPACING_RE = re.compile(r"[\s.\-_/]+")
# Punctuation inside a word (between two letters each side, no space: dotted single letters
# are initials or an abbreviation, which the tokenizer reads as such), and a hyphen or comma
# that cuts one letter off a word ("C-OMPANY", "GR,AN").
_INSIDE_RE = re.compile(
    r"(?<=[^\W\d_]{2})[!\"#%&*+.,:;<=>?^|~'`*]+(?=[^\W\d_]{2})"
    r"|(?<=(?<![^\W\d_])[^\W\d_])[-,](?=[^\W\d_]{3})"
)


def other_reading(text: str) -> str | None:
    """The text with each of those manglings undone, or None when it has none. Each step runs
    only when the text has what it undoes (this runs for every query)."""
    read = _LONG_WORD_RE.sub(_unglue, text) if _CAPITAL_FORM_RE.search(text) else text
    if any(c.isdigit() for c in read):
        read = _MIXED_RE.sub(_unmix, read)
    if "@" in read or "$" in read or "€" in read:
        read = _SYMBOLS_RE.sub(lambda m: m[0].translate(_SYMBOLS), read)
    read = _SPACED_RE.sub(lambda m: _SPACING_RE.sub("", m[0]), read)
    if _PUNCTUATION_RE.search(read):
        read = _INSIDE_RE.sub("", read)
    return read if read != text else None


_PUNCTUATION_RE = re.compile(r"[!\"#%&*+.,:;<=>?^|~'`\-]")


def _unglue(match: re.Match[str]) -> str:
    word = match[0]
    lower = word.casefold()
    if not (lower.startswith(GLUED_FORMS) or lower.endswith(GLUED_FORMS)):
        return word
    if lower.startswith(_WORDS_NOT_GLUED):
        return word
    # A glued form is written in capitals (ZAOPLANAR, CJSCDinamo): a word that merely begins
    # or ends with its letters (Paoletti, Товариство) is no form.
    for form in GLUED_FORMS:
        size = len(form)
        if lower.startswith(form) and len(word) - size >= GLUED_REST_MIN and word[:size].isupper():
            return f"{word[:size]} {word[size:]}"
        if lower.endswith(form) and len(word) - size >= GLUED_REST_MIN and word[-size:].isupper():
            return f"{word[:-size]} {word[-size:]}"
    return word


# Words that begin with the letters of a form (ТОВАРИСТВО, the Ukrainian for company, is not
# ТОВ + АРИСТВО).
_WORDS_NOT_GLUED = ("товар",)


def _unmix(match: re.Match[str]) -> str:
    word = match[0]
    # Mostly digits: a number with letters typed for digits (4O7, 55B, Z566); letters that
    # look like no digit stay (24x7), and so does an ordinal's ending (55BTH is 558TH). Mostly
    # letters: a word with digits for letters (A6AT).
    number, ending = word, ""
    if word[-2:].casefold() in _ORDINAL_ENDINGS and len(word) > 3:
        number, ending = word[:-2], word[-2:]
    digits = sum(c.isdigit() for c in number)
    if digits >= len(number) - digits:
        return number.translate(_AS_DIGITS) + ending
    return word.translate(_AS_LETTERS)


_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})
