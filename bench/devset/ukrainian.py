"""Names as a Ukrainian writer renders them: Russian and Belarusian names respelt by our own rules
(і for и, и for ы, є, ї, the apostrophe, -ський), generic words translated by a hand table
(завод, банк розвитку, нафтопереробний, керуюча компанія холдингу), Ukrainian legal forms (ТОВ,
ВАТ, ПрАТ, АТ, ДП, Відкрите акціонерне товариство, унітарне підприємство), and the Ukrainian
national romanisation of 2010 (KMU resolution 55: Minskyi, Homelskyi, Zavod).
"""

from __future__ import annotations

import random
import re

from cases import Case
from generate import cyrillic_of, is_romanised, make_case, pick, source_of
from legalforms import family_of, split_legal_form
from schemes import caps_mask
from seedinfo import Name, Seed

#: Ukrainian legal forms per family of legalforms.FAMILIES: abbreviations, then written out.
UA_FORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ojsc": (("ВАТ", "АТ", "ПАТ"), ("Відкрите акціонерне товариство", "Акціонерне товариство",
                                   "Публічне акціонерне товариство")),
    "cjsc": (("ЗАТ", "ПрАТ"), ("Закрите акціонерне товариство", "Приватне акціонерне товариство")),
    "llc": (("ТОВ", "ТзОВ"), ("Товариство з обмеженою відповідальністю",)),
    "jvllc": (("СТОВ",), ("Спільне товариство з обмеженою відповідальністю",)),
    "npooo": (("НВТОВ",), ("Науково-виробниче товариство з обмеженою відповідальністю",)),
    "fllc": (("ІТОВ",), ("Іноземне товариство з обмеженою відповідальністю",)),
    "alc": (("ТДВ",), ("Товариство з додатковою відповідальністю",)),
    "rue": (("РУП",), ("Республіканське унітарне підприємство",)),
    "se": (("ДП",), ("Державне підприємство",)),
    "ue": (("УП",), ("Унітарне підприємство",)),
    "pue": (("ВУП",), ("Виробниче унітарне підприємство",)),
    "chptup": ((), ("Виробничо-торговельне приватне унітарне підприємство",)),
    "npup": ((), ("Науково-виробниче унітарне підприємство",)),
    "jvcjsc": (("СЗАТ",), ("Спільне закрите акціонерне товариство",)),
    "sftue": (("ДЗТУП",), ("Державне зовнішньоторговельне унітарне підприємство",)),
}  # fmt: skip

