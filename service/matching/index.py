"""The candidate index: every listed name split, tokenised and posted under its words' phonetic
keys, with the typo index over those keys and the initials of long names for acronyms. A
query looks up a few postings instead of scoring every name, so its cost grows far slower
than the watchlist.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from service.matching.abbreviations import (
    INITIALISMS,
    compound_acronym,
    expand_initialisms,
    word_initials,
)
from service.matching.legal_forms import LegalForm, split_legal_forms
from service.matching.names import split_name
from service.matching.normalize import Token, is_initials, tokenize
from service.matching.scripts import syllables
from service.matching.translations import MEANINGS, stem
from service.matching.translit import phonetic_key, to_latin
from service.matching.typos import TypoIndex
from service.matching.vocabulary import FUNCTION, TOWNS, generic

#: Weight, on the 0..1 rarity scale, above which a generic word never counts (Minsk, zavod).
GENERIC_WEIGHT = 0.1
#: Most a word of the translation table weighs (steel, youth, security, electromechanical):
#: rare on a list of Belarusian enterprises, common in the names of the world.
DESCRIPTIVE_WEIGHT = 0.5
#: The share of a name's generic words' weight that a query naming all its distinctive words
#: may leave out at no cost ("Belorusneft" for State Production Association "Belorusneft").
GENERIC_LEFT_OUT = 0.5
#: Words this short (letters) weigh no more than generic words: mostly initials.
INITIALS_LEN = 2
#: Weight of function words (of, the, named after).
FUNCTION_WEIGHT = 0.005
#: A query word this long that starts a listed word matches it as a truncation.
PREFIX_MIN_LEN = 6
#: Acronyms are built for names of at least this many words and used from this length.
ACRONYM_MIN_WORDS = 3
ACRONYM_MIN_LEN = 3
#: Keys posted under more names than this are too common to retrieve candidates by.
MAX_POSTINGS = 20_000
#: Strength of the kinds of names: the strongest of several names with the same words stands
#: for them all.
KIND_RANK = {"primary": 0, "aka": 1, "fka": 2, "weak": 3}


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """What the engine needs of a watchlist entity."""

    id: str
    name: str
    #: (name, kind) pairs; kind is "aka", "fka" or "weak".
    aliases: tuple[tuple[str, str], ...] = ()
    countries: tuple[str, ...] = ()
    #: Cities and regions of its addresses, as written.
    places: tuple[str, ...] = ()


class IndexedName:
    """One indexed name. A plain class with __slots__ (one per listed name: a million on a
    large list; see Token for why not a dataclass). Not changed after it is made."""

    __slots__ = (
        "acronym_ends", "acronyms", "alias", "compounds", "entity", "kind", "legal_forms",
        "tokens", "variant",
    )  # fmt: skip

    def __init__(
        self,
        entity: int,
        alias: str,
        variant: str,
        kind: str,
        tokens: tuple[Token, ...],
        legal_forms: tuple[LegalForm, ...],
        acronyms: tuple[tuple[str, int], ...],
        compounds: tuple[tuple[int, int, str], ...],
    ) -> None:
        self.entity = entity
        #: The name as the list gives it.
        self.alias = alias
        #: The part of it this entry stands for (combined names hold several).
        self.variant = variant
        #: "primary", "aka", "fka" or "weak".
        self.kind = kind
        self.tokens = tokens
        self.legal_forms = legal_forms
        #: Acronyms the name may go by (see `acronyms_of`); empty for short names.
        self.acronyms = tuple(letters for letters, _ in acronyms)
        #: How many of the name's first words each acronym stands for (all, or its head).
        self.acronym_ends = tuple(end for _, end in acronyms)
        #: (start, end, key) of each run of two or three adjacent words, one of them
        #: distinctive, read as one word (Volat avto / Volatavto, Nord Tek Trans / Nordtektrans).
        self.compounds = compounds


_TOWN_STEMS = frozenset(stem(key) for key in TOWNS)


def is_town(key: str) -> bool:
    """A town of the vocabulary, in any inflected form (Гомельский, Minsk)."""
    return key in TOWNS or stem(key) in _TOWN_STEMS


def is_generic(key: str) -> bool:
    """A word that never identifies a name on its own."""
    return key in FUNCTION or generic(key)


#: Typos tolerated between a query word and listed words written as one.
GLUED_TYPOS = 1

#: Most adjacent words read as one word (Nord-Tek-Trans / NORDTEKTRANS).
COMPOUND_MAX_WORDS = 3


def compound_spans(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """(start, end, key) of every run of two to COMPOUND_MAX_WORDS adjacent words written as
    one (Volat avto / Volatavto, Гродноазот, Nord Tek Trans) when at least one of them is
    distinctive; never across numbers, function words or a person's initials. Each word is
    looked at once, not once per run it is in."""
    count = len(tokens)
    if count < 2:
        return []
    joins = [not (t.number or t.key in FUNCTION or is_initials(t.key)) for t in tokens]
    distinctive = [not generic(t.key) for t in tokens]
    spans = []
    for length in range(2, COMPOUND_MAX_WORDS + 1):
        for start in range(count - length + 1):
            end = start + length
            joined = True
            telling = False
            for i in range(start, end):
                if not joins[i]:
                    joined = False
                    break
                if distinctive[i]:
                    telling = True
            if joined and telling:
                key = phonetic_key("".join([t.latin for t in tokens[start:end]]))
                if key:
                    spans.append((start, end, key))
    return spans


def initials(tokens: Iterable[Token]) -> str:
    """Initials of a long name in Latin letters ("mzkt" for Минский завод колёсных тягачей),
    "" for short names. Compared letter for letter: the phonetic key would fold BOTH into BAT."""
    words = [t for t in tokens if t.key not in FUNCTION and not t.number and not is_initials(t.key)]
    if len(words) < ACRONYM_MIN_WORDS:
        return ""
    return "".join(to_latin(t.text[0]) for t in words)


def acronyms_of(tokens: list[Token]) -> tuple[tuple[str, int], ...]:
    """The acronyms a name may go by: its initials, the same with prefixed compounds giving a
    letter per part (ZTEM), and for one compound word the initials of its clipped words; and
    the acronyms of its head, the words before "of the Republic of ..." or another "of" phrase,
    English style with the "of" in small letters (MoD for Ministry of Defence of the Republic
    of Belarus)."""
    if len(tokens) == 1:
        compound = compound_acronym(tokens[0].latin)
        return ((compound, 1),) if compound else ()
    plain = initials(tokens)
    if not plain:
        return ()
    words = [t for t in tokens if t.key not in FUNCTION and not t.number and not is_initials(t.key)]
    split = "".join(word_initials(to_latin(t.text)) for t in words)
    found = {plain: len(tokens), split: len(tokens)}
    for end, head in _heads(tokens):
        found.setdefault("".join(to_latin(t.text[0]) for t in head), end)
    return tuple((a, end) for a, end in found.items() if len(a) >= ACRONYM_MIN_LEN)


#: "of" in the acronym of an English name (MoD, DoJ, BoG); other function words are left out.
_OF = "of"


def _heads(tokens: list[Token]) -> list[tuple[int, list[Token]]]:
    """The words up to each later "of" of a name, with the "of"s inside them, when the head has
    two words of its own around an "of" (Ministry of Defence; not "Bank of"); with the number
    of the name's words before that "of"."""
    heads = []
    for end in range(3, len(tokens)):
        if tokens[end].latin != _OF:
            continue
        head = [t for t in tokens[:end] if t.key not in FUNCTION or t.latin == _OF]
        while head and head[-1].latin == _OF:
            head.pop()
        content = [t for t in head if t.latin != _OF]
        if (
            len(content) >= 2
            and any(t.latin == _OF for t in head)
            and not any(t.number or is_initials(t.key) for t in head)
        ):
            heads.append((end, head))
    return heads


