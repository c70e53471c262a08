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

# One meaning a line (an indented line goes on with the one above). Spell words as lists print
# them; inflected forms meet through the stem.
_MEANINGS = """
bank банк банку
belarusian byelorussian белорусский беларускі білоруський білоруська білоруське білорусі
russian российский расійскі російський
development развития развіцця розвитку розвиток
republic республика рэспубліка республіка rep respublika
ministry министерство міністэрства міністерство
defence defense оборона абарона оборони
internal внутренних унутраных внутрішніх
affairs дел делами спраў справамі справ
department directorate administration управление упраўленне департамент дэпартамент управління
main главное галоўнае головне
committee комитет камітэт комітет
executive исполком облисполком горисполком выканкам аблвыканкам гарвыканкам виконком
  облвиконком міськвиконком
state government государственный дзяржаўны державний
security безопасности бяспекі безпеки
military военный ваенны військовий
industry industrial промышленный прамысловы промисловий sanayi san
troops войска войскі війська
region oblast область вобласць область
hotel гостиница гасцініца гатэль готель
airline airlines aviakompaniya авиакомпания авіякампанія авіакомпанія
aviation aircraft авиационный авіяцыйны авіаційний
sports спортивный спартыўны
club клуб
oil нефть нафта нефтяной нафтавы нафтовий нафти
refinery нефтеперерабатывающий нафтаперапрацоўчы нафтопереробний nefteperabatyvayushchii
trade trading торговый гандлёвы торговий торговельний ticaret tic
house дом будинок
cement цементный цэментны цементний
company компания кампанія компанія
potash калийная калійная калійна
steel стальной сталь сталевий
metallurgical металлургический металургічны металургійний
plant works factory завод завад фабрика фабрыка
combine kombinat комбинат камбінат комбінат
tractor тягач цягач трактор
wheeled колёсный колавы колісний
automobile automotive автомобильный аўтамабільны автомобільний
electrotechnical электротехнический электратэхнічны електротехнічний
optical оптический аптычны оптико оптичний
mechanical механический механічны
association объединение аб'яднанне об'єднання assoc
holding холдинг холдынг
managing management управляющая кіруючая керуюча
national национальный нацыянальны національний natl
olympic олимпийский алімпійскі олімпійський
television телевидение тэлебачанне телебачення
radio радио радіо
institute институт інстытут
research исследовательский даследчы дослідний
scientific научный навуковы науковий
production производственный вытворчы виробничий
design конструкторское канструктарскае конструкторське
bureau бюро
center centre центр цэнтр
investigations расследований расследаванняў розслідувань
financial финансовых фінансавых фінансових
control контроля кантролю контролю
lotteries лотереи латарэі лотереї
youth молодёжи моладзі молоді
union союз саюз спілка
police милиция міліцыя полиция
special специального спецыяльнага особого спеціального
purpose назначения прызначэння призначення
unit отряд атрад подразделение загін підрозділ
border пограничный памежны прикордонний
customs таможенный мытны митний
service служба служба
election избирательная выбарчая виборча
commission комиссия камісія комісія
central центральная цэнтральная центральна
precise precision точной дакладнай точної
electromechanics electromechanical электромеханики электромеханический электрамеханічны
  електромеханіки електромеханічний
devices приборы прыборы прилади
technologies технологии тэхналогіі технології
laser лазерные лазерныя лазерні
tobacco табачная тытунёвая тютюнова
machine machines машин машын
sewing швейных швейных
repair ремонтный рамонтны
radioelectronic радиоэлектронного радыёэлектроннага радіоелектронного
armament вооружения узбраення озброєння
civil гражданской грамадзянскай цивільної
broadcasting телерадиокомпания тэлерадыёкампанія телерадіокомпанія
systems системы сістэмы
geoinformation геоинформационных геаінфармацыйных геоінформаційних
organized организованной арганізаванай організованою
crime преступностью злачыннасцю злочинністю
corruption коррупцией карупцыяй корупцією
combating борьбе барацьбе боротьби
investigative следственный следчы слідчий
detention изоляции ізаляцыі ізоляції
private частная прыватная приватна
foundation фонд
unmanned беспилотные беспілотныя безпілотні
helicopters вертолеты верталёты гелікоптери вертольоти
presidential president президента прэзідэнта
china zhongguo
group jituan группа група
space aerospace hangtian
foreign зарубежный внешний замежны зовнішній
international intl международный міжнародны міжнародний
industries ind
manufacturing mfg
services hizmetleri hizm
engineering eng инжиниринг інжынірынг інжиніринг
brothers bros
corporation corp корпорация карпарацыя корпорація
heavy тяжелый цяжкі важкий
instrument instruments приборостроительный прыборабудаўнічы приладобудівний
equipment оборудование абсталяванне обладнання
engines motors моторный маторны моторний двигатель
communications communication связи сувязі зв'язку
computer computing вычислительной вылічальнай обчислювальної
chemical химический хімічны хімічний
fertilizers удобрения угнаенні добрива
glass стекольный шкляны скляний
tyre tyres tire tires шина шины шыны шини
railway railways железная чыгунка залізниця
bearing bearings подшипниковый падшыпнікавы підшипниковий
machine-tool станкостроительный станкабудаўнічы верстатобудівний
powder порошковой парашковай порошкової
metallurgy металлургии металургіі металургії
products items изделий вырабаў виробів
hull casing корпусных корпусных корпусних
paint paints лакокрасочный лакафарбавы лакофарбовий
electronics электроники электронікі електроніки
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
    number = -1
    for line in _MEANINGS.strip("\n").splitlines():
        if not line.startswith(" "):  # an indented line goes on with the meaning above
            number += 1
        for token in tokenize(line):
            table.setdefault(stem(token.key), number)
    return table


#: stem -> meaning (line number of the table)
MEANINGS = _meanings()
