"""Generated positives for the classes of miss seen from outside: compounds written apart or
together, supplier-line abbreviations and appended places, letter/digit confusion, single
letters that belong to the name, one typo in the distinctive word of a long name, and heavier
corruption (several edits, stray punctuation, a legal form glued to the name).
"""

from __future__ import annotations

import random
import re

import variants
from cases import Case
from generate import Generator, make_case, pick, source_of
from legalforms import ABBREVIATIONS, split_legal_form
from seedinfo import Name, Seed
from textnorm import skeleton
from vocab import GENERIC, LEGAL, PLACES, STOP

#: Parts that glued Belarusian brand names are made of (Bel-Biznes-Lizing, Trans-Avia-Export).
MORPHEMES = set(
    """
    belarus bel biznes business lizing leasing gaz prom agro invest bank tech tekh export eksport
    vnesh spets service servis tamozh kali rezino tekhnika technika magistral avto auto trans
    nefte neft khim les bum kommun mash aero navigatsia avia svetlogorsk volokno stanko gomel
    steklo tsentr kurort global custom oskar tour rukh servo motor absolut oner slav volat ruz
    ekspeditsiya spedition inter gard security group inno baz tube lako kraska kaz tehno lit leg
    shina energo oil steel kap veb nafta khimvolokno
    """.split()
)

#: Supplier-line abbreviations of words in English names (what ERP name fields shorten).
ABBREVIATE = (
    ("Open Joint Stock Company", ("Open JS Co.", "OJS Co")),
    ("Joint Stock Company", ("JS Co.", "Joint Stock Co.", "J.S. Co")),
    ("Limited Liability Company", ("Ltd. Liab. Co.", "Ltd Liability Co")),
    ("Limited Sirketi", ("Ltd Sti", "Ltd. Şti.", "Ltd. Sti.")),
    ("Hizmetleri", ("Hizm.",)), ("Danismanlik", ("Dan.",)),
    ("Company", ("Co.", "Co", "Comp.")), ("Republic", ("Rep.",)), ("Republican", ("Rep.",)),
    ("Limited", ("Ltd", "Ltd.")), ("Corporation", ("Corp.",)), ("International", ("Intl", "Int'l")),
    ("Enterprise", ("Ent.", "Entpr.")), ("Production", ("Prod.",)),
    ("Association", ("Assoc.", "Assn")),
    ("Department", ("Dept.", "Dep.")), ("Directorate", ("Dir.",)), ("Ministry", ("Min.",)),
    ("Committee", ("Cttee", "Comm.")), ("Management", ("Mgmt", "Mgt.")),
    ("Engineering", ("Eng.", "Engg")), ("Industrial", ("Ind.",)), ("Industry", ("Ind.",)),
    ("Scientific", ("Sci.",)), ("Research", ("Res.",)), ("Technologies", ("Techn.", "Tech.")),
    ("Mechanical", ("Mech.",)), ("Electromechanical", ("Electromech.",)), ("Holding", ("Hldg",)),
    ("Trading", ("Trdg",)), ("General", ("Gen.",)), ("Development", ("Dev.",)),
    ("Executive", ("Exec.",)), ("Institute", ("Inst.",)), ("National", ("Nat.", "Natl")),
    ("Center", ("Ctr",)), ("Centre", ("Ctr",)), ("Regional", ("Reg.",)), ("Region", ("Reg.",)),
    ("Speditions", ("Sped.",)), ("Brothers", ("Bros.",)), ("Incorporated", ("Inc.",)),
    ("Systems", ("Sys.",)), ("Electronic", ("Electr.",)), ("and", ("&",)),
)  # fmt: skip
#: Where a supplier master puts the place: city and ISO country code after the name.
PLACE_SUFFIXES = ("{name} {CITY} {cc}", "{name}, {city}, {cc}", "{name} {cc}", "{name} {CITY}",
                  "{name} - {city} ({cc})")  # fmt: skip