#: Generic words translated, not respelt (Russian and Belarusian forms, lower case).
WORDS = {
    "завод": "завод", "завода": "заводу", "заводу": "заводу", "фабрика": "фабрика",
    "фабрыка": "фабрика", "комбинат": "комбінат", "банк": "банк", "холдинг": "холдинг",
    "холдинга": "холдингу", "холдынгу": "холдингу", "холдынга": "холдингу",
    "компания": "компанія", "кампанія": "компанія", "компаний": "компаній",
    "управляющая": "керуюча", "кіруючая": "керуюча", "группа": "група", "групп": "груп",
    "объединение": "об'єднання", "аб'яднанне": "об'єднання", "государственное": "державне",
    "государственный": "державний", "государственная": "державна", "дзяржаўнае": "державне",
    "дзяржаўны": "державний", "дзяржаўная": "державна", "государственной": "державної",
    "производственное": "виробниче", "вытворчае": "виробниче", "предприятие": "підприємство",
    "прадпрыемства": "підприємство", "унитарное": "унітарне", "унітарнае": "унітарне",
    "ўнітарнае": "унітарне", "дочернее": "дочірнє", "республиканское": "республіканське",
    "рэспубліканскае": "республіканське", "республики": "Республіки", "рэспублікі": "Республіки",
    "беларусь": "Білорусь", "беларусі": "Білорусі", "беларуси": "Білорусі",
    "национальная": "національна", "нацыянальная": "національна", "национальный": "національний",
    "телерадиокомпания": "телерадіокомпанія", "тэлерадыёкампанія": "телерадіокомпанія",
    "центральная": "центральна", "цэнтральная": "центральна", "избирательная": "виборча",
    "выбарчая": "виборча", "комиссия": "комісія", "камісія": "комісія", "комитет": "комітет",
    "камітэт": "комітет", "главное": "головне", "хозяйственное": "господарське",
    "управление": "управління", "общественная": "громадська", "организация": "організація",
    "союз": "спілка", "саюз": "спілка", "молодёжи": "молоді", "молодежи": "молоді",
    "моладзі": "молоді", "фонд": "фонд", "имени": "імені", "імя": "імені", "им": "ім.",
    "и": "і", "і": "і", "по": "з", "па": "з", "с": "з", "з": "з",
    "нефти": "нафти", "нафце": "нафти", "химии": "хімії", "хіміі": "хімії",
    "концерн": "концерн", "канцэрн": "концерн", "оптико": "оптико", "механическое": "механічне",
    "электромеханический": "електромеханічний", "электротехнический": "електротехнічний",
    "электратэхнічны": "електротехнічний", "электромеханики": "електромеханіки",
    "электрамеханікі": "електромеханіки", "точной": "точної", "дакладнай": "точної",
    "автомобильный": "автомобільний", "аўтамабільны": "автомобільний",
    "колёсных": "колісних", "колесных": "колісних", "колавых": "колісних",
    "тягачей": "тягачів", "цягачоў": "тягачів", "тракторный": "тракторний",
    "ремонтный": "ремонтний", "ремонту": "ремонту", "авиаремонтный": "авіаремонтний",
    "авіярамонтны": "авіаремонтний", "радиоэлектронного": "радіоелектронного",
    "вооружения": "озброєння", "нефтеперерабатывающий": "нафтопереробний",
    "нефтеперерабатывающего": "нафтопереробного", "нефтебитумный": "нафтобітумний",
    "нефтяная": "нафтова", "нафтавая": "нафтова", "калийная": "калійна", "калійная": "калійна",
    "металлургический": "металургійний", "металургічны": "металургійний",
    "металлургическая": "металургійна", "металургічная": "металургійна",
    "авиакомпания": "авіакомпанія", "авіякампанія": "авіакомпанія", "отель": "готель",
    "гатэль": "готель", "гостиница": "готель", "гасцініца": "готель",
    "табачная": "тютюнова", "тытунёвая": "тютюнова", "лотереи": "лотереї",
    "латарэі": "лотереї", "белорусские": "білоруські", "беларускія": "білоруські",
    "лазерные": "лазерні", "лазерныя": "лазерні", "приборы": "прилади", "прыборы": "прилади",
    "технологии": "технології", "тэхналогіі": "технології", "беспилотные": "безпілотні",
    "беспилотныйе": "безпілотні", "беспілотныя": "безпілотні", "вертолеты": "вертольоти",
    "вертолёты": "вертольоти", "верталёты": "вертольоти", "новая": "нова", "корпусных": "корпусних",
    "изделий": "виробів", "отдельная": "окрема", "асобная": "окрема", "служба": "служба",
    "активных": "активних", "актыўных": "активних", "мероприятий": "заходів",
    "мерапрыемстваў": "заходів", "филиал": "філія", "філіял": "філія",
    "внешнеторговое": "зовнішньоторговельне",
    "знешнегандлёвае": "зовнішньоторговельне", "исследовательское": "дослідне",
    "даследчае": "дослідне", "научно": "науково", "навукова": "науково", "институт": "інститут",
    "інстытут": "інститут", "цифрового": "цифрового", "лічбавага": "цифрового",
    "телевидения": "телебачення", "тэлебачання": "телебачення", "совместное": "спільне",
    "голографическая": "голографічна", "галаграфічная": "голографічна",
    "индустрия": "індустрія", "індустрыя": "індустрія", "министерство": "міністерство",
    "обороны": "оборони", "следственный": "слідчий", "олимпийский": "олімпійський",
    "безопасности": "безпеки", "внутренних": "внутрішніх", "дел": "справ",
    "отряд": "загін", "милиции": "міліції", "особого": "особливого", "назначения": "призначення",
    "спортивный": "спортивний", "спортивное": "спортивне", "клуб": "клуб",
    "молодежное": "молодіжне", "общественное": "громадське", "оборонные": "оборонні",
    "инициативы": "ініціативи", "точная": "точна", "механика": "механіка", "техника": "техніка",
    "связи": "зв'язку", "электронных": "електронних", "вычислительных": "обчислювальних",
    "машин": "машин", "швейных": "швейних", "шинный": "шинний", "стекловолокно": "скловолокно",
    "гражданской": "цивільної", "авиации": "авіації", "управляющей": "керуючої",
    "компании": "компанії", "транспортная": "транспортна", "торговый": "торговий", "дом": "дім",
}  # fmt: skip

