"""Text helpers for building and checking the dev set: scripts, homoglyphs, language of a Cyrillic
name, splitting combined list names, and a crude Latin skeleton used only for the dev set's own
sanity checks (never as a matcher).
"""

from __future__ import annotations

import re
import unicodedata

from schemes import SLOPPY, apply_table, fold_diacritics

_CYR = re.compile(r"[\u0400-\u04FF]")
_LAT = re.compile(r"[A-Za-z\u00C0-\u024F]")
_CJK = re.compile(r"[\u3040-\u30FF\u3400-\u9FFF\uFF00-\uFFEF]")
_LAT_TO_CYR = str.maketrans("aceiopxyABCEHIKMOPTXY", "асеіорхуАВСЕНІКМОРТХУ")
_CYR_TO_LAT = str.maketrans("асеіорхуАВСЕНІКМОРТХУ", "aceiopxyABCEHIKMOPTXY")
_LANGUAGE_LABEL = re.compile(r"\b(?:Belarussian|Belarusian|Russian)\s*:\s*")


def script_of(text: str) -> str:
    """'cyr', 'lat', 'mixed' (both, after folding homoglyphs) or 'other' (CJK, none)."""
    if _CJK.search(text):
        return "other"
    text = fold_homoglyphs(text)
    cyr, lat = bool(_CYR.search(text)), bool(_LAT.search(text))
    if cyr and lat:
        return "mixed"
    return "cyr" if cyr else "lat" if lat else "other"


def fold_homoglyphs(text: str) -> str:
    """Latin look-alikes inside Cyrillic words become Cyrillic, and the other way round."""

    def fold(match: re.Match[str]) -> str:
        word = match.group()
        cyr, lat = len(_CYR.findall(word)), len(_LAT.findall(word))
        if cyr and lat:
            return word.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)
        return word

    return re.sub(r"\w+", fold, text)


def lang_of(text: str, hint: str | None = None) -> str:
    """'be', 'ru' or 'uk' for a Cyrillic name (the list's label wins when it has one)."""
    if hint in ("be", "ru", "uk"):
        return hint
    low = fold_homoglyphs(text).lower()
    if re.search(r"[їєґ]", low):
        return "uk"
    if re.search(r"[іў]", low) and not re.search(r"[иъщ]", low):
        return "be"
    return "ru"


def split_names(name: str) -> list[str]:
    """One list string as the separate names it holds: 'A / B', 'Belarusian: X', 'A (B)'."""
    parts: list[str] = []
    for chunk in re.split(r"\s+/\s*|\s*/\s+|(?<=[’»”'])/|\s+Belarus(?:s)?ian:\s*", name):
        chunk = _LANGUAGE_LABEL.sub("", chunk).strip()
        paren = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", chunk)
        if paren and paren.group(2) != "Belarus":
            parts.extend([paren.group(1).strip(), paren.group(2).strip()])
        elif chunk:
            parts.append(chunk.replace("(", "").replace(")", ""))
    return [p for p in parts if len(p) > 1]


def skeleton(text: str) -> str:
    """Lower-case ASCII letters and digits, one space between words (for the set's checks)."""
    text = unicodedata.normalize("NFKC", fold_homoglyphs(text)).lower()
    text = fold_diacritics(apply_table(text, SLOPPY | {"г": "g", "ы": "y", "й": "y"}))
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def casefold_key(text: str) -> str:
    """What 'case- and space-insensitively equal' means in the tests."""
    return " ".join(text.casefold().split())
