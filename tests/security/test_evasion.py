"""Evasion over HTTP: characters that print as nothing, control characters and a country that
does not fit must not make a listed name pass; a batch with such names screens every query
it can; the result cache never answers one spelling with another's result; one request's work
is bounded. Against the shipped seed watchlist, as a caller would meet it."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.screening.screener import Screener
from service.watchlist.loader import Watchlist, load_watchlist
from service.watchlist.model import Entity

# Characters that print as nothing, by kind: zero-width space, non-joiner, joiner, word joiner,
# soft hyphen, LRM, RLM, bidi embedding and isolate marks, BOM, a variation selector, a tag
# character, the Mongolian vowel separator, the combining grapheme joiner, a Hangul filler.
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202e",
    "\u2066", "\u2069", "\ufeff", "\ufe0f", "\U000e0041", "\u180e", "\u034f", "\u3164",
]  # fmt: skip
#: Combining marks laid over letters (strike-through, underline): no precomposed form.
MARKS = ["\u0336", "\u0332", "\u0338", "\u20d2"]
#: Control characters of legacy exports.
CONTROLS = ["\x15", "\x00", "\x1b", "\x7f", "\x9c"]


@pytest.fixture(scope="module")
def seed() -> Screener:
    return Screener.build(load_watchlist())


@pytest.fixture
def client(
    make_client: Callable[..., TestClient[Litestar]], seed: Screener
) -> TestClient[Litestar]:
    return make_client(serving=seed)


def screen(client: TestClient[Litestar], name: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/screen", json={"name": name, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def top(client: TestClient[Litestar], name: str, **extra: Any) -> str | None:
    matches = screen(client, name, **extra)["matches"]
    return matches[0]["entity_id"] if matches else None


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("Grod\u200bno Az\u200bot", "by-grodno-azot"),
        ("Bel\u00adneft\u00adekhim", "by-belneftekhim"),
        ("M\u200bZ\u200bK\u200bT", "by-mzkt"),
    ],
)
def test_the_issues_examples_are_found(
    client: TestClient[Litestar], name: str, entity: str
) -> None:
    body = screen(client, name)
    assert body["matches"] and body["matches"][0]["entity_id"] == entity
    assert body["matches"][0]["score"] >= 0.9
    assert [w["code"] for w in body["warnings"]] == ["invisible_characters_removed"]
    assert body["query"] == name  # echoed as sent


def _sprinkle(name: str, chars: list[str], rng: random.Random) -> str:
    """One of `chars` after every other letter of the name."""
    out = []
    for i, char in enumerate(name):
        out.append(char)
        if char.isalpha() and i % 2:
            out.append(rng.choice(chars))
    return "".join(out)


@pytest.mark.parametrize(
    ("kind", "chars"), [("invisible", INVISIBLE), ("marks", MARKS), ("controls", CONTROLS)]
)
def test_no_kind_of_hidden_character_hides_a_listed_name(
    client: TestClient[Litestar], seed: Screener, kind: str, chars: list[str]
) -> None:
    """Every entity's primary name, and a Cyrillic alias where it has one, sprinkled with
    hidden characters, finds the entity the clean name finds."""
    rng = random.Random(kind)
    tried = 0
    for entity in seed.watchlist.entities[:80]:
        names = [entity.name, *(a.name for a in entity.aliases if a.lang in {"ru", "be"})][:2]
        for name in names:
            clean = screen(client, name)["matches"]
            if not clean or clean[0]["entity_id"] != entity.id:
                continue  # a name the engine reads as another entity's: not this test's point
            hidden = _sprinkle(name, chars, rng)
            body = screen(client, hidden)
            ids = [m["entity_id"] for m in body["matches"]]
            assert entity.id in ids, (entity.id, hidden)
            if kind != "marks":
                assert body["warnings"], hidden
            tried += 1
    assert tried >= 60


# Look-alike letters of other scripts, as someone disguising a Latin name would pick them.
LOOKALIKE_SCRIPTS = {
    "greek": str.maketrans(
        dict(zip("ABEHIKMNOPTXYZoviaukp", "ΑΒΕΗΙΚΜΝΟΡΤΧΥΖονιαυκρ", strict=True))
    ),
    "cyrillic": str.maketrans(dict(zip("ABCEHKMOPTXaceopxyi", "АВСЕНКМОРТХасеорхуі", strict=True))),
    "armenian": str.maketrans(dict(zip("ohnuqgOSU", "օհոսզցՕՏՍ", strict=True))),
    "cherokee": str.maketrans(dict(zip("ABCDEGHJKLMPRSTVWZ", "ᎪᏴᏟᎠᎬᏀᎻᎫᏦᏞᎷᏢᎡᏚᎢᏙᏔᏃ", strict=True))),
}


@pytest.mark.parametrize("script", sorted(LOOKALIKE_SCRIPTS))
def test_look_alike_letters_of_other_scripts_do_not_hide_a_listed_name(
    client: TestClient[Litestar], seed: Screener, script: str
) -> None:
    tried = 0
    for entity in seed.watchlist.entities:
        if not entity.name.isascii() or any(c in entity.name for c in "κχ"):
            continue
        clean = screen(client, entity.name)["matches"]
        if not clean or clean[0]["entity_id"] != entity.id:
            continue
        disguised = entity.name.translate(LOOKALIKE_SCRIPTS[script])
        if disguised == entity.name:
            continue
        body = screen(client, disguised)
        assert entity.id in [m["entity_id"] for m in body["matches"]], disguised
        tried += 1
    assert tried >= 100


def test_a_disguised_name_is_explained(client: TestClient[Litestar]) -> None:
    [match, *_] = screen(client, "ΖΑVΟD SVΤ")["matches"]  # Greek Ζ, Α, Ο, Τ
    assert match["entity_id"] == "by-zavod-svt"
    assert match["explanation"]["query_part"] == "ZAVOD SVT"
    assert any("look like Latin" in note for note in match["explanation"]["notes"])


def test_a_name_written_in_cyrillic_is_read_as_cyrillic(client: TestClient[Litestar]) -> None:
    [match, *_] = screen(client, "ОАО «Пеленг»")["matches"]
    assert match["entity_id"] == "by-peleng"
    assert match["explanation"]["notes"] == []


def test_control_characters_are_removed_and_reported(client: TestClient[Litestar]) -> None:
    body = screen(client, "Zavod\x15 SVT\x00")
    assert body["matches"][0]["entity_id"] == "by-zavod-svt"
    [warning] = body["warnings"]
    assert warning["code"] == "control_characters_removed"
    assert "U+0015 at 5" in warning["message"] and "U+0000 at 10" in warning["message"]


def test_a_name_of_only_hidden_characters_is_empty(client: TestClient[Litestar]) -> None:
    response = client.post("/v1/screen", json={"name": "\u200b\x15\u00ad"})
    assert response.status_code == 422
    assert response.json()["code"] == "name_empty"


def test_listed_names_with_hidden_characters_are_found_by_clean_queries(
    make_client: Callable[..., TestClient[Litestar]],
) -> None:
    entities = [
        Entity(id="x-hidden", name="Gro\u200bdno Ni\u00adtro\u200dgen Works\ufeff"),
        Entity(id="x-other", name="Minsk Gear Works"),
    ]
    client = make_client(serving=Screener.build(Watchlist.of(entities)))
    body = screen(client, "Grodno Nitrogen Works")
    assert body["matches"][0]["entity_id"] == "x-hidden"
    assert body["matches"][0]["score"] == 1.0


def test_a_batch_screens_every_query_it_can(client: TestClient[Litestar]) -> None:
    """One name with a control character, one with no letter or digit, one empty: each gets
    its own result or error, the other 9,997 are screened."""
    queries = [{"id": f"q{i}", "name": f"Supplier {i} Trading"} for i in range(9_997)]
    queries += [
        {"id": "ctrl", "name": "Zavod\x15SVT"},
        {"id": "script", "name": "★ → ※ ♦"},  # symbols: nothing to match
        {"id": "empty", "name": "\u200b"},
    ]
    response = client.post("/v1/screen/batch", json={"queries": queries})
    assert response.status_code == 200, response.text[:500]
    results = {r["id"]: r for r in response.json()["results"]}
    assert len(results) == 10_000
    assert results["ctrl"]["error"] is None
    assert results["ctrl"]["matches"][0]["entity_id"] == "by-zavod-svt"
    assert results["script"]["error"]["code"] == "name_nothing_to_match"
    assert results["empty"]["error"]["code"] == "name_empty"
    assert all(results[f"q{i}"]["error"] is None for i in range(9_997))


def test_a_malformed_batch_is_still_refused_whole(client: TestClient[Litestar]) -> None:
    response = client.post("/v1/screen/batch", json={"queries": [{"id": "a", "name": 5}]})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_body"


# --- the result cache ---------------------------------------------------------------------------


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on the cache: everything but the ids, times and the cached flag."""
    return {k: v for k, v in body.items() if k not in {"screening_id", "screened_at", "cached"}}


