"""Behaviour of the engine on a small hand-written watchlist (the seed gates quality elsewhere)."""

import gc

import pytest

from service.matching.index import ListedEntity
from service.matching.matcher import DEFAULT_THRESHOLD, Match, Matcher

ENTITIES = [
    ListedEntity(
        "mzkt",
        "Minsk Wheeled Tractor Plant",
        (("MZKT", "aka"), ("ОАО ‘Минский завод колёсных тягачей’", "aka"), ("VOLAT", "aka")),
        ("BY",),
    ),
    ListedEntity("peleng", "Peleng JSC", (("ОАО ‘Пеленг’", "aka"),), ("BY",)),
    ListedEntity(
        "belaz",
        "Belarusski Avtomobilnyi Zavod (BelAZ) / OJSC ‘BELAZ’",
        (("ААТ ‘БЕЛАЗ’", "aka"),),
        ("BY",),
    ),
    ListedEntity("arp-558", "558 Aircraft Repair Plant JSC", (("JSC 558 ARP", "aka"),), ("BY",)),
    ListedEntity(
        "grodno-azot",
        "Open Joint Stock Company ‘Grodno Azot’",
        (("ААТ ‘Гродна Азот’", "aka"),),
        ("BY",),
    ),
    ListedEntity(
        "legmash", "Legmash Plant OJSC", (("ZAVOD SHVEINYKH MASHIN OAO", "fka"),), ("BY",)
    ),
    ListedEntity("integral", "JSC ‘INTEGRAL’", (("ОАО ‘Интеграл’", "aka"),), ("BY",)),
    ListedEntity("weak", "Some Holding", (("Tiny Alias Name", "weak"),), ("BY",)),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ENTITIES)


def top(matcher: Matcher, name: str, **kwargs: object) -> Match | None:
    found = matcher.screen(name, **kwargs)  # type: ignore[arg-type]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ОАО «БЕЛАЗ»", "belaz"),
        ("BelAZ", "belaz"),
        ("Bel AZ", "belaz"),
        ("Minsk Wheeled Tractor Plant", "mzkt"),
        ("МЗКТ", "mzkt"),
        ("Минский завод колесных тягачей", "mzkt"),
        ("Minskii zavod kolesnykh tyagachei", "mzkt"),
        ("Peleng", "peleng"),
        ("PELENG OJSC", "peleng"),
        ("Пеленг", "peleng"),
        ("Pelenq", "peleng"),
        ("Supplier: OAO Peleng, Minsk, BY - optics", "peleng"),
        ("Hrodna Azot", "grodno-azot"),
        ("Гродно Азот ОАО", "grodno-azot"),
        ("Legmash Orsha", "legmash"),
        ("Plant Legmash", "legmash"),
        ("Intehral", "integral"),
        ("558 Aircraft Repair Plant", "arp-558"),
    ],
)
def test_variants_find_their_entity(matcher: Matcher, query: str, expected: str) -> None:
    match = top(matcher, query)
    assert match is not None and match.entity_id == expected, query


@pytest.mark.parametrize(
    "query",
    ["Minsk", "Zavod", "Minsk Tractor Works", "Minsk Plant", "Aircraft Repair Plant", "Holding"],
)
def test_generic_words_alone_make_no_hit(matcher: Matcher, query: str) -> None:
    assert matcher.screen(query) == []


def test_a_different_plant_number_is_not_a_hit(matcher: Matcher) -> None:
    assert matcher.screen("557 Aircraft Repair Plant") == []
    low = matcher.screen("557 Aircraft Repair Plant", threshold=0.0)
    assert all(m.score < DEFAULT_THRESHOLD for m in low)


def test_explanation_says_what_matched_and_how(matcher: Matcher) -> None:
    match = top(matcher, "ОАО «Пеленг» Минск")
    assert match is not None
    explanation = match.explanation
    assert explanation.query_part is None
    assert explanation.query_legal_forms == ("оао (OJSC)",)
    assert [(t.query, t.kind) for t in explanation.matched_tokens] == [
        ("пеленг", "exact"),
        ("минск", "location"),
    ]
    assert explanation.unmatched_query_tokens == ()
    assert explanation.alias_coverage == 1.0
    latin = top(matcher, "Peleng")
    assert latin is not None
    assert latin.explanation.matched_tokens[0].kind in {"exact", "transliterated"}


def test_a_field_of_a_supplier_line_is_screened_on_its_own(matcher: Matcher) -> None:
    match = top(matcher, "Vendor 4711 | OAO Peleng | 25 Makaenka St, Minsk | optics")
    assert match is not None and match.entity_id == "peleng"
    assert match.explanation.query_part == "OAO Peleng"
    assert match.score == 1.0


