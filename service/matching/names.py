"""Messy list names to the separate names they hold: combined names (`A (BelAZ) / OJSC ‘BELAZ’`),
language labels leaking into a name ("Belarussian: ААТ ..."), a short name and its expansion.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

import re

from service.matching.legal_forms import is_legal_form_abbreviation, is_only_legal_forms
from service.matching.normalize import strip_invisible, tokenize
from service.matching.vocabulary import generic

# "Belarussian: ", "in Russian:", "Byelorussian:" ... as EU texts print them.
_LANGUAGE_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s;]))(?:in\s+)?(?:b[iy]?[ae]l[ao]rus+(?:ian)?|russian|ukrainian|english|"
    r"polish|chinese|japanese)(?:\s+language)?\s*:\s*",
    re.IGNORECASE,
)
_SLASH_RE = re.compile(r"\s*/\s*")
# "X, management company of the Y holding": X and Y are both names of the entity.
_HOLDING_RE = re.compile(
    r"\s+(?:[-–—]\s*)?(?:the\s+)?(?:management|managing)\s+company\s+of\s+(?:the\s+)?"
    r"|(?:^|\s+)(?:upravlyayushchaya|управляющая)\s+(?:kompaniya|компания)\s+(?:kholdinga|холдинга)\s+"
    r"|(?:^|\s+)(?:kiruyuchaya|кіруючая)\s+(?:kampaniya|кампанія)\s+(?:kholdyngu|холдынгу)\s+",
    re.IGNORECASE,
)
_PAREN_RE = re.compile(r"\(([^()]*)\)")
# A spaced dash joins a short name and its expansion ("МЗКТ - Минский завод колёсных тягачей").
_DASH_RE = re.compile(r"\s+[-–—]\s+|\s+[–—]|[–—]\s+")
#: Pieces around a slash shorter than this are one name ("A/S", "c/o"), not two.
_SLASH_PIECE_MIN_LETTERS = 3
#: A single word cut off by a dash is a name of its own from this many letters, or if it is
#: written in capitals (an acronym such as AGAT) with at least three.
_DASH_WORD_MIN_LETTERS = 5
_DASH_ACRONYM_MIN_LETTERS = 3


def split_name(raw: str) -> list[str]:
    """The names a list entry holds, without repeats; the entry itself when it holds one."""
    parts: dict[str, None] = {}
    raw = strip_invisible(raw)
    for labelled in _LANGUAGE_LABEL_RE.split(raw):
        for piece in _split_slash(labelled.strip(" ;,")):
            for name in _unbracket(piece):
                for dashed in _undash(name):
                    for held in _unhold(dashed):
                        for named in _split_at_legal_form(held):
                            if tokenize(named):
                                parts.setdefault(named, None)
    return list(parts) or [raw]


def _split_at_legal_form(name: str) -> list[str]:
    """An abbreviated legal form inside a name starts a second one ("PLANAR JSC KBTEM" holds
    PLANAR and JSC KBTEM); the whole is kept too."""
    words = name.split()
    for i in range(1, len(words) - 1):
        if is_legal_form_abbreviation(words[i]):
            before, after = " ".join(words[:i]), " ".join(words[i:])
            if _is_name(before) and _is_name(after):
                return [name, before, after]
    return [name]


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def _split_slash(text: str) -> list[str]:
    pieces = [p.strip() for p in _SLASH_RE.split(text)]
    if len(pieces) > 1 and all(len(_letters(p)) >= _SLASH_PIECE_MIN_LETTERS for p in pieces):
        return pieces
    return [text]


def _unbracket(name: str) -> list[str]:
    """`X (Y)` holds X and, when Y is a name rather than a legal form or a place, Y; when Y is
    a place, "X Y" is kept too (CJSC Alfa-Bank (Belarus))."""
    inner = [m.strip() for m in _PAREN_RE.findall(name)]
    if not inner:
        return [name]
    outer = re.sub(r"\s+", " ", _PAREN_RE.sub(" ", name)).strip(" ,;")
    names = [outer] if tokenize(outer) else []
    names.extend(i for i in inner if _is_name(i))
    if any(not _is_name(i) and not is_only_legal_forms(tokenize(i)) for i in inner if tokenize(i)):
        names.append(re.sub(r"\s+", " ", name.replace("(", " ").replace(")", " ")).strip())
    return names or [name]


def _undash(name: str) -> list[str]:
    pieces = [p.strip() for p in _DASH_RE.split(name)]
    if len(pieces) == 1:
        return [name]
    kept = [name]
    for piece in pieces:
        words = tokenize(piece)
        if _is_name(piece) and (len(words) >= 2 or _is_single_word_name(piece)):
            kept.append(piece)
    return kept


def _unhold(name: str) -> list[str]:
    pieces = [p.strip(" ,;-–—") for p in _HOLDING_RE.split(name)]
    if len(pieces) == 1:
        return [name]
    return [name, *(p for p in pieces if _is_name(p))]


def _is_single_word_name(piece: str) -> bool:
    letters = _letters(piece)
    if len(letters) >= _DASH_WORD_MIN_LETTERS:
        return True
    return len(letters) >= _DASH_ACRONYM_MIN_LETTERS and all(c.isupper() for c in letters)


def _is_name(text: str) -> bool:
    tokens = tokenize(text)
    if not tokens or is_only_legal_forms(tokens):
        return False
    return not all(generic(t.key) for t in tokens)


# Where supplier files separate fields: commas, semicolons, pipes, colons, brackets, tabs, a
# spaced dash ("OAO Peleng, Minsk, BY - optics").
_FIELD_RE = re.compile(r"[,;|:()\[\]\t]+|\s[-–—]+\s")
_WORD_RE = re.compile(r"[^\W_]")
#: More fields than this and the line is not a name with notes: only the whole is screened.
MAX_PARTS = 8


def query_fields(text: str) -> list[str]:
    """The fields of a query when it holds several (a name is often one field of a supplier
    line, and the other fields, address, products, ids, are not its words), else [text]."""
    fields = [f.strip() for f in _FIELD_RE.split(text)]
    fields = [f for f in dict.fromkeys(fields) if _WORD_RE.search(f)]
    if len(fields) < 2 or len(fields) > MAX_PARTS:
        return [text]
    return fields
