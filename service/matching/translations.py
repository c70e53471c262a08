"""Inflection and translation: Russian and Belarusian names decline their words (Министерство
обороны, Гомельского облисполкома) and lists give organisations' names in English, Russian and
Belarusian. A crude stem of the phonetic key lets inflected forms meet; a table of the words
organisation names are made of, each line one meaning in English, Russian, Belarusian and
Ukrainian, lets translations meet.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.matching.normalize import tokenize

#: A stem keeps at least this many letters (so Minsk stays Minsk).
MIN_STEM = 4
# Vowels of the phonetic key (a = a/o, i = e/i/y/j, u), stripped from the end of a word, then
# case endings: -ых/-их (iG), -ом/-ым/-ами (am, im), -ов/-ев (av, iv), and the adjective
# suffix -ск-.
_VOWELS = "aiu"
_CASE_CONSONANTS = ("G", "m", "v")
_ADJECTIVE = "sk"
_TS_ADJECTIVE = "Tk"

# One meaning a line. Spell words as lists print them; inflected forms meet through the stem.
_MEANINGS = """
bank банк
belarusian byelorussian белорусский беларускі
russian российский расійскі
development развития развіцця
republic республика рэспубліка
ministry министерство міністэрства міністерство
defence defense оборона абарона оборони
internal внутренних унутраных
affairs дел делами спраў справамі
department directorate administration управление упраўленне департамент дэпартамент
main главное галоўнае
committee комитет камітэт
executive исполком облисполком горисполком выканкам аблвыканкам гарвыканкам
state government государственный дзяржаўны державний
security безопасности бяспекі
military военный ваенны військовий
industry industrial промышленный прамысловы промисловий
troops войска войскі
region oblast область вобласць
hotel гостиница гасцініца гатэль
airline airlines aviakompaniya авиакомпания авіякампанія
aviation aircraft авиационный авіяцыйны
sports спортивный спартыўны
club клуб
oil нефть нафта нефтяной нафтавы
refinery нефтеперерабатывающий нафтаперапрацоўчы
trade trading торговый гандлёвы
house дом
cement цементный цэментны
company компания кампанія
potash калийная калійная
steel стальной сталь
metallurgical металлургический металургічны
plant works factory завод завад фабрика фабрыка
combine kombinat комбинат камбінат
tractor тягач цягач трактор
wheeled колёсный колавы
automobile automotive автомобильный аўтамабільны
electrotechnical электротехнический электратэхнічны
optical оптический аптычны оптико
mechanical механический механічны
association объединение аб'яднанне
holding холдинг холдынг
managing management управляющая кіруючая
national национальный нацыянальны
olympic олимпийский алімпійскі
television телевидение тэлебачанне
radio радио
institute институт інстытут
research исследовательский даследчы
scientific научный навуковы
production производственный вытворчы
design конструкторское канструктарскае
bureau бюро
center centre центр цэнтр
investigations расследований расследаванняў
financial финансовых фінансавых
control контроля кантролю
lotteries лотереи латарэі
youth молодёжи моладзі
union союз саюз
police милиция міліцыя полиция
special специального спецыяльнага особого
purpose назначения прызначэння
unit отряд атрад подразделение
border пограничный памежны
customs таможенный мытны
service служба
election избирательная выбарчая
commission комиссия камісія
central центральная цэнтральная
precise precision точной дакладнай
electromechanics электромеханики электрамеханікі
devices приборы прыборы
technologies технологии тэхналогіі
laser лазерные лазерныя
tobacco табачная тытунёвая
machine machines машин машын
sewing швейных швейных
repair ремонтный рамонтны
radioelectronic радиоэлектронного радыёэлектроннага
armament вооружения узбраення
civil гражданской грамадзянскай
broadcasting телерадиокомпания тэлерадыёкампанія
systems системы сістэмы
geoinformation геоинформационных геаінфармацыйных
organized организованной арганізаванай
crime преступностью злачыннасцю
corruption коррупцией карупцыяй
combating борьбе барацьбе
investigative следственный следчы
detention изоляции ізаляцыі
private частная прыватная
foundation фонд
unmanned беспилотные беспілотныя
helicopters вертолеты верталёты
presidential president президента прэзідэнта
china zhongguo
group jituan группа група
space aerospace hangtian
"""


@lru_cache(maxsize=200_000)
def stem(key: str) -> str:
    """Stem of a phonetic key: vowel and case endings off, never below MIN_STEM letters."""
    if key.isdigit() or len(key) <= MIN_STEM:
        return key
    word = key
    for _ in range(2):
        shorter = word.rstrip(_VOWELS)
        if (
            len(shorter) > MIN_STEM + 1
            and shorter.endswith(_CASE_CONSONANTS)
            and shorter[-2] in _VOWELS
        ):
            shorter = shorter[:-2].rstrip(_VOWELS)
        if shorter.endswith(_ADJECTIVE) and len(shorter) - len(_ADJECTIVE) >= MIN_STEM:
            shorter = shorter[: -len(_ADJECTIVE)]
        elif shorter.endswith(_TS_ADJECTIVE) and len(shorter) - 1 >= MIN_STEM:
            shorter = shorter[:-2] + "t"  # Брестский: the key reads t + sk as ts + k
        if len(shorter) < MIN_STEM or shorter == word:
            break
        word = shorter
    return word


# What inflection changes at the end of a word, in the phonetic key: an adjective suffix -ск-
# (after a vowel: Гомель-ского, Мозыр-ский), up to three vowels (-а, -ая, -ии), and a case
# consonant with up to two vowels (-ом, -ами, -ых, -ов, -ого).
_ENDING_RE = re.compile(r"(?:[aiu]?sk)?[aiu]{0,3}(?:[Gmv][aiu]{0,2})?")


def inflects(key: str, other: str) -> bool:
    """Two keys with one stem are forms of one word: what follows their common beginning is
    an ending on both sides, and a word ending in a consonant is not paired with one ending in
    two vowels, which belong to the stem (Белавія, Белавии: Белов is another word)."""
    if key == other:
        return True
    # Брестский: the key reads t + sk as ts + k.
    key, other = key.replace("Tk", "tsk"), other.replace("Tk", "tsk")
    common = 0
    for a, b in zip(key, other, strict=False):
        if a != b:
            break
        common += 1
    first, second = key[common:], other[common:]
    if not (_ENDING_RE.fullmatch(first) and _ENDING_RE.fullmatch(second)):
        return False
    head = key[:common]
    if (first and second) or head[-1:] in _VOWELS or head.endswith(_ADJECTIVE):
        return True
    ending = first or second
    return len(ending) < 2 or ending.strip(_VOWELS) != ""


def _meanings() -> dict[str, int]:
    table: dict[str, int] = {}
    for number, line in enumerate(_MEANINGS.strip().splitlines()):
        for token in tokenize(line):
            table.setdefault(stem(token.key), number)
    return table


#: stem -> meaning (line number of the table)
MEANINGS = _meanings()
