"""Tests of the Ukrainian register's seed source on the importer's own fixture, laid out as in
the data folder."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from seed.sources.ua_register import FILE, read_records

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "watchlist"
    / "importers"
    / "fixtures"
    / "ua_json"
    / "sanctioned_companies.json"
)


def data_folder(tmp_path: Path, extra: tuple[dict[str, object], ...] = ()) -> Path:
    target = tmp_path / FILE
    target.parent.mkdir(parents=True)
    shutil.copy(FIXTURE, target)
    if extra:
        records = json.loads(target.read_text("utf-8")) + list(extra)
        target.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    return tmp_path


def test_belarus_linked_records_with_their_names_numbers_and_source(tmp_path: Path) -> None:
    records = {r.key: r for r in read_records(data_folder(tmp_path))}

    assert list(records) == ["ua/90004", "ua/90003", "ua/90001"]
    peleng = records["ua/90004"]
    assert peleng.names[0].name == 'Відкрите акціонерне товариство "Пеленг"'
    assert peleng.names[0].lang == "uk"
    assert [(i.type.value, i.value) for i in peleng.identifiers] == [("unp", "100230519")]
    assert peleng.sources[0].name == FILE
    assert peleng.sources[0].reference == "person_id 90004"
    assert peleng.sources[0].date == date(2025, 9, 25)
    assert peleng.defence_evidence == ()


def test_a_name_saying_belarusian_without_address_or_number_is_taken(tmp_path: Path) -> None:
    belomo = {"id": 7, "person_id": 80000, "name": "ВАТ \"Білоруське об'єднання\"",
              "tax_number": None, "reg_number": None, "address": None, "status": 1}  # fmt: skip
    stranger = {**belomo, "id": 8, "person_id": 80001, "name": 'ТОВ "Зірка"'}

    keys = [r.key for r in read_records(data_folder(tmp_path, (belomo, stranger)))]

    assert "ua/80000" in keys
    assert "ua/80001" not in keys


def test_the_registers_words_for_arms_are_defence_evidence(tmp_path: Path) -> None:
    plant = {"id": 7, "person_id": 80000,
             "name": "ВАТ \"2566 завод з ремонту радіоелектронного озброєння\"",
             "tax_number": None, "reg_number": None,
             "address": "Місце розташування: Республіка Білорусь, м. Борисов",
             "status": 1}  # fmt: skip

    (record,) = [r for r in read_records(data_folder(tmp_path, (plant,))) if r.key == "ua/80000"]

    assert record.defence_evidence == ("UA register name: озброєнн",)