class NameIndex:
    """Immutable once built; safe to share between threads."""

    def __init__(self, entities: Iterable[ListedEntity]) -> None:
        self.entities: list[ListedEntity] = list(entities)
        self.names: list[IndexedName] = []
        #: name -> other names of its entity with the same words (other legal forms, case)
        self.same_words: dict[int, list[IndexedName]] = {}
        #: names whose acronym the entity itself also lists (MZKT beside Minsk Wheeled Tractor
        #: Plant), and short names the entity also lists in full
        self.attested: set[int] = set()
        interned: dict[str, Token] = {}
        for number, entity in enumerate(self.entities):
            self._add_entity(number, entity, interned)
        #: key -> the spellings (readable Latin) of the listed words with that key
        self.spellings: dict[str, tuple[str, ...]] = _spellings(interned.values())
        #: readable Latin spelling of a listed word -> its key
        self.spelled = {s: key for key, spelt in self.spellings.items() for s in spelt}
        #: key -> names holding a word with that key, once per occurrence
        self.postings: dict[str, list[int]] = _postings(self.names)
        #: initials of a long name -> names
        self.acronyms: dict[str, list[int]] = _acronyms(self.names)
        #: Latin form of a one-word name -> names (what a query's initials may spell)
        self.short_names: dict[str, list[int]] = _short_names(self.names)
        #: letters -> how many entities have a name that is, or whose initials are, those letters
        self.spellers: dict[str, int] = self._spellers()
        self.weights = self._weights()
        #: key of two adjacent words written as one -> (name, weight of the two words)
        self.compounds = self._compounds()
        #: generic key -> the names made of nothing but generic words ("Minsk Automobile
        #: Plant"): the only names a generic word alone may retrieve
        self.generic_postings = _generic_postings(self.names)
        self.generic_keys = frozenset(key for key in self.postings if is_generic(key))
        #: listed keys that name a town, in any inflected form (Гомельский, Minsk)
        self.town_keys = frozenset(key for key in self.postings if is_town(key))
        #: total weight of each name's words: the denominator of its coverage
        self.totals = [sum(self.weights[t.key] for t in n.tokens) for n in self.names]
        #: weight of each name's generic words: the most generic words can add to its coverage
        self.generic_totals = [
            sum(self.weights[t.key] for t in n.tokens if is_generic(t.key)) for n in self.names
        ]
        #: the least a name's coverage denominator can be: its total, less the share of its
        #: generic words a query may leave out once it names all the distinctive ones
        self.lean_totals = [
            total - GENERIC_LEFT_OUT * generic
            if any(not is_generic(t.key) for t in name.tokens)
            else total
            for total, generic, name in zip(
                self.totals, self.generic_totals, self.names, strict=True
            )
        ]
        # Typos of listed words, and of listed words written as one (Volatavto): those are held
        # to one typo, in an index of their own. They outnumber the words several times on a
        # large list, and a long key's full budget over them cost more than the rest of a query.
        self.typos = TypoIndex(self.postings.keys())
        self.glued_typos = TypoIndex(self.compounds.keys() - self.postings.keys())
        #: per entity, the stems of its places' words (a query's "Orsha" or "Zhodino")
        self.places = [
            frozenset(stem(t.key) for place in e.places for t in tokenize(place))
            for e in self.entities
        ]
        self.all_places = frozenset().union(*self.places)
        #: stem -> listed keys with that stem (inflected forms of one word)
        self.by_stem: dict[str, list[str]] = defaultdict(list)
        #: meaning (see translations) -> listed keys with that meaning
        self.by_meaning: dict[int, list[str]] = defaultdict(list)
        for key in self.postings:
            word_stem = stem(key)
            self.by_stem[word_stem].append(key)
            if (meaning := MEANINGS.get(word_stem)) is not None:
                self.by_meaning[meaning].append(key)

    def _add_entity(self, number: int, entity: ListedEntity, interned: dict[str, Token]) -> None:
        first = len(self.names)
        by_words: dict[tuple[str, ...], int] = {}
        for alias, kind in [(entity.name, "primary"), *entity.aliases]:
            for name in _names_of(number, alias, kind, interned):
                words = tuple(t.text for t in name.tokens)
                existing = by_words.get(words)
                if existing is None:
                    by_words[words] = len(self.names)
                    self.names.append(name)
                    continue
                if KIND_RANK[name.kind] < KIND_RANK[self.names[existing].kind]:
                    self.names[existing], name = name, self.names[existing]
                self.same_words.setdefault(existing, []).append(name)
        self._attest(range(first, len(self.names)))

    def _attest(self, name_ids: range) -> None:
        names = [self.names[i] for i in name_ids]
        short = {n.tokens[0].latin for n in names if len(n.tokens) == 1}
        spelled = {a for n in names for a in n.acronyms}
        for i, name in zip(name_ids, names, strict=True):
            if not short.isdisjoint(name.acronyms) or (
                len(name.tokens) == 1 and name.tokens[0].latin in spelled
            ):
                self.attested.add(i)

    def _spellers(self) -> dict[str, int]:
        owners: dict[str, set[int]] = defaultdict(set)
        for table in (self.acronyms, self.short_names):
            for letters, name_ids in table.items():
                owners[letters].update(self.names[i].entity for i in name_ids)
        return {letters: len(entities) for letters, entities in owners.items()}

    def _weights(self) -> dict[str, float]:
        """Rarity on a 0..1 scale (IDF over entities), capped for generic words."""
        total = max(len(self.entities), 1)
        scale = math.log(1 + total)
        weights = {}
        for key, names in self.postings.items():
            entities = len({self.names[n].entity for n in names}) if len(names) > 1 else 1
            weight = math.log(1 + total / entities) / scale if scale else 1.0
            if key.isdigit():
                weight = 1.0
            elif key in FUNCTION:
                weight = FUNCTION_WEIGHT
            elif (
                generic(key)
                or is_initials(key)
                or max(map(len, self.spellings[key])) <= INITIALS_LEN
            ):
                # Initials of a person a plant is named after (S.I. Vavilov) say little.
                weight = min(weight, GENERIC_WEIGHT)
            elif stem(key) in MEANINGS:
                weight = min(weight, DESCRIPTIVE_WEIGHT)
            weights[key] = weight
        return weights

    def _compounds(self) -> dict[str, list[tuple[int, float]]]:
        table: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for name_id, name in enumerate(self.names):
            for start, end, key in name.compounds:
                weight = sum(self.weights[t.key] for t in name.tokens[start:end])
                table[key].append((name_id, weight))
        return dict(table)

    def knows(self, key: str) -> bool:
        return key in self.postings or key in self.compounds

    def similar(self, key: str, most: int) -> dict[str, int]:
        """Listed keys within the edit budget of `key` and at most `most` edits (one for
        words written as one), with their distance."""
        found = self.typos.similar(key, most)
        glued = self.glued_typos.similar(key, GLUED_TYPOS)
        return {**glued, **found} if glued else found

    def continuations(self, prefix: str, limit: int = 20) -> list[str]:
        """Listed keys, words or words written as one, that continue `prefix`."""
        words = self.typos.continuations(prefix, limit)
        return sorted([*words, *self.glued_typos.continuations(prefix, limit)])[:limit]


