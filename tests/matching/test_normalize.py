import importlib.util
import sys
import unicodedata
from pathlib import Path

from service.matching.lookalikes import LOOKALIKES
from service.matching.normalize import clean_text, strip_invisible, tokenize, visual_reading


def test_quotes_and_punctuation_become_spaces() -> None:
    assert clean_text("ОАО «БЕЛАЗ»") == "ОАО БЕЛАЗ"
    assert (
        clean_text("Open Joint Stock Company ‘Belaruskali’")
        == "Open Joint Stock Company Belaruskali"
    )
    assert clean_text("CJSC “Hull Products Plant”") == "CJSC Hull Products Plant"


def test_dotted_abbreviations_are_one_word() -> None:
    assert clean_text("SIS d.o.o.") == "SIS doo"
    assert clean_text("V.I. Kozlov") == "VI Kozlov"


def test_apostrophes_inside_words_do_not_split_them() -> None:
    assert clean_text("аб'яднанне") == "абяднанне"
    assert clean_text("Otdiel’naya") == "Otdielnaya"


def test_numbers_are_separate_tokens() -> None:
    assert [t.text for t in tokenize("558ARP")] == ["558", "arp"]
    assert [t.number for t in tokenize("2566 plant")] == [True, False]


def test_nfkc_and_case_folding() -> None:
    assert [t.text for t in tokenize("ＰＥＬＥＮＧ")] == ["peleng"]
    assert [t.text for t in tokenize("PELENG")] == ["peleng"]


def test_tokens_carry_script_and_latin_form() -> None:
    [token] = tokenize("Пеленг")
    assert token.cyrillic
    assert token.latin == "peleng"


def test_words_without_letters_or_digits_are_dropped() -> None:
    assert tokenize(" - / ") == []
    assert tokenize("«»!? ★ → ※") == []


def test_initials_after_a_surname_keep_their_full_stops() -> None:
    assert clean_text("ИП Андреев В.В.") == "ИП Андреев В.В."
    assert clean_text("IP Belov E. N., Minsk") == "IP Belov E.N. Minsk"
    assert clean_text("ИП Шевчук В.В") == "ИП Шевчук В.В."
    assert [t.key for t in tokenize("Belov E.N.")] == ["bilav", "i.n."]
    assert [t.key for t in tokenize("Белов Е.Н.")] == ["bilav", "i.n."]


def test_dotted_letters_elsewhere_stay_abbreviations() -> None:
    # At the start of a name, three in a row, or glued to the next word.
    assert clean_text("V.I. Kozlov") == "VI Kozlov"
    assert clean_text("Peleng O.A.O.") == "Peleng OAO"
    assert clean_text("Plant J. S. C.") == "Plant J S C"
    assert clean_text("AIRLINES S. GROUP") == "AIRLINES S GROUP"


def test_every_format_character_is_invisible() -> None:
    """Each character of Unicode category Cf, and each default-ignorable code point, is
    removed before tokenising (checked against this Python's Unicode database)."""
    default_ignorable = [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0]
    default_ignorable += [*range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
    format_characters = [
        c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    ]
    assert len(format_characters) > 150
    for code in format_characters + default_ignorable:
        assert strip_invisible(f"a{chr(code)}b") == "ab", f"U+{code:04X}"


def test_hidden_characters_do_not_split_words() -> None:
    clean = [t.key for t in tokenize("Grodno Azot")]
    for hidden in [
        "Grod\u200bno Az\u00adot",
        "Gro\u0336dno\u2060 Azo\u0332t",
        "\ufeffGrodno Azot\u200f",
    ]:
        assert [t.key for t in tokenize(hidden)] == clean


def test_the_look_alike_table_is_the_one_unicode_data_gives() -> None:
    """service/matching/lookalikes.py is written by scripts/make_lookalikes.py: it is current."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "make_lookalikes.py"
    spec = importlib.util.spec_from_file_location("make_lookalikes", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.table() == LOOKALIKES


def test_a_disguised_name_is_read_as_latin_and_a_cyrillic_one_is_not() -> None:
    assert visual_reading("ΡΑΝΟΡΤΕS") == "PANOPTES"
    assert visual_reading("Abѕօlսtbank") == "Absolutbank"
    assert visual_reading("OPEN JOINT STOCK СОМРАНУ") == "OPEN JOINT STOCK COMPAHY"
    assert visual_reading("ОАО «Пеленг»") is None  # Cyrillic throughout: read as Cyrillic
    assert visual_reading("Peleng") is None