#: Adjective stems of places and of 'Belarusian' (Russian and Belarusian) and their Ukrainian.
STEMS = {
    "минск": "мінськ", "мінск": "мінськ", "гомельск": "гомельськ", "белорусск": "білоруськ",
    "беларуск": "білоруськ", "оршанск": "оршанськ", "аршанск": "оршанськ",
    "гродненск": "гродненськ", "гродзенск": "гродненськ", "брестск": "брестськ",
    "витебск": "вітебськ", "могилевск": "могильовськ", "полоцк": "полоцьк",
    "новополоцк": "новополоцьк", "светлогорск": "світлогорськ", "мозырск": "мозирськ",
    "рогачевск": "рогачовськ", "рогачёвск": "рогачовськ", "борисовск": "борисовськ",
    "республиканск": "республіканськ", "рэспубліканск": "республіканськ",
    "президентск": "президентськ", "европейск": "європейськ",
}  # fmt: skip
#: Adjective endings (Russian, Belarusian) -> Ukrainian, longest first.
ENDINGS = (
    ("ого", "ого"), ("ага", "ого"), ("ому", "ому"), ("ий", "ий"), ("ый", "ий"), ("ая", "а"),
    ("ое", "е"), ("ае", "е"), ("ие", "і"), ("ые", "і"), ("ыя", "і"), ("ія", "і"), ("ой", "ої"),
    ("ай", "ої"), ("их", "их"), ("ых", "их"), ("і", "ий"), ("ы", "ий"),
)  # fmt: skip
PLACES = {
    "минск": "Мінськ", "мінск": "Мінськ", "гомель": "Гомель", "гродно": "Гродно",
    "гродна": "Гродно", "брест": "Брест", "витебск": "Вітебськ", "орша": "Орша",
    "могилев": "Могильов", "магілёў": "Могильов", "неман": "Німан", "нёман": "Німан",
}  # fmt: skip

#: Parts of compound names that Ukrainian writers translate (Білоруснафта, Білнафтохім).
COMPOUND_PARTS = (
    ("белорус", "білорус"), ("беларус", "білорус"), ("нефте", "нафто"), ("нефть", "нафта"),
    ("нефт", "нафт"), ("светлогорск", "світлогорськ"),
)  # fmt: skip
_VOWELS = "аеёиоуыэюяіїєў"
_HUSHING = "жчшщ"


def _letters(word: str, ye_after_bel: bool) -> str:
    """A Russian or Belarusian word respelt letter by letter the Ukrainian way (lower case)."""
    for part, ukrainian in COMPOUND_PARTS:
        word = word.replace(part, ukrainian)
    out: list[str] = []
    for i, char in enumerate(word):
        prev = word[i - 1] if i else ""
        initial = not prev or prev in _VOWELS or prev in "ьъ'’"
        if char == "ы":
            out.append("и")
        elif char == "и":
            out.append("и" if prev and prev in _HUSHING else "і")
        elif char == "э":
            out.append("е")
        elif char == "е":
            out.append("є" if initial else "е")
        elif char == "ё":
            out.append("йо" if initial else "ьо")
        elif char == "ъ":
            out.append("'")
        elif char == "ў":
            out.append("в")
        else:
            out.append(char)
    text = "".join(out)
    if ye_after_bel and text.startswith("бел"):
        text = "бєл" + text[3:]  # Бєлшина, Бєлтехекспорт: how Ukrainian texts write Бел-
    return text


def _adjective(low: str) -> str | None:
    for stem, ukrainian in STEMS.items():
        if low.startswith(stem):
            rest = low[len(stem) :]
            for ending, new in ENDINGS:
                if rest == ending:
                    return ukrainian + new
    for ending, new in (("ский", "ський"), ("ская", "ська"), ("ское", "ське"), ("ской", "ської"),
                        ("цкий", "цький"), ("ный", "ний"), ("ная", "на"), ("ное", "не"),
                        ("ные", "ні"), ("ной", "ної"), ("скі", "ський"), ("ны", "ний"),
                        ("ая", "а"), ("ый", "ий")):  # fmt: skip
        if low.endswith(ending) and len(low) > len(ending) + 3:
            return _letters(low[: -len(ending)], False) + new
    return None


def _restore_case(template: str, word: str) -> str:
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def ukrainian_word(word: str, ye_after_bel: bool = False) -> str:
    """One Russian or Belarusian word as a Ukrainian writer puts it."""
    low = word.lower().replace("’", "'")
    if low in WORDS:
        new = WORDS[low]
        return new if new[:1].isupper() else _restore_case(word, new)
    if low in PLACES:
        return _restore_case(word, PLACES[low])
    if re.search(r"[a-z0-9]", low):
        return word
    new = _adjective(low) or _letters(low, ye_after_bel)
    if word.isupper() or len(word) <= 1:
        return _restore_case(word, new)
    if word[:1].isupper() and any(c.isupper() for c in word[1:]) and len(new) == len(word):
        return "".join(n.upper() if w.isupper() else n for w, n in zip(word, new, strict=True))
    return _restore_case(word, new)


def to_ukrainian(text: str, ye_after_bel: bool = False) -> str:
    """A Russian or Belarusian Cyrillic name respelt and its generic words translated."""
    return re.sub(r"[\w'’]+", lambda m: ukrainian_word(m.group(), ye_after_bel), text)


