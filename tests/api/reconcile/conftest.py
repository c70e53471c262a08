"""A small watchlist of the reconciliation tests (identifiers, a listing date, a person, and an
entity whose names and listing are HTML), apps serving it, and a helper posting a batch."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.screening.screener import Screener
from service.watchlist.loader import load_watchlist

ALPHA_UNP = "600136102"
BETA_INN = "7750004150"
#: Names and a listing that would run as HTML in a page that did not escape them.
HOSTILE_NAME = '<script>alert("x")</script> Trading & Co'
HOSTILE_ALIAS = "<img src=x onerror=alert(1)>"
ENTITIES: list[dict[str, Any]] = [
    {
        "id": "by-alpha",
        "name": "OJSC Alpha Optics Plant",
        "aliases": [{"name": "ОАО «Альфа»", "lang": "ru"}, {"name": "Alpha Optics"}],
        "country": ["BY"],
        "identifiers": [{"type": "unp", "value": ALPHA_UNP}],
        "listings": [
            {
                "authority": "EU",
                "list": "EU Reg. 765/2006 Annex I",
                "programme": "EU-BLR",
                "listed_on": "2022-03-02",
            },
            {"authority": "US-OFAC", "list": "SDN"},
        ],
        "defence": True,
    },
    {
        "id": "ru-beta",
        "name": "Beta Radio Engineering JSC",
        "country": ["RU"],
        "identifiers": [{"type": "inn", "value": BETA_INN}],
        "listings": [{"authority": "US-OFAC", "list": "SDN"}],
    },
    {
        "id": "by-petrov",
        "schema": "Person",
        "name": "Ivan Petrov",
        "country": ["BY"],
        "listings": [{"authority": "EU", "list": "EU Reg. 765/2006 Annex I"}],
    },
    {
        "id": "xx-hostile",
        "name": HOSTILE_NAME,
        "aliases": [{"name": HOSTILE_ALIAS}],
        "listings": [{"authority": "<b>X</b>", "list": "</ul><form action=//evil>"}],
    },
]

Client = Callable[..., TestClient[Litestar]]


@pytest.fixture(scope="session")
def reconcile_screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    path = tmp_path_factory.mktemp("reconcile") / "watchlist.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ENTITIES), "utf-8")
    return Screener.build(load_watchlist([path]))


@pytest.fixture
def recon(make_client: Client, reconcile_screener: Screener) -> TestClient[Litestar]:
    """An app serving the reconciliation tests' watchlist, in open mode."""
    return make_client(serving=reconcile_screener)


def post_queries(
    client: TestClient[Litestar], batch: Any, headers: dict[str, str] | None = None
) -> Any:
    """POST a batch as OpenRefine does (the form field `queries`); the response."""
    return client.post("/reconcile", data={"queries": json.dumps(batch)}, headers=headers)


def results(client: TestClient[Litestar], batch: dict[str, Any]) -> dict[str, list[str]]:
    """The candidates' ids of each query of an answered batch."""
    response = post_queries(client, batch)
    assert response.status_code == 200, response.text
    return {key: [c["id"] for c in part["result"]] for key, part in response.json().items()}
