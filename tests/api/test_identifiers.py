"""Identifiers through the API: an entity that lists the query's identifier is a hit at 1.0
whatever the name, a conflicting number of the same scheme lowers a name match and says so,
numbers are recognised inside a free-text name, batches carry identifiers per query, and the
result cache never answers one identifier's query with another's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import BatchResponse, ErrorBody, WatchlistPage
from service.screening.screener import IDENTIFIER_CONFLICT

from .identifiers_support import (
    INTEGRAL_SPB_INN,
    INTEGRAL_SPB_OGRN,
    LEGMASH_UNP,
    PELENG_UNP,
    SBERBANK_INN,
    identified_screener,
)
from .test_screen import screen

Client = Callable[..., TestClient[Litestar]]


@pytest.fixture
def client(make_client: Client) -> TestClient[Litestar]:
    return make_client(serving=identified_screener())


def refused(client: TestClient[Litestar], code: str, **body: Any) -> str:
    response = client.post("/v1/screen", json=body)
    assert response.status_code == 422, response.text
    error = ErrorBody.model_validate_json(response.content)
    assert error.code == code, error
    return error.message


def test_an_identifier_hit_is_1_whatever_the_name(client: TestClient[Litestar]) -> None:
    body = screen(
        client,
        name="Acme Garden Furniture GmbH",
        identifiers=[{"type": "unp", "value": PELENG_UNP}],
    )
    [top] = body["matches"]
    assert (top["entity_id"], top["score"]) == ("by-peleng", 1.0)
    explanation = top["explanation"]
    assert explanation["identifier"] == {
        "type": "unp", "value": PELENG_UNP, "source": "UA-NSDC", "country": "BY",
        "query_type": "unp", "origin": "given",
    }  # fmt: skip
    assert explanation["matched_tokens"] == []
    [note] = explanation["notes"]
    assert f"UNP {PELENG_UNP}" in note and "the name did not reach the threshold" in note
    assert body["identifiers"] == [{"type": "unp", "value": PELENG_UNP, "origin": "given"}]


def test_an_identifier_hit_comes_first_and_keeps_the_names_words(
    client: TestClient[Litestar],
) -> None:
    alone = screen(client, name="Integral")["matches"]
    assert [m["entity_id"] for m in alone] == ["by-integral"]
    body = screen(client, name="Integral", identifiers=[{"type": "ИНН", "value": INTEGRAL_SPB_INN}])
    assert [(m["entity_id"], m["score"]) for m in body["matches"]] == [
        ("ru-integral-spb", 1.0),
        ("by-integral", alone[0]["score"]),  # no INN listed: nothing to contradict
    ]
    # Where the name matches the entity of the number too, its words stay in the explanation.
    both = screen(
        client, name="Integral SPB", identifiers=[{"type": "inn", "value": INTEGRAL_SPB_INN}]
    )
    first = both["matches"][0]["explanation"]
    assert first["matched_tokens"] and first["identifier"]["type"] == "inn"
    assert "the name alone scored 1.00" in first["notes"][-1]


def test_identifiers_alone_are_a_query(client: TestClient[Litestar]) -> None:
    body = screen(client, identifiers=[{"value": "300-228-934"}])
    assert body["query"] is None
    assert body["identifiers"] == [{"type": "unp", "value": LEGMASH_UNP, "origin": "given"}]
    [top] = body["matches"]
    assert (top["entity_id"], top["score"]) == ("by-legmash", 1.0)
    assert "no name given" in top["explanation"]["notes"][-1]


def test_a_national_number_finds_a_lists_tax_number(client: TestClient[Litestar]) -> None:
    """OFAC gives Sberbank's INN as a "Tax ID No.": the INN the query gives is that number."""
    body = screen(client, identifiers=[{"type": "inn", "value": SBERBANK_INN}])
    [top] = body["matches"]
    assert top["entity_id"] == "ru-sberbank"
    identifier = top["explanation"]["identifier"]
    assert (identifier["type"], identifier["query_type"]) == ("tax", "inn")