#: KMU 2010 (Cabinet of Ministers resolution 55): the official Ukrainian romanisation.
KMU_2010 = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "",
}  # fmt: skip
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def kmu_2010(text: str) -> str:
    """Ukrainian Cyrillic in the KMU 2010 romanisation (є ї й ю я initial: ye yi y yu ya;
    зг = zgh; soft sign and apostrophe dropped); capitals follow the source."""
    caps = caps_mask(text)
    out: list[str] = []
    for i, char in enumerate(text):
        low = char.lower()
        prev = text[i - 1].lower() if i else " "
        inside = prev.isalpha() and text[i + 1 : i + 2].isalpha()
        if low not in KMU_2010 or (low in "'’" and not inside):
            out.append(char)  # not Ukrainian, or a quote mark rather than the apostrophe
            continue
        latin = (
            KMU_2010[low]
            if prev.isalpha() or prev in "'’"
            else _KMU_INITIAL.get(low, KMU_2010[low])
        )
        latin = "gh" if low == "г" and prev == "з" else latin
        if caps[i]:
            out.append(latin.upper())
        elif char.isupper():
            out.append(latin[:1].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def _ua_form(family: str | None, rng: random.Random) -> tuple[str, bool] | None:
    if family not in UA_FORMS:
        return None
    short, full = UA_FORMS[family]
    if short and rng.random() < 0.6:
        return rng.choice(short), True
    return rng.choice(full), False


def _starts(seed: Seed, eid: str) -> list[tuple[Name, str, str]]:
    """(listed name, its Russian or Belarusian Cyrillic, how it was got) to render in Ukrainian."""
    out = [(n, n.text, f"{n.lang} {source_of(n, n.text)}") for n in seed.usable(eid, "cyr")
           if n.lang in ("ru", "be")]  # fmt: skip
    if out or seed.entities[eid].country[:1] not in (("BY",), ("RU",)):
        return out
    for name in seed.usable(eid, "lat"):
        if is_romanised(name.text):
            cyrillic, lang = cyrillic_of(name.text)
            out.append((name, cyrillic, f"{lang} Cyrillic written back from listed '{name.text}'"))
    return out


#: A Belarusian legal form the families do not hold, as written back from Latin.
_BELARUSIAN_FORM = re.compile(r"^тавар[ыи]ства з (?:дадатковай|абмежаванай) адказнасцю\s+", re.I)


def render(
    seed: Seed, eid: str, start: tuple[Name, str, str], rng: random.Random
) -> tuple[str, str]:
    """One Ukrainian rendering of a start name: respelt core, a Ukrainian legal form, quotes."""
    _, cyrillic, how = start
    core = _BELARUSIAN_FORM.sub("", split_legal_form(cyrillic)[0])
    bel = rng.random() < 0.5 and core.lower().startswith("бел")
    ua_core = to_ukrainian(core, ye_after_bel=bel)
    notes = [f"Ukrainian rendering of {how}" + ("; Бєл- for Бел-" if bel else "")]
    family = family_of(list(seed.entities[eid].all_names))
    form = _ua_form(family, rng) if rng.random() < 0.8 else None
    if form:
        opening, closing = rng.choice([("«", "»"), ('"', '"'), ("", "")])
        body = f"{opening}{ua_core}{closing}"
        text = f"{body} {form[0]}" if form[1] and rng.random() < 0.2 else f"{form[0]} {body}"
        notes.append(f"Ukrainian legal form {form[0]!r}")
    else:
        text = ua_core
    if rng.random() < 0.2:
        text = kmu_2010(text.replace("«", "").replace("»", ""))
        notes.append("romanised in KMU 2010")
    return text, "; ".join(notes)


_UA_FORM_WORDS = {w.lower() for short, full in UA_FORMS.values() for f in short + full
                  for w in f.split()}  # fmt: skip


def looks_ukrainian(text: str) -> bool:
    """Only Ukrainian writes і, ї, є, ґ with и, or uses these legal-form words."""
    low = text.lower()
    letters = bool(re.search(r"[іїєґ]", low)) and not re.search(r"[ыэъў]", low)
    return letters or bool(set(re.findall(r"\w+", low)) & _UA_FORM_WORDS)


def ukrainian(seed: Seed, eid: str, rng: random.Random) -> list[Case]:
    """Listed Russian or Belarusian names (or Cyrillic written back from romanised ones) as a
    Ukrainian register or clerk writes them."""
    starts = _starts(seed, eid)
    if not starts:
        return []
    chosen = pick([s[0] for s in starts], rng, 2 if len(starts) >= 2 and rng.random() < 0.6 else 1)
    out: list[Case] = []
    for name in chosen:
        start = next(s for s in starts if s[0] == name)
        text, note = render(seed, eid, start, rng)
        if looks_ukrainian(text) or "KMU" in note:
            out += make_case(seed, eid, text, "ukrainian", note)
    return out
