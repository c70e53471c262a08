"""Screening the rows of a supplier file in this process, in input order, with a memo: a name
seen before with the same country and numbers (as written, or with only control or invisible
characters removed) costs a dictionary lookup, not a query. Rows that cannot be screened come
out with status "error".

Used by `screen-file`; jobs screen through the result cache instead (`processing`). No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from service.batch.outputs import NO_MATCHES, ResultRow
from service.batch.tables import InputRow
from service.errors import InvalidInput
from service.screening.evidence import QueryIdentifier
from service.screening.queries import Limits, Parameters, check_query, notices_text
from service.screening.query_identifiers import Asked, identifiers_text
from service.screening.results import render_matches
from service.screening.screener import Screener

HIT, CLEAR, ERROR = "hit", "clear", "error"
#: `Settings.max_name_length`'s default (a test keeps them equal), for callers without settings.
DEFAULT_MAX_NAME_LENGTH = 300
#: Entries of each memo generation: between one and two generations are kept (see `_Memo`),
#: in each of the two memos, at about 500 bytes an entry with its key: some 200 MB at most
#: however long the file. On the 1,000,000-row benchmark file 100,000 is as fast as 500,000.
MEMO_GENERATION = 100_000

#: What screening a name gave: status, the JSON of its matches, the problem if it failed.
Outcome = tuple[str, bytes, str | None]
#: An outcome, the warnings of the name it is for, and the identifiers screened (as text).
Checked = tuple[str, bytes, str | None, str | None, str | None]
#: What a row asks: its name, its country and its numbers.
_Asked = tuple[str | None, str | None, tuple[Asked, ...]]
_CLEAR: Outcome = (CLEAR, NO_MATCHES, None)
K = TypeVar("K")
V = TypeVar("V")


class _Memo(Generic[K, V]):
    """A bounded memo in two generations: a full young generation becomes the old one and the
    oldest is dropped, so recent names stay. Dropping a whole generation at once costs nothing
    per entry, unlike evicting one at a time."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.young: dict[K, V] = {}
        self.old: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        found = self.young.get(key)
        if found is None:
            found = self.old.get(key)
            if found is not None:
                self.put(key, found)
        return found

    def put(self, key: K, outcome: V) -> None:
        if len(self.young) >= self.generation:
            self.old, self.young = self.young, {}
        self.young[key] = outcome


class _Screening:
    def __init__(
        self, screener: Screener, threshold: float, limit: int, max_name_length: int
    ) -> None:
        self.screener = screener
        self.parameters = Parameters(threshold, limit)
        # Only the name length of these limits is checked here; the rest are the run's own.
        self.limits = Limits(
            default_threshold=threshold,
            default_limit=limit,
            max_limit=limit,
            max_name_length=max_name_length,
            batch_max_queries=1,
            batch_min_threshold=0.0,
            batch_max_matches=limit,
        )
        self.by_text: _Memo[_Asked, Checked] = _Memo(MEMO_GENERATION)
        self.by_form: _Memo[tuple[str, str | None, str], Outcome] = _Memo(MEMO_GENERATION)

    def outcome(self, row: InputRow) -> Checked:
        """The row's outcome, what was removed from its name or left out of its numbers (its
        warnings) and the identifiers screened."""
        key = (row.name, row.country, row.identifiers)
        found = self.by_text.get(key)
        if found is None:
            found = self._checked(*key)
            self.by_text.put(key, found)
        return found

    def _checked(
        self, name: str | None, country: str | None, identifiers: tuple[Asked, ...]
    ) -> Checked:
        try:
            query = check_query(
                name, country, self.parameters, self.limits, identifiers, lenient=True
            )
        except InvalidInput as exc:
            return ERROR, NO_MATCHES, exc.message, None, None
        key = (query.screened, query.country, query.identifier_key)
        found = self.by_form.get(key)
        if found is None:
            found = self._screened(query.screened, query.country, query.identifiers)
            self.by_form.put(key, found)
        return (*found, notices_text(query.notices), identifiers_text(query.identifiers))

    def _screened(
        self, name: str, country: str | None, identifiers: tuple[QueryIdentifier, ...]
    ) -> Outcome:
        p = self.parameters
        matches = self.screener.weigh(
            name, identifiers, country=country, threshold=p.threshold, limit=p.limit
        )
        if not matches:
            return _CLEAR
        return HIT, render_matches(self.screener, matches), None


def screen_rows(
    screener: Screener,
    rows: Iterable[InputRow],
    *,
    threshold: float,
    limit: int,
    only_hits: bool,
    max_name_length: int = DEFAULT_MAX_NAME_LENGTH,
) -> Iterator[ResultRow]:
    """A result per row, in input order (with `only_hits`, hits and errors only). A repeated
    name, or one with the same normalised form, country and numbers, is screened once."""
    screening = _Screening(screener, threshold, limit, max_name_length)
    for row in rows:
        checked: Checked
        if row.error is not None or (row.name is None and not row.identifiers):
            checked = (ERROR, NO_MATCHES, row.error or "name is empty", None, None)
        else:
            checked = screening.outcome(row)
        status, matches, error, warnings, identifiers = checked
        if only_hits and status == CLEAR:
            continue
        yield ResultRow(
            row.number, row.supplier_id, row.name, row.country, status, matches, error, warnings,
            identifiers,
        )  # fmt: skip
