"""Watchlist sources: `FORMAT:PATH` entries, each official format loaded, several merged by id,
the filters, and bad files refused naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import ImportFormatError, WatchlistError, WatchlistFileError
from service.watchlist.importers.filters import EntityFilter
from service.watchlist.loader import load_sources, load_watchlist, read_sources
from service.watchlist.model import AliasKind, Schema
from service.watchlist.sources import SourceFormat, WatchlistSource, parse_sources

FIXTURES = Path(__file__).parent / "importers" / "fixtures"
WATCHLIST = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"
#: One fixture per format, and an entity each holds.
OFFICIAL = {
    SourceFormat.OFAC_CSV: (FIXTURES / "ofac" / "sdn", "ofac-101"),
    SourceFormat.OPENSANCTIONS_FTM: (
        FIXTURES / "opensanctions_ftm" / "entities.ftm.json",
        "opensanctions-ofac-40777",
    ),
    SourceFormat.OPENSANCTIONS_CSV: (
        FIXTURES / "opensanctions_csv" / "gb_targets.simple.csv",
        "opensanctions-gb-hmt-15001",
    ),
    SourceFormat.EU_XML: (FIXTURES / "eu_xml" / "eu_fsf.xml", "eu-140021"),
    SourceFormat.UK_CSV: (FIXTURES / "uk_csv" / "ConList.csv", "uk-15001"),
    SourceFormat.UA_SANCTIONS_JSON: (
        FIXTURES / "ua_json" / "sanctioned_companies.json",
        "ua-90004",
    ),
}
BELMASH = "opensanctions-NK-7Bq4FJtYbT8zVxKd3hWc2m"


def source(text: str) -> WatchlistSource:
    return WatchlistSource.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lists/own.jsonl", (SourceFormat.JSONL, "lists/own.jsonl")),
        ("jsonl:lists/own.jsonl", (SourceFormat.JSONL, "lists/own.jsonl")),
        (" ofac-csv:/lists/ofac/ ", (SourceFormat.OFAC_CSV, "/lists/ofac")),
        ("EU-XML:/lists/eu.xml", (SourceFormat.EU_XML, "/lists/eu.xml")),
        ("uk-csv:C:/lists/ConList.csv", (SourceFormat.UK_CSV, "C:/lists/ConList.csv")),
        ("./data:2024.jsonl", (SourceFormat.JSONL, "data:2024.jsonl")),
    ],
)
def test_entries_parse(text: str, expected: tuple[SourceFormat, str]) -> None:
    parsed = source(text)
    assert (parsed.format, parsed.path) == (expected[0], Path(expected[1]))


@pytest.mark.parametrize(
    ("text", "problem"),
    [("ofac:/lists/ofac", "unknown format 'ofac'"), ("eu-xml:", "no path after the format")],
)
def test_bad_entries_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        source(text)


def test_a_comma_separated_list_of_entries() -> None:
    assert parse_sources(" a.jsonl, ofac-csv:/x ,,") == [
        WatchlistSource(SourceFormat.JSONL, Path("a.jsonl")),
        WatchlistSource(SourceFormat.OFAC_CSV, Path("/x")),
    ]
    assert parse_sources(None) == []
    assert str(source("ofac-csv:/x")) == "ofac-csv:/x"
    assert str(source("a.jsonl")) == "a.jsonl"


@pytest.mark.parametrize("source_format", list(OFFICIAL))
def test_each_official_format_loads(source_format: SourceFormat) -> None:
    path, entity_id = OFFICIAL[source_format]
    watchlist = load_sources([WatchlistSource(source_format, path)])
    assert watchlist.get(entity_id) is not None
    assert watchlist.sources == (f"{source_format}:{path}",)


def test_load_watchlist_reads_format_entries_too() -> None:
    path, entity_id = OFFICIAL[SourceFormat.EU_XML]
    watchlist = load_watchlist([WATCHLIST, Path(f"eu-xml:{path}")])
    assert watchlist.get(entity_id) is not None
    assert watchlist.get("by-belaz") is not None


def test_paths_of_one_format_are_read_together() -> None:
    # OFAC's companion files in another folder than the primary file: joined all the same.
    sdn = FIXTURES / "ofac" / "sdn"
    entries = [source(f"ofac-csv:{sdn / 'sdn.csv'}"), source(str(WATCHLIST))]
    entries += [source(f"ofac-csv:{sdn / name}") for name in ("add.csv", "alt.csv")]

    imports = read_sources(entries)

    assert [(i.format, len(i.paths)) for i in imports] == [
        (SourceFormat.OFAC_CSV, 3),
        (SourceFormat.JSONL, 1),
    ]
    belmash = next(e for e in imports[0].entities if e.id == "ofac-101")
    assert belmash.addresses and belmash.aliases


def test_same_id_from_two_formats_is_one_entity_with_the_strongest_alias_kinds() -> None:
    ftm = FIXTURES / "opensanctions_ftm" / "entities.ftm.json"
    csv = FIXTURES / "opensanctions_csv" / "targets.simple.csv"

    watchlist = load_sources(
        [source(f"opensanctions-ftm:{ftm}"), source(f"opensanctions-csv:{csv}")]
    )

    belmash = watchlist.get(BELMASH)
    assert belmash is not None
    assert len(watchlist.entities) == 4  # the same four things in both files
    kinds = {alias.name: alias.kind for alias in belmash.aliases}
    assert kinds["BM"] is AliasKind.AKA  # weak in FtM, a plain alias in the CSV
    assert kinds["Minsk Machine Plant"] is AliasKind.AKA  # former name in FtM
    assert {listing.list for listing in belmash.listings} >= {"eu_fsf", "OpenSanctions"}


def test_jsonl_files_with_the_same_id_merge(tmp_path: Path) -> None:
    own = tmp_path / "own.jsonl"
    own.write_text('{"id": "by-belaz", "name": "BelAZ", "aliases": ["Белаз"]}\n', "utf-8")
    belaz = load_watchlist([WATCHLIST, own]).get("by-belaz")
    assert belaz is not None
    assert "Белаз" in belaz.all_names and "BelAZ" in belaz.all_names


def test_filters_apply_after_the_merge() -> None:
    ofac, _ = OFFICIAL[SourceFormat.OFAC_CSV]
    uk, _ = OFFICIAL[SourceFormat.UK_CSV]
    sources = [source(f"ofac-csv:{ofac}"), source(f"uk-csv:{uk}")]

    belarus = load_sources(sources, EntityFilter.of(countries=["by"]))
    organisations = load_sources(
        sources, EntityFilter.of(countries=["BY"], schemas=["organization"])
    )
    programme = load_sources(sources, EntityFilter.of(programmes=["belarus-eo14038"]))

    # ofac-104, an aircraft, by its BELARUS-EO14038 programme; the others by country.
    assert {e.id for e in belarus.entities} == {
        "ofac-101", "ofac-102", "ofac-104", "uk-15001", "uk-14200",
    }  # fmt: skip
    assert {e.schema_ for e in organisations.entities} == {Schema.ORGANIZATION}
    assert [e.id for e in programme.entities] == ["ofac-101", "ofac-104"]


def test_a_filter_that_keeps_nothing_is_an_error() -> None:
    path, _ = OFFICIAL[SourceFormat.EU_XML]
    with pytest.raises(WatchlistError, match=r"no entity .* passes the filters .*country ZZ"):
        load_sources([source(f"eu-xml:{path}")], EntityFilter.of(countries=["ZZ"]))


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("eu-xml:{jsonl}", "not well-formed XML"),
        ("uk-csv:{jsonl}", "not an OFSI ConList.csv header"),
        ("opensanctions-csv:{xml}", "not an OpenSanctions targets.simple.csv header"),
        ("opensanctions-ftm:{xml}", "not a JSON line of FtM entities"),
        ("ofac-csv:{xml}", "not an OFAC legacy CSV file name"),
        ("eu-xml:{missing}", "no such file"),
        ("uk-csv:{folder}", "a folder; uk-csv reads a file"),
    ],
)
def test_a_file_of_the_wrong_format_is_refused_naming_it(
    tmp_path: Path, entry: str, problem: str
) -> None:
    files = {
        "jsonl": WATCHLIST,
        "xml": FIXTURES / "eu_xml" / "eu_fsf.xml",
        "missing": tmp_path / "missing.xml",
        "folder": tmp_path,
    }
    text = entry.format(**files)
    with pytest.raises(ImportFormatError) as caught:
        load_sources([WatchlistSource(SourceFormat.JSONL, WATCHLIST), source(text)])
    assert caught.value.message.startswith(text.partition(":")[2])
    assert problem in caught.value.message


def test_a_bad_jsonl_file_is_still_a_watchlist_file_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(WatchlistFileError, match=r"bad\.jsonl, line 1"):
        load_sources([source(f"eu-xml:{OFFICIAL[SourceFormat.EU_XML][0]}"), source(str(bad))])