#: Look-alike letters for digits, and digits for letters (as OCR and careless typing swap them).
DIGIT_TO_LETTER = {"0": "O", "1": "l", "2": "Z", "5": "S", "6": "b", "8": "B"}
LETTER_TO_DIGIT = {"O": "0", "o": "0", "I": "1", "l": "1", "i": "1", "S": "5", "B": "8",
                   "Z": "2", "G": "6", "s": "5", "О": "0", "З": "3", "б": "6"}  # fmt: skip
OCR_PAIRS = (("m", "rn"), ("rn", "m"), ("d", "cl"), ("I", "l"), ("l", "I"), ("O", "Q"))


def _names(seed: Seed, eid: str, script: str | None = None) -> list[Name]:
    return seed.usable(eid, script)


def _once(seed: Seed, eid: str, category: str, rng: random.Random, candidates: list[Name],
          change: variants.Transform, tries: int = 3) -> list[Case]:  # fmt: skip
    """One case from the first of a few picked names that the change applies to."""
    for name in pick(candidates, rng, tries) if candidates else []:
        text = name.text if rng.random() < 0.6 else name.core
        changed = change(text, rng)
        if changed and changed[0] != text:
            found = make_case(
                seed, eid, changed[0], category, f"{changed[1]} ({source_of(name, text)})"
            )
            if found:
                return found
    return []


# -- compounds ---------------------------------------------------------------------------------


def segment(word: str) -> list[str] | None:
    """A glued word as the known parts it is made of (fewest parts), or None."""
    low = word.lower()
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(low) + 1):
        for start in range(end):
            part = low[start:end]
            if start in best and part in MORPHEMES:
                found = best[start] + [part]
                if end not in best or len(found) < len(best[end]):
                    best[end] = found
    parts = best.get(len(low))
    return parts if parts and len(parts) >= 2 else None


def _split_parts(word: str, parts: list[str]) -> list[str]:
    """The parts cut out of the word as written (its capitals kept)."""
    out, i = [], 0
    for part in parts:
        out.append(word[i : i + len(part)])
        i += len(part)
    return out


def _cased(piece: str, style: str) -> str:
    return piece.upper() if style == "upper" else piece[:1].upper() + piece[1:].lower()


def compound(text: str, rng: random.Random) -> variants.Variant:
    """A compound written apart, together or hyphenated: Bel-Kap-Steel / BELKAPSTEEL,
    BelKazTrans / Bel Kaz Trans, Belbizneslizing / Bel-Biznes-Lizing, Tabak Invest / TABAKINVEST."""
    core = split_legal_form(text)[0]
    hyphenated = re.search(r"\b\w+(?:\s?[-–]\s?\w+)+\b", core)
    if hyphenated and rng.random() < 0.8:
        old = hyphenated.group()
        pieces = re.split(r"\s?[-–]\s?", old)
        new = "".join(pieces) if rng.random() < 0.6 else " ".join(pieces)
        new = new.upper() if rng.random() < 0.5 else new
        return text.replace(
            old, new, 1
        ), f"hyphenated '{old}' written {'together' if ' ' not in new else 'apart'}"
    for word in sorted(re.findall(r"[A-Za-z]{7,}", core), key=len, reverse=True):
        camel = re.findall(r"[A-Z][a-z]+|[A-Z]+(?![a-z])", word)
        parts = camel if len(camel) >= 2 and "".join(camel) == word else None
        if parts is None and (found := segment(word)):
            parts = _split_parts(word, found)
        if not parts or skeleton(word) in GENERIC:
            continue
        style = "upper" if text.isupper() or rng.random() < 0.3 else "title"
        sep = rng.choice([" ", "-", " ", "-", " - "])
        new = sep.join(_cased(p, style) for p in parts)
        return text.replace(word, new, 1), f"'{word}' split into {sep.join(parts)!r}"
    words = core.split()
    generic = [w for w in words if skeleton(w) in GENERIC]
    if (
        2 <= len(words) <= 3
        and len(generic) <= 1
        and not any(skeleton(w) in PLACES for w in words)
        and all(w.isalpha() and len(w) >= 3 and w.lower() not in ABBREVIATIONS for w in words)
        and sum(len(w) >= 4 for w in words) >= 2
        and len(core) <= 20
    ):
        glued = "".join(words)
        glued = glued.upper() if rng.random() < 0.6 else glued[:1] + glued[1:].lower()
        return text.replace(core, glued, 1), f"'{core}' written together"
    return None


