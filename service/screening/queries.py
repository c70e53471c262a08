"""Checking screening queries against the configured limits, with one error code per problem;
shared by the API and the command line.

Raises `InvalidInput` from the error tree; no web, no Redis.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from service.errors import BatchTooLarge, InvalidInput
from service.matching.normalize import invisible_characters, strip_invisible
from service.screening.evidence import QueryIdentifier
from service.screening.query_identifiers import (
    MAX_IDENTIFIER_CHARS,
    MAX_QUERY_IDENTIFIERS,
    Asked,
    numbers_in,
    read_identifier,
    representable,
    written_in,
)
from service.screening.screener import normalized_query
from service.settings import Settings
from service.watchlist.countries import resolve_country
from service.watchlist.identifiers import Scheme

#: Names whose screened form is remembered (a few MB at most).
NORMALIZED_CACHE_SIZE = 16_384
#: Line breaks and other vertical whitespace in a name become tabs: like a tab, they separate
#: fields of a pasted supplier line, which the engine reads as such.
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_LINE_BREAK_TABLE = str.maketrans(dict.fromkeys(_LINE_BREAKS, "\t"))
#: Control characters (other than tab and line breaks) and lone surrogate halves: never part
#: of a name (a stray \x15 from a legacy export); removed from what is screened, and reported.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Notice:
    """Something about a query the caller should know: what was removed from a name."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Limits:
    default_threshold: float
    default_limit: int
    max_limit: int
    max_name_length: int
    batch_max_queries: int
    batch_min_threshold: float
    batch_max_matches: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            default_threshold=settings.default_threshold,
            default_limit=settings.default_limit,
            max_limit=settings.max_limit,
            max_name_length=settings.max_name_length,
            batch_max_queries=settings.batch_max_queries,
            batch_min_threshold=settings.batch_min_threshold,
            batch_max_matches=settings.batch_max_matches,
        )


@dataclass(frozen=True, slots=True)
class Parameters:
    """What a request asks besides the names: the same for every name of a batch."""

    threshold: float
    limit: int


@dataclass(frozen=True, slots=True)
class ScreenQuery:
    #: The name as the caller sent it (lone surrogate halves, which no UTF-8 text can hold,
    #: replaced by U+FFFD); None for a query by identifiers alone.
    name: str | None
    #: The text the engine screens: the name without control and invisible characters; empty
    #: when there is no name. The engine's answer (matches and explanations) depends on this
    #: text alone, with the parameters below, so it is what results are cached under.
    screened: str
    country: str | None
    threshold: float
    limit: int
    #: What was removed from the name, or an identifier of a file row left out, if anything.
    notices: tuple[Notice, ...] = ()
    #: The identifiers given (normalised, in a fixed order), then those written in the name.
    identifiers: tuple[QueryIdentifier, ...] = ()
    #: The identifiers given, as one text: with `screened` and the parameters, everything the
    #: answer depends on (those written in the name follow from `screened`), so part of the
    #: result cache key. Empty when none are given.
    identifier_key: str = ""


@dataclass(frozen=True, slots=True)
class RefusedQuery:
    """A query of a batch that cannot be screened, and why (the others still are)."""

    name: str | None
    code: str
    message: str
    #: The identifiers as asked, to show with the error.
    identifiers: tuple[Asked, ...] = ()


def check_parameters(threshold: float | None, limit: int | None, limits: Limits) -> Parameters:
    if threshold is None:
        threshold = limits.default_threshold
    elif not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise InvalidInput(
            f"threshold must be between 0 and 1, got {threshold}", code="threshold_out_of_range"
        )
    if limit is None:
        limit = limits.default_limit
    elif not 1 <= limit <= limits.max_limit:
        raise InvalidInput(
            f"limit must be between 1 and {limits.max_limit}, got {limit}",
            code="limit_out_of_range",
        )
    return Parameters(float(threshold), limit)


