"""The engine's entry point: `Matcher.screen(name)` retrieves candidates from the index, scores
them and returns the best match per entity with its explanation.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.matching.abbreviations import INITIALISMS, expand_initialisms
from service.matching.index import (
    ACRONYM_MIN_LEN,
    GENERIC_LEFT_OUT,
    MAX_POSTINGS,
    PREFIX_MIN_LEN,
    IndexedName,
    ListedEntity,
    NameIndex,
    initials,
)
from service.matching.legal_forms import LegalForm, split_legal_forms
from service.matching.names import query_fields
from service.matching.normalize import (
    Token,
    is_initials,
    strip_invisible,
    tokenize,
    visual_reading,
)
from service.matching.readings import other_reading
from service.matching.scoring import (
    COUNTRY_MISMATCH,
    FUZZY_MIN_SIM,
    INFLECTED,
    INFLECTION_SIM,
    LONG_NUMBER_LEN,
    NEAR_EXACT,
    NEAR_EXACT_COUNTRY_MISMATCH,
    TRANSLATION,
    TRANSLATION_SIM,
    TRUNCATED,
    TRUNCATED_SIM_MAX,
    WEAK_ALIAS,
    NameScore,
    Query,
    Unit,
    query_floor,
    query_units,
    query_weight,
    score_name,
    typo_similarity,
)
from service.matching.scripts import readings, reread
from service.matching.translations import MEANINGS, inflects, stem
from service.matching.translit import phonetic_key
from service.matching.typos import FUZZY_MIN_LEN, MAX_EDITS
from service.matching.vocabulary import (
    COUNTRY_WORDS,
    GENERIC,
    NOISE,
    PLACES,
    STREET_WORDS,
    generic,
)

#: Default score from which a name is reported as a possible match. Chosen on the labelled
#: development set (bench/devset); see bench/RESULTS.md for the precision-recall curve.
DEFAULT_THRESHOLD = 0.75
#: Query words whose listed keys are kept in memory (per matcher).
LOOKUP_CACHE_SIZE = 100_000
#: Names of one entity scored per query part: the names are tried best bound first, and an
#: entity with dozens of aliases needs no more.
NAMES_PER_ENTITY = 4
#: ... and names with a bound this high are tried up to this many: an entity with many aliases
#: that share the query's words (Grodno Azot, «Khimvolokno Plant» JSC «Grodno Azot») must not
#: lose the name that scores best to the ones that bound higher.
STRONG_BOUND = 0.85
STRONG_NAMES_PER_ENTITY = 12
#: Rounding allowance of the score bound used to skip names.
BOUND_EPSILON = 1e-9
#: What a match of one of two fields of a query scores, relative to the field alone, when the
#: other field holds distinctive words too.
FIELD_AMONG_NAMES = 0.85
#: A query word the watchlist knows is also looked up as a misspelling of other listed words
#: when it is this long (letters), for the neighbours at least this similar.
KNOWN_WORD_TYPO_MIN_LEN = 6
KNOWN_WORD_TYPO_SIM = 0.8


# The three classes below are made for every match reported and not changed after (callers use
# dataclasses.replace): not frozen, because a frozen dataclass sets each field through
# object.__setattr__, which cost a tenth of a query on the seed list.


@dataclass(slots=True)
class TokenMatch:
    query: str
    alias: str
    kind: str
    similarity: float
    weight: float


@dataclass(slots=True)
class Explanation:
    #: The field of the query that matched, when a field scored better than the whole line.
    query_part: str | None
    query_normalized: str
    alias_normalized: str
    query_legal_forms: tuple[str, ...]
    alias_legal_forms: tuple[str, ...]
    matched_tokens: tuple[TokenMatch, ...]
    unmatched_query_tokens: tuple[str, ...]
    unmatched_alias_tokens: tuple[str, ...]
    alias_coverage: float
    query_coverage: float
    query_floor: float
    penalties: dict[str, float]
    #: What a reviewer should know besides the numbers (a country that does not fit).
    notes: tuple[str, ...]


@dataclass(slots=True)
class Match:
    entity_id: str
    name: str
    matched_alias: str
    #: The part of a combined list name that matched (equal to matched_alias for plain names).
    matched_name: str
    alias_kind: str
    score: float
    explanation: Explanation


#: (score, exact words, the name's score, the query part it was scored against)
_Best = tuple[float, int, NameScore, Query]


class Matcher:
    """Built once per watchlist version; `screen` is thread-safe."""

    def __init__(self, entities: Iterable[ListedEntity]) -> None:
        # The index is millions of small objects on a large list, none of them in a reference
        # cycle: the cyclic collector would only walk them all again each time the heap grew by
        # a quarter (40 % of the build on 200,000 names). It is paused while they are made, and
        # then they are moved out of its reach (gc.freeze) for as long as they live: full
        # collections walked them again and again while queries ran (a tenth of a query's time
        # on the seed). Acyclic, they are still freed when the version is dropped; the young
        # garbage is collected first so that little else is frozen with them.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.index = NameIndex(entities)
            self.floors = [query_floor(self.index, name) for name in self.index.names]
            self.cyrillic = [_mostly_cyrillic(name.tokens) for name in self.index.names]
            self.twins = _twins(self.index.names, self.index.attested)
        finally:
            if collecting:
                gc.enable()
        gc.collect(1)
        gc.freeze()
        self._lookups: dict[tuple[str, bool, bool], dict[str, tuple[int, float]]] = {}
        #: word of another script -> the reading of it the watchlist knows ("" for none)
        self._readings: dict[str, str] = {}

    def screen(
        self,
        name: str,
        *,
        country: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
    ) -> list[Match]:
        """The entities `name` may be, best first: per entity its best-scoring name, scored
        against the whole query and against each field of a supplier line."""
        best: dict[int, _Best] = {}
        whole = strip_invisible(name).strip()
        # A name disguised with look-alike letters of other scripts is read as Latin too, and a
        # mangled one (a glued legal form, digits for letters...) as it was meant.
        texts = [whole]
        visual = visual_reading(whole)
        if visual is not None:
            texts.append(visual)
        # Words of scripts read several ways (kana, hangul, Arabic) are read once more in the
        # spelling the watchlist knows (ペレング: Peleng rather than Pereng).
        read = reread(whole, self._known_reading)
        if read is not None and read not in texts:
            texts.append(read)
        for text in list(texts):
            other = other_reading(text)
            if other is not None and other not in texts:
                texts.append(other)
        for text in texts:
            self._screen_text(text, country, threshold, best)
        # On equal scores, the entity whose name has the query's legal form first (NIMR
        # INTERNATIONAL S.R.L. before NIMR INTERNATIONAL L.L.C.).
        ranked = sorted(
            best.items(),
            key=lambda i: (
                -_round4(i[1][0]),
                not self._same_form(i[1][3], i[1][2].name_id),
                self.index.entities[i[0]].id,
            ),
        )
        return [
            self._match(
                query,
                s,
                scored,
                country,
                None if query.text == whole else query.text,
                _how_read(query.text, whole, texts, visual, read),
            )
            for _, (s, _, scored, query) in ranked[:limit]
        ]

    def _known_reading(self, word: str) -> str | None:
        """The first other reading of a word (see `scripts.readings`) that the watchlist knows."""
        found = self._readings.get(word)
        if found is None:
            found = next((r for r in readings(word) if self.index.knows(phonetic_key(r))), "")
            if len(self._readings) >= LOOKUP_CACHE_SIZE:
                self._readings.clear()
            self._readings[word] = found
        return found or None

    def _screen_text(
        self, text: str, country: str | None, threshold: float, best: dict[int, _Best]
    ) -> None:
        """Score the whole text and each field of a supplier line it holds."""
        fields = query_fields(text)
        tokens = [tokenize(field) for field in fields]
        whole = split_legal_forms([t for words in tokens for t in words])
        parts = [(text, whole, 1.0)]
        if len(fields) > 1:
            # A field is screened alone; but two fields that both hold distinctive words (not
            # a town, an address, a country, numbers, an office) may be the parts of one name,
            # "SURNAME, Given names": a field alone then scores less.
            splits = [split_legal_forms(words) for words in tokens]
            names = sum(_distinctive_words(words) for words, _ in splits)
            factor = FIELD_AMONG_NAMES if len(fields) == names == 2 else 1.0
            parts += [
                (f, split, factor)
                for f, words, split in zip(fields, tokens, splits, strict=True)
                if _nameish(words)
            ]
        for part, split, factor in parts:
            query = self.prepare(part, split)
            if not query.tokens:
                continue
            query.factor = factor
            self._score_part(query, country, threshold, best)
            if any(t.latin in INITIALISMS for t in query.tokens):
                expanded = expand_initialisms(part) or part
                self._score_part(self.prepare(expanded), country, threshold, best)

    def _score_part(
        self, query: Query, country: str | None, threshold: float, best: dict[int, _Best]
    ) -> None:
        # On equal scores the name matched with more exact words wins.
        tried: dict[int, int] = {}
        twins, cyrillic = self.twins, self.cyrillic
        #: twin group -> the script of the name of it scored (mostly Cyrillic or not)
        scored_twins: dict[int, bool] = {}
        # A field among names scores `query.factor` of itself: its names must bound higher.
        for bound, name_id in self._candidates(query, threshold / query.factor):
            entity = self.index.names[name_id].entity
            limit = NAMES_PER_ENTITY if bound < STRONG_BOUND else STRONG_NAMES_PER_ENTITY
            count = tried.get(entity, 0)
            if count >= limit or (entity in best and bound <= best[entity][0] + BOUND_EPSILON):
                continue  # this name cannot, or is unlikely to, beat the entity's best one
            twin = twins.get(name_id)
            if twin is not None:
                script = scored_twins.setdefault(twin, cyrillic[name_id])
                if script != cyrillic[name_id]:
                    # It scores as its twin in the other script did, which came first for
                    # being in the query's script (and has the words written as the query's).
                    continue
            tried[entity] = count + 1
            scored = score_name(self.index, query, name_id, self.floors[name_id])
            final = self._final_score(scored, entity, country, threshold) * query.factor
            rank = (final, sum(p.kind == "exact" for p in scored.pairs))
            if final >= threshold and (entity not in best or rank > best[entity][:2]):
                best[entity] = (*rank, scored, query)

    def prepare(self, text: str, split: tuple[list[Token], list[LegalForm]] | None = None) -> Query:
        """Tokens, weights and the listed keys each query word may stand for; `split` is the
        text's words and legal forms (`split_legal_forms`) when the caller has them."""
        tokens, forms = split_legal_forms(tokenize(text)) if split is None else split
        numbers = frozenset(t.key for t in tokens if t.number and len(t.key) < LONG_NUMBER_LEN)
        weights = [query_weight(self.index, t) for t in tokens]
        query = Query(text, tokens, forms, weights, numbers, initials=initials(tokens))
        hits, bounds, masks = query.hits, query.bounds, query.masks
        for unit in query_units(tokens):
            mask = unit.mask
            found = self._lookup(unit, tokens)
            if unit.indices == (len(tokens) - 1,):
                found = self._truncations(unit, found)
            for key, (distance, bound) in found.items():
                if key in hits:
                    hits[key].append((unit, distance))
                    bounds[key] = max(bound, bounds[key])
                    masks[key] |= mask
                else:
                    hits[key] = [(unit, distance)]
                    bounds[key] = bound
                    masks[key] = mask
        for i, token in enumerate(tokens):
            # Initialisms of common words (NPO, KB) are no organisation's acronym.
            if len(token.latin) >= ACRONYM_MIN_LEN and token.latin not in INITIALISMS:
                for name_id in self.index.acronyms.get(token.latin, ()):
                    query.acronym_hits.setdefault(name_id, i)
        return query

    def _lookup(self, unit: Unit, tokens: list[Token]) -> dict[str, tuple[int, float]]:
        """Listed keys for one query unit, with the edit distance (or the kind of hit) and the
        highest similarity the pair can have; cached (the fields of a supplier line and the
        next queries share most words)."""
        single = len(unit.indices) == 1
        # Two words read as one are looked up for typos only when one of them is unknown: a
        # space moved or slipped into a word ("Industria lgroup", "Traff icking"). Three words
        # read as one are only looked up as they are: on a large list their typo neighbours
        # cost more than the rest of the query and found none on the development set.
        known = self.index.knows
        fuzzy = single or (
            len(unit.indices) == 2 and not all(known(tokens[i].key) for i in unit.indices)
        )
        found = self._lookups.get((unit.latin, single, fuzzy))
        if found is None:
            found = self._find(unit.key, unit.latin, single, fuzzy)
            if len(self._lookups) >= LOOKUP_CACHE_SIZE:
                self._lookups.clear()
            self._lookups[unit.latin, single, fuzzy] = found
        return found

    def _find(
        self, key: str, latin: str, single: bool, fuzzy: bool = True
    ) -> dict[str, tuple[int, float]]:
        """The key itself, typo neighbours (when `fuzzy`), inflected forms and translations
        (for `single` words only)."""
        found: dict[str, tuple[int, float]] = {}
        if self.index.knows(key):
            found[key] = (0, 1.0)
        if is_initials(key):
            return found  # the same initials, or nothing
        # Generic words are not looked up for typos (zavad is zavod, not a rare listed word);
        # a word only looks generic by its crude stem (Importesk: import-) is.
        if fuzzy and not (key in NOISE or key.isdigit() or key in GENERIC):
            # A word the watchlist knows is most likely that word; but a long one may also be a
            # misspelling of another listed word (Gasprom of a listed Gazprom, beside a listed
            # Gasprom Neft), so its close neighbours are looked up too.
            least = FUZZY_MIN_SIM if not found else KNOWN_WORD_TYPO_SIM
            if not found or len(latin) >= KNOWN_WORD_TYPO_MIN_LEN:
                # Words read as one (a space moved) are looked up for one typo at most: on a
                # large list, a long key's full budget costs more than the rest of the query.
                most = MAX_EDITS if single else 1
                for other, distance in self.index.similar(key, most).items():
                    bound = self._typo_bound(key, latin, other) if distance else 1.0
                    if bound >= least and other not in found:
                        found[other] = (distance, bound)
            if not found and single:
                self._spelling_slips(key, latin, found)
        if single:
            word_stem = stem(key)
            for other in self.index.by_stem.get(word_stem, ()):
                if inflects(key, other):
                    _keep_best(found, other, (INFLECTED, INFLECTION_SIM))
            meaning = MEANINGS.get(word_stem)
            for other in self.index.by_meaning.get(meaning, ()) if meaning is not None else ():
                _keep_best(found, other, (TRANSLATION, TRANSLATION_SIM))
        return found

    def _truncations(
        self, unit: Unit, found: dict[str, tuple[int, float]]
    ) -> dict[str, tuple[int, float]]:
        """The last word of a query may be cut short by a field length limit: add the listed
        words it begins."""
        key = unit.key
        if len(key) < PREFIX_MIN_LEN or key in found or key in NOISE or generic(key):
            return found
        if is_initials(key):
            return found
        longer = self.index.continuations(key)
        if not longer:
            return found
        return {**{k: (TRUNCATED, TRUNCATED_SIM_MAX) for k in longer}, **found}

    def _spelling_slips(self, key: str, latin: str, found: dict[str, tuple[int, float]]) -> None:
        """Listed words one stray or swapped letter away in the spelling, which the phonetic key
        may turn into two edits (trolops / troops, cahm / cham, luxch / luch). The slips are
        looked up as listed spellings: a phonetic key for each would cost more than the rest of
        the word's lookup."""
        if len(latin) < FUZZY_MIN_LEN or latin.isdigit():
            return
        # A stray letter only in words that keep FUZZY_MIN_LEN without it (БЛМЗ is not БМЗ).
        slips = (
            {latin[:i] + latin[i + 1 :] for i in range(len(latin))}
            if len(latin) > FUZZY_MIN_LEN
            else set()
        )
        slips.update(
            latin[:i] + latin[i + 1] + latin[i] + latin[i + 2 :] for i in range(len(latin) - 1)
        )
        spelled = self.index.spelled
        for slip in slips:
            other = spelled.get(slip)
            if other is not None and other != key and other not in found:
                bound = self._typo_bound(key, latin, other)
                if bound >= FUZZY_MIN_SIM:
                    found[other] = (1, bound)

    def _typo_bound(self, key: str, latin: str, other: str) -> float:
        """The best typo similarity of a query word with any listed spelling of `other`."""
        spellings = self.index.spellings.get(other, ())
        return max((typo_similarity(key, other, latin, s) for s in spellings), default=1.0)

    def _candidates(self, query: Query, threshold: float) -> list[tuple[float, int]]:
        """Names that could reach the threshold, by an upper bound of their score: the weight
        of every listed word the query may stand for, over the name's total weight, and the
        same on the query's side. Generic words retrieve only names made of generic words;
        for other names they are counted as if present."""
        index = self.index
        # Plain dicts: a defaultdict's missing keys go through a Python-level call.
        evidence: dict[int, float] = {}
        covered: dict[int, int] = {}
        generic_slack = common_slack = 0.0
        slack_mask = self._maybe_locations(query)
        generic_keys = index.generic_keys
        for key, mask in query.masks.items():
            weight = index.weights.get(key, 0.0)
            postings = index.postings.get(key, ())
            if key in generic_keys:
                generic_slack += weight
                slack_mask |= mask
                postings = index.generic_postings.get(key, ())
            elif len(postings) > MAX_POSTINGS:
                common_slack += weight
                slack_mask |= mask
                continue
            weight *= query.bounds[key]
            for name_id in postings:
                evidence[name_id] = evidence.get(name_id, 0.0) + weight
                covered[name_id] = covered.get(name_id, 0) | mask
            for name_id, pair_weight in index.compounds.get(key, ()):
                evidence[name_id] = evidence.get(name_id, 0.0) + pair_weight * query.bounds[key]
                covered[name_id] = covered.get(name_id, 0) | mask
        totals = index.totals
        # Names an acronym or the query's initials may stand for whole: their bound stays the
        # sum of the evidence.
        whole: set[int] = set()
        for name_id, i in query.acronym_hits.items():
            evidence[name_id] = evidence.get(name_id, 0.0) + totals[name_id]
            covered[name_id] = covered.get(name_id, 0) | 1 << i
            whole.add(name_id)
        if query.initials:
            for name_id in index.short_names.get(query.initials, ()):
                evidence[name_id] = evidence.get(name_id, 0.0) + totals[name_id]
                covered[name_id] = (1 << len(query.tokens)) - 1
                whole.add(name_id)
        slack = (generic_slack, common_slack, slack_mask)
        return self._bounded(query, threshold, evidence, covered, slack, whole)

    def _maybe_locations(self, query: Query) -> int:
        """Query words that may name an entity's country or place, and a person's initials
        (explained without a word of the name): the bound must count them."""
        mask = 0
        for i, token in enumerate(query.tokens):
            if (
                token.key in COUNTRY_WORDS
                or stem(token.key) in self.index.all_places
                or is_initials(token.key)
            ):
                mask |= 1 << i
        return mask

    def _bounded(
        self,
        query: Query,
        threshold: float,
        evidence: dict[int, float],
        covered: dict[int, int],
        slack: tuple[float, float, int],
        whole: set[int],
    ) -> list[tuple[float, int]]:
        """(bound, name) of the names whose bound reaches the threshold, highest first."""
        generic_slack, common_slack, slack_mask = slack
        names = self.index.names
        # Whether a query word names a country: a name's country words may then match it.
        countries = any(t.key in COUNTRY_WORDS for t in query.tokens)
        query_total = sum(query.weights) or 1.0
        shares: dict[int, float] = {}
        # Highest bound first; on equal bounds names in the query's script first, so that the
        # name shown is the one written as the query was; then in the order they were found.
        cyrillic = _mostly_cyrillic(query.tokens)
        ranked: list[tuple[float, bool, int, int]] = []
        lean_totals, generic_totals = self.index.lean_totals, self.index.generic_totals
        for name_id, found in evidence.items():
            total = lean_totals[name_id]
            if total <= 0:
                continue
            extra = generic_totals[name_id]
            if generic_slack < extra:
                extra = generic_slack
            alias_bound = (found + extra + common_slack) / total
            if alias_bound < threshold - BOUND_EPSILON:
                continue
            if (extra > 0.0 or common_slack > 0.0) and name_id not in whole:
                # The slack counts generic and common words as present in every name; the
                # name's own words say how many of them the query can match.
                own = self._alias_bound(query, name_id, countries)
                if own < alias_bound:
                    alias_bound = own
                if names[name_id].kind == "weak":
                    alias_bound *= WEAK_ALIAS
                if alias_bound < threshold - BOUND_EPSILON:
                    continue
            mask = covered[name_id] | slack_mask
            share = shares.get(mask)
            if share is None:
                share = _share(query.weights, mask) / query_total
                shares[mask] = share
            floor = self.floors[name_id]
            bound = (alias_bound if alias_bound < 1.0 else 1.0) * (floor + (1.0 - floor) * share)
            if bound >= threshold - BOUND_EPSILON:
                ranked.append((-bound, self.cyrillic[name_id] != cyrillic, len(ranked), name_id))
        ranked.sort()
        return [(-bound, name_id) for bound, _, _, name_id in ranked]

    def _alias_bound(self, query: Query, name_id: int, countries: bool) -> float:
        """The highest coverage the query can give a name (as `scoring.score_name` counts it):
        each of its words, or words written as one, at the highest similarity a query word may
        have with it; its country words, and the "republic" before them, whole when the query
        names a country; its generic words that no query word may match weighing half once
        every distinctive word may match. (Leaving out a word the query may match never raises
        the coverage: that takes half its weight off the denominator but a similarity of at
        least FUZZY_MIN_SIM off the numerator.)"""
        index = self.index
        bounds, weights, generic_keys = query.bounds, index.weights, index.generic_keys
        name = index.names[name_id]
        tokens = name.tokens
        sims = [bounds.get(t.key, 0.0) for t in tokens]
        for start, end, key in name.compounds:
            bound = bounds.get(key)
            if bound is not None:
                for i in range(start, end):
                    if sims[i] < bound:
                        sims[i] = bound
        if countries:
            for i, token in enumerate(tokens):
                if token.key in COUNTRY_WORDS:
                    sims[i] = 1.0
                    if i > 0:
                        sims[i - 1] = 1.0
        found = left_out = 0.0
        every_distinctive = True
        distinctive = False
        for i in range(len(tokens)):
            key = tokens[i].key
            sim = sims[i]
            if key not in generic_keys:
                distinctive = True
                if sim == 0.0:
                    every_distinctive = False
            elif sim == 0.0:
                left_out += weights[key]
            found += weights[key] * sim
        total = index.totals[name_id]
        if every_distinctive and distinctive:
            total -= GENERIC_LEFT_OUT * left_out
        return found / total if total > 0 else 1.0

    def _country_factor(self, entity: int, country: str | None) -> float:
        countries = self.index.entities[entity].countries
        if country and countries and country.upper() not in countries:
            return COUNTRY_MISMATCH
        return 1.0

    def _final_score(
        self, scored: NameScore, entity: int, country: str | None, threshold: float
    ) -> float:
        """The name's score with the caller's country. A country that does not fit (the
        caller's, or one the query names) lowers the score; a (nearly) exact name it lowers by
        at most a tenth, and never below the threshold: a wrong country alone hides no listed
        name."""
        final = scored.score * self._country_factor(entity, country)
        alone = self._name_alone(scored)
        if alone >= NEAR_EXACT:
            final = max(final, alone * NEAR_EXACT_COUNTRY_MISMATCH)
            if alone >= threshold:
                final = max(final, threshold)
        return final

    def _name_alone(self, scored: NameScore) -> float:
        """A name's score without the penalty of a country the query names, when that country
        was added to the name (`... LLC Smolensk RU`); a listed name that holds a country of its
        own (Belarusian National Olympic Committee) differs from the query in that word."""
        penalty = scored.penalties.get("country_in_query")
        if penalty is None or any(
            t.key in COUNTRY_WORDS for t in self.index.names[scored.name_id].tokens
        ):
            return scored.score
        return min(1.0, scored.score / penalty)

    def _same_form(self, query: Query, name_id: int) -> bool:
        """The query names a legal form that the name, or one of its spellings, has."""
        wanted = {f.label for f in query.legal_forms}
        if not wanted:
            return False
        names = [self.index.names[name_id], *self.index.same_words.get(name_id, [])]
        return any(f.label in wanted for name in names for f in name.legal_forms)

    def _shown(self, query: Query, name_id: int) -> IndexedName:
        """Of the names with the same words, the one whose legal form the query used."""
        name = self.index.names[name_id]
        wanted = {f.label for f in query.legal_forms}
        others: list[IndexedName] = self.index.same_words.get(name_id, [])
        for other in [name, *others]:
            if other.kind == name.kind and {f.label for f in other.legal_forms} == wanted:
                return other
        return name

    def _match(
        self,
        query: Query,
        score: float,
        scored: NameScore,
        country: str | None,
        part: str | None,
        read: str | None = None,
    ) -> Match:
        name = self._shown(query, scored.name_id)
        entity = self.index.entities[name.entity]
        penalties = dict(scored.penalties)
        notes: list[str] = [read] if read else []
        if query.factor < 1.0:
            penalties["field_of_several_names"] = query.factor
            notes.append(
                "it matched one of the query's two fields, and the other holds a name too (the "
                "fields may be parts of one name, as in 'SURNAME, Given names')"
            )
        if self._country_factor(name.entity, country) != 1.0:
            penalties["country_mismatch"] = COUNTRY_MISMATCH
            notes.append(
                f"the counterparty's country {country} is not one the entity is linked to "
                f"({', '.join(entity.countries)})"
            )
        if "country_in_query" in penalties:
            notes.append(
                "the query names a country the entity is not linked to "
                f"({', '.join(entity.countries)})"
            )
        if score > scored.score * self._country_factor(name.entity, country) + BOUND_EPSILON:
            notes.append(
                f"the name alone scores {self._name_alone(scored):.2f}: a country that does not "
                "fit ranks a (nearly) exact name lower but does not hide it"
            )
        matched = []
        used_q: set[int] = set()
        used_a: set[int] = set()
        for pair in scored.pairs:
            used_q.update(pair.query)
            used_a.update(pair.alias)
            matched.append(
                TokenMatch(
                    " ".join(query.tokens[i].text for i in pair.query),
                    " ".join(name.tokens[i].text for i in pair.alias),
                    pair.kind,
                    _round4(pair.similarity),
                    _round4(sum(self.index.weights[name.tokens[i].key] for i in pair.alias)),
                )
            )
        explanation = Explanation(
            query_part=part,
            query_normalized=" ".join(t.latin for t in query.tokens),
            alias_normalized=" ".join(t.latin for t in name.tokens),
            query_legal_forms=tuple(f"{f.text} ({f.label})" for f in query.legal_forms),
            alias_legal_forms=tuple(f"{f.text} ({f.label})" for f in name.legal_forms),
            matched_tokens=tuple(matched),
            unmatched_query_tokens=tuple(
                t.text for i, t in enumerate(query.tokens) if i not in used_q
            ),
            unmatched_alias_tokens=tuple(
                t.text for i, t in enumerate(name.tokens) if i not in used_a
            ),
            alias_coverage=_round4(scored.alias_coverage),
            query_coverage=_round4(scored.query_coverage),
            query_floor=_round4(scored.floor),
            penalties=penalties,
            notes=tuple(notes),
        )
        return Match(
            entity.id,
            entity.name,
            name.alias,
            name.variant,
            name.kind,
            _round4(score),
            explanation,
        )


