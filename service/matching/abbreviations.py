"""Soviet-style abbreviations in organisation names, both ways: compound words built from
clipped words (Бел-агро-пром-банк, whose acronym is БАПБ) and common initialisms (НПЗ, ГУВД,
КБ) that stand for words a list may spell out.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

from functools import lru_cache

from service.matching.normalize import clean_text
from service.matching.translit import to_latin

#: Clipped words compound names are made of, in readable Latin (several spellings each).
_MORPHEMES = frozenset(
    """
    bel belarus agro prom bank gaz neft nefte khim him spets spec vnesh tekh tech techn tekhnika
    technika tekhnik technik torg stroi stroy mash avto auto trans avia energo sel selkhoz khoz
    rem sviaz svyaz tele radio opt med tsvet tsvetmet met metall kom komm mun nauch proekt les
    eksport export import invest kali servis service inter zhil dor most elektro electro mont
    vod teplo tekstil leg lift polimer kabel motor traktor shina steklo plast ugol khleb
    moloko mol produkt sbyt snab pribor instrument opto mekh mech tyazh
    """.split()
)
# Clipped words that start a compound word (электро-механики, авиа-ремонтный): in an
# acronym each part gives a letter (ЗТЭМ = Завод точной электро-механики).
_PREFIXES = (
    "elektro", "electro", "avto", "auto", "radio", "tele", "agro", "aero", "avia", "geo",
    "mikro", "micro", "termo", "gidro", "hydro", "foto", "photo", "opto", "neft", "nefte",
    "gaz", "energo", "mashino", "priboro", "instrumento",
)  # fmt: skip
#: Letters a compound's second part needs for the prefix to count as a clipped word.
_MIN_REST = 4
#: A compound needs this many clipped words for its initials to be an acronym (BAPB, BSVT).
MIN_PARTS = 3
_LONGEST = max(len(m) for m in _MORPHEMES)

# Initialisms and what they stand for, as Russian organisation names write them.
INITIALISMS = {
    "npz": "нефтеперерабатывающий завод",
    "guvd": "главное управление внутренних дел",
    "uvd": "управление внутренних дел",
    "mvd": "министерство внутренних дел",
    "kgb": "комитет государственной безопасности",
    "kdb": "камітэт дзяржаўнай бяспекі",
    "chvk": "частная военная компания",
    "vv": "внутренние войска",
    "nii": "научно-исследовательский институт",
    "npo": "научно-производственное объединение",
    "npp": "научно-производственное предприятие",
    "ntts": "научно-технический центр",
    "omon": "отряд милиции особого назначения",
    "tsip": "центр изоляции правонарушителей",
    "kb": "конструкторское бюро",
    "td": "торговый дом",
    "okb": "опытно-конструкторское бюро",
    "skb": "специальное конструкторское бюро",
    "nito": "научно-исследовательский технологический институт",
    # The same bodies abbreviated in Ukrainian, Belarusian and English (УВС, УУС, МУС, АМАП,
    # MoD) and the clipped words of their names (Минобороны, Госкомвоенпром).
    "uvs": "управление внутренних дел",
    "uus": "управление внутренних дел",
    "guvs": "главное управление внутренних дел",
    "guus": "главное управление внутренних дел",
    "mvs": "министерство внутренних дел",
    "mus": "министерство внутренних дел",
    "amap": "отряд милиции особого назначения",
    "mo": "министерство обороны",
    "mod": "министерство обороны",
    "minoborony": "министерство обороны",
    "minoboroni": "министерство обороны",
    "minabarony": "министерство обороны",
    "sk": "следственный комитет",
    "gubazik": "главное управление по борьбе с организованной преступностью и коррупцией",
    "goskomvoenprom": "государственный военно-промышленный комитет",
    "dzyarzhkamvaenpram": "государственный военно-промышленный комитет",
}


@lru_cache(maxsize=100_000)
def split_compound(latin: str) -> tuple[str, ...] | None:
    """The clipped words a compound is made of ("belagroprombank" -> bel, agro, prom, bank),
    fewest first; None when the word is not made of them only."""
    best: list[tuple[str, ...] | None] = [None] * (len(latin) + 1)
    best[0] = ()
    for end in range(1, len(latin) + 1):
        for start in range(max(0, end - _LONGEST), end):
            head = best[start]
            piece = latin[start:end]
            if head is not None and piece in _MORPHEMES:
                candidate = (*head, piece)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(latin)]


def compound_acronym(latin: str) -> str:
    """Initials of a compound name's clipped words ("bapb"), "" when it is no such compound."""
    parts = split_compound(latin)
    if parts is None or len(parts) < MIN_PARTS:
        return ""
    return "".join(part[0] for part in parts)


def word_initials(latin: str) -> str:
    """The letters a word gives an acronym: its first, or one per part of a prefixed compound
    ("elektromekhaniki" gives "em")."""
    for prefix in _PREFIXES:
        if latin.startswith(prefix) and len(latin) - len(prefix) >= _MIN_REST:
            return prefix[0] + latin[len(prefix)]
    return latin[:1]


def expand_initialisms(text: str) -> str | None:
    """The text with its initialisms spelled out, or None when it has none."""
    words = clean_text(text).split()
    expanded = [INITIALISMS.get(to_latin(w.casefold()), w) for w in words]
    return " ".join(expanded) if expanded != words else None
