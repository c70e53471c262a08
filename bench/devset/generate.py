"""Generated positives: for every seed entity, a few variants of its listed names per category.
Each (category, entity) pair has its own random generator seeded by name, so adding or removing
an entity changes no other entity's cases.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import noise
import variants
from cases import Case
from legalforms import (
    ABBREVIATIONS,
    cyrillic_abbreviation,
    family_of,
    forms_of,
    split_legal_form,
)
from schemes import looks_belarusian, schemes_for, to_cyrillic
from seedinfo import Name, Seed
from vocab import ENGLISH

Generator = Callable[[Seed, str, random.Random], list[Case]]
_UKRAINIAN = re.compile(r"tovarystv|vidpovidal|pidpryiem|vyrobnych", re.I)


def pick(names: list[Name], rng: random.Random, k: int = 1) -> list[Name]:
    """Up to k names, a.k.a. names first (f.k.a. names keep a small chance)."""
    pool = [n for n in names if n.kind == "aka"] or names
    if rng.random() < 0.1:
        pool = names
    return rng.sample(pool, min(k, len(pool)))


def _how_many(seed: Seed, eid: str, rng: random.Random) -> int:
    """One case per entity and category, two for entities with many names (half the time)."""
    return 2 if len(seed.usable(eid)) >= 6 and rng.random() < 0.5 else 1


def make_case(seed: Seed, eid: str, query: str, category: str, note: str) -> list[Case]:
    """A one-case list, or none when the query is a listed name or names another entity."""
    # collapse spaces, except where a double space is the variation itself
    query = " ".join(query.split()) if "  " not in query else query.strip()
    if not query or seed.is_listed(query) or seed.positive_problem(query, eid):
        return []
    return [Case(query, "", eid, category, note)]


def source_of(name: Name, text: str) -> str:
    return f"listed '{name.text}'" if text == name.text else f"core of listed '{name.text}'"


def is_english(text: str) -> bool:
    return any(w.lower() in ENGLISH for w in re.findall(r"[A-Za-z]+", text))


def is_romanised(text: str) -> bool:
    """A Latin name that is a letter-by-letter romanisation of Russian or Belarusian (legal-form
    abbreviations such as LLC or OAO aside)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in ABBREVIATIONS]
    if not words or _UKRAINIAN.search(text) or any(w in ENGLISH for w in words):
        return False
    return not any(re.search(r"c(?!h)|w|q|j", w) for w in words)  # j: Łacinka-style spelling


