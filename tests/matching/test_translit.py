from service.matching.normalize import tokenize
from service.matching.translit import fold_homoglyphs, phonetic_key, to_latin


def keys(text: str) -> list[str]:
    return [t.key for t in tokenize(text)]


def test_romanisations_of_one_word_share_a_key() -> None:
    groups = [
        ["Grodno", "Hrodna", "Гродно", "Гродна", "Grodna"],
        ["Integral", "Intehral", "Интеграл", "Інтэграл"],
        ["zavod", "zavad", "завод"],
        ["Belaruskali", "Belaruskaliy", "Беларуськалий", "Беларуськалій"],
        ["Belneftekhim", "Belneftehim", "Белнефтехим"],
        ["Tsentrkurort", "Centrkurort", "Цэнтркурорт", "Центркурорт"],
        ["Belspetsvneshtechnika", "Belspetsvneshtekhnika", "Белспецвнештехника"],
        ["Minskii", "Minskiy", "Minsky", "Minski", "Минский"],
        ["Industriya", "Industrija", "Industryia", "Индустрия"],
        ["Byelorusssian", "Belarusian"],
        ["obshchestvo", "obschestvo", "общество"],
    ]
    for group in groups:
        assert len({phonetic_key(to_latin(w.casefold())) for w in group}) == 1, group


def test_different_words_keep_different_keys() -> None:
    assert keys("Peleng") != keys("Planar")
    assert keys("558") != keys("557")
    assert to_latin("ооо") != to_latin("оао")


def test_latin_homoglyphs_inside_cyrillic_words_are_folded() -> None:
    assert fold_homoglyphs("Мiнскi") == "Мінскі"
    assert fold_homoglyphs("Xолдынга") == "Холдынга"
    assert fold_homoglyphs("Oткрытое") == "Открытое"
    assert fold_homoglyphs("ĸомпания") == "компания"


def test_cyrillic_homoglyphs_inside_latin_words_are_folded() -> None:
    # "Реleng" with a Cyrillic Р and е.
    assert fold_homoglyphs("Реleng") == "Peleng"


def test_pure_words_are_untouched() -> None:
    assert fold_homoglyphs("Peleng") == "Peleng"
    assert fold_homoglyphs("Пеленг") == "Пеленг"


def test_belarusian_letters_transliterate() -> None:
    assert to_latin("аўтамабільны") == "autamabilny"
    assert to_latin("гарызонт") == "garyzont"
    assert phonetic_key(to_latin("гарызонт")) == phonetic_key("horizont")
