"""Read and write the project's JSON Lines watchlist format; this module does file I/O only.

One entity per line: at least `{"id", "name", "aliases", "country"}`. A bad file is refused as a
whole with a `WatchlistFileError` that names the line, so a half-read list is never served.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from service.errors import WatchlistFileError
from service.watchlist.model import Entity, dump_jsonl, watchlist_version

#: The watchlist shipped with the service, used when none is configured. It lives beside the
#: package in the source tree (the Docker image keeps that layout).
SEED_PATH = Path(__file__).resolve().parents[2] / "seed" / "watchlist.jsonl"


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


def load_watchlist(paths: Sequence[Path] | None = None) -> Watchlist:
    """Load one or more JSON Lines files (ids must be unique across them), or the seed."""
    if not paths:
        paths = [SEED_PATH]
    entities: list[Entity] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            with path.open("r", encoding="utf-8", newline="") as handle:
                parsed = parse_jsonl(handle, str(path))
        except OSError as exc:
            raise WatchlistFileError(str(path), None, f"cannot read: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise WatchlistFileError(str(path), None, f"not UTF-8 ({exc.reason})") from None
        for entity in parsed:
            if entity.id in seen:
                raise WatchlistFileError(
                    str(path), None, f"id {entity.id!r} is also in {seen[entity.id]}"
                )
            seen[entity.id] = str(path)
        entities.extend(parsed)
    return Watchlist.of(entities, tuple(str(p) for p in paths))


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
