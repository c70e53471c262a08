"""Scoring one listed name against a query: align query words to the name's words (exact,
transliterated, fuzzy, truncated, compound, acronym), weigh them by rarity and combine the
coverage of the name and of the query into a score in [0, 1] with its components.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from service.matching.index import (
    GENERIC_LEFT_OUT,
    IndexedName,
    NameIndex,
    compound_spans,
    is_generic,
)
from service.matching.legal_forms import LegalForm
from service.matching.normalize import Token, is_initials
from service.matching.translations import MEANINGS, stem
from service.matching.translit import phonetic_key
from service.matching.typos import max_edits
from service.matching.vocabulary import (
    COUNTRY_WORDS,
    FUNCTION,
    NOISE,
    distinctive_parts,
    generic,
)

#: Similarity of two spellings with one phonetic key (Grodno/Hrodna, Minskii/Minsky); from
#: this many letters on (shorter words must be spelt alike in Latin: OAAO is not A).
TRANSLIT_SIM = 0.95
TRANSLIT_MIN_LEN = 3
#: Typo similarity is 1 - edits / length (one typo in a six-letter word: 0.83); an edit that
#: only changes the spelling of a sound costs this much. Pairs below FUZZY_MIN_SIM do not match.
TRANSLIT_EDIT_COST = 0.5
FUZZY_MIN_SIM = 0.72
#: Two words read as one must be spelt nearly alike (MTBank is not VTB Bank).
COMPOUND_MIN_SIM = 0.85
#: Similarity of a word cut short at its shortest (PREFIX_MIN_LEN letters of a long word);
#: rises to TRUNCATED_SIM_MAX as the cut part shrinks.
TRUNCATED_SIM_MIN = 0.75
TRUNCATED_SIM_MAX = 0.95
#: Similarity of a word and its translation (zavod / plant, обороны / defence).
TRANSLATION_SIM = 0.9
#: Similarity of two inflected forms of one word (Пеленг / Пеленга, обороны / оборона).
INFLECTION_SIM = 0.92
#: Edit-distance markers of hits that are not typos.
TRUNCATED = -1
TRANSLATION = -2
INFLECTED = -3
#: Similarity of an acronym and the name it abbreviates (MZKT / Minsk Wheeled Tractor Plant)
#: when the entity lists both. Initials the list does not give are evidence as strong as they
#: are rare: letters only one entity's names spell, longer or shorter, and letters several
#: entities' names spell (on a large list many names share three initials).
ACRONYM_SIM = 0.9
ACRONYM_UNIQUE_SIM = 0.88
ACRONYM_UNIQUE_SHORT_SIM = 0.78
ACRONYM_SHARED_SIM = 0.7
#: Letters from which an acronym counts as long.
ACRONYM_LONG = 4
#: Weight of a query word the watchlist does not know (an extra word, maybe another company).
UNKNOWN_WEIGHT = 0.5
#: Weight of supplier-file noise in a query (Supplier:, tel, tax ids).
NOISE_WEIGHT = 0.02
#: How much of the score the name's coverage keeps when the query has extra words, for a name
#: distinctive enough (INFO_FULL of rare-word weight); less distinctive names need the query
#: to be mostly theirs.
QUERY_FLOOR = 0.8
INFO_FULL = 0.9
#: The share of that floor a weak alias with a single distinctive word keeps.
SINGLE_WORD_FLOOR = 0.75
#: Distinctive words shorter than this carry proportionally less information (BNK, MAZ).
SHORT_KEY_LEN = 5
#: Multipliers for evidence that speaks against a match.
NUMBER_MISMATCH = 0.5  # 557 is not 558 Aircraft Repair Plant
GENERIC_ONLY = 0.5  # only generic words of a distinctive name matched
WEAK_ALIAS = 0.9  # the list itself calls the alias weak
#: The caller's country, or a country the query names, is none of the entity's.
COUNTRY_MISMATCH = 0.7
#: A query leaves out a name's descriptors only when the name explains this much of it (not
#: when it names another company beside the words it shares: "Oil and Gas Company Slavneft").
LEFT_OUT_QUERY_COVERAGE = 0.75
#: The name's place (a town) is missing from the query, which has an unknown word instead.
OTHER_PLACE = 0.85
#: The name's town is missing from the query, which names no other instead.
PLACE_MISSING = 0.9
#: A name that scores this much on its own is (nearly) the listed name: a country that does
#: not fit costs it at most NEAR_EXACT_COUNTRY_MISMATCH and never takes it below the
#: threshold (front companies abroad are what screening must catch); it is ranked lower and
#: its explanation says why.
NEAR_EXACT = 0.9
NEAR_EXACT_COUNTRY_MISMATCH = 0.9
#: Query numbers this long are tax ids, phone numbers or post codes, not part of a name.
LONG_NUMBER_LEN = 5


# The classes below are made by the thousand per query: plain classes with __slots__ and an
# explicit __init__ (a dataclass's generated __init__ stays interpreted Python even when the
# engine is compiled, and a frozen one sets each field through object.__setattr__). They are
# not changed after they are made.


class Unit:
    """One or more adjacent words of a query or a name, compared as one."""

    __slots__ = ("indices", "key", "latin", "mask")

    def __init__(self, indices: tuple[int, ...], key: str, latin: str = "") -> None:
        self.indices = indices
        self.key = key
        #: Readable Latin of the words, run together.
        self.latin = latin
        #: The words as bits (bit i: word i).
        self.mask = sum(1 << i for i in indices)


class Pair:
    """A query unit aligned with words of a name, and how alike they are."""

    __slots__ = ("alias", "kind", "query", "similarity")

    def __init__(
        self, query: tuple[int, ...], alias: tuple[int, ...], kind: str, similarity: float
    ) -> None:
        self.query = query
        self.alias = alias
        #: exact, transliterated, inflected, translated, fuzzy, truncated, compound, acronym,
        #: location (a query word naming the entity's country; no word of the name) or
        #: initials (a person's initials in the query, which no name needs to hold)
        self.kind = kind
        self.similarity = similarity


class Query:
    """A query prepared once and scored against many names."""

    __slots__ = (
        "acronym_hits", "bounds", "factor", "hits", "initials", "legal_forms", "masks",
        "numbers", "text", "tokens", "weights",
    )  # fmt: skip

    def __init__(
        self,
        text: str,
        tokens: list[Token],
        legal_forms: list[LegalForm],
        weights: list[float],
        numbers: frozenset[str],
        initials: str = "",
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.legal_forms = legal_forms
        self.weights = weights
        self.numbers = numbers
        #: the query's own initials, "" when too short
        self.initials = initials
        #: vocabulary key -> (query unit, edit distance or a hit marker: TRUNCATED, ...)
        self.hits: dict[str, list[tuple[Unit, int]]] = {}
        #: vocabulary key -> the highest similarity any query unit can have with it
        self.bounds: dict[str, float] = {}
        #: vocabulary key -> the query words that may stand for it (bit i: word i)
        self.masks: dict[str, int] = {}
        #: names whose initials one query word spells -> that word's index
        self.acronym_hits: dict[int, int] = {}
        #: what the scores of this query's names are multiplied by: 1.0, or less for one field
        #: of a line whose other fields hold names too (set by the matcher)
        self.factor = 1.0


class NameScore:
    """One name's score against a query, with its components and the alignment."""

    __slots__ = (
        "alias_coverage", "floor", "name_id", "pairs", "penalties", "query_coverage", "score",
    )  # fmt: skip

    def __init__(
        self,
        name_id: int,
        score: float,
        alias_coverage: float,
        query_coverage: float,
        floor: float,
        penalties: dict[str, float],
        pairs: tuple[Pair, ...],
    ) -> None:
        self.name_id = name_id
        self.score = score
        self.alias_coverage = alias_coverage
        self.query_coverage = query_coverage
        self.floor = floor
        self.penalties = penalties
        self.pairs = pairs


