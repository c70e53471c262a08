"""Generated supplier-master lines and combined variations (several changes at once).
Tax ids (UNP) are synthetic; streets, postcodes and cities come from the seed's addresses.
"""

from __future__ import annotations

import random

import noise
import variants
from cases import Case
from generate import cyrillic_of, is_romanised, make_case, pick, source_of
from legalforms import family_of, split_legal_form
from schemes import schemes_for
from seedinfo import Seed

#: ERP name fields that cut a line: SAP's vendor name fields hold 35 characters.
ERP_FIELD = 35

LATIN_LINES = (
    "Supplier: {name}, {city}, BY - {product}",
    "{NAME}; UNP {unp}; {postcode} {city}",
    "Vendor {vendor} | {name} | {city} | BY",
    "{name}, {street}, {postcode} {city}, Belarus",
    "{name} (UNP {unp})",
    "Kreditor {vendor}: {name}, {city}",
    "Lieferant: {name}, {postcode} {city}, Weissrussland",
    "{NAME},{CITY},BY,{unp}",
    "{name} - {product}.",
    "{NAME} {city} {product}",
)
CYRILLIC_LINES = (
    "Поставщик: {name}, г. {city}, УНП {unp}",
    "{name} - {suffix}",
    "{name}, {postcode}, г. {city}, Республика Беларусь",
    "{name} УНП {unp}",
    "{NAME} / {city} / {product}",
)
FOREIGN_LINES = (
    "Vendor {vendor} | {name} | {country}",
    "{name} - {product}.",
    "Kreditor {vendor}: {name} ({country})",
    "{NAME};{country};{product}",
)
CYRILLIC_SUFFIXES = ("управляющая компания", "филиал", "головное предприятие", "г. Минск")


def _fields(seed: Seed, eid: str, name: str, cyrillic: bool, rng: random.Random) -> dict[str, str]:
    entity = seed.entities[eid]
    street, postcode = noise.address_parts(entity)
    city = noise.city(entity, cyrillic, rng) or ""
    return {
        "name": name, "NAME": name.upper(), "city": city, "CITY": city.upper(),
        "product": noise.product(entity, cyrillic, rng), "unp": noise.unp(eid),
        "postcode": postcode or "", "street": street or "", "country": entity.country[0],
        "vendor": str(rng.randint(10000, 99999)), "suffix": rng.choice(CYRILLIC_SUFFIXES),
    }  # fmt: skip


def _templates(fields: dict[str, str], cyrillic: bool, belarusian: bool) -> tuple[str, ...]:
    """The line shapes that fit what is known of the entity (no invented city or address)."""
    if not belarusian:
        return FOREIGN_LINES
    templates = CYRILLIC_LINES if cyrillic else LATIN_LINES
    missing = [k for k in ("city", "postcode", "street") if not fields[k]]
    return tuple(t for t in templates if not any(f"{{{k}}}" in t for k in missing))


def supplier_lines(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    out: list[Case] = []
    for name in pick(seed.usable(eid), rng, 2):
        cyrillic = name.script == "cyr"
        fields = _fields(seed, eid, name.text, cyrillic, rng)
        belarusian = seed.entities[eid].country[:1] == ("BY",)
        template = rng.choice(_templates(fields, cyrillic, belarusian))
        line = template.format(**fields)
        note = f"supplier line '{template}' with {source_of(name, name.text)}"
        core_end = line.upper().find(name.core.upper()) + len(name.core)
        if (
            len(line) > ERP_FIELD
            and rng.random() < 0.35
            and len(name.core) <= core_end <= ERP_FIELD
        ):
            line = line[:ERP_FIELD]
            note += f", cut at {ERP_FIELD} characters like an ERP field"
        out += make_case(seed, eid, line, "supplier_line", note + "; the tax id is synthetic")
        if len(out) >= 1 + (len(seed.usable(eid)) >= 6):
            break
    return out


def _base(seed: Seed, eid: str, rng: random.Random) -> tuple[str, str] | None:
    """The starting point of a combined case: a Cyrillic name, a romanisation of one, or a
    Cyrillic rendering of a romanised name."""
    cyrillic = seed.usable(eid, "cyr")
    romanised = [n for n in seed.usable(eid, "lat") if is_romanised(n.text)]
    choice = rng.choice(["cyr", "lat", "back"])
    if choice == "cyr" and cyrillic:
        name = pick(cyrillic, rng)[0]
        return name.text, f"listed Cyrillic '{name.text}'"
    if choice == "lat" and cyrillic:
        name = pick(cyrillic, rng)[0]
        label, scheme = rng.choice(list(schemes_for(name.lang).items()))
        return scheme(name.text), f"{label} of listed '{name.text}'"
    if romanised and seed.entities[eid].country[:1] in (("BY",), ("RU",)):
        name = pick(romanised, rng)[0]
        return cyrillic_of(name.text)[0], f"Cyrillic written back from listed '{name.text}'"
    names = seed.usable(eid)
    if not names:
        return None
    name = pick(names, rng)[0]
    return name.text, f"listed '{name.text}'"


def combined(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    """Two or three changes on top of each other: script, typo, legal form, noise, case."""
    start = _base(seed, eid, rng)
    if start is None:
        return []
    text, note = start
    family = family_of(list(seed.entities[eid].all_names))
    steps = [variants.typo]
    if family and split_legal_form(text)[1]:
        steps.append(lambda t, r: variants.swap_legal_form(t, r, family))
    steps += [_noise(seed, eid), variants.casing, variants.requote, variants.reorder]
    done = [note]
    for step in [steps[0], *rng.sample(steps[1:], min(len(steps) - 1, rng.choice([1, 2])))]:
        changed = step(text, rng)
        if changed:
            text, _ = changed
            done.append(changed[1])
    if len(done) < 3:
        return []
    return make_case(seed, eid, text, "combined", "; then ".join(done))


def _noise(seed: Seed, eid: str) -> variants.Transform:
    def add(text: str, rng: random.Random) -> variants.Variant:
        cyrillic = any("\u0400" <= c <= "\u04ff" for c in text)
        piece, kind = noise.noise_piece(seed.entities[eid], cyrillic, rng)
        if piece.lower() in text.lower():
            return None
        return noise.attach(text, piece, rng, kind), f"{kind} words added"

    return add