@pytest.mark.parametrize(
    "spellings",
    [
        ["Zeta Widgets LLP", "Zeta Widgets, LLP"],
        ["Zeta Widgets, LLP", "Zeta Widgets LLP"],
        ["Peleng (Minsk)", "Peleng Minsk"],
        ["Belov V.V. Peleng", "Belov VV Peleng"],
        ["INTEGRAL", "Integral"],
    ],
)
def test_the_cache_never_answers_one_spelling_with_anothers_result(
    make_client: Callable[..., TestClient[Litestar]],
    redis_url: str,
    key_prefix: str,
    spellings: list[str],
) -> None:
    entities = [
        Entity(id="x-zeta", name="Zeta Widgets"),
        Entity(id="x-zeta-llp", name="Zeta Widgets LLP"),
        Entity(id="x-peleng", name="Peleng", country=("BY",)),
        Entity(id="x-integral", name="Integral"),
    ]
    screener = Screener.build(Watchlist.of(entities))
    cached = make_client(serving=screener, redis_url=redis_url, redis_key_prefix=key_prefix)
    for name in spellings:
        fresh = make_client(serving=screener)  # an empty in-process cache of its own
        expected = screen(fresh, name, threshold=0.5)
        assert expected["cached"] is False
        assert _answer(screen(cached, name, threshold=0.5)) == _answer(expected)
        assert screen(cached, name, threshold=0.5)["cached"] is True