def query_weight(index: NameIndex, token: Token) -> float:
    known = index.weights.get(token.key)
    if token.number and len(token.key) >= LONG_NUMBER_LEN:
        return NOISE_WEIGHT
    if known is not None:
        return known
    if token.key in NOISE or is_initials(token.key):
        return NOISE_WEIGHT
    if generic(token.key):
        return min(UNKNOWN_WEIGHT, 0.2)
    return UNKNOWN_WEIGHT


def query_units(tokens: list[Token]) -> list[Unit]:
    """Each word of a query, and each run of two or three adjacent words read as one."""
    units = [Unit((i,), t.key, t.latin) for i, t in enumerate(tokens)]
    for start, end, key in compound_spans(tokens):
        latin = "".join([t.latin for t in tokens[start:end]])
        units.append(Unit(tuple(range(start, end)), key, latin))
    return units


def _word_pair(q: Token, a: Token, qi: int, ai: int, distance: int) -> Pair | None:
    """Pair of one query word and one listed word, or None when too far apart."""
    if distance == 0:
        if q.text == a.text:
            return Pair((qi,), (ai,), "exact", 1.0)
        if q.latin == a.latin:
            return Pair((qi,), (ai,), "transliterated", 1.0)
        # One phonetic key for spellings this short says little (OAAO and A both fold to "a").
        shorter, longer = sorted((len(q.latin), len(a.latin)))
        if shorter < TRANSLIT_MIN_LEN:
            return None
        # Nor for a short spelling against a much longer one (CEIEC is not CEC).
        if shorter <= TRANSLIT_MIN_LEN and longer - shorter > 1:
            return None
        return Pair((qi,), (ai,), "transliterated", TRANSLIT_SIM)
    if distance == TRANSLATION:
        return Pair((qi,), (ai,), "translated", TRANSLATION_SIM)
    if distance == INFLECTED:
        return Pair((qi,), (ai,), "inflected", INFLECTION_SIM)
    if distance == TRUNCATED:
        similarity = TRUNCATED_SIM_MIN + (TRUNCATED_SIM_MAX - TRUNCATED_SIM_MIN) * len(q.key) / len(
            a.key
        )
        return Pair((qi,), (ai,), "truncated", similarity)
    similarity = typo_similarity(q.key, a.key, q.latin, a.latin)
    return Pair((qi,), (ai,), "fuzzy", similarity) if similarity >= FUZZY_MIN_SIM else None


