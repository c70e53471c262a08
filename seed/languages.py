"""Tell Belarusian, Russian and Ukrainian Cyrillic names apart, where the letters make it obvious.

A name gets a language only when its letters leave no doubt; otherwise `None`. Mixed strings
(a Belarusian and a Russian form in one alias) get `None` too. Imports nothing from the seed.
"""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
#: Latin letters printed inside Cyrillic words in the EU texts ("Мiнскi", "Oткрытое").
_HOMOGLYPHS = str.maketrans({"i": "і", "I": "І"})
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04FFiI]+")

_UKRAINIAN_ONLY = set("єїґ")
_BELARUSIAN_ONLY = set("ў")
#: Letters Belarusian does not use at all.
_NOT_BELARUSIAN = set("ищъ")
#: Letters Ukrainian does not use at all.
_NOT_UKRAINIAN = set("ыэёъ")
_BELARUSIAN_FORMS = ("ААТ ", "ТАА ", "ЗАТ ", "ЗТАА ", "ТДА ", "AAT ", "TAA ")
_RUSSIAN_FORMS = ("ООО ", "ОАО ", "ЗАО ", "ПАО ", "АО ", "ИООО ", "OOO ", "OAO ")
#: Belarusian words of company legal forms ("Адкрытае акцыянернае таварыства").
_BELARUSIAN_WORDS = ("таварыства", "адкрытае", "закрытае", "акцыянернае")


def _cyrillic_letters(name: str) -> set[str]:
    """Lower-case letters of the Cyrillic words, with Latin homoglyphs read as Cyrillic."""
    letters: set[str] = set()
    for word in _CYRILLIC_WORD.findall(name):
        if _CYRILLIC.search(word):
            letters.update(word.translate(_HOMOGLYPHS).lower())
    return letters


def cyrillic_language(name: str) -> str | None:
    """The language ("be", "ru", "uk") of a Cyrillic name whose letters show it, else None."""
    if not _CYRILLIC.search(name):
        return None
    letters = _cyrillic_letters(name)
    mixed_i = "і" in letters and "и" in letters
    if letters & _UKRAINIAN_ONLY or (mixed_i and not letters & _NOT_UKRAINIAN):
        return "uk"
    belarusian = bool(letters & _BELARUSIAN_ONLY) or "і" in letters
    belarusian = belarusian or name.lstrip().startswith(_BELARUSIAN_FORMS)
    belarusian = belarusian or any(word in name.lower() for word in _BELARUSIAN_WORDS)
    if belarusian:
        return None if letters & _NOT_BELARUSIAN else "be"
    if letters & _NOT_BELARUSIAN or name.lstrip().startswith(_RUSSIAN_FORMS):
        return "ru"
    return None
