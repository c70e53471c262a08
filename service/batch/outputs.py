"""Writing screening results, streamed, in input order: CSV (UTF-8 with a BOM, so that
spreadsheets open it right), JSON Lines (one object per row, then a summary line) and XLSX (a
results sheet and a summary sheet). Each row carries its best match, a one-line explanation of
it, and every match as the API returns them. No web framework, no Redis.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, BinaryIO

from service.files import workbook
from service.files.formulas import inert

#: Columns of the CSV and XLSX results, in order.
COLUMNS = (
    "row", "supplier_id", "name", "country", "status", "best_entity_id", "best_name",
    "best_score", "best_matched_alias", "match_count", "explanation", "matches", "error",
    "warnings", "identifiers",
)  # fmt: skip
NO_MATCHES = b"[]"
#: Word pairs shown in an explanation; the JSON of the matches has them all.
_EXPLAINED_WORDS = 6


class ResultFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class ResultRow:
    number: int
    supplier_id: str | None
    name: str | None
    country: str | None
    status: str  # "hit" | "clear" | "error"
    matches: bytes  # the JSON array of matches as the API returns them, b"[]" if none
    error: str | None
    #: What was removed from the name before it was screened (control or invisible characters),
    #: and the row's numbers that were not valid identifiers (not used).
    warnings: str | None = None
    #: The identifiers screened: the row's registration or tax numbers, normalised, and those
    #: written in its name (`UNP 100230519; INN 7707083893 (in the name)`).
    identifiers: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    rows: int
    screened: int
    hits: int
    errors: int
    watchlist_version: str
    threshold: float
    only_hits: bool
    started_at: datetime
    finished_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "screened": self.screened,
            "hits": self.hits,
            "errors": self.errors,
            "watchlist_version": self.watchlist_version,
            "threshold": self.threshold,
            "only_hits": self.only_hits,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
        }


def wanted(row: ResultRow, only_hits: bool) -> bool:
    """Whether a row belongs in the results. With only hits, rows that could not be screened
    stay too: an unscreened supplier is not a cleared one."""
    return not only_hits or row.status != "clear"


def write_results(
    rows: Iterable[ResultRow], summary: Callable[[], Summary], fmt: ResultFormat, out: BinaryIO
) -> None:
    """Write `rows` to `out` as they come; `summary` is called once they are all written."""
    if fmt is ResultFormat.CSV:
        _write_csv(rows, out)
    elif fmt is ResultFormat.JSONL:
        _write_jsonl(rows, summary, out)
    else:
        workbook.write_results(
            COLUMNS, (result_cells(r) for r in rows), _summary_items(summary), out
        )


def result_cells(row: ResultRow) -> list[Any]:
    """A row as the values of `COLUMNS` (numbers as numbers, absent values as None)."""
    best: list[Any] = [None, None, None, None, 0, None]
    if row.matches != NO_MATCHES:
        matches = json.loads(row.matches)
        if matches:
            top = matches[0]
            best = [top["entity_id"], top["name"], top["score"], top["matched_alias"],
                    len(matches), explain(top)]  # fmt: skip
    return [row.number, row.supplier_id, row.name, row.country, row.status, *best,
            row.matches.decode(), row.error, row.warnings, row.identifiers]  # fmt: skip


def explain(match: dict[str, Any]) -> str:
    """A match in one sentence: which listed name, on which words and how, what was left
    over, what lowered the score."""
    e = match["explanation"]
    pairs = e["matched_tokens"][:_EXPLAINED_WORDS]
    words = ", ".join(f"{t['query']} = {t['alias']} ({t['kind']})" for t in pairs)
    if len(e["matched_tokens"]) > _EXPLAINED_WORDS:
        words += ", ..."
    parts = [f"{match['score']:.2f} on {match['matched_alias']!r} ({match['alias_kind']}): "
             f"{words or 'no word pairs'}"]  # fmt: skip
    if e.get("identifier"):
        listed = e["identifier"]
        source = f" ({listed['source']})" if listed.get("source") else ""
        parts.append(f"identifier {listed['type'].upper()} {listed['value']}{source}")
    if e.get("query_part"):
        parts.append(f"in the part {e['query_part']!r}")
    if e["unmatched_query_tokens"]:
        parts.append("not in the listed name: " + " ".join(e["unmatched_query_tokens"]))
    if e["unmatched_alias_tokens"]:
        parts.append("listed words not found: " + " ".join(e["unmatched_alias_tokens"]))
    if e["query_legal_forms"] or e["alias_legal_forms"]:
        forms = (
            f"{' '.join(e['query_legal_forms']) or '-'} / {' '.join(e['alias_legal_forms']) or '-'}"
        )
        parts.append(f"legal forms {forms}")
    if e["penalties"]:
        parts.append("penalties " + ", ".join(f"{k} x{v}" for k, v in e["penalties"].items()))
    return "; ".join(parts)


def _write_csv(rows: Iterable[ResultRow], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    try:
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        for row in rows:
            cells = result_cells(row)
            # The supplier's own cells: the rest is the service's (scores, watchlist names).
            cells[1:4] = [inert(v) for v in cells[1:4]]
            writer.writerow(cells)
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open


def jsonl_line(row: ResultRow) -> bytes:
    """A result row as its JSON Lines object (without the newline); also what the audit trail
    keeps of a job row."""
    fields = {"row": row.number, "supplier_id": row.supplier_id, "name": row.name,
              "country": row.country, "status": row.status, "error": row.error,
              "warnings": row.warnings, "identifiers": row.identifiers}  # fmt: skip
    # The matches are already JSON: spliced in, not parsed and written again.
    head = json.dumps(fields, ensure_ascii=False)[:-1].encode()
    return head + b', "matches": ' + row.matches + b"}"


def _write_jsonl(rows: Iterable[ResultRow], summary: Callable[[], Summary], out: BinaryIO) -> None:
    for row in rows:
        out.write(jsonl_line(row) + b"\n")
    line = json.dumps({"summary": summary().as_json()}, ensure_ascii=False)
    out.write(line.encode() + b"\n")


def _summary_items(summary: Callable[[], Summary]) -> Callable[[], Iterator[tuple[str, Any]]]:
    def items() -> Iterator[tuple[str, Any]]:
        yield from summary().as_json().items()

    return items