def test_a_country_named_in_the_query_counts_like_the_country_parameter(
    matcher: Matcher,
) -> None:
    same = top(matcher, "Integral Belarus")
    other = top(matcher, "Integral Russia", threshold=0.0)
    assert same is not None and other is not None
    assert other.score < same.score
    assert "country_in_query" in other.explanation.penalties


def test_kinds_of_token_matches(matcher: Matcher) -> None:
    kinds = {
        "Pelenq": "fuzzy",
        "Hrodna Azot": "transliterated",
        "Bel AZ": "compound",
        "Minsk Wheeled Tractor Zavod": "translated",
    }
    for query, kind in kinds.items():
        match = top(matcher, query)
        assert match is not None
        assert kind in {t.kind for t in match.explanation.matched_tokens}, query


def test_acronym_listed_beside_its_expansion() -> None:
    matcher = Matcher(
        [ListedEntity("bmz", "Belorusskiy Metallurgicheskiy Zavod", (("BMZ", "aka"),))]
    )
    match = top(matcher, "BMZ Zhlobin")
    assert match is not None and match.entity_id == "bmz"


def test_initials_the_list_does_not_give_count_as_much_as_they_are_rare() -> None:
    sierra = ListedEntity("sierra", "Sierra Vista Trading Limited")
    shared = Matcher([sierra, ListedEntity("severny", "Severny Veter Trade")])
    assert shared.screen("SVT") == []
    [weak] = shared.screen("SVT", threshold=0.0, limit=1)
    assert weak.explanation.matched_tokens[0].kind == "acronym"
    [unique] = Matcher([sierra]).screen("SVT", threshold=0.0)
    assert unique.score > weak.score


def test_compound_names_meet_the_acronym_of_their_clipped_words() -> None:
    matcher = Matcher([ListedEntity("bapb", "Belagroprombank")])
    match = top(matcher, "BAPB")
    assert match is not None and match.entity_id == "bapb"
    assert match.explanation.matched_tokens[0].kind == "acronym"


def test_initialisms_meet_the_words_they_stand_for() -> None:
    matcher = Matcher([ListedEntity("mozyr", "Мозырский нефтеперерабатывающий завод")])
    match = top(matcher, "ОАО Мозырский НПЗ")
    assert match is not None and match.entity_id == "mozyr"
    assert match.explanation.query_part == "ОАО Мозырский нефтеперерабатывающий завод"


def test_scores_are_sorted_bounded_and_limited(matcher: Matcher) -> None:
    found = matcher.screen("Integral Peleng BelAZ", threshold=0.0, limit=2)
    assert len(found) == 2
    assert all(0.0 <= m.score <= 1.0 for m in found)
    assert found[0].score >= found[1].score


def test_country_mismatch_lowers_the_score(matcher: Matcher) -> None:
    same = top(matcher, "Integral", country="BY")
    other = top(matcher, "Integral", country="RU", threshold=0.0)
    assert same is not None and other is not None
    assert other.score < same.score
    assert "country_mismatch" in other.explanation.penalties


def test_weak_aliases_match_but_say_so(matcher: Matcher) -> None:
    match = top(matcher, "Tiny Alias Name")
    assert match is not None
    assert match.alias_kind == "weak"
    assert "weak_alias" in match.explanation.penalties


def test_empty_or_punctuation_only_queries_find_nothing(matcher: Matcher) -> None:
    assert matcher.screen("") == []
    assert matcher.screen("«» - /") == []


def test_combined_list_names_report_the_part_that_matched(matcher: Matcher) -> None:
    match = top(matcher, "OJSC BELAZ")
    assert match is not None
    assert match.matched_alias == "Belarusski Avtomobilnyi Zavod (BelAZ) / OJSC ‘BELAZ’"
    assert match.matched_name in {"OJSC ‘BELAZ’", "BelAZ"}


def test_sole_proprietors_with_initials_are_not_listed_names() -> None:
    matcher = Matcher(
        [
            ListedEntity("troops", "Internal Troops", (("Внутренние войска", "aka"),)),
            ListedEntity("belavia", "Belavia", (("Белавія", "aka"),)),
        ]
    )
    for query in ["ИП Андреев В.В.", "ИП Андреев В.В", "IP Bogdanov V.V.", "ИП Белов С. А."]:
        assert matcher.screen(query) == [], query
    # Initials are no word of a name: shown as such, they do not lower the score.
    [match] = Matcher([ListedEntity("andreev", "Андреев")]).screen("ИП Андреев В.В.")
    assert match.score == 1.0
    assert [(t.query, t.kind) for t in match.explanation.matched_tokens] == [
        ("андреев", "exact"),
        ("в.в.", "initials"),
    ]
    assert match.explanation.query_legal_forms == ("ип (IE)",)