def _unit_pair(
    query: Query, q_unit: Unit, name: IndexedName, a_unit: Unit, distance: int
) -> Pair | None:
    """Pair where one side is two words written as one (Bel AZ / BelAZ)."""
    q_latin = "".join(query.tokens[i].latin for i in q_unit.indices)
    a_latin = "".join(name.tokens[i].latin for i in a_unit.indices)
    similarity = typo_similarity(q_unit.key, a_unit.key, q_latin, a_latin)
    if similarity < COMPOUND_MIN_SIM:
        return None
    return Pair(q_unit.indices, a_unit.indices, "compound", similarity)


def typo_similarity(q_key: str, a_key: str, q_latin: str, a_latin: str) -> float:
    """1 - edits / length of the spelling, where an edit the phonetic key absorbs (a Belarusian
    h for a Russian g, o for a) costs half. Transpositions are one edit. Two compounds with a
    generic part (Агросервис, Gardservis) are as alike as the rest: 0 when it differs by more
    than a typo (one edit, or a word's budget for a longer rest)."""
    parts = distinctive_parts(q_latin, a_latin)
    if parts is not None and parts[0] != parts[1]:
        q_part, a_part = parts
        part_edits = _edits(phonetic_key(q_part), phonetic_key(a_part), q_part, a_part)
        if part_edits > max(1, max_edits(max(len(q_part), len(a_part)))):
            return 0.0
    edits = _edits(q_key, a_key, q_latin, a_latin)
    return 1.0 - edits / max(len(q_latin), len(a_latin), 1)


def _edits(q_key: str, a_key: str, q_latin: str, a_latin: str) -> float:
    latin_edits = OSA.distance(q_latin, a_latin)
    key_edits = OSA.distance(q_key, a_key)
    if key_edits < latin_edits:
        return key_edits + TRANSLIT_EDIT_COST * (latin_edits - key_edits)
    return float(latin_edits)


def _candidate_pairs(index: NameIndex, query: Query, name_id: int) -> list[Pair]:
    name = index.names[name_id]
    pairs = []
    hits = query.hits
    for ai, token in enumerate(name.tokens):
        for q_unit, distance in hits.get(token.key, ()):
            if len(q_unit.indices) == 1:
                qi = q_unit.indices[0]
                pair = _word_pair(query.tokens[qi], token, qi, ai, distance)
            else:
                pair = _unit_pair(query, q_unit, name, Unit((ai,), token.key), distance)
            if pair is not None:
                pairs.append(pair)
    for start, end, key in name.compounds:
        for q_unit, distance in hits.get(key, ()):
            pair = _unit_pair(query, q_unit, name, Unit(tuple(range(start, end)), key), distance)
            if pair is not None:
                pairs.append(pair)
    if name_id in query.acronym_hits:
        word = query.acronym_hits[name_id]
        letters = query.tokens[word].latin
        # The words the acronym stands for: all, or the head of the name (MoD: Ministry of
        # Defence, not "of the Republic of Belarus", which the query may name itself).
        end = name.acronym_ends[name.acronyms.index(letters)] if letters in name.acronyms else 0
        similarity = acronym_similarity(index, name_id, letters)
        pairs.append(Pair((word,), tuple(range(end or len(name.tokens))), "acronym", similarity))
    if query.initials and len(name.tokens) == 1 and name.tokens[0].latin == query.initials:
        words = tuple(i for i, t in enumerate(query.tokens) if t.key not in FUNCTION)
        similarity = acronym_similarity(index, name_id, query.initials)
        pairs.append(Pair(words, (0,), "acronym", similarity))
    return pairs