def _how_read(
    text: str, whole: str, texts: Sequence[str], visual: str | None, read: str | None
) -> str | None:
    """What a reviewer should know of the text that matched, when it is not the query as sent:
    how the query was read."""
    if text in whole:
        return None
    if read is not None and text in read:
        return (
            "words of another script in the query matched read in the Latin spelling the list "
            f"uses: {text}"
        )
    if visual is not None and text in visual:
        return (
            "the query holds letters of other scripts that look like Latin ones (a disguise?): "
            "it matched read as Latin"
        )
    reading = next((r for r in texts if text in r), text)
    return (
        f"it matched the query read as {reading!r}: a legal form glued to the name taken "
        "apart, digits typed for letters (and letters for digits) read as meant, spaced-out "
        "letters and punctuation inside words taken out"
    )


def _twins(names: list[IndexedName], attested: set[int]) -> dict[int, int]:
    """Names of one entity with the same readable words, kind and acronyms (a Cyrillic name
    and its Latin spelling, as lists give both) -> the first of them: they score alike, and
    those in the query's script are tried first. Only names that have a twin are kept."""
    twins: dict[int, int] = {}
    first: dict[tuple[object, ...], int] = {}
    entity = -1
    for name_id, name in enumerate(names):
        if name.entity != entity:  # an entity's names are consecutive
            entity = name.entity
            first = {}
        signature = (
            tuple(t.latin for t in name.tokens),
            name.kind,
            name.acronyms,
            name.acronym_ends,
            name_id in attested,
        )
        earlier = first.setdefault(signature, name_id)
        if earlier != name_id:
            twins[earlier] = earlier
            twins[name_id] = earlier
    return twins