def test_an_untyped_value_is_read_by_its_check_digits(client: TestClient[Litestar]) -> None:
    body = screen(client, identifiers=[{"value": INTEGRAL_SPB_OGRN}])
    assert [i["type"] for i in body["identifiers"]] == ["ogrn"]
    assert body["matches"][0]["entity_id"] == "ru-integral-spb"


def test_a_conflicting_identifier_lowers_a_name_match_and_says_so(
    client: TestClient[Litestar],
) -> None:
    alone = screen(client, name="OJSC Peleng")["matches"][0]
    assert (alone["entity_id"], alone["score"]) == ("by-peleng", 1.0)
    body = screen(client, name="OJSC Peleng", identifiers=[{"type": "unp", "value": LEGMASH_UNP}])
    legmash, peleng = body["matches"]
    assert (legmash["entity_id"], legmash["score"]) == ("by-legmash", 1.0)  # the number's
    assert peleng["entity_id"] == "by-peleng"
    assert peleng["score"] == pytest.approx(alone["score"] * IDENTIFIER_CONFLICT)
    assert peleng["explanation"]["penalties"] == {"identifier_conflict": IDENTIFIER_CONFLICT}
    assert peleng["explanation"]["identifier"] is None
    note = peleng["explanation"]["notes"][-1]
    assert "conflicting identifier" in note and LEGMASH_UNP in note and PELENG_UNP in note


def test_a_conflict_flags_a_match_but_never_hides_it(client: TestClient[Litestar]) -> None:
    """Compliance would rather see the name match with the conflict flagged: the score stops
    at the threshold asked for."""
    body = screen(
        client,
        name="OJSC Peleng",
        identifiers=[{"type": "unp", "value": LEGMASH_UNP}],
        threshold=0.95,
    )
    peleng = next(m for m in body["matches"] if m["entity_id"] == "by-peleng")
    assert peleng["score"] == 0.95
    assert "kept at the threshold" in peleng["explanation"]["notes"][-1]


def test_no_conflict_without_a_number_of_the_same_scheme(client: TestClient[Litestar]) -> None:
    # Zavod SVT lists no identifier; Integral SPB lists an INN, not a UNP.
    for name in ("Zavod SVT", "Integral SPB"):
        plain = screen(client, name=name)["matches"]
        given = screen(client, name=name, identifiers=[{"type": "unp", "value": PELENG_UNP}])
        assert given["matches"][1:] == plain  # after Peleng, found by its UNP


def test_an_untyped_value_of_several_readings_never_conflicts(
    client: TestClient[Litestar],
) -> None:
    """An 8-digit value passes both the OKPO and the EDRPOU check: neither reading is sure
    enough to be held against a name match."""
    body = screen(client, name="OJSC Peleng", identifiers=[{"value": "14360570"}])
    assert {i["type"] for i in body["identifiers"]} == {"okpo", "edrpou"}
    assert body["matches"][0]["explanation"]["penalties"] == {}


def test_numbers_in_a_free_text_name_are_identifiers(client: TestClient[Litestar]) -> None:
    body = screen(client, name=f"ООО Ромашка, УНП {LEGMASH_UNP[:3]} {LEGMASH_UNP[3:]}, Орша")
    assert body["identifiers"] == [{"type": "unp", "value": LEGMASH_UNP, "origin": "name"}]
    [top] = body["matches"]
    assert top["entity_id"] == "by-legmash" and top["score"] == 1.0
    assert top["explanation"]["identifier"]["origin"] == "name"
    assert "written in the name" in top["explanation"]["notes"][-1]
    # Without its check digit a number is no identifier.
    wrong = screen(client, name="ООО Ромашка, УНП 300228935")
    assert wrong["identifiers"] == [] and wrong["matches"] == []


