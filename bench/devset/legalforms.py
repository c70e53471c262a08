"""Legal forms of Belarusian and Russian companies in every script and language they are written
in, grouped into families of equivalents (ОАО = ААТ = OJSC = OAO = Open Joint-Stock Company).
Our own table for the dev set; the matching engine has its own and must not be used here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: family -> variants. Order inside a family does not matter; scripts are told apart by letters.
FAMILIES: dict[str, tuple[str, ...]] = {
    "ojsc": (
        "ОАО", "ААТ", "OAO", "AAT", "OJSC", "JSC", "OJS", "АО", "AO",
        "Open Joint Stock Company", "Open Joint-Stock Company", "Joint Stock Company",
        "Joint-Stock Company", "Public Joint Stock Company", "Открытое акционерное общество",
        "Адкрытае акцыянернае таварыства", "Акционерное общество",
        "Otkrytoe aktsionernoe obshchestvo", "Otkrytoye aktsionernoye obshchestvo",
        "Otkrytoye aktsionernoye obschestvo", "Otkrytoe aktsionernoe obschestvo",
        "Adkrytaye aktsyyanernaye tavarystva", "Adkrytae aktsyianernae tavarystva",
    ),
    "cjsc": (
        "ЗАО", "ЗАТ", "ZAO", "ZAT", "CJSC", "Closed Joint Stock Company",
        "Closed Joint-Stock Company", "Закрытое акционерное общество",
        "Закрытае акцыянернае таварыства", "Zakrytoye aktsionernoye obshchestvo",
        "Zakrytoe aktsionernoe obshchestvo", "Zakrytaye aktsyyanernaye tavarystva",
    ),
    "llc": (
        "ООО", "ТАА", "OOO", "TAA", "LLC", "Ltd", "Limited Liability Company",
        "Общество с ограниченной ответственностью", "Таварыства з абмежаванай адказнасцю",
        "Obshchestvo s ogranichennoy otvetstvennostyu",
        "Obshchestvo s ogranichennoi otvetstvennostyu",
        "Obschestvo s ogranichennoy otvetstvennostyu",
        "Tavarystva z abmezhavanay adkaznastsyu",
    ),
    "jvllc": (
        "СООО", "SOOO", "Joint Venture Limited Liability Company",
        "Совместное общество с ограниченной ответственностью",
        "Sovmestnoe obshchestvo s ogranichennoy otvetstvennostyu",
    ),
    "npooo": (
        "НП ООО", "NPOOO", "SPLLC", "Scientific Production Limited Liability Company",
        "Научно-производственное общество с ограниченной ответственностью",
        "Nauchno-proizvodstvennoye obschestvo s ogranichennoy otvetstvennostyu",
    ),
    "fllc": (
        "ИООО", "ЗТАА", "IOOO", "ZTAA", "FLLC", "Foreign Limited Liability Company",
        "Иностранное общество с ограниченной ответственностью",
        "Inostrannoye obshchestvo s ogranichennoy otvetstvennostyu",
        "Zamezhnaye tavarystva z abmezhavanay adkaznastsyu",
    ),
    "alc": (
        "ОДО", "ТДА", "ODO", "TDA", "ALC", "Additional Liability Company",
        "Общество с дополнительной ответственностью",
        "Obshchestvo s dopolnitelnoy otvetstvennostyu",
    ),
    "rue": (
        "РУП", "RUP", "RUE", "Republican Unitary Enterprise",
        "Республиканское унитарное предприятие", "Рэспубліканскае унітарнае прадпрыемства",
        "Respublikanskoye unitarnoye predpriyatiye", "Respublikanskoe unitarnoe predpriyatie",
        "РДУП", "RDUP", "Republican Subsidiary Unitary Enterprise",
        "Республиканское дочернее унитарное предприятие", "RPTUP",
        "Republican Production and Trade Unitary Enterprise",
        "Respublikanskoe proizvodstvenno torgovoe unitarnoe predpriyatie",
    ),
    "se": (
        "ГП", "GP", "State Enterprise", "Государственное предприятие",
        "Gosudarstvennoye predpriyatiye", "Dzyarzhaunaye pradpryemstva",
    ),
    "ue": (
        "УП", "UP", "UE", "Unitary Enterprise", "Унитарное предприятие",
        "Унітарнае прадпрыемства", "Unitarnoye predpriyatiye", "Unitarnoe predpriyatie",
        "Research Unitary Enterprise", "Научно-исследовательское унитарное предприятие",
        "Навукова-даследчае ўнітарнае прадпрыемства",
    ),
    "pue": (
        "ПУП", "PUP", "Production Unitary Enterprise", "Производственное унитарное предприятие",
        "Proizvodstvennoe unitarnoe predpriyatie", "Vyrobnyche unitarne pidpryiemstvo",
        "Proizvodstvennoye unitarnoye predpriyatiye", "Vytvorchaye unitarnaye pradpryemstva",
        "Industrial Unitary Enterprise",
    ),
    "chptup": (
        "ЧПТУП", "ChPTUP", "Industrial-Commercial Private Unitary Enterprise",
        "Частное производственно-торговое унитарное предприятие",
        "Proizvodstvenno-torgovoye chastnoye unitarnoye predpriyatiye",
        "Vytvorcha-handlevaye pryvatnaye unitarnaye pradpryemstva",
    ),
    "npup": (
        "НПУП", "NPUP", "Research and Production Unitary Enterprise",
        "Scientific Production Unitary Enterprise", "Unitary Private Science Production Enterprise",
        "Научно-производственное унитарное предприятие",
        "Unitarnoe chastnoe nauchno proizvodstvennoe predpriyatie",
        "Nauchno proizvodstvennoye chastnoye unitarnoe predpriyatie",
    ),
    "jvcjsc": (
        "СЗАО", "СЗАТ", "SZAO", "SZAT", "Joint Venture Closed Joint Stock Company",
        "Совместное закрытое акционерное общество",
        "Sovmestnoye zakrytoye aktsionernoye obshchestvo",
        "Sumesnaye zakrytaye aktsyyanernaye tavarystva",
    ),
    "sftue": (
        "ГВТУП", "GVTUP", "SFTUE", "State Foreign Trade Unitary Enterprise",
        "State-Owned Foreign Trade Unitary Enterprise",
        "Государственное внешнеторговое унитарное предприятие",
    ),
    "foreign": ("GmbH", "Inc", "Limited", "Co", "Co Ltd", "S.R.O.", "Limited Sirketi", "TOV"),
}  # fmt: skip

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_QUOTES = "«»‘’“”„\"'`"


@dataclass(frozen=True)
class Form:
    family: str
    text: str

    @property
    def cyrillic(self) -> bool:
        return bool(_CYRILLIC.search(self.text))

    @property
    def abbreviation(self) -> bool:
        return " " not in self.text and len(self.text) <= 6


def _pattern(variant: str) -> str:
    """A regex for one variant: dots and spaces allowed in abbreviations, hyphens in words."""
    if " " not in variant and len(variant) <= 6 and variant.isupper():
        return r"\.?\s?".join(re.escape(c) for c in variant) + r"\.?"
    words = re.split(r"[\s\-.]+", variant.strip("."))
    return r"[\s\-.,]+".join(re.escape(w) for w in words) + r"\.?"


_ALL = sorted(
    (Form(family, text) for family, texts in FAMILIES.items() for text in texts),
    key=lambda f: -len(f.text),
)
_EDGE = r"[\s,;:\-–—/()" + re.escape(_QUOTES) + r"]*"
_LEADING = [(f, re.compile(rf"^{_EDGE}({_pattern(f.text)})(?!\w){_EDGE}", re.I)) for f in _ALL]
_TRAILING = [(f, re.compile(rf"{_EDGE}(?<!\w)({_pattern(f.text)}){_EDGE}$", re.I)) for f in _ALL]


def _strip_once(name: str) -> tuple[str, Form | None]:
    for form, regex in _LEADING:
        match = regex.match(name)
        if match and match.end() < len(name):
            return name[match.end() :], Form(form.family, match.group(1))
    for form, regex in _TRAILING:
        match = regex.search(name)
        if match and match.start() > 0:
            return name[: match.start()], Form(form.family, match.group(1))
    return name, None


def split_legal_form(name: str) -> tuple[str, list[Form]]:
    """The name without the legal forms at its start and end, and the forms found (as
    written in the name)."""
    found: list[Form] = []
    core = name.strip()
    while True:
        core, form = _strip_once(core)
        if form is None:
            break
        found.append(form)
    return strip_quotes(core), found


def strip_quotes(text: str) -> str:
    """Drop quotes that wrap the whole text or are left unmatched at its ends."""
    text = text.strip().strip(",;:-–— ")
    while len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return _balance(text).strip()


def _balance(text: str) -> str:
    """Remove curly quotes that close nothing or are never closed (cut by a split)."""
    keep = [True] * len(text)
    open_at: list[int] = []
    for i, char in enumerate(text):
        if char == "“" and open_at and text[open_at[-1]] == "„":
            open_at.pop()  # „German-style quotes“ close with “
        elif char in "‘«“„":
            open_at.append(i)
        elif char in "’»”":
            if open_at:
                open_at.pop()
            else:
                keep[i] = False
    for i in open_at:
        keep[i] = False
    text = "".join(c for c, k in zip(text, keep, strict=True) if k)
    for straight in "\"'":
        if text.count(straight) % 2 and straight in (text[:1], text[-1:]):
            text = text.strip(straight)
    return text


def family_of(names: list[str]) -> str | None:
    """The legal-form family an entity's names use most (ignoring foreign forms)."""
    counts: dict[str, int] = {}
    for name in names:
        for form in split_legal_form(name)[1]:
            if form.family != "foreign":
                counts[form.family] = counts.get(form.family, 0) + 1
    return max(counts, key=lambda f: counts[f]) if counts else None


