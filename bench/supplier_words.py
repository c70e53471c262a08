"""Words of the synthetic supplier master (`supplier_file.py`): company names, places, tax ids
and contact people as ERP exports in Belarus, Russia, Ukraine, Germany, Poland, China, the
Baltics, Britain and the USA hold them. Every draw comes from the `random.Random` passed in.

Brand stems avoid the distinctive words of the seed watchlist (Integral, Peleng, Planar, ...),
so that unlisted names are unlisted; the generator also checks every name against the seed.
"""

from __future__ import annotations

import random

_RU_STEMS = (
    "Строй Тех Снаб Агро Пром Торг Энерго Мед Транс Авто Электро Металл Инвест Сервис Монтаж "
    "Лес Хим Пласт Быт Дор Газ Тепло Свет Вод Стекло Бетон Кабель Опт Маркет Софт Инфо Эко "
    "Евро Профи Мастер Урал Днепр Неман Сож Двина Полесье Нива Колос Хлеб Молоко Мебель "
    "Текстиль Обувь Упак Полимер Спец Комплект Проект Дизайн Фарм Вет Зерно Корм"
).split()
_RU_BRANDS = (
    "Ромашка Вектор Меридиан Лидер Прогресс Омега Радуга Исток Гарант Рубин "
    "Сапфир Янтарь Аист Бриз Орбита Олимп Вега Форвард Квадрат Магистраль Престиж Триумф Стандарт "
    "Партнёр Кристалл Север Юг Восток Запад Перспектива Эталон Содружество Надежда Виктория"
).split()
_RU_SUFFIXES = ["", "", "", "", "-М", "-Плюс", "Групп", "Трейд", "-Сервис", "-2000", "Инвест"]
_BY_FORMS = "ООО ОДО ЗАО ОАО ЧУП ЧТУП ЧПУП СООО ИООО УП".split()
_RU_FORMS = "ООО АО ПАО ЗАО".split()
_UA_FORMS = "ТОВ ПП ПрАТ ТДВ".split()
_RU_SURNAMES = (
    "Иванов Петров Сидоров Ковалёв Новиков Морозов Волков Соколов Лебедев Козлов Степанов "
    "Павлов Семенов Голубев Виноградов Богданов Воробьёв Фёдоров Михайлов Беляев Тарасов "
    "Белов Комаров Орлов Киселёв Макаров Андреев Ковальчук Шевчук Бондаренко Ткаченко Кравченко"
).split()
_ACTIVITIES = ["", "", "", "Торговый дом ", "Производственная компания ", "Транспортная компания "]
_TRANSLIT = str.maketrans(
    {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
     "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
     "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
     "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
     "ї": "yi", "є": "ye", "ў": "u"}
)  # fmt: skip
_DE_SURNAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter "
    "Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hartmann Lange Werner Krause "
    "Lehmann Köhler Maier Huber Kaiser Fuchs Peters Scholz Möller Weiß Jung Hahn Vogel Friedrich"
).split()
_DE_BRANCHES = (
    "Maschinenbau Logistik Elektrotechnik Kunststofftechnik Metallbau Handels Verpackung "
    "Antriebstechnik Feinmechanik Spedition Industriebedarf Stahlhandel Armaturen Baustoffe"
).split()
_PL_SURNAMES = (
    "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
    "Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Pawłowski"
).split()
_PL_BRANCHES = (
    "Transport Handel Budownictwo Stolarstwo Elektro Instalacje Metal Tworzywa Opakowania Serwis"
).split()
_LATIN_BRANDS = (
    "Northwind Bluestone Apex Vertex Orion Silverline Greenfield Redwood Summit Harbor Crescent "
    "Pinnacle Keystone Meridian Horizon Sterling Evergreen Lakeside Ironbridge Clearwater Falcon "
    "Atlas Nova Polaris Zenith Granite Maple Cedar Aurora Beacon Compass Vanguard Trident"
).split()
_EN_BRANCHES = (
    "Trading Logistics Components Supplies Industries Packaging Electronics Machinery Plastics "
    "Chemicals Textiles Foods Engineering Solutions Materials Equipment Distribution"
).split()
_PINYIN = (
    "hua xin tai feng long sheng da hong jia rui tong yuan kang bao fu heng jin li an yi".split()
)
_CN_INDUSTRIES = [
    "Electronic Technology", "Trading", "Machinery", "Plastic Products", "Import and Export",
    "Industrial", "Packaging Materials", "Auto Parts",
]  # fmt: skip

#: Country, weight, cities (with postcode prefixes where they have one).
_COUNTRIES = [
    ("BY", 40, ["Минск", "Брест", "Гомель", "Гродно", "Витебск", "Могилёв", "Барановичи", "Пинск"]),
    ("RU", 20, ["Москва", "Смоленск", "Санкт-Петербург", "Брянск", "Казань", "Екатеринбург"]),
    ("DE", 8, ["Berlin", "Hamburg", "München", "Köln", "Stuttgart", "Leipzig", "Dortmund"]),
    ("PL", 8, ["Warszawa", "Poznań", "Białystok", "Łódź", "Kraków", "Gdańsk", "Lublin"]),
    ("UA", 5, ["Київ", "Львів", "Харків", "Одеса", "Дніпро"]),
    ("CN", 10, ["Shenzhen", "Guangzhou", "Ningbo", "Yiwu", "Shanghai", "Qingdao", "Xiamen"]),
    ("LT", 4, ["Vilnius", "Kaunas", "Klaipėda"]),
    ("GB", 2, ["London", "Manchester", "Birmingham", "Leeds"]),
    ("US", 3, ["Chicago", "Houston", "Newark", "Atlanta", "Denver"]),
]
_STREETS_RU = (
    "Ленина Советская Победителей Независимости Гагарина Мира Кирова Пушкина Лесная".split()
)
_STREETS_LAT = "Haupt Bahnhof Industrie Garten Markt Lipowa Polna Długa Main Park Mill Oak".split()