def _round4(value: float) -> float:
    """`round(value, 4)`, the same to the last bit, without the builtin's cost (it goes through
    a decimal string: a fifth of building a match's explanation): scaled, the value is rounded
    to the nearer whole number unless it lies so near a half that the scaling's rounding error
    could decide, and the builtin decides those."""
    scaled = value * 10000.0
    if not 0.0 <= scaled < 1e8:
        return round(value, 4)
    whole = float(int(scaled))
    fraction = scaled - whole
    if -1e-6 < fraction - 0.5 < 1e-6:
        return round(value, 4)
    return (whole + 1.0 if fraction > 0.5 else whole) / 10000.0


def _share(weights: list[float], mask: int) -> float:
    """The weight of the query words in `mask` (bit i: word i)."""
    total = 0.0
    for i, weight in enumerate(weights):
        if mask >> i & 1:
            total += weight
    return total


def _mostly_cyrillic(tokens: Sequence[Token]) -> bool:
    return 2 * sum(t.cyrillic for t in tokens) > len(tokens)


def _nameish(tokens: Sequence[Token]) -> bool:
    """A field could be a name: not only places, numbers and supplier-file words."""
    return any(
        not (t.number or t.key in NOISE or t.key in COUNTRY_WORDS or t.key in PLACES)
        for t in tokens
    )


def _distinctive_words(words: list[Token]) -> bool:
    """A field, without its legal forms, holds a word that could tell a name: not a place, a
    country, a number, an initial, supplier-file noise or a generic organisation word; and it
    is not an address (a street word or a postcode in it)."""
    if any(t.key in STREET_WORDS or (t.number and len(t.key) >= 5) for t in words):
        return False
    return any(
        not (
            t.number
            or len(t.latin) < 2
            or is_initials(t.key)
            or t.key in NOISE
            or t.key in COUNTRY_WORDS
            or t.key in PLACES
            or generic(t.key)
        )
        for t in words
    )


def _keep_best(found: dict[str, tuple[int, float]], key: str, hit: tuple[int, float]) -> None:
    """Record a hit unless the key already has one at least as similar."""
    if key not in found or found[key][1] < hit[1]:
        found[key] = hit
