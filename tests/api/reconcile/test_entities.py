"""The reconciliation service's views of listed entities: the preview page (escaped, framed by
OpenRefine's origin only, its style allowed by hash), suggest, data extension and property
proposals; and which of its parts need a key once keys exist."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from ..access_support import as_key, make_keys
from .conftest import ALPHA_UNP, HOSTILE_ALIAS, HOSTILE_NAME, Client, post_queries


def test_a_preview_escapes_the_watchlist_and_runs_nothing(recon: TestClient[Litestar]) -> None:
    response = recon.get("/reconcile/preview/xx-hostile")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    for raw in (HOSTILE_NAME, HOSTILE_ALIAS, "<b>X</b>", "<form"):
        assert raw not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Trading &amp; Co" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # Markup of its own only: no script, link, image, form or frame.
    assert set(re.findall(r"<([a-z0-9]+)", page)) <= {
        "html", "head", "meta", "title", "style", "body", "h1", "p", "span", "ul", "li",
    }  # fmt: skip


def test_a_preview_is_framed_by_openrefine_only(
    make_client: Client, reconcile_screener: Any
) -> None:
    client = make_client(serving=reconcile_screener)
    response = client.get("/reconcile/preview/by-alpha")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors http://127.0.0.1:3333 http://localhost:3333;" in policy
    assert "x-frame-options" not in response.headers
    [style] = re.findall(r"<style>(.*?)</style>", response.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}';" in policy and "script-src" not in policy
    assert policy.startswith("default-src 'none';")
    assert "OJSC Alpha Optics Plant" in response.text and "EU-BLR" in response.text
    # The rest of the service still refuses any frame.
    manifest = client.get("/reconcile")
    assert manifest.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in manifest.headers["content-security-policy"]
    other = make_client(serving=reconcile_screener, reconcile_frame_ancestors="")
    framed = other.get("/reconcile/preview/by-alpha").headers["content-security-policy"]
    assert "frame-ancestors 'none';" in framed


def test_frame_ancestors_must_be_origins(make_client: Client) -> None:
    for wrong in ("*", "https://*.example.com", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="not an origin"):
            make_client(reconcile_frame_ancestors=wrong)


def test_an_unknown_preview_is_a_json_404(recon: TestClient[Litestar]) -> None:
    response = recon.get("/reconcile/preview/no-such-entity")
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"
    assert recon.get("/reconcile/preview/" + "x" * 201).status_code == 422


def test_suggest_finds_a_name_by_any_word_in_any_script(recon: TestClient[Litestar]) -> None:
    def suggested(prefix: str, **params: Any) -> list[str]:
        response = recon.get("/reconcile/suggest/entity", params={"prefix": prefix} | params)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["result"]]

    assert suggested("alpha") == suggested("OPTICS") == suggested("альф") == ["by-alpha"]
    assert suggested("alfa") == ["by-alpha"]  # «Альфа» in Latin letters
    assert suggested("ivan") == ["by-petrov"]
    assert suggested("pha") == [] and suggested("Alpha", cursor=1) == [] and suggested("  ") == []
    # Those whose name starts with it come first.
    assert suggested("b")[:1] == ["ru-beta"]
    for params in ({"prefix": ""}, {}, {"prefix": "a", "cursor": "-1"}):
        refused = recon.get("/reconcile/suggest/entity", params=params)
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_parameter"
    notable = recon.get("/reconcile/suggest/entity", params={"prefix": "ivan"}).json()
    assert notable["result"][0]["notable"] == [{"id": "Person", "name": "Person"}]


def test_suggest_types_and_properties(recon: TestClient[Litestar]) -> None:
    types = recon.get("/reconcile/suggest/type", params={"prefix": "org"}).json()["result"]
    assert [t["id"] for t in types] == ["Organization"]
    props = recon.get("/reconcile/suggest/property", params={"prefix": "c"}).json()["result"]
    assert [p["id"] for p in props] == ["country"]
    inn = recon.get("/reconcile/suggest/property", params={"prefix": "russia"}).json()
    assert {p["id"] for p in inn["result"]} == {"inn", "ogrn", "okpo"}


def _extend(client: TestClient[Litestar], query: dict[str, Any]) -> Any:
    return client.post("/reconcile", data={"extend": json.dumps(query)})


def test_data_extension_gives_listings_identifiers_countries_and_defence(
    recon: TestClient[Litestar],
) -> None:
    wanted = ["listings", "listed_on", "countries", "defence", "identifiers", "unp", "aliases"]
    query = {
        "ids": ["by-alpha", "ru-beta", "nope"],
        "properties": [{"id": p} for p in wanted] + [{"id": "aliases", "settings": {"limit": "1"}}],
    }
    rows = _extend(recon, query).json()["rows"]
    alpha = rows["by-alpha"]
    assert alpha["listings"] == [
        {"str": "EU: EU Reg. 765/2006 Annex I (EU-BLR)"},
        {"str": "US-OFAC: SDN"},
    ]
    assert alpha["listed_on"] == [{"date": "2022-03-02T00:00:00Z"}]
    assert alpha["countries"] == [{"str": "BY"}] and alpha["defence"] == [{"str": "true"}]
    assert alpha["identifiers"] == [{"str": f"unp:{ALPHA_UNP}"}]
    assert alpha["unp"] == [{"str": ALPHA_UNP}]
    # The later ask for the same property, with its limit, is the one kept.
    assert alpha["aliases"] == [{"str": "ОАО «Альфа»"}]
    assert rows["ru-beta"]["defence"] == [{"str": "false"}] and rows["ru-beta"]["unp"] == []
    assert all(values == [] for values in rows["nope"].values())


def test_bad_extension_queries_are_refused(make_client: Client, reconcile_screener: Any) -> None:
    client = make_client(serving=reconcile_screener, batch_max_queries=2)
    for query, status, code in (
        ({"ids": ["by-alpha"]}, 422, "invalid_body"),
        ({"ids": "by-alpha", "properties": []}, 422, "invalid_body"),
        ({"ids": ["a", "b", "c"], "properties": []}, 413, "batch_too_large"),
        ({"ids": ["by-alpha"], "properties": [{"id": "aliases", "settings": {"limit": "x"}}]},
         422, "invalid_setting"),
        ({"ids": ["by-alpha"], "properties": [{"id": "aliases", "settings": {"limit": -1}}]},
         422, "invalid_setting"),
        ({"ids": ["by-alpha"], "properties": [{"id": "name"}] * 101}, 422, "properties_too_many"),
    ):  # fmt: skip
        response = _extend(client, query)
        assert response.status_code == status, (query, response.text)
        assert response.json()["code"] == code
    infinite = b'{"ids": [], "properties": [{"id": "name", "settings": {"limit": 1e400}}]}'
    response = client.post("/reconcile", data={"extend": infinite.decode()})
    assert response.status_code == 422 and response.json()["code"] == "invalid_setting"


def test_property_proposals(recon: TestClient[Litestar]) -> None:
    proposed = recon.get("/reconcile/extend/propose", params={"type": "Organization"}).json()
    ids = [p["id"] for p in proposed["properties"]]
    assert {"listings", "identifiers", "countries", "defence"} <= set(ids)
    limited = recon.get("/reconcile/extend/propose", params={"type": "Organization", "limit": 2})
    assert limited.json() == {
        "properties": proposed["properties"][:2],
        "type": "Organization",
        "limit": 2,
    }
    assert recon.get("/reconcile/extend/propose", params={"type": "Painting"}).json() == {
        "properties": [],
        "type": "Painting",
    }
    assert recon.get("/reconcile/extend/propose", params={"limit": "x"}).status_code == 422


def test_with_keys_only_the_descriptions_are_public(
    make_client: Client, reconcile_screener: Any
) -> None:
    client = make_client(serving=reconcile_screener)
    keys = make_keys(client)
    batch = {"q": {"query": "Alpha"}}
    extension = {"extend": json.dumps({"ids": ["by-alpha"], "properties": [{"id": "name"}]})}
    keyed: list[Callable[[dict[str, str]], Any]] = [
        lambda h: post_queries(client, batch, headers=h),
        lambda h: client.get("/reconcile", params={"queries": json.dumps(batch)}, headers=h),
        lambda h: client.post("/reconcile", data=extension, headers=h),
        lambda h: client.get("/reconcile/suggest/entity", params={"prefix": "al"}, headers=h),
        lambda h: client.get("/reconcile/preview/by-alpha", headers=h),
    ]
    for ask in keyed:
        refused = ask({})
        assert refused.status_code == 401 and refused.json()["code"] == "key_missing"
        assert ask(as_key(keys.screener)).status_code == 200
    for path in ("/reconcile", "/reconcile/suggest/type?prefix=o", "/reconcile/extend/propose"):
        assert client.get(path).status_code == 200, path
    # The auditor's role may read the watchlist but not screen.
    assert post_queries(client, batch, headers=as_key(keys.auditor)).status_code == 403