def _variants(alias: str) -> list[str]:
    """The names a list entry holds, each with its initialisms spelled out, and a Chinese name
    read in pinyin syllables."""
    names = split_name(alias)
    expanded = [e for n in names if (e := expand_initialisms(n)) is not None]
    read = [r for n in names if (r := syllables(n)) is not None]
    return [*names, *expanded, *read]


def _names_of(entity: int, alias: str, kind: str, interned: dict[str, Token]) -> list[IndexedName]:
    """The indexed names of one list entry. A part of a combined name made of nothing but
    descriptive words ("Electromechanical Plant" of AGAT - Electromechanical Plant) is not a
    name on its own: the world has many such plants."""
    names = [
        name
        for variant in _variants(alias)
        if (name := _indexed(entity, alias, variant, kind, interned)) is not None
    ]
    if len(names) < 2:
        return names
    kept = [n for n in names if not all(_descriptive(t.key) for t in n.tokens)]
    return kept or names


def _descriptive(key: str) -> bool:
    """A word that describes what an organisation is or does, not which one it is."""
    return is_generic(key) or stem(key) in MEANINGS


def _indexed(
    entity: int, alias: str, variant: str, kind: str, interned: dict[str, Token]
) -> IndexedName | None:
    tokens, forms = split_legal_forms(tokenize(variant))
    if not tokens or all(t.latin in INITIALISMS for t in tokens):
        return None  # nothing of a name left ("KB" of a Japanese name we cannot read)
    tokens = [interned.setdefault(t.text, t) for t in tokens]
    compounds = tuple(compound_spans(tokens))
    return IndexedName(
        entity, alias, variant, kind, tuple(tokens), tuple(forms), acronyms_of(tokens), compounds
    )