def acronym_similarity(index: NameIndex, name_id: int, letters: str) -> float:
    if name_id in index.attested:
        return ACRONYM_SIM
    if index.spellers.get(letters, 0) > 1:
        return ACRONYM_SHARED_SIM
    return ACRONYM_UNIQUE_SIM if len(letters) >= ACRONYM_LONG else ACRONYM_UNIQUE_SHORT_SIM


def align(index: NameIndex, query: Query, name_id: int) -> list[Pair]:
    """Greedy one-to-one alignment, best similarity first; on ties single words first, then
    the name's weightier words (a query word that may be either of two names' words pairs
    with the rarer)."""
    pairs = _candidate_pairs(index, query, name_id)
    tokens, weights = index.names[name_id].tokens, index.weights
    pairs.sort(
        key=lambda p: (
            -p.similarity,
            len(p.query) + len(p.alias),
            -sum(weights[tokens[i].key] for i in p.alias),
        )
    )
    used_q: set[int] = set()
    used_a: set[int] = set()
    chosen = []
    for pair in pairs:
        if used_q.isdisjoint(pair.query) and used_a.isdisjoint(pair.alias):
            chosen.append(pair)
            used_q.update(pair.query)
            used_a.update(pair.alias)
    return chosen


def _distinctive(token: Token) -> bool:
    return token.key not in FUNCTION and not generic(token.key)


def score_name(index: NameIndex, query: Query, name_id: int, floor: float) -> NameScore:
    """Score one name; `floor` is its `query_floor`, computed once per index."""
    name = index.names[name_id]
    countries = index.entities[name.entity].countries
    pairs = align(index, query, name_id)
    pairs.extend(_locations(query, pairs, name, countries, index.places[name.entity]))
    pairs.extend(_initials(query, pairs))
    alias_sim = [0.0] * len(name.tokens)
    # A query word is explained by the name once it is paired with one of its words, however
    # misspelt: the typo already costs on the name's side.
    explained = [False] * len(query.tokens)
    for pair in pairs:
        for i in pair.alias:
            alias_sim[i] = pair.similarity
        for i in pair.query:
            explained[i] = True
    query_total = sum(query.weights)
    query_coverage = (
        sum(w for w, e in zip(query.weights, explained, strict=True) if e) / query_total
        if query_total > 0
        else 0.0
    )
    total = index.totals[name_id]
    if query_coverage >= LEFT_OUT_QUERY_COVERAGE:
        total -= _left_out(index, name, alias_sim)
    alias_coverage = (
        sum(index.weights[t.key] * s for t, s in zip(name.tokens, alias_sim, strict=True)) / total
        if total > 0
        else 0.0
    )
    penalties = _penalties(query, name, alias_sim)
    if _names_other_country(query, explained, countries):
        penalties["country_in_query"] = COUNTRY_MISMATCH
    elif _other_place(index, query, name, alias_sim, explained):
        penalties["other_place"] = OTHER_PLACE
    elif _without_place(index, name, alias_sim):
        penalties["place_missing"] = PLACE_MISSING
    score = alias_coverage * (floor + (1.0 - floor) * query_coverage)
    for factor in penalties.values():
        score *= factor
    return NameScore(
        name_id, min(score, 1.0), alias_coverage, query_coverage, floor, penalties, tuple(pairs)
    )


def _left_out(index: NameIndex, name: IndexedName, alias_sim: list[float]) -> float:
    """What the name's unmatched generic words weigh less once every distinctive word of the
    name is matched: the query gives the name without its descriptors (management company,
    production association), which says nothing against it."""
    left_out = 0.0
    distinctive = False
    for token, sim in zip(name.tokens, alias_sim, strict=True):
        if not is_generic(token.key):
            if sim == 0.0:
                return 0.0
            distinctive = True
        elif sim == 0.0:
            left_out += index.weights[token.key]
    return GENERIC_LEFT_OUT * left_out if distinctive else 0.0


def _locations(
    query: Query,
    pairs: list[Pair],
    name: IndexedName,
    countries: tuple[str, ...],
    places: frozenset[str],
) -> list[Pair]:
    """Query words naming a country the entity is linked to ("Belarus", "RB") or a place of its
    addresses ("Orsha") are explained by the entity even when its name does not hold them; a
    country the name spells out ("of the Republic of Belarus") is then matched by it."""
    used = {i for pair in pairs for i in pair.query}
    used_alias = {i for pair in pairs for i in pair.alias}
    found = []
    for i, token in enumerate(query.tokens):
        if i in used:
            continue
        code = COUNTRY_WORDS.get(token.key)
        if code is not None and code in countries:
            found.append(Pair((i,), _country_words(name, code, used_alias), "location", 1.0))
        elif stem(token.key) in places:
            found.append(Pair((i,), (), "location", 1.0))
    return found


