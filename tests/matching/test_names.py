from service.matching.names import split_name


def test_combined_names_split_on_slash_and_brackets() -> None:
    assert split_name("Belarusski Avtomobilnyi Zavod (BelAZ) / OJSC ‘BELAZ’") == [
        "Belarusski Avtomobilnyi Zavod",
        "BelAZ",
        "OJSC ‘BELAZ’",
    ]


def test_language_labels_are_not_part_of_names() -> None:
    assert split_name("Belarussian: ААТ ‘Мінскі завод колавых цягачоў’") == [
        "ААТ ‘Мінскі завод колавых цягачоў’"
    ]
    assert split_name("Белорусский союз молодёжи Belarusian: Беларускі саюз моладзі") == [
        "Белорусский союз молодёжи",
        "Беларускі саюз моладзі",
    ]


def test_a_short_name_and_its_expansion_are_both_names() -> None:
    names = split_name("МЗКТ - Минский завод колёсных тягачей")
    assert "МЗКТ" in names
    assert "Минский завод колёсных тягачей" in names


def test_generic_pieces_and_legal_forms_are_not_names_of_their_own() -> None:
    names = split_name(
        "AGAT - Control Systems - Managing Company of Geoinformation Control Systems Holding, JSC"
    )
    assert "Control Systems" not in names
    assert split_name("Legmash (OJSC)") == ["Legmash"]
    assert split_name("Planar (Minsk)") == ["Planar", "Planar Minsk"]


def test_short_slash_pieces_stay_together() -> None:
    assert split_name("Nordic A/S") == ["Nordic A/S"]
