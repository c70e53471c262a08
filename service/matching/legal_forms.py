"""Legal forms in English, Russian, Belarusian and Ukrainian, full and abbreviated, Cyrillic and
Latin (and those of China, Japan and Korea, from `scripts`): found in a token list, removed for
comparison and kept for the explanation.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from service.matching.normalize import INITIALS_MARK, Token, is_initials, tokenize
from service.matching.scripts import LEGAL_FORMS as CJK_FORMS
from service.matching.translations import stem

#: The label of the forms of a person trading in their own name.
SOLE_PROPRIETOR = "IE"
# label -> spellings. Cyrillic spellings are written as the lists print them; every spelling
# goes through the same tokenizer as names, so transliterated forms (OTKRYTOE AKTSIONERNOE
# OBSHCHESTVO, Adkrytae aktsyyanernae tavarystva) are found through the phonetic key.
_FORMS: dict[str, tuple[str, ...]] = {
    "OJSC": (
        "OJSC", "OAO", "AAT", "OJS", "open joint stock company", "open joint-stock company",
        "open stock company", "открытое акционерное общество", "адкрытае акцыянернае таварыства",
        "відкрите акціонерне товариство",
    ),
    "CJSC": (
        "CJSC", "ZAO", "ZAT", "closed joint stock company", "closed joint-stock company",
        "закрытое акционерное общество", "закрытае акцыянернае таварыства",
        "закрите акціонерне товариство",
    ),
    "PJSC": ("PJSC", "PAO", "public joint stock company", "публичное акционерное общество"),
    "JSC": (
        "JSC", "AO", "joint stock company", "joint-stock company", "акционерное общество",
        "акцыянернае таварыства", "акціонерне товариство", "акционерное общество открытого типа",
    ),
    "LLC": (
        "LLC", "OOO", "TAA", "TOV", "IOOO", "SOOO", "ZTAA", "limited liability company",
        "общество с ограниченной ответственностью", "таварыства з абмежаванай адказнасцю",
        "товариство з обмеженою відповідальністю",
        "иностранное общество с ограниченной ответственностью",
        "совместное общество с ограниченной ответственностью",
        "замежнае таварыства з абмежаванай адказнасцю",
        "сумеснае таварыства з абмежаванай адказнасцю",
    ),
    "ALC": ("ODO", "TDA", "общество с дополнительной ответственностью",
            "таварыства з дадатковай адказнасцю"),
    "SE": (
        "GP", "ГП", "государственное предприятие", "дзяржаўнае прадпрыемства", "state enterprise",
    ),
    "PA": ("OO", "общественное объединение", "грамадскае аб'яднанне", "public association"),
    # A person trading in their own name (ИП Андреев В.В.; ФОП in Ukraine).
    SOLE_PROPRIETOR: (
        "IP", "ИП", "ІП", "FOP", "ФОП", "individual entrepreneur", "sole proprietor",
        "индивидуальный предприниматель", "індывідуальны прадпрымальнік",
        "фізична особа підприємець",
    ),
    "UE": (
        "UE", "UP", "RUE", "RUP", "SUE", "PUP", "ChUP", "ChTUP", "ChPUP", "RPUP", "RVUP", "RDUP",
        "GUP", "FGUP", "MUP", "SFTUE", "FTUE", "GVTUP", "KUP", "KTUP", "IUP", "ChSUP", "NPUP",
        "RUPP", "unitary enterprise",
        "republican unitary enterprise", "state unitary enterprise", "private unitary enterprise",
        "republican subsidiary unitary enterprise", "production republican unitary enterprise",
        "state-owned foreign trade unitary enterprise", "state foreign trade unitary enterprise",
        "industrial-commercial private unitary enterprise", "унитарное предприятие",
        "республиканское унитарное предприятие", "республиканское дочернее унитарное предприятие",
        "частное унитарное предприятие", "частное производственно-торговое унитарное предприятие",
        "государственное унитарное предприятие",
        "производственное республиканское унитарное предприятие",
        "государственное внешнеторговое унитарное предприятие", "унітарнае прадпрыемства",
        "рэспубліканскае унітарнае прадпрыемства", "прыватнае унітарнае прадпрыемства",
        "дзяржаўнае знешнегандлёвае ўнітарнае прадпрыемства", "унітарне підприємство",
        "виробниче унітарне підприємство",
    ),
    "Ltd": (
        "Ltd", "limited", "co ltd", "company limited", "private limited company", "pte ltd",
        "pvt ltd", "youxian gongsi", "gufen youxian gongsi", "youxian zeren gongsi",
    ),
    "PLC": ("PLC", "public limited company"),
    "Inc": ("Inc", "incorporated", "corp", "corporation"),
    "GmbH": ("GmbH", "mbH", "AG", "KG"),
    "SA": ("SA", "SARL", "SAS", "SpA", "SRL", "BV", "NV"),
    "LŞ": ("limited sirketi", "ltd sti", "STI", "anonim sirketi"),
    "d.o.o.": ("DOO", "d o o", "SRO", "KFT", "sp z oo", "sp z o o", "Sp. z o.o."),
    "FZE": ("FZE", "FZCO", "FZC", "FZ LLC", "FZ-LLC"),
}  # fmt: skip

#: Phrase words of this length or more may differ by one edit of the key (OBSCHESTVO spellings).
_FUZZY_WORD_LEN = 6


@dataclass(frozen=True, slots=True)
class LegalForm:
    #: Canonical label ("OJSC").
    label: str
    #: The words as they stood in the name ("Адкрытае акцыянернае таварыства").
    text: str


def _compile() -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    abbreviations: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for label, spellings in [*_FORMS.items(), *CJK_FORMS.items()]:
        for spelling in spellings:
            tokens = tokenize(spelling)
            if len(tokens) == 1:
                # Short forms are compared on the readable Latin form: the phonetic key would
                # fold OOO and OAO into one.
                abbreviations[tokens[0].latin] = label
            else:
                keys = tuple(t.key for t in tokens)
                phrases.setdefault(keys[0], []).append((keys, label))
    for candidates in phrases.values():
        candidates.sort(key=lambda c: -len(c[0]))
    return abbreviations, phrases


_ABBREVIATIONS, _PHRASES = _compile()

# Words that qualify a legal form ("Republican", "Scientific Production", "частное торговое")
# and are part of it: a run of them around "unitary ... enterprise" or before another legal
# form is removed with it. Compared by stem, in English, Russian, Belarusian and Ukrainian.
_MODIFIERS = """
republican республиканское рэспубліканскае state государственное дзяржаўнае державне private
частное прыватнае приватне production производственное вытворчае виробниче trade торговое
гандлёвае foreign внешнеторговое знешнегандлёвае scientific научно навукова науково research
исследовательское даследчае дослідне commercial коммерческое камерцыйнае industrial
промышленное прамысловае subsidiary дочернее даччыннае communal коммунальное камунальнае
municipal муниципальное joint совместное сумеснае foreign-owned иностранное замежнае
innovative инновационное
"""
_UNITARY = "unitary унитарное унітарнае унітарне"
_ENTERPRISE = "enterprise предприятие прадпрыемства підприємство"


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(t.key) for t in tokenize(words))


_MODIFIER_STEMS = _stems(_MODIFIERS)
_UNITARY_STEMS = _stems(_UNITARY)
_ENTERPRISE_STEMS = _stems(_ENTERPRISE)
_RUN_STEMS = _MODIFIER_STEMS | _UNITARY_STEMS | _ENTERPRISE_STEMS


def _same_word(key: str, form_key: str) -> bool:
    if key == form_key:
        return True
    return len(form_key) >= _FUZZY_WORD_LEN and Levenshtein.distance(key, form_key) <= 1


def _unitary_run(tokens: list[Token], start: int) -> int:
    """Length of a unitary-enterprise form starting at `start`, modifiers in any order and
    place ("Unitarnoe chastnoe nauchno-proizvodstvennoe predpriyatie"); 0 when none."""
    seen: set[str] = set()
    end = start
    while end < len(tokens):
        word = stem(tokens[end].key)
        if word in _UNITARY_STEMS:
            seen.add("unitary")
        elif word in _ENTERPRISE_STEMS:
            seen.add("enterprise")
        elif word not in _MODIFIER_STEMS:
            break
        end += 1
    return end - start if seen == {"unitary", "enterprise"} else 0


def _phrase_at(tokens: list[Token], start: int) -> tuple[int, str] | None:
    """Length and label of the longest legal-form phrase starting at `start`."""
    if length := _unitary_run(tokens, start):
        return length, "UE"
    candidates = _PHRASES.get(tokens[start].key)
    if not candidates:
        return None
    for keys, label in candidates:
        end = start + len(keys)
        if end <= len(tokens) and all(
            _same_word(t.key, k) for t, k in zip(tokens[start:end], keys, strict=True)
        ):
            return len(keys), label
    return None


def split_legal_forms(tokens: list[Token]) -> tuple[list[Token], list[LegalForm]]:
    """Separate legal forms from the other tokens. A name that is nothing but legal forms has
    nothing left to compare."""
    return _scan(tokens)


def is_legal_form_abbreviation(word: str) -> bool:
    """One written word that is an abbreviated legal form (JSC, ОАО, UE)."""
    tokens = tokenize(word)
    return len(tokens) == 1 and tokens[0].latin in _ABBREVIATIONS


def is_only_legal_forms(tokens: list[Token]) -> bool:
    return bool(tokens) and not _scan(tokens)[0]


def _may_start(token: Token) -> bool:
    """Whether a legal form can start at this word (most words are ruled out by one lookup)."""
    return (
        token.key in _PHRASES
        or _abbreviation(token) in _ABBREVIATIONS
        or stem(token.key) in _RUN_STEMS
    )


def _names_sole_proprietor(tokens: list[Token]) -> bool:
    for i, token in enumerate(tokens):
        if _ABBREVIATIONS.get(token.latin) == SOLE_PROPRIETOR:
            return True
        found = _phrase_at(tokens, i) if token.key in _PHRASES else None
        if found is not None and found[1] == SOLE_PROPRIETOR:
            return True
    return False


def _abbreviation(token: Token) -> str:
    """The letters of a word as an abbreviation: initials ("a.o.") spell one too."""
    return token.latin.replace(INITIALS_MARK, "") if is_initials(token.key) else token.latin


def _scan(tokens: list[Token]) -> tuple[list[Token], list[LegalForm]]:
    if not any(_may_start(t) for t in tokens):
        return list(tokens), []
    # Two dotted letters after a word are a person's initials in the name of a sole
    # proprietor (ИП Белов С.А.), and a legal form anywhere else (Legmash A.O.).
    person = _names_sole_proprietor(tokens)
    kept: list[int] = []
    forms: list[LegalForm] = []
    i = 0
    while i < len(tokens):
        found = _phrase_at(tokens, i)
        letters = _abbreviation(tokens[i])
        if (
            found is None
            and letters in _ABBREVIATIONS
            and (letters == tokens[i].latin or not person)
        ):
            found = (1, _ABBREVIATIONS[letters])
        if found is None:
            kept.append(i)
            i += 1
            continue
        length, label = found
        first = i
        # Modifiers right before a spelt-out form belong to it ("Scientific Production Limited
        # Liability Company"); before an abbreviation they are the name's ("X Trading Ltd").
        while (
            length > 1
            and kept
            and kept[-1] == first - 1
            and stem(tokens[first - 1].key) in _MODIFIER_STEMS
        ):
            kept.pop()
            first -= 1
        forms.append(LegalForm(label, " ".join(t.text for t in tokens[first : i + length])))
        i += length
    return [tokens[k] for k in kept], forms