# -- abbreviations and places ------------------------------------------------------------------


def abbreviate(text: str, rng: random.Random) -> variants.Variant:
    """One or two words of an English name abbreviated as supplier files do (Co., Rep., Ltd
    Sti, Hizm., Intl, Corp.)."""
    found = [(long, short) for long, short in ABBREVIATE
             if re.search(rf"(?<!\w){re.escape(long)}(?!\w)", text, re.I)]  # fmt: skip
    if not found:
        return None
    notes = []
    for long, shorts in rng.sample(found, min(len(found), rng.choice([1, 1, 2]))):
        short = rng.choice(shorts)
        match = re.search(rf"(?<!\w){re.escape(long)}(?!\w)", text, re.I)
        if not match:
            continue
        short = short.upper() if match.group().isupper() and len(match.group()) > 3 else short
        text = text[: match.start()] + short + text[match.end() :]
        notes.append(f"'{long}' as '{short}'")
    return (text, "abbreviated: " + ", ".join(notes)) if notes else None


def _place(seed: Seed, eid: str, rng: random.Random) -> tuple[str, str] | None:
    """A city of the entity and its country code (any country, from the seed's addresses)."""
    entity = seed.entities[eid]
    places = [(a.city.split("/")[0].strip(), a.country or entity.country[0])
              for a in entity.addresses if a.city and (a.country or entity.country)]  # fmt: skip
    places = [(c, cc) for c, cc in places if re.fullmatch(r"[A-Za-z .'-]+", c)]
    return rng.choice(places) if places else None