def translit_lat(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    """Latin romanisations of listed Cyrillic names, or re-romanisations of romanised ones."""
    out: list[Case] = []
    cyrillic = seed.usable(eid, "cyr")
    for name in pick(cyrillic, rng, _how_many(seed, eid, rng)):
        schemes = list(schemes_for(name.lang).items())
        for label, scheme in rng.sample(schemes, min(3, len(schemes))):
            text = name.text if rng.random() < 0.6 else name.core
            note = f"{label} romanisation of {name.lang} {source_of(name, text)}"
            found = make_case(seed, eid, scheme(text), "translit_lat_query", note)
            if found:
                out += found
                break
    if cyrillic:
        return out
    romanised = [n for n in seed.usable(eid, "lat") if is_romanised(n.text)]
    for name in pick(romanised, rng):
        lang = "be" if looks_belarusian(name.text) else "ru"
        label, scheme = rng.choice([s for s in schemes_for(lang).items() if "BGN" not in s[0]])
        query = scheme(cyrillic_of(name.text)[0])
        out += make_case(seed, eid, query, "translit_lat_query",
                     f"{label} re-romanisation of listed romanised name '{name.text}'")  # fmt: skip
    return out


def cyrillic_of(text: str) -> tuple[str, str]:
    """A romanised name in Cyrillic; a legal-form abbreviation (OAO, LLC, JSC) anywhere in it
    becomes its Cyrillic equivalent (ОАО, ООО; ААТ, ТАА for Belarusian names)."""
    lang = "be" if looks_belarusian(text) else "ru"

    def word(match: re.Match[str]) -> str:
        form = cyrillic_abbreviation(match.group(), lang == "be")
        return form or to_cyrillic(match.group(), lang)

    forms = split_legal_form(text)[1]
    if forms and not forms[0].abbreviation and is_english(forms[0].text):
        text = text.replace(forms[0].text, forms_of(forms[0].family, cyrillic=True)[0].text)
    return re.sub(r"[A-Za-z0-9']+", word, text), lang


def translit_cyr(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    """Cyrillic written back from a listed romanised name (how a Russian speaker types it)."""
    if seed.entities[eid].country[:1] not in (("BY",), ("RU",)):
        return []  # a Turkish or Cypriot name has no Russian spelling to write back
    romanised = [n for n in seed.usable(eid, "lat") if is_romanised(n.text)]
    out: list[Case] = []
    for name in pick(romanised, rng, 2):
        text = name.text if rng.random() < 0.5 else name.core
        query, lang = cyrillic_of(text)
        out += make_case(seed, eid, query, "translit_cyr_query",
                     f"{lang} Cyrillic written back from {source_of(name, text)}")  # fmt: skip
        if out:
            break
    return out


def legal_form(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    family = family_of(list(seed.entities[eid].all_names))
    if not family:
        return []
    out: list[Case] = []
    for name in pick(seed.usable(eid), rng, _how_many(seed, eid, rng) + 1):
        changed = variants.swap_legal_form(name.text, rng, family)
        if changed:
            out += make_case(
                seed, eid, changed[0], "legal_form", f"{changed[1]} ({source_of(name, name.text)})"
            )
    return out


def _surface(kind: str, change: Callable[[str, random.Random], variants.Variant]) -> Generator:
    """A generator applying one kind of change to one or two listed names of the entity."""

    def generate(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
        out: list[Case] = []
        for name in pick(seed.usable(eid), rng, _how_many(seed, eid, rng) + 1):
            text = name.text if rng.random() < 0.6 else name.core
            changed = change(text, rng)
            if changed and changed[0] != text:
                note = f"{changed[1]} ({source_of(name, text)})"
                out += make_case(seed, eid, changed[0], kind, note)
            if len(out) >= _how_many(seed, eid, rng):
                break
        return out

    generate.__name__ = kind
    return generate


def _typo(text: str, rng: random.Random) -> variants.Variant:
    return variants.typo(text, rng, edits=2 if rng.random() < 0.3 else 1)


def _punctuation(text: str, rng: random.Random) -> variants.Variant:
    first, second = rng.sample(variants.PUNCTUATION, 2)
    changed = first(text, rng)
    if changed and rng.random() < 0.5 and (more := second(changed[0], rng)):
        return more[0], f"{changed[1]}; {more[1]}"
    return changed or second(text, rng)


def _noise_for(seed: Seed) -> Callable[[str, random.Random], variants.Variant]:
    def add_noise(text: str, rng: random.Random) -> variants.Variant:
        eid = next(e for e, names in seed.names.items() if any(n.text == text or n.core == text
                                                               for n in names))  # fmt: skip
        cyrillic = bool(re.search(r"[\u0400-\u04FF]", text))
        piece, kind = noise.noise_piece(seed.entities[eid], cyrillic, rng)
        if piece.lower() in text.lower():
            return None
        changed = noise.attach(text, piece, rng, kind)
        if rng.random() < 0.3:
            second, kind2 = noise.noise_piece(seed.entities[eid], cyrillic, rng)
            if second not in changed and kind2 != kind:
                changed, kind = noise.attach(changed, second, rng, kind2), f"{kind} and {kind2}"
        return changed, f"{kind} words added"

    return add_noise


def generators(seed: Seed) -> dict[str, Generator]:
    return {
        "translit_lat_query": translit_lat,
        "translit_cyr_query": translit_cyr,
        "legal_form": legal_form,
        "typo": _surface("typo", _typo),
        "word_order": _surface("word_order", variants.reorder),
        "noise_words": _surface("noise_words", _noise_for(seed)),
        "punctuation": _surface("punctuation", _punctuation),
    }


def generate_all(seed: Seed, extra: dict[str, Generator] | None = None) -> list[Case]:
    out: list[Case] = []
    for category, generator in (generators(seed) | (extra or {})).items():
        for eid in sorted(seed.entities):
            out += generator(seed, eid, random.Random(f"{category}:{eid}"))
    return out