def test_a_bare_number_in_a_name_matches_but_never_conflicts(
    client: TestClient[Litestar],
) -> None:
    """An unlabelled number may be a phone or an order number that happens to pass a check:
    it finds the entity that lists it, and counts against none."""
    body = screen(client, name=f"OJSC Peleng {LEGMASH_UNP}")
    assert body["identifiers"] == [{"type": "unp", "value": LEGMASH_UNP, "origin": "name"}]
    assert [m["entity_id"] for m in body["matches"]][:2] == ["by-legmash", "by-peleng"]
    assert body["matches"][1]["explanation"]["penalties"] == {}
    labelled = screen(client, name=f"OJSC Peleng, UNP {LEGMASH_UNP}")
    assert "identifier_conflict" in labelled["matches"][1]["explanation"]["penalties"]


@pytest.mark.parametrize(
    ("identifier", "code", "said"),
    [
        ({"type": "unp", "value": "100230518"}, "identifier_invalid", "check digit"),
        ({"type": "unp", "value": "10023051"}, "identifier_invalid", "have 9"),
        ({"type": "inn", "value": "77070838"}, "identifier_invalid", "10 or 12"),
        ({"type": "passport", "value": "100230519"}, "identifier_type_unknown", "unp"),
        ({"type": "", "value": "100230519"}, "identifier_type_unknown", "unp"),
        ({"value": "12345"}, "identifier_unrecognised", "give its type"),
        ({"value": ""}, "identifier_empty", "empty"),
        ({"type": "tax", "value": "A" * 65}, "identifier_too_long", "64"),
        ({"type": "registration", "value": "№ 12/34"}, "identifier_invalid", "letters"),
    ],
)
def test_a_malformed_identifier_is_a_clear_422(
    client: TestClient[Litestar], identifier: dict[str, str], code: str, said: str
) -> None:
    message = refused(client, code, name="Peleng", identifiers=[identifier])
    assert said in message


def test_too_many_identifiers_and_none_at_all(client: TestClient[Litestar]) -> None:
    many = [{"type": "tax", "value": f"A{i}"} for i in range(21)]
    refused(client, "identifiers_too_many", name="Peleng", identifiers=many)
    refused(client, "name_missing", identifiers=[])
    refused(client, "invalid_body", name="Peleng", identifiers=[{"value": "1", "kind": "x"}])


def test_a_batch_carries_identifiers_per_query(client: TestClient[Litestar]) -> None:
    queries = [
        {"id": "unrelated", "name": "Acme GmbH", "identifiers": [{"value": PELENG_UNP}]},
        {"id": "alone", "identifiers": [{"type": "unp", "value": LEGMASH_UNP}]},
        {"id": "bad", "name": "Peleng", "identifiers": [{"type": "unp", "value": "100230518"}]},
        {"id": "none", "country": "BY"},
        {"id": "plain", "name": "Zavod SVT"},
    ]
    response = client.post("/v1/screen/batch", json={"queries": queries})
    assert response.status_code == 200, response.text
    BatchResponse.model_validate_json(response.content)
    results = {r["id"]: r for r in response.json()["results"]}
    assert results["unrelated"]["matches"][0]["entity_id"] == "by-peleng"
    assert results["unrelated"]["identifiers"] == [
        {"type": "unp", "value": PELENG_UNP, "origin": "given"}
    ]
    assert results["alone"]["matches"][0]["entity_id"] == "by-legmash"
    assert results["bad"]["error"]["code"] == "identifier_invalid"
    assert results["bad"]["matches"] == []
    # A refused query shows its identifiers as they were sent.
    assert results["bad"]["identifiers"] == [
        {"type": "unp", "value": "100230518", "origin": "given"}
    ]
    assert results["none"]["error"]["code"] == "name_missing"
    assert results["plain"]["matches"][0]["entity_id"] == "by-zavod-svt"
    assert results["plain"]["identifiers"] == []