def _spellings(tokens: Iterable[Token]) -> dict[str, tuple[str, ...]]:
    table: dict[str, dict[str, None]] = defaultdict(dict)
    for token in tokens:
        table[token.key][token.latin] = None
    return {key: tuple(forms) for key, forms in table.items()}


def _postings(names: list[IndexedName]) -> dict[str, list[int]]:
    table: dict[str, list[int]] = defaultdict(list)
    for name_id, name in enumerate(names):
        for token in name.tokens:
            table[token.key].append(name_id)
    return dict(table)


def _acronyms(names: list[IndexedName]) -> dict[str, list[int]]:
    table: dict[str, list[int]] = defaultdict(list)
    for name_id, name in enumerate(names):
        for acronym in name.acronyms:
            if len(acronym) >= ACRONYM_MIN_LEN:
                table[acronym].append(name_id)
    return dict(table)


def _short_names(names: list[IndexedName]) -> dict[str, list[int]]:
    table: dict[str, list[int]] = defaultdict(list)
    for name_id, name in enumerate(names):
        if len(name.tokens) == 1 and len(name.tokens[0].latin) >= ACRONYM_MIN_LEN:
            table[name.tokens[0].latin].append(name_id)
    return dict(table)


def _generic_postings(names: list[IndexedName]) -> dict[str, list[int]]:
    table: dict[str, list[int]] = defaultdict(list)
    for name_id, name in enumerate(names):
        if all(is_generic(t.key) for t in name.tokens):
            for token in name.tokens:
                table[token.key].append(name_id)
    return dict(table)
