import pytest

from service.matching.legal_forms import is_only_legal_forms, split_legal_forms
from service.matching.normalize import tokenize


def split(text: str) -> tuple[list[str], list[str]]:
    kept, forms = split_legal_forms(tokenize(text))
    return [t.text for t in kept], [f.label for f in forms]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("ОАО Пеленг", "OJSC"),
        ("ААТ Пеленг", "OJSC"),
        ("OAO Peleng", "OJSC"),
        ("Peleng OJSC", "OJSC"),
        ("Open Joint-Stock Company Peleng", "OJSC"),
        ("Открытое акционерное общество Пеленг", "OJSC"),
        ("Адкрытае акцыянернае таварыства Пеленг", "OJSC"),
        ("OTKRYTOE AKTSIONERNOE OBSHCHESTVO PELENG", "OJSC"),
        ("OTKRYTOE AKTSIONERNOE OBSCHESTVO PELENG", "OJSC"),
        ("ZAO Peleng", "CJSC"),
        ("CJSC Peleng", "CJSC"),
        ("ЗАТ Пеленг", "CJSC"),
        ("JSC Peleng", "JSC"),
        ("LLC Peleng", "LLC"),
        ("ООО Пеленг", "LLC"),
        ("ТАА Пеленг", "LLC"),
        ("Общество с ограниченной ответственностью Пеленг", "LLC"),
        ("Таварыства з абмежаванай адказнасцю Пеленг", "LLC"),
        ("UE Peleng", "UE"),
        ("RUE Peleng", "UE"),
        ("УП Пеленг", "UE"),
        ("РУП Пеленг", "UE"),
        ("Republican Unitary Enterprise Peleng", "UE"),
        ("VYROBNYCHE UNITARNE PIDPRYIEMSTVO PELENG", "UE"),
        ("Peleng d.o.o.", "d.o.o."),
        ("Peleng DOO", "d.o.o."),
    ],
)
def test_legal_forms_are_removed_and_labelled(name: str, label: str) -> None:
    assert split(name) == (
        ["peleng"] if "Peleng" in name or "PELENG" in name else ["пеленг"],
        [label],
    )


def test_a_name_that_is_only_a_legal_form_has_nothing_left() -> None:
    assert split("OOO") == ([], ["LLC"])
    assert is_only_legal_forms(tokenize("Open Joint Stock Company"))
    assert not is_only_legal_forms(tokenize("Peleng"))


def test_ordinary_words_are_not_legal_forms() -> None:
    assert split("Minsk Wheeled Tractor Plant") == (["minsk", "wheeled", "tractor", "plant"], [])


@pytest.mark.parametrize(
    "name",
    ["ИП Белов", "ІП Белаў", "IP Belov", "ФОП Шевчук", "Индивидуальный предприниматель Белов"],
)
def test_sole_proprietors_are_a_legal_form(name: str) -> None:
    kept, labels = split(name)
    assert labels == ["IE"] and len(kept) == 1


def test_initials_of_a_sole_proprietor_are_no_legal_form() -> None:
    assert split("ИП Белов С.А.") == (["белов", "с.а."], ["IE"])
    assert split("IP Novik A.O.") == (["novik", "a.o."], ["IE"])
    # Without a sole-proprietor form two dotted letters after a name are its legal form.
    assert split("Legmash A.O.") == (["legmash"], ["JSC"])
