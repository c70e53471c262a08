"""Romanisation schemes for Russian and Belarusian Cyrillic, and a reverse (Latin to Cyrillic)
table for names that are listed only in romanised form. Our own tables plus PyICU; nothing here
comes from the service's matching engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import icu

VOWELS_CYR = "аеёиоуыэюяіїєў"

#: Letters that every table below shares; each scheme overrides what differs.
_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ў": "u",
    "ї": "yi", "є": "ye", "ґ": "g", "'": "", "’": "", "ʼ": "",
}  # fmt: skip

#: GOST 7.79-2000 system B (ASCII, the Russian standard for non-geographic text).
GOST_779B = _BASE | {
    "ё": "yo", "й": "j", "х": "x", "ц": "cz", "щ": "shh", "ъ": "``", "ы": "y'", "ь": "`",
    "э": "e`", "ў": "u`", "і": "i", "'": "''",
}  # fmt: skip

#: ICAO Doc 9303 (machine-readable passports; Russian passports since 2014).
ICAO_9303 = _BASE | {"й": "i", "ъ": "ie", "ю": "iu", "я": "ia", "ў": "u"}

#: What a clerk types without a standard: h for х, c for ц, no soft signs, й as i.
SLOPPY = _BASE | {"х": "h", "ц": "c", "щ": "sch", "й": "i", "ы": "i", "ю": "yu", "ё": "e"}

#: German (Duden-style) transcription.
GERMAN = _BASE | {
    "в": "w", "ж": "sh", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ю": "ju", "я": "ja", "ё": "jo", "ы": "y", "с": "s",
}  # fmt: skip

#: Polish-style transcription, with diacritics (fold them for the ASCII variant).
POLISH = _BASE | {
    "в": "w", "ж": "ż", "й": "j", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz",
    "ю": "ju", "я": "ja", "ё": "jo", "ы": "y", "л": "ł", "ў": "ł",
}  # fmt: skip

#: French-style transcription.
FRENCH = _BASE | {
    "ж": "j", "й": "ï", "у": "ou", "х": "kh", "ч": "tch", "ш": "ch", "щ": "chtch", "ю": "iou",
    "я": "ia", "ё": "io", "ы": "y", "ў": "ou",
}  # fmt: skip

#: Belarusian national system (Instruction on transliteration, 2007 revision): diacritics,
#: г=h, х=ch, ц=c, ч=č, ш=š, ж=ž, ў=ŭ, й=j; е/ё/ю/я are je/jo/ju/ja word-initially and after
#: vowels, ie/io/iu/ia after consonants; a soft sign puts an acute on the consonant before it.
BY_NATIONAL_2007 = _BASE | {
    "г": "h", "ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "ў": "ŭ",
    "ы": "y", "э": "e",
}  # fmt: skip
_IOTATED_J = {"е": ("je", "ie"), "ё": ("jo", "io"), "ю": ("ju", "iu"), "я": ("ja", "ia")}
_SOFTENED_2007 = {"л": "ĺ", "н": "ń", "с": "ś", "ц": "ć", "з": "ź"}
_SOFT_VOWELS = set("еёиюяіь")

_ICU_CACHE: dict[str, icu.Transliterator] = {}


def _icu(rule: str) -> icu.Transliterator:
    if rule not in _ICU_CACHE:
        _ICU_CACHE[rule] = icu.Transliterator.createInstance(rule)
    return _ICU_CACHE[rule]


def fold_diacritics(text: str) -> str:
    """Latin letters without accents, as many ERP systems store them (ł, ʹ, ʺ, · folded too)."""
    for mark in ("ʹ", "ʺ", "·", "\u0331"):
        text = text.replace(mark, "")
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def caps_mask(text: str) -> list[bool]:
    """True for each letter that stands in an all-capitals word of two or more letters."""
    mask = [False] * len(text)
    for match in re.finditer(r"[^\W\d_]{2,}", text):
        if match.group().isupper():
            mask[match.start() : match.end()] = [True] * (match.end() - match.start())
    return mask


def _iotated(low: str, prev: str, initial: bool, rules: str) -> str | None:
    """е/ё/ю/я under the context rules of the national, Polish and German schemes."""
    if low not in _IOTATED_J:
        return None
    j_form, i_form = _IOTATED_J[low]
    if initial:
        return j_form
    if "german" in rules:
        return "e" if low == "е" else j_form
    if "polish" in rules and (prev == "л" or prev in "жцчшщ"):
        return i_form[1:]
    return i_form


def _letter(text: str, i: int, table: dict[str, str], rules: str) -> str | None:
    """The Latin for text[i] under a table plus optional context rules, None if not Cyrillic."""
    low = text[i].lower()
    prev = text[i - 1].lower() if i else " "
    nxt = text[i + 1].lower() if i + 1 < len(text) else " "
    initial = not prev.isalpha() or prev in VOWELS_CYR or prev in "ьъ'’ʼ"
    if low in "'’ʼ" and not (prev.isalpha() and nxt.isalpha()):
        return None  # a quote mark, not the Belarusian apostrophe inside a word
    if rules and (latin := _iotated(low, prev, initial, rules)) is not None:
        return latin
    if "acute" in rules and low in _SOFTENED_2007 and nxt == "ь":
        return _SOFTENED_2007[low]
    if "polish" in rules and low == "л":
        return "l" if nxt in _SOFT_VOWELS else "ł"
    if "polish" in rules and low == "и" and prev in "жшц":
        return "y"
    return table.get(low)


def apply_table(text: str, table: dict[str, str], rules: str = "") -> str:
    """Letter-by-letter transliteration; capitals follow the source letter or word."""
    caps = caps_mask(text)
    out: list[str] = []
    for i, char in enumerate(text):
        latin = _letter(text, i, table, rules)
        if latin is None:
            out.append(char)
        elif caps[i]:
            out.append(latin.upper())
        elif char.isupper():
            out.append(latin[:1].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def by_national_2007(text: str) -> str:
    return apply_table(text, BY_NATIONAL_2007, "national acute")


#: Quote marks standing between words (not an apostrophe inside a word like аб'яднанне).
_QUOTE_MARK = re.compile(r"[«»‘“”„\"]|(?<!\w)['’]|['’](?!\w)")


def _icu_scheme(rule: str, ascii_only: bool = False) -> Callable[[str], str]:
    def convert(text: str) -> str:
        parts = re.split(f"({_QUOTE_MARK.pattern})", text)
        # ICU reads a closing ’ as the Belarusian apostrophe: transliterate between the quotes
        latin = "".join(p if p and _QUOTE_MARK.fullmatch(p) else _icu(rule).transliterate(p)
                        for p in parts if p)  # fmt: skip
        latin = latin.replace("\u0331", "").replace("·", "")
        return fold_diacritics(latin) if ascii_only else latin

    return convert


def _table_scheme(
    table: dict[str, str], rules: str = "", ascii_only: bool = False
) -> Callable[[str], str]:
    def convert(text: str) -> str:
        latin = apply_table(text, table, rules)
        return fold_diacritics(latin) if ascii_only else latin

    return convert


#: Schemes for Russian-language Cyrillic: name -> function.
RUSSIAN_SCHEMES: dict[str, Callable[[str], str]] = {
    "BGN/PCGN (ICU Russian-Latin/BGN)": _icu_scheme("Russian-Latin/BGN"),
    "BGN/PCGN without diacritics": _icu_scheme("Russian-Latin/BGN", ascii_only=True),
    "ISO 9 (ICU Cyrillic-Latin)": _icu_scheme("Cyrillic-Latin"),
    "ISO 9 without diacritics": _icu_scheme("Cyrillic-Latin", ascii_only=True),
    "GOST 7.79-2000 system B": _table_scheme(GOST_779B),
    "ICAO 9303 passport": _table_scheme(ICAO_9303),
    "German-style": _table_scheme(GERMAN, "german"),
    "Polish-style": _table_scheme(POLISH, "polish"),
    "Polish-style without diacritics": _table_scheme(POLISH, "polish", ascii_only=True),
    "French-style": _table_scheme(FRENCH),
    "sloppy ASCII": _table_scheme(SLOPPY),
}

#: Schemes for Belarusian-language Cyrillic.
BELARUSIAN_SCHEMES: dict[str, Callable[[str], str]] = {
    "BGN/PCGN (ICU Belarusian-Latin/BGN)": _icu_scheme("Belarusian-Latin/BGN"),
    "BGN/PCGN without diacritics": _icu_scheme("Belarusian-Latin/BGN", ascii_only=True),
    "Belarusian national 2007": by_national_2007,
    "Belarusian national 2007 without diacritics": lambda t: fold_diacritics(by_national_2007(t)),
    "ISO 9 without diacritics": _icu_scheme("Cyrillic-Latin", ascii_only=True),
    "ICAO 9303 passport": _table_scheme(ICAO_9303 | {"г": "h"}),
    "Polish-style": _table_scheme(POLISH | {"г": "h"}, "polish"),
    "sloppy ASCII": _table_scheme(SLOPPY | {"г": "h", "ў": "w"}),
}

UKRAINIAN_SCHEMES: dict[str, Callable[[str], str]] = {
    "BGN/PCGN (ICU Ukrainian-Latin/BGN)": _icu_scheme("Ukrainian-Latin/BGN"),
    "sloppy ASCII": _table_scheme(SLOPPY | {"г": "h", "и": "y"}),
}


def schemes_for(lang: str) -> dict[str, Callable[[str], str]]:
    return {"be": BELARUSIAN_SCHEMES, "uk": UKRAINIAN_SCHEMES}.get(lang, RUSSIAN_SCHEMES)


# Reverse direction: romanised Russian or Belarusian back to Cyrillic, longest match first.
_REVERSE_RU = {
    "shch": "щ", "sch": "щ", "tech": "тех", "zh": "ж", "kh": "х", "ts": "ц", "ch": "ч",
    "sh": "ш", "yu": "ю", "ya": "я", "yo": "ё", "ye": "е", "iy": "ий", "ae": "аэ", "x": "кс",
    "iya": "ия", "iye": "ие", "iyu": "ию", "tstv": "тств", "styu": "стью", "proiz": "произ",
    "ntsk": "нтск", "geoi": "геои", "export": "экспорт", "eksport": "экспорт",
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "k": "к",
    "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
    "f": "ф", "h": "х", "y": "ы", "j": "й", "'": "ь",
}  # fmt: skip
_REVERSE_BE = _REVERSE_RU | {
    "i": "і", "iy": "ій", "h": "г", "g": "г", "w": "ў", "ia": "я", "iu": "ю", "iya": "ія",
    "iia": "ія", "iye": "іе", "rye": "рые", "ae": "ае",
}  # fmt: skip
#: Signs of a romanised Belarusian name: its words, -au endings (ў), and an h that is not
#: part of kh, zh, ch or sh (Russian romanisations have no other h).
_BELARUSIAN = re.compile(
    r"tavarystv|adkryta|aktsyyaner|kampaniya|pradpryem|dzyarzh|ustanova|hramadsk|spartyun"
    r"|navukova|kamitet|au\b|(?<![kzcs])h",
    re.I,
)
_ACRONYM = re.compile(r"[B-DF-HJ-NP-TV-XZ]{2,6}")


def looks_belarusian(latin: str) -> bool:
    return bool(_BELARUSIAN.search(latin))


def _reverse_chunks(low: str, table: dict[str, str], lang: str) -> list[tuple[int, str]]:
    """(position in the word, Cyrillic) for each matched chunk of a lower-case Latin word."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(low):
        after_vowel = bool(out) and out[-1][1][-1] in VOWELS_CYR
        nxt = low[i + 1 : i + 2]
        if after_vowel and (
            (low[i] == "y" and nxt not in ("a", "e", "o", "u"))
            or (low[i] == "i" and nxt not in ("a", "e", "o", "u", "y"))
        ):
            out.append((i, "й"))  # y or i after a vowel, not before one: Minskiy, Minskii, Dubai
            i += 1
            continue
        if lang == "be" and low[i] == "u" and after_vowel and nxt and nxt not in "aeiouy":
            out.append((i, "ў"))  # Dzyarzhauny: a vowel, u, a consonant: ў
            i += 1
            continue
        if low[i:] in ("tsia", "tsii"):
            out.append((i, "ция" if low[i:] == "tsia" else "ции"))  # Belaeronavigatsia, Aviatsii
            break
        for size in (7, 6, 5, 4, 3, 2, 1):
            chunk = low[i : i + size]
            if chunk in table:
                cyrillic = "э" if chunk == "e" and i == 0 else table[chunk]
                if chunk == "ye" and out and out[-1][1][-1] not in VOWELS_CYR + "ьъ":
                    cyrillic = "ые"  # BGN writes ые after a consonant as 'ye': Oboronnye
                out.append((i, cyrillic))
                i += size
                break
        else:
            out.append((i, low[i]))
            i += 1
    return out


def _reverse_word(word: str, table: dict[str, str], lang: str) -> str:
    """One Latin word in Cyrillic; each chunk keeps the case of its first Latin letter. An
    acronym without vowels (TSP, MZKT) goes letter by letter: ТСП, not ЦП."""
    if _ACRONYM.fullmatch(word):
        return "".join(table.get(c, c) for c in word.lower()).upper()
    chunks = _reverse_chunks(word.lower(), table, lang)
    if word.isupper() and len(word) > 1:
        return "".join(c for _, c in chunks).upper()
    return "".join(c[:1].upper() + c[1:] if word[i].isupper() else c for i, c in chunks)


def to_cyrillic(latin: str, lang: str | None = None) -> str:
    """Romanised Russian (or Belarusian) back to Cyrillic, word by word."""
    lang = lang or ("be" if looks_belarusian(latin) else "ru")
    table = _REVERSE_BE if lang == "be" else _REVERSE_RU
    cyrillic = re.sub(
        r"(?<![0-9])[A-Za-z']+", lambda m: _reverse_word(m.group(), table, lang), latin
    )
    return re.sub(r"(?<=[сц]к)ы\b", "ий", re.sub(r"(?<=[СЦ]К)Ы\b", "ИЙ", cyrillic))