def test_the_cache_never_answers_one_identifiers_query_with_anothers(
    make_client: Client, redis_url: str, key_prefix: str
) -> None:
    client = make_client(
        serving=identified_screener(), redis_url=redis_url, redis_key_prefix=key_prefix
    )
    name = "Acme GmbH"
    peleng = screen(client, name=name, identifiers=[{"value": PELENG_UNP}])
    legmash = screen(client, name=name, identifiers=[{"value": LEGMASH_UNP}])
    plain = screen(client, name=name)
    assert [p["cached"] for p in (peleng, legmash, plain)] == [False, False, False]
    assert peleng["matches"][0]["entity_id"] == "by-peleng"
    assert legmash["matches"][0]["entity_id"] == "by-legmash"
    assert plain["matches"] == []
    # The same identifiers however written (type or not, separators, order) are one query.
    again = screen(
        client,
        name=name,
        identifiers=[{"value": LEGMASH_UNP}, {"type": "УНП", "value": "100 230 519"}],
    )
    both = screen(
        client,
        name=name,
        identifiers=[{"value": PELENG_UNP}, {"value": LEGMASH_UNP}],
    )
    assert (again["cached"], both["cached"]) == (False, True)
    assert again["matches"] == both["matches"]
    repeat = screen(client, name=name, identifiers=[{"value": PELENG_UNP}])
    assert repeat["cached"] is True and repeat["matches"] == peleng["matches"]


def test_the_watchlist_searched_by_identifier(client: TestClient[Litestar]) -> None:
    page = client.get("/v1/watchlist", params={"identifier": "100 230 519"})
    assert page.status_code == 200, page.text
    body = WatchlistPage.model_validate_json(page.content)
    assert (body.found, [e.id for e in body.entities]) == (1, ["by-peleng"])
    assert body.counts.identifiers == 7
    typed = client.get("/v1/watchlist", params={"identifier": SBERBANK_INN, "type": "tax"})
    assert [e["id"] for e in typed.json()["entities"]] == ["ru-sberbank"]
    # A national number finds a list's tax number of the same value, as screening does.
    as_inn = client.get("/v1/watchlist", params={"identifier": SBERBANK_INN, "type": "ИНН"})
    assert [e["id"] for e in as_inn.json()["entities"]] == ["ru-sberbank"]
    other = client.get("/v1/watchlist", params={"identifier": PELENG_UNP, "type": "inn"})
    assert other.json()["found"] == 0 and other.json()["entities"] == []
    assert client.get("/v1/watchlist").json()["found"] is None
    for params, code in [
        ({"identifier": PELENG_UNP, "type": "passport"}, "identifier_type_unknown"),
        ({"identifier": " - "}, "identifier_empty"),
        ({"type": "unp"}, "identifier_missing"),
    ]:
        refusal = client.get("/v1/watchlist", params=params)
        assert refusal.status_code == 422 and refusal.json()["code"] == code, refusal.text


def test_an_entity_shows_its_identifiers(client: TestClient[Litestar]) -> None:
    response = client.get("/v1/watchlist/ru-integral-spb")
    assert response.status_code == 200
    assert response.json()["identifiers"] == [
        {"type": "inn", "value": INTEGRAL_SPB_INN, "source": "UA-NSDC", "country": "RU"},
        {"type": "ogrn", "value": INTEGRAL_SPB_OGRN, "source": "UA-NSDC", "country": "RU"},
    ]


def test_the_audit_record_keeps_the_querys_identifiers(client: TestClient[Litestar]) -> None:
    answer = screen(client, identifiers=[{"type": "unp", "value": "300 228 934"}])
    record = client.get(f"/v1/screenings/{answer['screening_id']}")
    assert record.status_code == 200, record.text
    kept = record.json()
    assert kept["response"]["identifiers"] == [
        {"type": "unp", "value": LEGMASH_UNP, "origin": "given"}
    ]
    assert kept["outcome"] == "hit" and kept["query"]["name"] is None
    queries = [{"id": "bad", "identifiers": [{"type": "unp", "value": "300228935"}]}]
    [refused] = client.post("/v1/screen/batch", json={"queries": queries}).json()["results"]
    kept = client.get(f"/v1/screenings/{refused['screening_id']}").json()
    assert kept["outcome"] == "error"
    assert kept["response"]["identifiers"] == [
        {"type": "unp", "value": "300228935", "origin": "given"}
    ]