def check_batch_parameters(parameters: Parameters, queries: int, limits: Limits) -> None:
    """Bound the work and the answer of one batch request: a floor on its threshold (below
    it nearly every listed name is some match of a long name) and a cap on the matches it may
    return (queries times limit)."""
    if parameters.threshold < limits.batch_min_threshold:
        raise InvalidInput(
            f"a batch's threshold must be at least {limits.batch_min_threshold}, got "
            f"{parameters.threshold}; screen single names to look lower",
            code="threshold_out_of_range",
        )
    if queries * parameters.limit > limits.batch_max_matches:
        most = max(1, limits.batch_max_matches // queries)
        raise InvalidInput(
            f"a batch may return at most {limits.batch_max_matches:,} matches (queries times "
            f"limit): with {queries:,} queries the limit can be at most {most}, got "
            f"{parameters.limit}; lower the limit or split the batch",
            code="batch_matches_too_many",
        )


def check_query(
    name: str | None,
    country: str | None,
    parameters: Parameters,
    limits: Limits,
    identifiers: Sequence[Asked] = (),
    *,
    lenient: bool = False,
) -> ScreenQuery:
    """A validated query, or `InvalidInput` with the code of the first problem found. Control
    and invisible characters are removed from what is screened and named in `notices`. A query
    needs a name or identifiers: with identifiers and no name (None) it is a query by
    identifiers alone; a name given must have something to match all the same. `lenient` (the
    rows of a file): an identifier that is not valid is left out and named in `notices`
    instead of refusing the query."""
    sent: str | None = None
    screened = ""
    notices: tuple[Notice, ...] = ()
    if name is not None:
        # The length as sent, before any work on it: what is echoed and recorded is bounded.
        if len(name) > limits.max_name_length:
            raise InvalidInput(
                f"name is {len(name)} characters long; the limit is {limits.max_name_length}",
                code="name_too_long",
            )
        sent, screened, notices = _cleaned(name)
        _check_screened(screened)
    country = check_country(country)
    if not identifiers and not numbers_in(screened):
        # The hot path: a name alone, without a number in it.
        if name is None:
            raise InvalidInput("a query needs a name or identifiers (or both)", code="name_missing")
        return ScreenQuery(sent, screened, country, parameters.threshold, parameters.limit, notices)
    # Without a name the identifiers are all there is to screen: none may be left out.
    given, dropped = check_identifiers(identifiers, lenient=lenient and name is not None)
    if name is None and not given:
        raise InvalidInput("a query needs a name or identifiers (or both)", code="name_missing")
    return ScreenQuery(
        name=sent,
        screened=screened,
        country=country,
        threshold=parameters.threshold,
        limit=parameters.limit,
        notices=notices + dropped,
        identifiers=given + written_in(screened, given),
        identifier_key=";".join(f"{i.type.value}:{i.value}:{i.certain:d}" for i in given),
    )


def check_identifiers(
    asked: Sequence[Asked], *, lenient: bool = False
) -> tuple[tuple[QueryIdentifier, ...], tuple[Notice, ...]]:
    """The identifiers of a query in normal form, each once, in a fixed order (so equal sets
    are equal queries): a typed one checked against its scheme, an untyped one read as each
    scheme whose shape and check digits it has. `InvalidInput` for the first one not valid
    (`lenient`: it is left out, and named in the notices)."""
    if not asked:
        return (), ()
    if len(asked) > MAX_QUERY_IDENTIFIERS:
        raise InvalidInput(
            f"a query may give at most {MAX_QUERY_IDENTIFIERS} identifiers, got {len(asked)}",
            code="identifiers_too_many",
        )
    found: dict[tuple[Scheme, str], QueryIdentifier] = {}
    notices = []
    for kind, value in asked:
        try:
            for each in read_identifier(kind, value):
                previous = found.get((each.type, each.value))
                if previous is None or each.certain > previous.certain:
                    found[(each.type, each.value)] = each
        except InvalidInput as exc:
            if not lenient:
                raise
            notices.append(Notice("identifier_ignored", f"{exc.message}: not used"))
    ordered = tuple(found[key] for key in sorted(found))
    return ordered, tuple(notices)


def check_batch(
    queries: Sequence[tuple[str, str | None, str | None, Sequence[Asked]]],
    parameters: Parameters,
    limits: Limits,
) -> list[ScreenQuery | RefusedQuery]:
    """Validate a batch of `(id, name, country, identifiers)`: per query the checked query, or
    why it cannot be screened. Only the batch as a whole (empty, too large, repeated ids, too
    much work) is refused."""
    if not queries:
        raise InvalidInput("a batch needs at least one query", code="batch_empty")
    if len(queries) > limits.batch_max_queries:
        raise BatchTooLarge(
            f"a batch holds at most {limits.batch_max_queries} queries, got {len(queries)}"
        )
    check_batch_parameters(parameters, len(queries), limits)
    repeated = [qid for qid, count in Counter(q[0] for q in queries).items() if count > 1]
    if repeated:
        raise InvalidInput(
            f"query ids must be unique; repeated: {', '.join(map(repr, repeated[:20]))}",
            code="duplicate_query_ids",
            details=[{"id": qid} for qid in repeated[:100]],
        )
    checked: list[ScreenQuery | RefusedQuery] = []
    for _, name, country, identifiers in queries:
        try:
            checked.append(check_query(name, country, parameters, limits, identifiers))
        except InvalidInput as exc:
            shown = None if name is None else representable(name)
            asked = tuple(
                (None if k is None else representable(k[:MAX_IDENTIFIER_CHARS]),
                 representable(v[:MAX_IDENTIFIER_CHARS]))
                for k, v in identifiers[:MAX_QUERY_IDENTIFIERS]
            )  # fmt: skip
            checked.append(RefusedQuery(shown, exc.code, exc.message, asked))
    return checked


def notices_text(notices: Sequence[Notice]) -> str | None:
    """The notices of a query as one text (a cell of a results file), or None."""
    return "; ".join(n.message for n in notices) or None


def _cleaned(name: str) -> tuple[str, str, tuple[Notice, ...]]:
    """(the name as sent but representable, the text to screen, what was removed)."""
    if name.isascii() and name.isprintable():
        return name, name.strip(), ()
    notices = []
    controls = [(m.start(), m[0]) for m in _CONTROL_RE.finditer(name)]
    if controls:
        notices.append(_removed("control_characters_removed", "control", controls))
    invisible = invisible_characters(name)
    if invisible:
        notices.append(_removed("invisible_characters_removed", "invisible", invisible))
    screened = strip_invisible(_CONTROL_RE.sub("", name)).translate(_LINE_BREAK_TABLE).strip()
    return representable(name), screened, tuple(notices)


def _removed(code: str, kind: str, found: list[tuple[int, str]]) -> Notice:
    shown = ", ".join(f"U+{ord(c):04X} at {i}" for i, c in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    count = f"{len(found)} {kind} character{'s' if len(found) > 1 else ''}"
    return Notice(code, f"removed {count} from the name before screening ({shown}{more})")


def _check_screened(screened: str) -> None:
    if not screened:
        raise InvalidInput("name is empty", code="name_empty")
    if not _normalized(screened):
        raise InvalidInput("name has no letters or digits to match", code="name_nothing_to_match")


@lru_cache(maxsize=NORMALIZED_CACHE_SIZE)
def _normalized(name: str) -> str:
    # Names are screened again and again (the same suppliers, every order): remembering their
    # normalised form makes a repeated query skip tokenising altogether.
    return normalized_query(name)


def check_country(country: str | None) -> str | None:
    """The ISO alpha-2 code of the counterparty's country: a code or a name in any language.
    Text that names no country is refused: screening on with a wrong country would be a silent
    wrong answer."""
    if country is None:
        return None
    code = resolve_country(country)
    if code is None:
        shown = country if len(country) <= 40 else country[:40] + "..."
        raise InvalidInput(
            f"country must be an ISO 3166-1 code such as 'BY' or a country's name, got "
            f"{representable(shown)!r}",
            code="country_invalid",
        )
    return code
