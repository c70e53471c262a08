import pytest

from service.matching.normalize import make_token
from service.matching.scoring import FUZZY_MIN_SIM, typo_similarity


def similarity(query: str, listed: str) -> float:
    q, a = make_token(query), make_token(listed)
    return typo_similarity(q.key, a.key, q.latin, a.latin)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Агросервис", "Gardservis"),
        ("Дорсервис", "Gardservis"),
        ("Agroservice", "Gardservice"),
        ("Бытинвест", "Belinvest"),
        ("Энергохим", "Energooil"),
        ("Energoopt", "Energooil"),
    ],
)
def test_a_shared_generic_part_alone_is_no_typo(query: str, listed: str) -> None:
    assert similarity(query, listed) < FUZZY_MIN_SIM


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Гардсервс", "Gardservis"),
        ("Hatrdservis", "Hardservis"),
        ("Bleinvest", "Belinvest"),
        ("Лгемаш", "Легмаш"),
        ("Sebrbank", "Sberbank"),
        ("Enregooil", "Energooil"),
    ],
)
def test_typos_in_the_distinctive_part_still_match(query: str, listed: str) -> None:
    assert similarity(query, listed) >= 0.8