def abbreviation(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    """Supplier-line abbreviations, and the city and country code appended to the name."""
    place = _place(seed, eid, rng)
    code = seed.entities[eid].country[0]

    def change(text: str, r: random.Random) -> variants.Variant:
        short = abbreviate(text, r)
        if short and r.random() < 0.6:
            return short
        city, cc = place or ("", code)
        templates = [t for t in PLACE_SUFFIXES if city or "city" not in t.lower()]
        template = r.choice(templates)
        base = short[0] if short else text
        line = template.format(name=base, city=city, CITY=city.upper(), cc=cc)
        note = (short[1] + "; " if short else "") + f"place appended: '{template}'"
        return (line.upper(), note + "; upper case") if r.random() < 0.4 else (line, note)

    return _once(seed, eid, "abbreviation", rng, _names(seed, eid, "lat"), change)


# -- letters and digits ------------------------------------------------------------------------


def digit_letter(text: str, rng: random.Random) -> variants.Variant:
    """Letter/digit confusion: a digit of a number read as a letter (4O7, l40), or a letter of
    a distinctive word read as a digit (BEL0MO, 5YNESIS), or an OCR pair (rn for m)."""
    digits = [m for m in re.finditer(r"\d", text) if m.group() in DIGIT_TO_LETTER]
    if digits and rng.random() < 0.8:
        m = rng.choice(digits)
        new = DIGIT_TO_LETTER[m.group()]
        new = new.lower() if new == "l" and rng.random() < 0.5 else new
        return text[: m.start()] + new + text[m.end() :], f"digit {m.group()} written as {new!r}"
    core = split_legal_form(text)[0]
    words = [w for w in re.findall(r"[^\W\d_]{4,}", core) if skeleton(w) not in GENERIC]
    if not words:
        return None
    word = rng.choice(words)
    spots = [i for i, c in enumerate(word) if c in LETTER_TO_DIGIT and i > 0]
    if spots and rng.random() < 0.7:
        picked = sorted(rng.sample(spots, min(len(spots), rng.choice([1, 1, 2]))))
        new = "".join(LETTER_TO_DIGIT[c] if i in picked else c for i, c in enumerate(word))
        what = "letter read as a digit"
    else:
        pairs = [(a, b) for a, b in OCR_PAIRS if a in word[1:]]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        new = word[0] + word[1:].replace(a, b, 1)
        what = f"OCR confusion {a!r} -> {b!r}"
    return text.replace(word, new, 1), f"{what} in '{word}'"


# -- single letters ----------------------------------------------------------------------------

_LETTER = re.compile(r"(?<![\w.])([A-ZА-Я])\.?(?=\s|$|[.,])")
_INITIALS = re.compile(r"(?<!\w)([A-ZА-Я])\.\s?([A-ZА-Я])\.")
_ACRONYM = re.compile(r"(?<![\w.])([A-ZА-Я]{2,5})(?![\w.])")


def _is_acronym(token: str, before: str, all_caps: bool) -> bool:
    """An all-capitals token read letter by letter: no vowel (MZKT, BPS, KB), or, in a name
    not written in capitals, three letters with at most one vowel (MOT, VIP, UVD); not a
    word or a legal form, not a part after a hyphen or ampersand (Tsybulka-BEL, FCS&HT)."""
    vowels = len(re.findall(r"[AEIOUYАЕИОУЫЭЯІЁЮ]", token))
    return (
        (vowels == 0 or (not all_caps and len(token) <= 3 and vowels <= 1))
        and token.lower() not in ABBREVIATIONS
        and skeleton(token) not in GENERIC
        and before not in ("-", "&")
    )


def single_letters(text: str, rng: random.Random) -> variants.Variant:
    """Letters of the name written another way: 'S. Group' as 'S Group' or 'S-Group', an
    acronym dotted or spaced (M.O.T., K B Radar), initials spaced or run together (V. I.)."""
    if m := _INITIALS.search(text):
        a, b = m.groups()
        new = rng.choice([v for v in (f"{a}. {b}.", f"{a} {b}", f"{a}{b}", f"{a}.{b}.")
                          if v != m.group()])  # fmt: skip
        after = text[m.end() :]
        new += " " if after[:1].isalpha() and not new.endswith(" ") else ""
        return text[: m.start()] + new + after, f"initials '{m.group()}' as {new.strip()!r}"
    core = split_legal_form(text)[0]
    acronyms = [m for m in _ACRONYM.finditer(text) if core.find(m.group(1)) >= 0
                and _is_acronym(m.group(1), text[m.start() - 1 : m.start()], text.isupper())
                ]  # fmt: skip
    single = [m for m in _LETTER.finditer(text) if m.group(1) in core
              and skeleton(m.group(1)) not in LEGAL | STOP]  # fmt: skip
    if single and (not acronyms or rng.random() < 0.6):
        m = rng.choice(single)
        letter = m.group(1)
        rest = text[m.end() :].lstrip(". ")
        kind = rng.choice(["dot", "nodot", "hyphen", "glued", "quoted"])
        head = text[: m.start()]
        new = {"dot": f"{letter}. {rest}", "nodot": f"{letter} {rest}",
               "hyphen": f"{letter}-{rest}",
               "glued": f"{letter}.{rest}", "quoted": f"'{letter}' {rest}"}[kind]  # fmt: skip
        changed = head + new
        return (changed, f"single letter '{letter}' written {kind}") if changed != text else None
    if not acronyms:
        return None
    m = rng.choice(acronyms)
    letters = list(m.group(1))
    style = rng.choice(["dotted", "dotted spaced", "spaced"])
    new = {"dotted": ".".join(letters) + ".", "dotted spaced": ". ".join(letters) + ".",
           "spaced": " ".join(letters)}[style]  # fmt: skip
    return text[: m.start()] + new + text[m.end() :], f"acronym '{m.group(1)}' {style}"


# -- long names and corruption -----------------------------------------------------------------


def _one_edit(word: str, rng: random.Random) -> tuple[str, str]:
    """Transposition, dropped letter, doubled letter, or a double letter written single."""
    double = [i for i in range(1, len(word) - 1) if word[i] == word[i + 1]]
    kind = rng.choice(["transposition", "dropped", "doubled"] + ["undoubled"] * 2 * bool(double))
    i = rng.randrange(1, len(word) - 1)
    if kind == "undoubled":
        i = rng.choice(double)
        return word[:i] + word[i + 1 :], f"double letter '{word[i] * 2}' written single"
    if kind == "transposition" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :], "adjacent transposition"
    if kind == "doubled":
        return word[:i] + word[i] + word[i:], "doubled letter"
    return word[:i] + word[i + 1 :], "dropped letter"


