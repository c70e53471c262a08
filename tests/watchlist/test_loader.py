import json
from pathlib import Path

import pytest

from service.errors import WatchlistFileError
from service.watchlist.loader import load_watchlist, parse_jsonl, write_watchlist
from service.watchlist.model import AliasKind, Entity, watchlist_version


def lines(*records: object) -> list[str]:
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]


def test_minimal_entities_load_with_plain_string_aliases() -> None:
    [entity] = parse_jsonl(
        lines(
            {"id": "by-peleng", "name": "Peleng JSC", "aliases": ["ОАО Пеленг"], "country": "BY"}
        ),
        "test",
    )
    assert entity.aliases[0].name == "ОАО Пеленг"
    assert entity.aliases[0].kind is AliasKind.AKA
    assert entity.country == ("BY",)


@pytest.mark.parametrize(
    ("records", "line", "problem"),
    [
        (["{not json"], 1, "invalid JSON"),
        ([{"id": "a", "name": "A"}, "[1, 2]"], 2, "one JSON object"),
        ([{"id": "a", "name": "  "}], 1, "name"),
        ([{"id": "a"}], 1, "name: Field required"),
        (
            [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}],
            2,
            "duplicate id 'a' (first on line 1)",
        ),
        ([{"id": "a b", "name": "A"}], 1, "id"),
        ([{"id": "versions", "name": "A"}], 1, "reserved"),
        ([{"id": "a", "name": "A", "country": "Belarus"}], 1, "ISO 3166-1"),
        ([{"id": "a", "name": "A", "colour": "red"}], 1, "colour"),
    ],
)
def test_bad_lines_are_refused_naming_the_line(
    records: list[object], line: int, problem: str
) -> None:
    with pytest.raises(WatchlistFileError) as caught:
        parse_jsonl(lines(*records), "list.jsonl")
    assert caught.value.line == line
    assert problem in caught.value.message
    assert caught.value.message.startswith(f"list.jsonl, line {line}: ")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(WatchlistFileError, match="no entities"):
        parse_jsonl(["", "  "], "empty.jsonl")


def test_files_round_trip_and_an_id_in_several_files_is_merged(tmp_path: Path) -> None:
    first = [
        Entity.model_validate({"id": "a", "name": "A", "aliases": [{"name": "Ay", "kind": "weak"}]})
    ]
    second = [Entity.model_validate({"id": "b", "name": "B"})]
    write_watchlist(first, tmp_path / "one.jsonl")
    write_watchlist(second, tmp_path / "two.jsonl")
    watchlist = load_watchlist([tmp_path / "one.jsonl", tmp_path / "two.jsonl"])
    assert [e.id for e in watchlist.entities] == ["a", "b"]
    assert watchlist.get("a") == first[0]
    assert watchlist.version == watchlist_version([*first, *second])
    # The same id in another file is one entity (`service.watchlist.merge`): an own file may
    # add names to an entity of an imported list.
    write_watchlist([first[0].model_copy(update={"name": "A2"})], tmp_path / "three.jsonl")
    merged = load_watchlist([tmp_path / "one.jsonl", tmp_path / "three.jsonl"])
    assert [(e.id, e.all_names) for e in merged.entities] == [("a", ("A", "Ay", "A2"))]


def test_unreadable_files_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(WatchlistFileError, match="cannot read"):
        load_watchlist([tmp_path / "missing.jsonl"])
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes('{"id": "a", "name": "Caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(WatchlistFileError, match="not UTF-8"):
        load_watchlist([latin1])


def test_the_version_is_a_hash_of_the_content_not_of_the_order() -> None:
    a = Entity.model_validate({"id": "a", "name": "A"})
    b = Entity.model_validate({"id": "b", "name": "B"})
    assert watchlist_version([a, b]) == watchlist_version([b, a])
    renamed = Entity.model_validate({"id": "b", "name": "B2"})
    assert watchlist_version([a, b]) != watchlist_version([a, renamed])


def test_the_seed_loads_by_default() -> None:
    watchlist = load_watchlist()
    assert watchlist.sources and watchlist.get("by-mzkt") is not None
