"""Load a watchlist from its sources (JSON Lines files and official list files, merged by id
and filtered), and read and write the project's JSON Lines format; file I/O only.

One entity per line: at least `{"id", "name", "aliases", "country"}`. A bad file is refused as a
whole with a `WatchlistFileError` (JSON Lines) or an `ImportFormatError` (official formats) that
names the file, so a half-read list is never served.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from service.errors import ImportFormatError, WatchlistError, WatchlistFileError
from service.watchlist.importers.au_xlsx import read_au_dfat_xlsx
from service.watchlist.importers.eu_xml import read_eu_xml
from service.watchlist.importers.filters import EntityFilter
from service.watchlist.importers.ofac_csv import read_ofac_csv
from service.watchlist.importers.opensanctions_csv import read_opensanctions_csv
from service.watchlist.importers.opensanctions_ftm import read_opensanctions_ftm
from service.watchlist.importers.ua_json import read_ua_sanctions_json
from service.watchlist.importers.uk_csv import read_uk_csv
from service.watchlist.merge import MergeResult, merge_entities
from service.watchlist.model import Entity, dump_jsonl, watchlist_version
from service.watchlist.sources import SourceFormat, WatchlistSource

#: The watchlist shipped with the service, used when none is configured: package data, so it is
#: found in an installed wheel as in the source tree (built by `seed/build.py`).
SEED_PATH = Path(__file__).resolve().parent / "seed" / "watchlist.jsonl"


@dataclass(frozen=True)
class Watchlist:
    entities: tuple[Entity, ...]
    version: str
    #: Where the entities were read from, for `/ready` and the versions list.
    sources: tuple[str, ...]
    _by_id: dict[str, Entity] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.entities})

    @classmethod
    def of(cls, entities: Sequence[Entity], sources: Sequence[str] = ()) -> Watchlist:
        return cls(tuple(entities), watchlist_version(entities), tuple(sources))

    def get(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)


def parse_jsonl(lines: Iterable[str], source: str) -> list[Entity]:
    """Parse JSON Lines text; raise `WatchlistFileError` naming the first bad line."""
    entities: list[Entity] = []
    first_line_of: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WatchlistFileError(source, number, f"invalid JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise WatchlistFileError(source, number, "a line must hold one JSON object")
        try:
            entity = Entity.model_validate(data)
        except ValidationError as exc:
            raise WatchlistFileError(source, number, _describe(exc)) from None
        if entity.id in first_line_of:
            raise WatchlistFileError(
                source,
                number,
                f"duplicate id {entity.id!r} (first on line {first_line_of[entity.id]})",
            )
        first_line_of[entity.id] = number
        entities.append(entity)
    if not entities:
        raise WatchlistFileError(source, None, "the watchlist holds no entities")
    return entities


@dataclass(frozen=True, slots=True)
class SourceImport:
    """The entities read from one source: a JSON Lines file, or every path given for one
    official format (read together, so OFAC's companion files may sit in other folders)."""

    format: SourceFormat
    paths: tuple[Path, ...]
    entities: tuple[Entity, ...]
    #: What the files held that did not become an entity, in words (for a summary).
    left_out: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.format.value} {', '.join(str(p) for p in self.paths)}"


def load_watchlist(paths: Sequence[Path] | None = None) -> Watchlist:
    """Load the seed (no paths) or the given sources, merged by id, without filters.

    A path is a JSON Lines file, or `FORMAT:PATH` as in `WATCHLIST_PATH` (see `load_sources`).
    """
    return load_sources([WatchlistSource.parse(str(p)) for p in paths or ()])


def load_sources(
    sources: Sequence[WatchlistSource], entity_filter: EntityFilter | None = None
) -> Watchlist:
    """The watchlist `assemble` makes of the sources (the seed when there is none).

    Raises `WatchlistFileError` or `ImportFormatError` naming the file for a bad file, and
    `WatchlistError` when no entity is left.
    """
    sources = sources or [WatchlistSource(SourceFormat.JSONL, SEED_PATH)]
    assembled = assemble(sources, entity_filter)
    if not assembled.entities:
        raise WatchlistError(assembled.why_empty())
    return Watchlist.of(assembled.entities, tuple(str(s) for s in sources))