#: Variants only stripped, never put into a query (an oddity of one list entry).
STRIP_ONLY = {"OJS"}
#: Abbreviated forms in Latin letters (LLC, OAO, ...), lower case.
ABBREVIATIONS = {t.lower() for ts in FAMILIES.values() for t in ts if " " not in t and len(t) <= 6}
#: Russian and Belarusian abbreviations as typed in Latin letters (OOO for ООО), and back.
LATIN_TO_CYRILLIC = {
    "OAO": "ОАО", "AAT": "ААТ", "ZAO": "ЗАО", "ZAT": "ЗАТ", "OOO": "ООО", "TAA": "ТАА",
    "ODO": "ОДО", "TDA": "ТДА", "IOOO": "ИООО", "ZTAA": "ЗТАА", "UP": "УП", "RUP": "РУП",
    "PUP": "ПУП", "AO": "АО", "GVTUP": "ГВТУП", "SOOO": "СООО", "RDUP": "РДУП", "GP": "ГП",
}  # fmt: skip
TYPED_IN_LATIN = set(LATIN_TO_CYRILLIC) - {"GVTUP", "RDUP", "PUP", "SOOO"}
_FAMILY_OF = {t.lower(): f for f, ts in FAMILIES.items() for t in ts}


def cyrillic_abbreviation(latin: str, belarusian: bool) -> str | None:
    """ОАО for OAO or OJSC (ААТ when the name is Belarusian), ООО for LLC, ..."""
    if latin.upper() in LATIN_TO_CYRILLIC:
        return LATIN_TO_CYRILLIC[latin.upper()]
    family = _FAMILY_OF.get(latin.lower().strip("."))
    if family is None or family == "foreign":
        return None
    short = [f.text for f in forms_of(family, cyrillic=True) if f.abbreviation]
    if not short:
        return None
    return short[1] if belarusian and len(short) > 1 and short[1] != "АО" else short[0]


def forms_of(family: str, cyrillic: bool | None = None) -> list[Form]:
    forms = [Form(family, text) for text in FAMILIES[family] if text not in STRIP_ONLY]
    return [f for f in forms if cyrillic is None or f.cyrillic == cyrillic]