def long_name_typo(text: str, rng: random.Random) -> variants.Variant:
    """One typo in the one distinctive word of a long official name (Belkomunmash for the
    holding whose name holds Belkommunmash)."""
    core = split_legal_form(text)[0]
    if len(text.split()) < 4 or len(text) < 30:
        return None
    words = [w for w in re.findall(r"[^\W\d_]{6,}", core) if skeleton(w) not in GENERIC]
    if not words:
        return None
    word = max(words, key=len)
    new, what = _one_edit(word, rng)
    return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", new, text, count=1), f"{what} in '{word}'"


def _stray(text: str, rng: random.Random) -> tuple[str, str]:
    i = rng.randrange(1, len(text))
    mark = rng.choice([".", ",", "-", "'", "/", "*", "_"])
    return text[:i] + mark + text[i:], f"stray {mark!r}"


def _glue_form(text: str, rng: random.Random) -> tuple[str, str] | None:
    core, forms = split_legal_form(text)
    short = [f.text for f in forms if f.abbreviation]
    if not short or not text.upper().startswith(short[0].upper()):
        return None
    glued = (short[0] + core).upper()
    return glued, f"legal form {short[0]!r} glued to the name"


def corruption(text: str, rng: random.Random) -> variants.Variant:
    """Two or three edits on a longer name: dropped, doubled or swapped letters, stray
    punctuation, words run together or split, a legal form glued on (JSCARGUMENT style)."""
    if len(split_legal_form(text)[0]) < 12:
        return None
    notes: list[str] = []
    touched: set[str] = set()
    if rng.random() < 0.4 and (glued := _glue_form(text, rng)):
        text, note = glued
        notes.append(note)
        touched.add(re.findall(r"\w+", text)[0])
    target = rng.choice([2, 3])
    while len(notes) < target:
        kind = rng.choice(["edit", "edit", "edit", "stray", "join", "split"])
        words = [w for w in re.findall(r"[^\W\d_]{5,}", text) if w not in touched]
        if kind == "stray":
            text, note = _stray(text, rng)
        elif kind == "join" and " " in text.strip():
            spaces = [m.start() for m in re.finditer(" ", text)]
            i = rng.choice(spaces)
            text, note = text[:i] + text[i + 1 :], "two words run together"
        elif kind == "split" and words:
            word = rng.choice(words)
            i = rng.randrange(2, len(word) - 2)
            text, note = text.replace(word, f"{word[:i]} {word[i:]}", 1), f"'{word}' split"
            touched.update((word[:i], word[i:]))
        elif words:
            word = rng.choice(words)
            new, note = _one_edit(word, rng)
            touched.add(new)
            text = text.replace(word, new, 1)
            note += f" in '{word}'"
        else:
            return None
        notes.append(note)
    return text, "; ".join(notes)


def _surface(category: str, change: variants.Transform, script: str | None = None,
             share: float = 1.0) -> Generator:  # fmt: skip
    def generate(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
        if rng.random() >= share:
            return []
        out = _once(seed, eid, category, rng, _names(seed, eid, script), change)
        if out and len(seed.usable(eid)) >= 6 and rng.random() < 0.3:
            out += _once(seed, eid, category, rng, _names(seed, eid, script), change)
        return out

    generate.__name__ = category
    return generate


def number_names(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    """Names with numbers get up to three letter/digit confusions; others one, a third of
    the time."""
    names = _names(seed, eid)
    with_digits = [n for n in names if re.search(r"\d", n.text)]
    if not with_digits:
        return _surface("digit_letter", digit_letter, share=0.3)(seed, eid, rng)
    out: list[Case] = []
    for _ in range(3):
        out += _once(seed, eid, "digit_letter", rng, with_digits, digit_letter)
    return out


def generators() -> dict[str, Generator]:
    return {
        "compound": _surface("compound", compound, "lat"),
        "abbreviation": abbreviation,
        "digit_letter": number_names,
        "single_letters": _surface("single_letters", single_letters),
        "long_name_typo": _surface("long_name_typo", long_name_typo),
        "corruption": _surface("corruption", corruption, share=0.5),
    }