def test_one_word_names_do_not_match_on_a_generic_ending() -> None:
    matcher = Matcher([ListedEntity("gard", "Gardservis", (("Гардсервис", "aka"),))])
    for query in ["ЧУП «Агросервис»", "ЗАО «Дорсервис»", "OOO Agroservis"]:
        assert matcher.screen(query) == [], query
    assert [m.entity_id for m in matcher.screen("ООО «Гардсервс»")] == ["gard"]


def test_the_same_kind_of_plant_in_another_town_is_lowered() -> None:
    engine = Matcher(
        [
            ListedEntity(
                "mpz", "Minsk Bearing Plant", (("Минский подшипниковый завод", "aka"),), ("BY",)
            )
        ]
    )
    listed = top(engine, "Minskiy Bearing Plant")
    assert listed is not None and listed.score >= DEFAULT_THRESHOLD
    elsewhere = top(engine, "Srednevolzhsky Bearing Plant", threshold=0.0)
    assert elsewhere is None or elsewhere.score < DEFAULT_THRESHOLD
    assert elsewhere is None or "other_place" in elsewhere.explanation.penalties


def test_the_distinctive_word_alone_finds_a_long_official_name() -> None:
    engine = Matcher(
        [
            ListedEntity(
                "bkm",
                "Open Joint Stock Company ‘Managing Company of Holding ‘Belkommunmash’’",
                (("ОАО «Управляющая компания холдинга «Белкоммунмаш»", "aka"),),
                ("BY",),
            ),
            ListedEntity(
                "bn",
                "State Production Association ‘Belorusneft’",
                (("Дзяржаўнае вытворчае аб'яднанне ‘Беларуснафта’", "aka"),),
                ("BY",),
            ),
            ListedEntity("nnk", "Novaia naftavaia kampania", (), ("BY",)),
        ]
    )
    for query, expected in [
        ("Belkommunmash", "bkm"),
        ("Belkomunmash", "bkm"),
        ("ВАТ «Білкомунмаш»", "bkm"),
        ("Belorusneft", "bn"),
        ("Білоруснафта", "bn"),
    ]:
        found = top(engine, query)
        assert found is not None and found.entity_id == expected, query
        assert found.score >= 0.8, query
    # Another company beside the shared words leaves the name's descriptors in the count.
    other = top(engine, "PJSC Oil and Gas Company “Slavneft”", threshold=0.0)
    assert other is None or other.score < DEFAULT_THRESHOLD


def test_a_shared_country_beginning_alone_is_no_typo() -> None:
    engine = Matcher([ListedEntity("bk", "Belaruskali", (), ("BY",))])
    other = top(engine, "Belaruskabel", threshold=0.0)
    assert other is None or other.score < DEFAULT_THRESHOLD
    assert top(engine, "Belaruskalii") is not None


@pytest.fixture(scope="module")
def plants() -> Matcher:
    return Matcher(
        [
            ListedEntity(
                "agat",
                "AGAT - Electromechanical Plant JSC",
                (("JSC AGAT (Electromechanical Plant)", "aka"),),
                ("BY",),
            ),
            ListedEntity(
                "orsha", "Open Joint Stock Company ‘Orsha Aircraft Repair Plant’", (), ("BY",)
            ),
            ListedEntity("brsm", "Belarusian Republican Youth Union", (), ("BY",)),
            ListedEntity("cec", "CEC", (("Central Election Commission", "aka"),), ("BY",)),
        ]
    )


@pytest.mark.parametrize(
    "query",
    [
        "Kovrov Electromechanical Plant JSC",  # a descriptive part of a combined name
        "Joint Stock Company 810 Aircraft Repair Plant",  # a plant number for the town
        "Kizlyarsky Electromechanical Plant",
        "CEIEC",  # a short spelling against a longer one
    ],
)
def test_the_same_kind_of_organisation_elsewhere_is_no_hit(plants: Matcher, query: str) -> None:
    found = top(plants, query, threshold=0.0)
    assert found is None or found.score < DEFAULT_THRESHOLD, found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AGAT Electromechanical Plant", "agat"),
        ("AGAT", "agat"),
        ("Orsha Aircraft Repair Plant", "orsha"),
        ("OAO Orsha Aircraft Repair Plant", "orsha"),
        ("CEC", "cec"),
        ("BRSM Belarusian Republican Youth Union", "brsm"),
    ],
)
def test_the_listed_ones_still_match(plants: Matcher, query: str, expected: str) -> None:
    found = top(plants, query)
    assert found is not None and found.entity_id == expected


