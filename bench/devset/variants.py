"""Surface variations of one name: typing errors, punctuation and case, word order, legal forms.
Each function takes a random generator and returns the new text plus a short note of what it
did (the note goes into the case's source_note), or None when it does not apply.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from legalforms import FAMILIES, TYPED_IN_LATIN, Form, forms_of, split_legal_form
from textnorm import lang_of, script_of, skeleton
from vocab import CITIES, ENGLISH, GENERIC, PLACES

Variant = tuple[str, str] | None
Transform = Callable[[str, random.Random], Variant]

_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_JCUKEN = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
QUOTE_STYLES = (("«", "»"), ("‘", "’"), ("“", "”"), ('"', '"'), ("'", "'"), ("„", "“"))
_QUOTE_CHARS = "«»‘’“”„\"'"


def _neighbours(layout: tuple[str, ...]) -> dict[str, str]:
    near: dict[str, str] = {}
    for r, row in enumerate(layout):
        for c, key in enumerate(row):
            keys = [row[c - 1] if c else "", row[c + 1] if c + 1 < len(row) else ""]
            for other in (r - 1, r + 1):
                if 0 <= other < len(layout):
                    keys += [layout[other][c : c + 1], layout[other][c - 1 : c] if c else ""]
            near[key] = "".join(k for k in keys if k)
    return near


NEAR_KEYS = _neighbours(_QWERTY) | _neighbours(_JCUKEN)
_VOWEL_SWAPS = {"a": "o", "o": "a", "e": "i", "i": "e", "y": "i", "а": "о", "о": "а", "е": "и",
                "и": "е", "ы": "и", "э": "е"}  # fmt: skip


def _keep_case(template: str, char: str) -> str:
    return char.upper() if template.isupper() else char


def _edit(word: str, rng: random.Random) -> tuple[str, str]:
    """One realistic typing error inside a word (never on the first letter, never on digits)."""
    spots = [i for i in range(1, len(word)) if word[i].isalpha()]
    i = rng.choice(spots)
    low = word[i].lower()
    kind = rng.choice(["deletion", "insertion", "substitution", "transposition", "doubling",
                       "vowel"])  # fmt: skip
    if kind == "transposition" and i + 1 < len(word) and word[i + 1].isalpha() \
            and word[i].lower() != word[i + 1].lower():  # fmt: skip
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :], "adjacent transposition"
    if kind == "vowel" and low in _VOWEL_SWAPS:
        return word[:i] + _keep_case(word[i], _VOWEL_SWAPS[low]) + word[i + 1 :], "vowel swapped"
    if kind == "doubling":
        return word[:i] + word[i] + word[i:], "doubled letter"
    near = NEAR_KEYS.get(low, "")
    if kind == "insertion" and near:
        extra = _keep_case(word[i], rng.choice(near))
        return word[:i] + extra + word[i:], "keyboard-neighbour insertion"
    if kind == "substitution" and near:
        new = _keep_case(word[i], rng.choice(near))
        return word[:i] + new + word[i + 1 :], "keyboard-neighbour substitution"
    if len(word) > 5:
        return word[:i] + word[i + 1 :], "deletion"
    return word[:i] + word[i] + word[i:], "doubled letter"


def typo(text: str, rng: random.Random, edits: int = 1) -> Variant:
    """1-2 typing errors in the distinctive words (at least 5 letters) of a name."""
    words = re.findall(r"[^\W\d_]+", text)
    targets = [w for w in words if len(w) >= 4 and skeleton(w) not in GENERIC]
    if not targets:  # no distinctive word: a slip in a long generic word (Sytem, Comittee)
        targets = [w for w in words if len(w) >= 6 and w.lower() not in all_legal_words()]
    if not targets:
        return None
    notes: list[str] = []
    edited: list[str] = []
    for n in range(edits):
        # a second error goes to another word, or into a long word (two in a short one
        # make it unreadable)
        pool = [t for t in targets if t not in edited or len(t) >= 9] if n else targets
        if not pool:
            break
        word = rng.choice(pool)
        new, note = _edit(word, rng)
        edited.append(new)
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", new, text, count=1)
        targets = [new if t == word else t for t in targets]
        notes.append(f"{note} in '{word}'")
    return text, "; ".join(notes)


def requote(text: str, rng: random.Random) -> Variant:
    """Other quote marks around the name, or quotes added around the part after a legal form."""
    opening, closing = rng.choice(QUOTE_STYLES)
    if any(c in text for c in _QUOTE_CHARS):
        swapped = re.sub("[«‘“„]", opening, text)
        swapped = re.sub("[»’”]", closing, swapped)
        if swapped == text:
            opening, closing = QUOTE_STYLES[(QUOTE_STYLES.index((opening, closing)) + 1) % 6]
            swapped = re.sub("[»’”]", closing, re.sub("[«‘“„]", opening, text))
        return (swapped, f"quotes changed to {opening}{closing}") if swapped != text else None
    core, forms = split_legal_form(text)
    if not forms or core not in text:
        return None
    return text.replace(core, f"{opening}{core}{closing}", 1), f"quotes {opening}{closing} added"


def unquote(text: str, rng: random.Random) -> Variant:
    if not any(c in text for c in _QUOTE_CHARS):
        return None
    return " ".join(re.sub(f"[{_QUOTE_CHARS}]", " ", text).split()), "quotes removed"


def hyphens(text: str, rng: random.Random) -> Variant:
    if "-" in text or "–" in text:
        new = rng.choice([" ", "", " - ", "–", "/"])
        return re.sub(r"\s*[-–]\s*", new, text, count=1).strip(), f"hyphen replaced by {new!r}"
    # a hyphen only inside a two-word brand (Dana-Astra, Tabak-Invest), as people write them
    core = split_legal_form(text)[0]
    words = core.split()
    if len(words) != 2 or not all(w.isalpha() for w in words) or script_of(core) != "lat":
        return None
    if all(skeleton(w) in GENERIC for w in words):
        return None
    return text.replace(core, "-".join(words), 1), "hyphen added"


def casing(text: str, rng: random.Random) -> Variant:
    choice = rng.choice(["upper", "lower", "title"])
    new = {"upper": text.upper(), "lower": text.lower(), "title": text.title()}[choice]
    return (new, f"{choice} case") if new != text else None


def spacing(text: str, rng: random.Random) -> Variant:
    """A double space, a comma before a trailing legal form, or trailing punctuation."""
    kind = rng.choice(["double space", "comma", "trailing"])
    words = text.split()
    forms = split_legal_form(text)[1]
    if kind == "double space" and len(words) > 1:
        i = rng.randrange(1, len(words))
        return " ".join(words[:i]) + "  " + " ".join(words[i:]), "double space"
    if kind == "comma" and forms and text.endswith(forms[-1].text) and "," not in text:
        head = text[: -len(forms[-1].text)].rstrip()
        return f"{head}, {forms[-1].text}", f"comma before '{forms[-1].text}'"
    return text + rng.choice([".", ";", ",", "..", " ,"]), "trailing punctuation"


def dotted_form(text: str, rng: random.Random) -> Variant:
    """OAO -> O.A.O., OOO -> O O O, JSC -> J.S.C.: abbreviations written with dots or spaces."""
    forms = split_legal_form(text)[1]
    abbreviations = [f for f in forms if f.abbreviation]
    if not abbreviations:
        return None
    form = abbreviations[0]
    match = re.search(rf"(?<!\w){re.escape(form.text)}(?!\w)", text, re.I)
    if not match:
        return None
    sep = rng.choice([".", ".", ". ", " "])
    dotted = sep.join(match.group()) + ("." if sep.strip() == "." else "")
    return text[: match.start()] + dotted.strip() + text[match.end() :], f"{form.text} spelled out"


PUNCTUATION = (requote, unquote, hyphens, casing, spacing, dotted_form)


def _form_pool(core: str, family: str, rng: random.Random) -> list[Form]:
    """Forms a writer of this core would use: Cyrillic with Cyrillic, English with English,
    romanised full forms with romanised names; Latin abbreviations with any Latin name."""
    if script_of(core) == "cyr":
        cyrillic = forms_of(family, cyrillic=True)
        same_language = [f for f in cyrillic if lang_of(f.text) == lang_of(core)]
        cyrillic = same_language if same_language and rng.random() < 0.85 else cyrillic
        typed = [f for f in forms_of(family, cyrillic=False) if f.text in TYPED_IN_LATIN]
        return cyrillic if rng.random() < 0.85 or not typed else typed  # OOO typed in Latin
    latin = forms_of(family, cyrillic=False)
    english = any(w.lower() in ENGLISH for w in re.findall(r"[A-Za-z]+", core))
    full = [f for f in latin if not f.abbreviation]
    full = [f for f in full if english == any(w.lower() in ENGLISH for w in f.text.split())]
    return [f for f in latin if f.abbreviation] + full


def swap_legal_form(text: str, rng: random.Random, family: str) -> Variant:
    """The name with its legal form removed, or replaced by an equivalent (other script,
    language, abbreviation or full form), put before or after the name."""
    core, forms = split_legal_form(text)
    if not core or not family:
        return None
    mode = rng.choice(["remove", "swap", "swap", "swap"]) if forms else "add"
    if mode == "remove":
        return core, f"legal form {forms[0].text!r} removed"
    pool = _form_pool(core, family, rng)
    pool = [f for f in pool if all(f.text.lower() != g.text.lower() for g in forms)]
    if not pool:
        return None
    form = rng.choice(pool)
    was = f" for {forms[0].text!r}" if forms else ""
    return place_form(core, form, rng), f"legal form {mode}: {form.text!r}{was}"


def place_form(core: str, form: Form, rng: random.Random) -> str:
    quoted = rng.random() < 0.35
    opening, closing = rng.choice(QUOTE_STYLES[:4]) if quoted else ("", "")
    body = f"{opening}{core}{closing}"
    if form.abbreviation and rng.random() < 0.4:
        return f"{body}, {form.text}" if rng.random() < 0.4 else f"{body} {form.text}"
    return f"{form.text} {body}"  # a written-out form goes first


#: Words that head a company name and move freely: 'Legmash Plant' = 'Plant Legmash'.
HEADS = set(
    "plant zavod works factory fabrika kombinat bank holding concern kontsern institute hotel "
    "club airlines foundation".split()
)


def _reorder_words(words: list[str]) -> tuple[list[str], str] | None:
    """Realistic moves only: a head noun or a place to the other end, or two words swapped."""
    kinds = [skeleton(w) for w in words]
    if len(words) < 2:
        return None
    if kinds[-1] in HEADS and len(words) <= 3:
        return [words[-1], *words[:-1]], f"'{words[-1]}' moved to the front"
    if kinds[0] in HEADS | CITIES:
        return [*words[1:], words[0]], f"'{words[0]}' moved to the end"
    places = [i for i, k in enumerate(kinds) if k in CITIES and 0 < i < len(words) - 1]
    if places:
        i = places[0]
        return [*words[:i], *words[i + 1 :], words[i]], f"'{words[i]}' moved to the end"
    if len(words) == 2:
        return [words[1], words[0]], "the two words swapped"
    return None


def _invert_of(core: str) -> str | None:
    """'State Security Committee of the Republic of Belarus' -> 'Republic of Belarus State
    Security Committee': split where a place follows 'of', else at a single 'of'."""
    splits = list(re.finditer(r"\s+of\s+(?:the\s+)?", core, re.I))
    for match in splits:
        after = core[match.end() :]
        if skeleton(after.split()[0]) in PLACES or len(splits) == 1:
            return f"{after} {core[: match.start()]}"
    return None


def reorder(text: str, rng: random.Random) -> Variant:
    """Words in another order: 'X of the Y' -> 'Y X', head noun or city moved, legal form moved
    to the other side ('Plant Legmash', 'Wheel Tractor Plant Minsk')."""
    core, forms = split_legal_form(text)
    core = re.sub(r"\s+[-–]\s+", " ", core)
    if re.search(r"\sof\s", core, re.I):
        inverted = _invert_of(core)
        if inverted is None:
            return None
        new, note = inverted, "'X of Y' turned into 'Y X'"
    else:
        moved = _reorder_words(core.split())
        if moved is None:
            return None
        new, note = " ".join(moved[0]), moved[1]
    if (
        forms
        and forms[0].abbreviation
        and forms[0].family != "foreign"
        and forms[0].text.lower() != "ltd"
    ):
        before = text.lower().startswith(forms[0].text.lower())
        new = f"{new} {forms[0].text}" if before else f"{forms[0].text} {new}"
        note += f"; legal form '{forms[0].text}' on the other side"
    return new, note


def all_legal_words() -> set[str]:
    return {w.lower() for texts in FAMILIES.values() for t in texts for w in t.split()}
