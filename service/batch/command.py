"""The `screen-file` command: a supplier file screened in this process, without a server, into
a results file, with a progress bar and a summary on standard error.

    python -m service screen-file suppliers.csv -o results.csv [--only-hits] [--threshold 0.8]

The results file appears only when complete (written beside it, then renamed). Bad input is a
`ServiceError`, which the command line reports with exit status 2; rows of the file that could
not be read (reported in the results) end it with exit status 1. Every row screened is recorded
in the audit trail (`service.batch.operators`) before it is written. No web, no Redis.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

from tqdm import tqdm

from service.batch import operators
from service.batch.layout import TableFormat, TableInfo, TableOptions
from service.batch.outputs import ResultFormat, ResultRow, Summary, wanted, write_results
from service.batch.runner import ERROR, HIT, screen_rows
from service.batch.tables import InputRow, inspect_file
from service.batch.tables import read_rows as read_table
from service.errors import InvalidInput
from service.files.bounds import ReadBounds
from service.lifecycle.state import load_screener
from service.screening.queries import Limits, Parameters, check_parameters
from service.settings import Settings

HELP = "screen every row of a supplier file (CSV, XLSX, JSON Lines, JSON) into a results file"
_OUTPUT_SUFFIXES = {".csv": ResultFormat.CSV, ".jsonl": ResultFormat.JSONL,
                    ".ndjson": ResultFormat.JSONL, ".xlsx": ResultFormat.XLSX}  # fmt: skip
#: Rows between two updates of the progress bar (each costs a few microseconds).
_PROGRESS_EVERY = 2048
#: Exit status when the results are written but rows of the file could not be read (too
#: long, a quote never closed, a JSON line that is not JSON): each is an error row of the
#: results, and a script must not take the file for screened in full.
EXIT_ROWS_UNREAD = 1
#: Exit status after Ctrl-C, as shells report a SIGINT.
EXIT_INTERRUPTED = 130
EPILOG = (
    "Exit status: 0 every row of the file was read (rows that could not be screened, such as "
    "an empty name, are error rows of the results); 1 the results are written, but rows of "
    "the file could not be read (too long, a quote never closed, a JSON line that is not "
    "JSON): they are error rows of the results, and standard error says how many; 2 the file "
    "or an option is refused and nothing is written (too many rows, an unreadable file); "
    "130 interrupted. The results file is created with the permissions of any file you "
    "write (0666 less your umask)."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="the supplier file")
    parser.add_argument("-o", "--output", required=True, help="the results file; - for stdout")
    table = parser.add_argument_group("reading the file (each detected when not given)")
    table.add_argument("--format", choices=[f.value for f in TableFormat], help="input format")
    table.add_argument("--encoding", help="text encoding of a CSV file, e.g. cp1251")
    table.add_argument("--delimiter", help="CSV delimiter: , ; | tab")
    table.add_argument("--sheet", help="XLSX sheet to read (default: the first)")
    for role in ("name", "country", "id"):
        table.add_argument(
            f"--{role}-column", metavar="COLUMN", help=f"the {role} column: header text or position"
        )
    table.add_argument(
        "--identifier-column",
        metavar="COLUMN",
        help="the column of registration or tax numbers (UNP, INN, OGRN...): header text or "
        "position (default: every column whose header names a scheme, else whose values pass a "
        "scheme's check digits)",
    )
    screening = parser.add_argument_group("screening and results")
    screening.add_argument("--threshold", type=float, help="lowest score reported, 0 to 1")
    screening.add_argument("--limit", type=int, help="most matches per row")
    screening.add_argument(
        "--only-hits", action="store_true", help="write only hits (and rows that failed)"
    )
    screening.add_argument(
        "--output-format",
        choices=[f.value for f in ResultFormat],
        help="results format (default: from the output's extension; csv for stdout)",
    )
    screening.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="show a progress bar on stderr (default: when it is a terminal)",
    )
    screening.add_argument("--key", help=operators.KEY_HELP)
    parser.epilog = f"{EPILOG} {operators.AUDIT_NOTE}"


def run(args: argparse.Namespace, settings: Settings) -> int:
    limits = Limits.from_settings(settings)
    parameters = check_parameters(args.threshold, args.limit, limits)
    fmt = _output_format(args.output, args.output_format)
    bounds = settings.read_bounds
    info = _inspect(args, bounds)
    print(describe(args.input, info), file=sys.stderr)
    audit = operators.CommandAudit.open(settings, args.key)
    try:
        return _screen_file(args, settings, parameters, fmt, (info, bounds), audit)
    finally:
        if audit is not None:
            audit.close()


def _screen_file(
    args: argparse.Namespace,
    settings: Settings,
    parameters: Parameters,
    fmt: ResultFormat,
    table: tuple[TableInfo, ReadBounds],
    audit: operators.CommandAudit | None,
) -> int:
    info, bounds = table
    screener = load_screener(settings.watchlist_sources, settings.watchlist_filter)
    tally = _Tally(started=datetime.now(UTC))
    show = sys.stderr.isatty() if args.progress is None else args.progress
    with _Bar(show) as bar:
        rows = tally.count_rows(read_table(args.input, info, progress=bar.read, bounds=bounds), bar)
        # Every row screened is recorded, the clear ones that --only-hits leaves out too.
        results = screen_rows(
            screener, rows, threshold=parameters.threshold, limit=parameters.limit,
            only_hits=False, max_name_length=settings.max_name_length,
        )  # fmt: skip
        if audit is not None:
            results = audit.recorded_file(
                results, parameters.threshold, parameters.limit, screener.version
            )
        results = (row for row in results if wanted(row, args.only_hits))

        def summary() -> Summary:
            return tally.summary(screener.version, parameters.threshold, args.only_hits)

        try:
            with _destination(args.output) as out:
                write_results(tally.count_results(results), summary, fmt, out)
        except KeyboardInterrupt:
            bar.close()
            print("interrupted: no results written", file=sys.stderr)
            return EXIT_INTERRUPTED
    print(tally.report(args.output), file=sys.stderr)
    if audit is not None:
        print(f"recorded in the audit trail as file run {audit.run_id}", file=sys.stderr)
    if tally.unread:
        print(
            f"{tally.unread:,} rows of the file could not be read (see their errors in the "
            "results): exit status 1",
            file=sys.stderr,
        )
        return EXIT_ROWS_UNREAD
    return 0


def describe(path: Path, info: TableInfo) -> str:
    """What was detected, so that a wrong guess is seen before the results are read."""
    how = [info.format.value.upper()]
    if info.encoding:
        how.append(info.encoding)
    if info.delimiter:
        how.append("delimiter " + ("tab" if info.delimiter == "\t" else repr(info.delimiter)))
    if info.sheet:
        how.append(f"sheet {info.sheet!r}")
    if not info.header:
        how.append("no header row (columns by position)")
    roles = [f"name column {info.name_column!r}"]
    roles += [f"country column {info.country_column!r}"] if info.country_column else []
    roles += [f"id column {info.id_column!r}"] if info.id_column else []
    roles += [f"identifier column {label!r}" for label in info.identifier_columns]
    return f"{path.name}: {', '.join(how)}; {', '.join(roles)}"


def _inspect(args: argparse.Namespace, bounds: ReadBounds) -> TableInfo:
    options = TableOptions(
        format=TableFormat(args.format) if args.format else None,
        encoding=args.encoding,
        delimiter=args.delimiter,
        sheet=args.sheet,
        name_column=args.name_column,
        country_column=args.country_column,
        id_column=args.id_column,
        identifier_column=args.identifier_column,
    )
    try:
        return inspect_file(args.input, options, bounds=bounds)
    except OSError as exc:
        raise InvalidInput(
            f"cannot read {args.input}: {exc.strerror}", code="file_unreadable"
        ) from None


def _output_format(output: str, named: str | None) -> ResultFormat:
    if named:
        return ResultFormat(named)
    if output == "-":
        return ResultFormat.CSV
    suffix = Path(output).suffix.casefold()
    if suffix not in _OUTPUT_SUFFIXES:
        raise InvalidInput(
            f"cannot tell the results format from {output!r}: end it in .csv, .jsonl or .xlsx, "
            "or give --output-format",
            code="output_format_unknown",
        )
    return _OUTPUT_SUFFIXES[suffix]


@contextmanager
def _destination(output: str) -> Iterator[BinaryIO]:
    """Standard output, or a file that appears under its name only once complete."""
    if output == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    name, part = _part_file(target)
    try:
        with part:
            yield part
        os.replace(name, target)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def _part_file(target: Path) -> tuple[Path, BinaryIO]:
    """A new file beside `target`, created 0666 less the umask, as `open()` and a shell's `>`
    create files. The results are compliance data, but the operator's own, written where they
    chose: who may read them is their umask's and their directory's to say, as for every
    other file they write (a umask of 077 keeps it private). tempfile's 0600 would hide the
    file from the colleagues a shared folder is there for."""
    for _ in range(100):
        name = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
        try:
            descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise InvalidInput(
                f"cannot write {target}: {exc.strerror}", code="file_unwritable"
            ) from None
        return name, cast(BinaryIO, os.fdopen(descriptor, "wb"))
    raise InvalidInput(f"cannot write {target}: no free temporary name", code="file_unwritable")


class _Bar:
    """The progress bar, in rows; the total is estimated from the share of the file read."""

    def __init__(self, show: bool) -> None:
        self.bar = tqdm(unit=" rows", unit_scale=True, file=sys.stderr, disable=not show)
        self.share = 0.0

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, share: float) -> None:
        self.share = share

    def advance(self, tally: _Tally) -> None:
        if self.share > 0:
            self.bar.total = max(int(tally.rows / self.share), tally.rows)
        self.bar.set_postfix_str(f"hits {tally.hits:,}, errors {tally.errors:,}", refresh=False)
        self.bar.update(tally.rows - self.bar.n)

    def close(self) -> None:
        if not self.bar.disable and self.bar.total != self.bar.n:
            self.bar.total = self.bar.n
            self.bar.refresh()
        self.bar.close()


@dataclass
class _Tally:
    started: datetime
    rows: int = 0
    hits: int = 0
    errors: int = 0
    unread: int = 0
    finished: datetime | None = None
    clock: float = field(default_factory=time.perf_counter)

    def count_rows(self, rows: Iterable[InputRow], bar: _Bar) -> Iterator[InputRow]:
        for row in rows:
            self.rows += 1
            self.unread += row.unread
            if self.rows % _PROGRESS_EVERY == 0:
                bar.advance(self)
            yield row
        bar.advance(self)

    def count_results(self, results: Iterable[ResultRow]) -> Iterator[ResultRow]:
        for result in results:
            self.hits += result.status == HIT
            self.errors += result.status == ERROR
            yield result

    def summary(self, version: str, threshold: float, only_hits: bool) -> Summary:
        self.finished = datetime.now(UTC)
        screened = self.rows - self.errors
        return Summary(self.rows, screened, self.hits, self.errors, version, threshold,
                       only_hits, self.started, self.finished)  # fmt: skip

    def report(self, output: str) -> str:
        seconds = time.perf_counter() - self.clock
        rate = self.rows / seconds if seconds > 0 else 0.0
        clear = self.rows - self.hits - self.errors
        where = "standard output" if output == "-" else output
        return (
            f"screened {self.rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s): "
            f"{self.hits:,} hits, {self.errors:,} not screened (errors), {clear:,} clear; "
            f"results in {where}"
        )
