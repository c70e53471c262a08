"""Tests of the importer for the JSON export of Ukraine's sanctions register of companies, on a
fixture of hand-written records in the export's structure, then the real export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.errors import ImportFormatError
from service.watchlist.importers.filters import filter_entities
from service.watchlist.importers.ua_json import (
    AUTHORITY,
    LIST_NAME,
    address_country,
    read_ua_sanctions_json,
)
from service.watchlist.loader import parse_jsonl
from service.watchlist.model import Alias, Entity, Listing, Source, dump_jsonl

FIXTURE = Path(__file__).parent / "fixtures" / "ua_json" / "sanctioned_companies.json"
REAL = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "data"
    / "ua_sanctions_companies_export_2025-09"
    / "sanctioned_companies.json"
)


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {entity.id: entity for entity in read_ua_sanctions_json([FIXTURE])}


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def record(person_id: Any = 1, name: Any = 'ТОВ "Зірка"', **fields: Any) -> dict[str, Any]:
    return {"id": 1, "person_id": person_id, "name": name, "tax_number": None,
            "reg_number": None, "address": None, "status": 1, **fields}  # fmt: skip


def numbers(entity: Entity) -> list[tuple[str, str, str | None]]:
    return [(i.type.value, i.value, i.country) for i in entity.identifiers]


def test_one_entity_per_record_by_person_id_in_file_order(entities: dict[str, Entity]) -> None:
    assert list(entities) == [f"ua-{n}" for n in range(90005, 89999, -1)]
    peleng = entities["ua-90004"]
    assert peleng.name == 'Відкрите акціонерне товариство "Пеленг"'
    assert peleng.listings == (Listing(authority=AUTHORITY, list=LIST_NAME, reference="90004"),)
    assert peleng.sources == (
        Source(name="sanctioned_companies.json", reference="id 2, person_id 90004"),
    )


def test_russian_and_english_forms_in_brackets_are_aliases(entities: dict[str, Entity]) -> None:
    company = entities["ua-90005"]
    assert company.name == 'Товариство з обмеженою відповідальністю "Гранітбуд"'
    assert company.aliases == (
        Alias(name='Общество с ограниченной ответственностью "Гранитстрой"', lang="ru"),
        Alias(name='Limited Liability Company "Granitbud"', lang="en"),
    )


def test_tax_numbers_in_the_scheme_of_the_address_country(entities: dict[str, Entity]) -> None:
    assert numbers(entities["ua-90005"]) == [
        ("inn", "7707083893", "RU"),
        ("ogrn", "1027700132195", "RU"),
    ]
    assert numbers(entities["ua-90004"]) == [("unp", "100230519", "BY")]
    assert numbers(entities["ua-90002"]) == [("edrpou", "00032129", "UA")]
    # Nine digits of an Uzbek company: not a UNP, whatever its length.
    assert numbers(entities["ua-90000"]) == [("tax", "305439019", "UZ")]


def test_without_an_address_a_valid_unp_alone_says_belarus(entities: dict[str, Entity]) -> None:
    legmash = entities["ua-90003"]
    assert legmash.addresses == ()
    assert numbers(legmash) == [("unp", "300228934", "BY")]
    assert legmash.country == ("BY",)


def test_address_countries() -> None:
    assert address_country("Республіка Білорусь, 220114, м. Мінськ") == "BY"
    assert address_country("220121, Республіка Білорусь, м. Мінськ") == "BY"
    assert address_country("Білорусь, Гродненська область, м. Островець") == "BY"
    assert address_country("223602, м. Слуцьк, вул. Леніна, буд. 27") == "BY"
    # A Russian street named after Belarus is in Russia.
    assert address_country("Російська Федерація, м. Тольятті, вул. Білоруська, буд. 14") == "RU"
    assert address_country("Місце реєстрації: 01001, Україна, м. Київ") == "UA"
    assert address_country("P.O. Box 130, Muscat") is None


def test_belarus_filter_by_address_or_unp(entities: dict[str, Entity]) -> None:
    kept = filter_entities(entities.values(), countries={"BY"})
    assert [e.id for e in kept] == ["ua-90004", "ua-90003", "ua-90001"]


def test_round_trip_through_the_jsonl_format(entities: dict[str, Entity]) -> None:
    text = dump_jsonl(list(entities.values()))
    assert parse_jsonl(text.splitlines(), "ua.jsonl") == list(entities.values())


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[{"person_id": 1, "name": "X"', r"line 1, column \d+: not well-formed JSON"),
        ('{"person_id": 1}', "not a register export"),
        ("[1, 2]", "record 1: not a JSON object"),
        ('[{"person_id": 1}]', "record 1: no name"),
        ('[{"person_id": null, "name": "X"}]', "record 1: person_id is empty"),
        ('[{"person_id": 1, "name": "  "}]', "record 1: person_id 1: the name is empty"),
        ('[{"person_id": 1, "name": ["X"]}]', "record 1: name must be text or a number"),
        ('[{"person_id": 1, "name": "X"}, {"person_id": 1, "name": "Y"}]', "record 2: person_id 1"),
    ],
)
def test_bad_input_is_refused_naming_file_and_record(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "companies.json"
    path.write_text(content, "utf-8")
    with pytest.raises(ImportFormatError, match=problem):
        read_ua_sanctions_json([path])


def test_a_missing_file_and_bytes_not_utf8_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no such file"):
        read_ua_sanctions_json([tmp_path / "none.json"])
    path = tmp_path / "latin.json"
    path.write_bytes(b'[{"person_id": 1, "name": "\xe9"}]')
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        read_ua_sanctions_json([path])


def test_a_numeric_tax_number_is_read_as_its_digits(tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", [record(tax_number=100230519)])
    (entity,) = read_ua_sanctions_json([path])
    assert numbers(entity) == [("unp", "100230519", "BY")]


@pytest.mark.skipif(not REAL.is_file(), reason=f"the real export is not available at {REAL}")
def test_the_real_export() -> None:
    found = read_ua_sanctions_json([REAL])
    assert len(found) == 7603
    belarus = filter_entities(found, countries={"BY"})
    assert 140 <= len(belarus) <= 170
    by_id = {e.id: e for e in found}
    assert ("unp", "100316761", "BY") in numbers(by_id["ua-18662"])  # Minsk Tractor Works