@dataclass(frozen=True, slots=True)
class Assembled:
    """Each source's entities, the merge of them all, and the merged entities that passed the
    filter: the watchlist, and what a summary says about how it was made."""

    imports: tuple[SourceImport, ...]
    merged: MergeResult
    entity_filter: EntityFilter
    entities: tuple[Entity, ...]

    def why_empty(self) -> str:
        if not self.merged.entities:
            return "the watchlist sources hold no entity"
        return f"no entity of the watchlist passes the filters ({self.entity_filter})"


def assemble(
    sources: Sequence[WatchlistSource], entity_filter: EntityFilter | None = None
) -> Assembled:
    """Read every source, merge the entities sharing an id (`service.watchlist.merge`), then
    keep those that pass `entity_filter` (all when None)."""
    imports = tuple(read_sources(sources))
    merged = merge_entities(e for source in imports for e in source.entities)
    entity_filter = entity_filter or EntityFilter()
    return Assembled(imports, merged, entity_filter, tuple(entity_filter.apply(merged.entities)))


def read_sources(sources: Sequence[WatchlistSource]) -> list[SourceImport]:
    """Read each JSON Lines file alone and all the paths of one official format together, in
    the order each first appears."""
    groups: dict[SourceFormat | Path, list[Path]] = {}
    for source in sources:
        key = source.path if source.format is SourceFormat.JSONL else source.format
        groups.setdefault(key, []).append(source.path)
    return [
        read_source(SourceFormat.JSONL if isinstance(key, Path) else key, paths)
        for key, paths in groups.items()
    ]


def read_source(source_format: SourceFormat, paths: Sequence[Path]) -> SourceImport:
    """Read the files of one format; an unreadable file is refused naming it."""
    paths = tuple(paths)
    if source_format is SourceFormat.JSONL:
        return SourceImport(source_format, paths, tuple(e for p in paths for e in read_jsonl(p)))
    try:
        if source_format is SourceFormat.OFAC_CSV:
            result = read_ofac_csv(paths)
            left_out = (
                (f"{len(result.orphans):,} ent_nums of the companion files have no row in the "
                 "primary file, left out",)
                if result.orphans
                else ()
            )  # fmt: skip
            return SourceImport(source_format, paths, result.entities, left_out)
        for path in paths:
            if path.is_dir():
                raise ImportFormatError(f"{path}: a folder; {source_format} reads a file")
        return SourceImport(source_format, paths, tuple(_READERS[source_format](paths)))
    except OSError as exc:
        where = exc.filename or ", ".join(str(p) for p in paths)
        raise ImportFormatError(f"{where}: cannot read: {exc.strerror}") from None


_READERS: dict[SourceFormat, Callable[[Sequence[Path]], list[Entity]]] = {
    SourceFormat.OPENSANCTIONS_FTM: read_opensanctions_ftm,
    SourceFormat.OPENSANCTIONS_CSV: read_opensanctions_csv,
    SourceFormat.EU_XML: read_eu_xml,
    SourceFormat.UK_CSV: read_uk_csv,
    SourceFormat.UA_SANCTIONS_JSON: read_ua_sanctions_json,
    SourceFormat.AU_DFAT_XLSX: read_au_dfat_xlsx,
}


def read_jsonl(path: Path) -> list[Entity]:
    """The entities of one JSON Lines file; ids are unique within it."""
    try:
        with path.open("r", encoding="utf-8", newline="") as handle:
            return parse_jsonl(handle, str(path))
    except OSError as exc:
        raise WatchlistFileError(str(path), None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise WatchlistFileError(str(path), None, f"not UTF-8 ({exc.reason})") from None


def write_watchlist(entities: Sequence[Entity], path: Path) -> None:
    """Write entities as JSON Lines, atomically (a reader never sees half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump_jsonl(entities), encoding="utf-8")
    tmp.replace(path)


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "entity"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
