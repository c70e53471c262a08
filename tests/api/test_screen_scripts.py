"""POST /v1/screen and /v1/screen/batch over HTTP with names in scripts other than Latin and
Cyrillic: screened (no longer refused as "nothing to match") and found, against the seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.screening.screener import Screener
from service.watchlist.loader import load_watchlist


@pytest.fixture(scope="module")
def seed() -> Screener:
    return Screener.build(load_watchlist())


@pytest.fixture
def seed_client(
    make_client: Callable[..., TestClient[Litestar]], seed: Screener
) -> TestClient[Litestar]:
    return make_client(serving=seed)


def screen(client: TestClient[Litestar], name: str) -> dict[str, Any]:
    response = client.post("/v1/screen", json={"name": name})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_japanese_name_with_its_legal_form_finds_peleng(
    seed_client: TestClient[Litestar],
) -> None:
    top = screen(seed_client, "ペレング株式会社")["matches"][0]
    assert top["entity_id"] == "by-peleng"
    assert top["score"] == 1.0
    assert top["explanation"]["query_legal_forms"] == ["株式会社 (JSC)"]


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("株式会社インテグラル", "by-integral"),  # the seed's own alias
        ("ミンスク 株式会社ミンスク装輪牽引車工場 ベラルーシ", "by-mzkt"),  # inside a longer query
        ("トランスアヴィアエクスポート", "by-transaviaexport"),  # katakana read as Latin
        ("ΜΠΕΛΑΖ", "by-belaz"),  # Greek
        ("بيلاز", "by-belaz"),  # Arabic
        ("펠렝 주식회사", "by-peleng"),  # Korean
        ("深圳五力高科创新科技有限公司", "by-shenzhen-5g"),  # Chinese, the list in pinyin
    ],
)
def test_names_in_other_scripts_find_their_entity(
    seed_client: TestClient[Litestar], name: str, entity_id: str
) -> None:
    matches = screen(seed_client, name)["matches"]
    assert matches and matches[0]["entity_id"] == entity_id


def test_a_reading_is_explained(seed_client: TestClient[Litestar]) -> None:
    top = screen(seed_client, "トランスアヴィアエクスポート")["matches"][0]
    assert any("transaviaeksport" in note for note in top["explanation"]["notes"])


@pytest.mark.parametrize("name", ["«»!?", "★ → ※", "・「」＝", "( )"])
def test_a_name_of_punctuation_only_is_still_refused(
    seed_client: TestClient[Litestar], name: str
) -> None:
    response = seed_client.post("/v1/screen", json={"name": name})
    assert response.status_code == 422
    assert response.json()["code"] == "name_nothing_to_match"


def test_a_batch_screens_names_in_every_script(seed_client: TestClient[Litestar]) -> None:
    queries = [
        {"id": "ja", "name": "ペレング株式会社"},
        {"id": "el", "name": "Πελένγκ"},
        {"id": "ka", "name": "ბელაზი"},
        {"id": "none", "name": "★★★"},
    ]
    response = seed_client.post("/v1/screen/batch", json={"queries": queries})
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["results"]}
    assert results["ja"]["matches"][0]["entity_id"] == "by-peleng"
    assert results["el"]["matches"][0]["entity_id"] == "by-peleng"
    assert results["ka"]["error"] is None
    assert results["none"]["error"]["code"] == "name_nothing_to_match"
