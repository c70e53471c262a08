"""The `import-watchlist` command: official list files read, merged into one watchlist by id,
filtered, and written in the project's JSON Lines format, with a summary on standard error.

    python -m service import-watchlist ofac-csv sdn/ cons/ eu-xml eu.xml --country BY -o by.jsonl

Each FORMAT starts a group of the paths after it. No web, no Redis.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from service.errors import InvalidInput, WatchlistFileError
from service.settings import Settings
from service.watchlist.importers.filters import EntityFilter
from service.watchlist.loader import Assembled, assemble, write_watchlist
from service.watchlist.model import Entity, Schema, dump_jsonl
from service.watchlist.sources import FORMAT_NAMES, SourceFormat, WatchlistSource

HELP = "import official list files into one JSON Lines watchlist"
_SOURCES_HELP = (
    "a FORMAT, then its files (or, for ofac-csv, folders); several FORMAT PATH... groups may "
    f"follow one another. FORMAT: {', '.join(FORMAT_NAMES)}"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="FORMAT PATH...", help=_SOURCES_HELP)
    parser.add_argument(
        "--country",
        action="append",
        default=[],
        metavar="CODE",
        help="keep the entities linked to this country (ISO alpha-2: country, address or a "
        "programme named after it); repeat, or separate by commas",
    )
    parser.add_argument(
        "--programme",
        action="append",
        default=[],
        metavar="NAME",
        help="keep the entities listed under this programme (e.g. BELARUS-EO14038); repeatable",
    )
    parser.add_argument(
        "--schema",
        action="append",
        default=[],
        metavar="SCHEMA",
        help=f"keep the entities of this kind ({', '.join(Schema)}); repeatable",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="the JSON Lines file to write; default standard output"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Read, merge, filter, write; bad input raises a `ServiceError` (exit status 2)."""
    sources = parse_groups(args.sources)
    try:
        entity_filter = EntityFilter.of(args.country, args.programme, args.schema)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    assembled = assemble(sources, entity_filter)
    print("\n".join(describe(assembled)), file=sys.stderr)
    if not assembled.entities:
        raise InvalidInput(f"{assembled.why_empty()}; nothing written")
    destination = write(assembled.entities, args.output)
    print(f"written: {len(assembled.entities):,} entities to {destination}", file=sys.stderr)
    return 0


def parse_groups(tokens: Sequence[str]) -> list[WatchlistSource]:
    """`FORMAT PATH... [FORMAT PATH...]...` to sources; `InvalidInput` when it is not that."""
    sources: list[WatchlistSource] = []
    current: SourceFormat | None = None
    paths = 0
    for token in tokens:
        if token in FORMAT_NAMES:
            if current is not None and not paths:
                raise InvalidInput(f"{current}: no PATH given")
            current, paths = SourceFormat(token), 0
        elif current is None:
            raise InvalidInput(
                f"{token!r}: a FORMAT must come first, one of {', '.join(FORMAT_NAMES)}"
            )
        else:
            sources.append(WatchlistSource(current, Path(token)))
            paths += 1
    if current is not None and not paths:
        raise InvalidInput(f"{current}: no PATH given")
    return sources


def describe(assembled: Assembled) -> list[str]:
    """The summary: entities per source, merged, filtered out."""
    lines = []
    for source in assembled.imports:
        lines.append(f"{source}: {len(source.entities):,} entities")
        lines.extend(f"  {note}" for note in source.left_out)
    read = sum(len(source.entities) for source in assembled.imports)
    merged = assembled.merged
    lines.append(
        f"merged: {len(merged.merged_ids):,} ids given by more than one entity ({read:,} read, "
        f"{len(merged.entities):,} after merging)"
    )
    if not assembled.entity_filter.selects_all:
        lines.append(
            f"filtered out: {len(merged.entities) - len(assembled.entities):,} entities "
            f"(kept: {assembled.entity_filter})"
        )
    return lines


def write(entities: Sequence[Entity], output: Path | None) -> str:
    """Write to `output` (atomically) or to standard output; return where it went."""
    if output is None:
        _write_to(sys.stdout, entities)
        return "standard output"
    try:
        write_watchlist(entities, output)
    except OSError as exc:
        raise WatchlistFileError(str(output), None, f"cannot write: {exc.strerror}") from None
    return str(output)


def _write_to(stream: TextIO, entities: Sequence[Entity]) -> None:
    try:
        stream.write(dump_jsonl(entities))
        stream.flush()
    except BrokenPipeError:
        # The reader left (`| head`): stop writing, and let the exit flush go nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