# --- countries --------------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["BE", "DE", "RU", "Belgium", "Германия"])
def test_a_country_that_does_not_fit_does_not_hide_an_exact_name(
    client: TestClient[Litestar], country: str
) -> None:
    [match, *_] = screen(client, "Zavod SVT", country=country)["matches"]
    assert match["entity_id"] == "by-zavod-svt"
    assert match["score"] >= 0.75
    assert "country_mismatch" in match["explanation"]["penalties"]
    assert any("country" in note for note in match["explanation"]["notes"])


def test_a_country_that_does_not_fit_ranks_lower(client: TestClient[Litestar]) -> None:
    own = screen(client, "Zavod SVT", country="BY")["matches"][0]
    other = screen(client, "Zavod SVT", country="BE")["matches"][0]
    assert other["score"] < own["score"]
    assert own["explanation"]["notes"] == []


def test_a_country_named_in_the_name_does_not_hide_it(client: TestClient[Litestar]) -> None:
    assert top(client, "Zavod SVT Belgium") == "by-zavod-svt"
    assert top(client, "Peleng LLC Smolensk RU") == "by-peleng"


@pytest.mark.parametrize(
    ("country", "code"),
    [("by", "BY"), ("BLR", "BY"), ("Belarus", "BY"), ("Беларусь", "BY"), ("Білорусь", "BY"),
     ("Weißrussland", "BY"), ("Republic of Belarus", "BY"), ("Biélorussie", "BY"),
     ("Türkiye", "TR"), ("Turkey", "TR"), ("中国", "CN"), ("XK", "XK")],
)  # fmt: skip
def test_countries_by_code_or_name_in_any_language(
    client: TestClient[Litestar], country: str, code: str
) -> None:
    assert screen(client, "Peleng", country=country)["country"] == code


@pytest.mark.parametrize("country", ["ZZ", "QQ", "B1", "", "Atlantis", "EU", "x" * 5000])
def test_an_unknown_country_is_refused(client: TestClient[Litestar], country: str) -> None:
    response = client.post("/v1/screen", json={"name": "Peleng", "country": country})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "country_invalid"
    assert len(body["message"]) < 200


# --- bounded work -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"threshold": 0.0}, "threshold_out_of_range"),
        ({"threshold": 0.49}, "threshold_out_of_range"),
        ({"limit": 100}, "batch_matches_too_many"),
        ({"limit": 11}, "batch_matches_too_many"),
    ],
)
def test_a_batch_cannot_ask_for_unbounded_work(
    client: TestClient[Litestar], extra: dict[str, Any], code: str
) -> None:
    queries = [{"id": str(i), "name": "x" * 300} for i in range(10_000)]
    response = client.post("/v1/screen/batch", json={"queries": queries, **extra})
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_a_small_batch_may_ask_for_many_matches(client: TestClient[Litestar]) -> None:
    queries = [{"id": str(i), "name": "Minsk Plant"} for i in range(100)]
    response = client.post("/v1/screen/batch", json={"queries": queries, "limit": 100})
    assert response.status_code == 200
