"""nomenklatura's yente enricher, a client nobody here wrote, pointed at a running server
(`python -m service serve` on the seed watchlist, an API key sent as OpenSanctions' hosted API
takes it, `Authorization: ApiKey`): it matches a small FtM file of suppliers, finds the listed
ones and only them, and once the matches are confirmed fetches each with its listings."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
from followthemoney import Dataset, StatementEntity
from nomenklatura.cache import Cache
from nomenklatura.db import close_db, make_session
from nomenklatura.enrich import enrich, make_enricher, match
from nomenklatura.judgement import Judgement
from nomenklatura.resolver import Resolver

from .conftest import SEED

SUPPLIERS = Path(__file__).with_name("suppliers.ftm.json")
#: The listed suppliers of the file, and the entity each is.
LISTED = {
    "supplier-belaz": "by-belaz",
    "supplier-mzkt": "by-mzkt",
    "supplier-140": "by-140-repair-plant",
    "supplier-naftan": "by-naftan",
}


def test_the_yente_enricher_finds_the_listed_suppliers(
    server: Callable[[Path], tuple[str, subprocess.Popen[str]]], tmp_path: Path
) -> None:
    base, _ = server(SEED)
    created = httpx.post(f"{base}/v1/keys", json={"name": "enricher", "role": "screener"})
    assert created.status_code == 201, created.text
    dataset = Dataset.make({"name": "suppliers", "title": "Suppliers"})
    url = f"sqlite:///{tmp_path / 'nomenklatura.sqlite3'}"
    session = make_session(url)
    try:
        config = {
            "type": "nomenklatura.enrich.yente:YenteEnricher",
            "api": f"{base}/",
            "dataset": "default",
            "api_key": created.json()["key"],
            "cache_days": 0,
        }
        enricher = make_enricher(dataset, Cache(session, dataset, create=True), config)
        resolver = Resolver[StatementEntity](session, create=True)
        suppliers = [
            StatementEntity.from_data(dataset, json.loads(line))
            for line in SUPPLIERS.read_text(encoding="utf-8").splitlines()
        ]
        found: dict[str, set[str]] = {}
        current = ""
        for entity in match(enricher, resolver, suppliers):
            if entity.id is not None and entity.id.startswith("supplier-"):
                current = entity.id
            else:
                found.setdefault(current, set()).add(str(entity.id))
        assert found == {supplier: {listed} for supplier, listed in LISTED.items()}
        for supplier, listed in LISTED.items():
            resolver.decide(supplier, listed, Judgement.POSITIVE)
        expanded = list(enrich(enricher, resolver, suppliers))
        sanctions = [e for e in expanded if e.schema.name == "Sanction"]
        listed_entities = [e for e in expanded if e.schema.name != "Sanction"]
        assert len(listed_entities) == len(LISTED)
        assert {e.first("authority") for e in sanctions} >= {"EU", "US-OFAC"}
        assert all(e.get("entity") for e in sanctions)
    finally:
        session.close()
        close_db(url)
