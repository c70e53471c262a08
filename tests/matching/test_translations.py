import pytest

from service.matching.normalize import tokenize
from service.matching.translations import inflects, stem


def keys(a: str, b: str) -> tuple[str, str]:
    [first], [second] = tokenize(a), tokenize(b)
    assert stem(first.key) == stem(second.key)
    return first.key, second.key


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("Пеленга", "Пеленг"),
        ("Пеленгом", "Peleng"),
        ("обороны", "оборона"),
        ("Гомельского", "Gomel"),
        ("Брестский", "Brest"),
        ("минская", "Minsk"),
        ("холдинга", "holding"),
        ("kalijnaa", "kaliynaya"),
        ("Козлова", "Kozlov"),
        ("Белавии", "Белавія"),
        ("Беловым", "Белов"),
    ],
)
def test_endings_of_one_word_are_inflections(word: str, other: str) -> None:
    assert inflects(*keys(word, other))


@pytest.mark.parametrize(
    ("word", "other"),
    [
        # A consonant stem takes no two-vowel ending: Белавія keeps its і in every case.
        ("Белов", "Белавія"),
        ("Belov", "Belavia"),
        # What differs is more than an ending (-овского / -ийная, -хим).
        ("Калиновского", "калийная"),
        ("Энергохим", "энерго"),
    ],
)
def test_other_words_with_a_shared_stem_are_not(word: str, other: str) -> None:
    assert not inflects(*keys(word, other))