def _ru_brand(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return rng.choice(_RU_BRANDS) + rng.choice(_RU_SUFFIXES)
    stems = rng.sample(_RU_STEMS, rng.choice((2, 2, 3)))
    return stems[0] + "".join(s.lower() for s in stems[1:]) + rng.choice(_RU_SUFFIXES)


def _cyrillic_name(rng: random.Random, forms: list[str], latin: bool) -> str:
    if rng.random() < 0.1:
        initials = f"{rng.choice('АБВГДЕИКЛМНОПРСТ')}.{rng.choice('АВГДИМНПС')}."
        form, rest = (
            ("ФОП" if forms is _UA_FORMS else "ИП"),
            f"{rng.choice(_RU_SURNAMES)} {initials}",
        )
    else:
        form, rest = rng.choice(forms), f"«{rng.choice(_ACTIVITIES)}{_ru_brand(rng)}»"
    if not latin:
        return f"{form} {rest}"
    # Romanised as ERP users type it: the legal form in capitals, the name capitalised.
    words = rest.lower().translate(_TRANSLIT).replace("«", '"').replace("»", '"').split(" ")
    return " ".join([form.lower().translate(_TRANSLIT).upper(), *(_capital(w) for w in words)])


def _capital(word: str) -> str:
    at = next((i for i, ch in enumerate(word) if ch.isalpha()), 0)
    return word[:at] + word[at:].capitalize()


def company_name(rng: random.Random, country: str) -> str:
    latin = rng.random() < 0.25
    if country == "BY":
        return _cyrillic_name(rng, _BY_FORMS, latin)
    if country == "RU":
        return _cyrillic_name(rng, _RU_FORMS, latin)
    if country == "UA":
        return _cyrillic_name(rng, _UA_FORMS, latin)
    if country == "DE":
        return rng.choice([
            f"{rng.choice(_DE_SURNAMES)} {rng.choice(_DE_BRANCHES)} GmbH",
            f"{rng.choice(_DE_SURNAMES)} & {rng.choice(_DE_SURNAMES)} GmbH & Co. KG",
            f"{rng.choice(_LATIN_BRANDS)} {rng.choice(_DE_BRANCHES)} AG",
        ])  # fmt: skip
    if country == "PL":
        return rng.choice([
            f"{rng.choice(_LATIN_BRANDS)} {rng.choice(_PL_BRANCHES)} Sp. z o.o.",
            f"PHU {rng.choice(_PL_SURNAMES)}",
            f"{rng.choice(_PL_SURNAMES)} i Wspólnicy Sp.k.",
        ])  # fmt: skip
    if country == "CN":
        brand = "".join(rng.sample(_PINYIN, 2)).capitalize()
        city = rng.choice(["Shenzhen", "Guangzhou", "Ningbo", "Yiwu", "Dongguan"])
        return f"{city} {brand} {rng.choice(_CN_INDUSTRIES)} Co., Ltd."
    form = {"LT": "UAB", "GB": "Ltd", "US": "Inc."}[country]
    brand = f"{rng.choice(_LATIN_BRANDS)} {rng.choice(_EN_BRANCHES)}"
    return f"{form} {brand}" if form == "UAB" else f"{brand} {form}"


def place(rng: random.Random) -> tuple[str, str, str, str, str]:
    """Country, city, postal code, street and tax id of a supplier."""
    codes, weights, cities = zip(*_COUNTRIES, strict=True)
    at = rng.choices(range(len(codes)), weights)[0]
    country, city = codes[at], rng.choice(cities[at])
    number = rng.randint(1, 180)
    if country in ("BY", "RU", "UA"):
        street = f"ул. {rng.choice(_STREETS_RU)}, {number}"
    else:
        street = f"{rng.choice(_STREETS_LAT)} {number}"
    postal = str(rng.randint(10000, 999999)).zfill(6 if country in ("BY", "RU", "CN") else 5)
    digits = "".join(rng.choices("0123456789", k=10))
    vat = {
        "BY": digits[:9], "RU": digits, "UA": digits[:8], "PL": digits, "DE": "DE" + digits[:9],
        "LT": "LT" + digits[:9], "GB": "GB" + digits[:9], "CN": "91" + digits + "MA" + digits[:4],
        "US": digits[:2] + "-" + digits[2:9],
    }[country]  # fmt: skip
    return country, city, postal, street, vat


def contact(rng: random.Random, country: str) -> str:
    if country in ("BY", "RU", "UA"):
        return f"{rng.choice(_RU_SURNAMES)} {rng.choice('АВГДИМНПС')}.{rng.choice('АВГДИМНПС')}."
    if country == "DE":
        return f"{rng.choice(['Thomas', 'Anna', 'Stefan', 'Julia'])} {rng.choice(_DE_SURNAMES)}"
    if country == "PL":
        return f"{rng.choice(['Piotr', 'Anna', 'Marek', 'Ewa'])} {rng.choice(_PL_SURNAMES)}"
    return f"{rng.choice(['John', 'Mary', 'Wei', 'Li', 'Jonas'])} {rng.choice(_LATIN_BRANDS)}"