def test_a_name_without_its_town_is_lowered_and_says_so() -> None:
    engine = Matcher([ListedEntity("gkh", "Grodno Khimvolokno", (), ("BY",))])
    full = top(engine, "OAO Grodno Khimvolokno")
    bare = top(engine, "Khimvolokno OAO", threshold=0.0)
    assert full is not None and bare is not None
    assert bare.score < full.score
    assert "place_missing" in bare.explanation.penalties


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Internal Trolops of the Ministry", "Internal Troops of the Ministry"),
        ("Cahm Wings Airlines", "Cham Wings Airlines"),
        ("Sports Club Shovck", "Sports Club Shock"),
    ],
)
def test_a_stray_or_swapped_letter_the_phonetic_key_doubles_is_one_typo(
    query: str, listed: str
) -> None:
    engine = Matcher([ListedEntity("x", listed, (), ("BY",))])
    assert top(engine, query) is not None


def test_a_stray_letter_in_a_short_acronym_is_another_acronym() -> None:
    engine = Matcher([ListedEntity("bmz", "ОАО «БМЗ»", (), ("BY",))])
    other = top(engine, "ОАО БЛМЗ", threshold=0.0)
    assert other is None or other.score < DEFAULT_THRESHOLD


def test_a_word_that_begins_with_a_form_is_not_read_as_one() -> None:
    from service.matching.readings import other_reading

    assert other_reading('Товариство з обмеженою відповідальністю "Камволь"') is None
    assert other_reading("Paoletti Trading") is None
    assert other_reading("ZAOPLANAR") == "ZAO PLANAR"


@pytest.mark.parametrize(
    ("query", "read"),
    [
        ("C-OMPANY BELAZ", "COMPANY BELAZ"),  # a hyphen cuts the first letter off a word
        ("GR,ANIT Minsk", "GRANIT Minsk"),  # a comma inside a word
        ("Minsk-Dzerzhinsk", None),  # a hyphen between words stays
    ],
)
def test_punctuation_inside_a_word_is_read_as_a_slip(query: str, read: str | None) -> None:
    from service.matching.readings import other_reading

    assert other_reading(query) == read


def test_a_letter_cut_off_by_a_hyphen_leaves_the_legal_form_a_legal_form() -> None:
    engine = Matcher([ListedEntity("x", "ТОВ «Рієтума Лізинг»", (), ("BY",))])
    clean = top(engine, 'Товариство з обмеженою відповідальністю "Рієтума Лізинг"')
    cut = top(engine, 'Товариство з о-бмеженою відповідальністю "Рієтума Лізинг"')
    assert clean is not None and cut is not None
    assert cut.score == clean.score


def test_an_index_moved_out_of_the_collectors_reach_is_freed_with_its_version() -> None:
    # The build freezes the index (gc.freeze): that is only sound if it holds no reference
    # cycle, so that dropping a version frees it. If it held one, every build would leave its
    # objects in the permanent generation.
    entities = [ListedEntity(f"e{i}", f"Plant number {i} of Minsk") for i in range(300)]
    matcher = Matcher(entities)
    frozen = gc.get_freeze_count()
    for _ in range(5):
        matcher = Matcher(entities)
    assert matcher.screen("Plant number 7 of Minsk")
    assert gc.get_freeze_count() < frozen + 1000


def test_building_leaves_the_cyclic_collector_as_it_found_it() -> None:
    # The build pauses the collector; it must come back on, and stay off when it was off.
    entities = [ListedEntity("by-belaz", "OJSC BELAZ"), ListedEntity("by-mzkt", "MZKT")]
    assert gc.isenabled()
    Matcher(entities)
    assert gc.isenabled()
    gc.disable()
    try:
        Matcher(entities)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_rounding_of_explanations_is_the_builtins() -> None:
    import random

    from service.matching.matcher import _round4

    rng = random.Random(3)
    values = [rng.random() for _ in range(20_000)] + [rng.random() * 50 for _ in range(5_000)]
    # Halves at the fifth decimal, where the scaling's own rounding could decide.
    values += [k / 10_000 + 0.00005 for k in range(10_000)] + [k / 20_000 for k in range(20_000)]
    values += [0.0, 1.0, 1e-12, 123_456.78915, -0.00005, float("inf")]
    assert [_round4(v) for v in values] == [round(v, 4) for v in values]