def _country_words(name: IndexedName, code: str, used: set[int]) -> tuple[int, ...]:
    """The name's words that spell the country out: its name and a "republic" before it."""
    words: list[int] = []
    for i, token in enumerate(name.tokens):
        if i in used or COUNTRY_WORDS.get(token.key) != code:
            continue
        if i > 0 and i - 1 not in used and MEANINGS.get(stem(name.tokens[i - 1].key)) == _REPUBLIC:
            words.append(i - 1)
        words.append(i)
        used.update(words)
    return tuple(words)


_REPUBLIC = MEANINGS.get(stem("republic"))


def _initials(query: Query, pairs: list[Pair]) -> list[Pair]:
    """A person's initials (ИП Белов С.А.) are explained by any name: they tell one namesake
    from another, not whether the name is listed."""
    used = {i for pair in pairs for i in pair.query}
    return [
        Pair((i,), (), "initials", 1.0)
        for i, token in enumerate(query.tokens)
        if i not in used and is_initials(token.key)
    ]


def query_floor(index: NameIndex, name: IndexedName) -> float:
    """How much of the score a fully covered name keeps however many extra words the query
    has: more for names with more, longer distinctive words."""
    distinctive = [t for t in name.tokens if _distinctive(t)]
    info = sum(index.weights[t.key] * min(1.0, len(t.key) / SHORT_KEY_LEN) for t in distinctive)
    floor = QUERY_FLOOR * min(1.0, info / INFO_FULL)
    # A weak alias of one distinctive word is weak evidence inside a longer name: "Sirius Star
    # Shipping" is most likely not the entity the list also calls "Sirius".
    return floor * SINGLE_WORD_FLOOR if name.kind == "weak" and len(distinctive) == 1 else floor


def _without_place(index: NameIndex, name: IndexedName, alias_sim: list[float]) -> bool:
    """The name holds a town (Gomel Radio Plant, Svetlogorsk Khimvolokno) that the query leaves
    out: many towns have such a plant."""
    towns = index.town_keys
    return any(s == 0.0 and t.key in towns for t, s in zip(name.tokens, alias_sim, strict=True))


def _other_place(
    index: NameIndex, query: Query, name: IndexedName, alias_sim: list[float], explained: list[bool]
) -> bool:
    """The name holds a place or country (Minsk Bearing Plant, Belarusian Youth Union) that the
    query does not, and the query a word the watchlist does not know, or a plant number, where
    the place would be (Srednevolzhsky Bearing Plant, Eurasian Youth Union, 810 Aircraft Repair
    Plant): most likely the same kind of company elsewhere."""
    towns = index.town_keys
    if not any(
        s == 0.0 and (t.key in towns or t.key in COUNTRY_WORDS)
        for t, s in zip(name.tokens, alias_sim, strict=True)
    ):
        return False
    return any(
        not e
        and (
            len(t.key) < LONG_NUMBER_LEN
            if t.number
            else t.key not in index.weights
            and t.key not in NOISE
            and not generic(t.key)
            and len(t.latin) > 2
        )
        for t, e in zip(query.tokens, explained, strict=True)
    )


def _names_other_country(query: Query, explained: list[bool], countries: tuple[str, ...]) -> bool:
    """An unexplained query word names a country, and none the entity is linked to."""
    if not countries:
        return False
    named = {
        COUNTRY_WORDS[t.key]
        for t, e in zip(query.tokens, explained, strict=True)
        if not e and t.key in COUNTRY_WORDS
    }
    return bool(named) and named.isdisjoint(countries)


def _penalties(query: Query, name: IndexedName, alias_sim: list[float]) -> dict[str, float]:
    penalties = {}
    numbers = {t.key for t in name.tokens if t.number}
    if numbers and query.numbers and numbers.isdisjoint(query.numbers):
        penalties["number_mismatch"] = NUMBER_MISMATCH
    distinctive = [s for t, s in zip(name.tokens, alias_sim, strict=True) if _distinctive(t)]
    if distinctive and not any(distinctive):
        penalties["generic_words_only"] = GENERIC_ONLY
    if name.kind == "weak":
        penalties["weak_alias"] = WEAK_ALIAS
    return penalties
