"""Legal forms in English, Russian, Belarusian and Ukrainian, full and abbreviated, Cyrillic and
Latin (and those of China, Japan and Korea, from `scripts`): found in a token list, removed for
comparison and kept for the explanation.

Pure; imports only from `service.matching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from service.matching.normalize import INITIALS_MARK, Token, is_initials, tokenize
from service.matching.scripts import LEGAL_FORMS as CJK_FORMS
from service.matching.translations import stem
from service.matching.translit import phonetic_key

#: The label of the forms of a person trading in their own name.
SOLE_PROPRIETOR = "IE"
# label -> spellings. Cyrillic spellings are written as the lists print them; every spelling
# goes through the same tokenizer as names, so transliterated forms (OTKRYTOE AKTSIONERNOE
# OBSHCHESTVO, Adkrytae aktsyyanernae tavarystva) are found through the phonetic key.
_FORMS: dict[str, tuple[str, ...]] = {
    "OJSC": (
        "OJSC", "OAO", "AAT", "OJS", "VAT", "ВАТ", "open joint stock company",
        "open joint-stock company", "open stock company", "открытое акционерное общество",
        "адкрытае акцыянернае таварыства", "відкрите акціонерне товариство",
        "акціонерне товариство відкритого типу", "акционерное общество открытого типа",
    ),
    "CJSC": (
        "CJSC", "ZAO", "ZAT", "closed joint stock company", "closed joint-stock company",
        "закрытое акционерное общество", "закрытае акцыянернае таварыства",
        "закрите акціонерне товариство",
    ),
    "PJSC": (
        "PJSC", "PAO", "PAT", "ПАТ", "public joint stock company", "публичное акционерное общество",
        "публічне акціонерне товариство", "публічнае акцыянернае таварыства",
    ),
    # Ukraine's private joint-stock company (ПрАТ) and Russia's non-public one (НАО) are the
    # closed companies of other laws.
    "PrJSC": (
        "PrJSC", "PrAT", "ПрАТ", "NAO", "НАО", "private joint stock company",
        "приватне акціонерне товариство", "непубличное акционерное общество",
    ),
    "JSC": (
        "JSC", "AO", "АТ", "АТ", "DAT", "ДАТ", "NAK", "НАК", "AKB", "АКБ", "JSCB",
        "joint stock company", "joint-stock company", "joint stock commercial bank",
        "акционерное общество", "акцыянернае таварыства", "акціонерне товариство",
        "державне акціонерне товариство", "національна акціонерна компанія",
        "акционерный коммерческий банк", "aktiengesellschaft", "aktien gesellschaft", "akt ges",
        "spolka akcyjna", "spółka akcyjna", "akciova spolecnost", "akciová společnost",
        "akciová spoločnosť", "a s", "akcine bendrove", "akcinė bendrovė", "aktsiaselts",
        "aktieselskab", "aktiebolag", "aksjeselskap", "allmennaksjeselskap", "osakeyhtiö",
        "osakeyhtio", "oyj", "julkinen osakeyhtiö", "anonim sirketi", "anonim şirketi",
        "anonim ortaklik", "sociedad anonima", "sociedad anónima", "sociedade anonima",
        "sociedade anônima", "société anonyme", "societe anonyme", "società per azioni",
        "societa per azioni", "naamloze vennootschap", "societate pe actiuni",
        "részvénytársaság", "reszvenytarsasag", "Zrt", "Nyrt", "Rt", "ASA", "ЕАД", "АД", "d d",
        "a d", "dioničko društvo", "akcionarsko društvo", "perseroan terbatas", "tbk",
        "kabushiki kaisha", "jusik hoesa", "societas europaea",
    ),
    "LLC": (
        "LLC", "OOO", "TAA", "TOV", "TZOV", "ТЗОВ", "IOOO", "SOOO", "ZTAA", "WLL", "DMCC",
        "limited liability company", "with limited liability",
        "товариство з обмеженою відповідальністю",
        "gesellschaft mit beschränkter haftung", "gesellschaft mit beschraenkter haftung",
        "UG", "unternehmergesellschaft", "spolka z ograniczona odpowiedzialnoscia",
        "spółka z ograniczoną odpowiedzialnością", "spolka z o o", "spółka z o o",
        "spol s r o", "společnost s ručením omezeným", "spolocnost s rucenim obmedzenym",
        "UAB", "uždaroji akcinė bendrovė", "uzdaroji akcine bendrove", "SIA",
        "sabiedrība ar ierobežotu atbildību", "OÜ", "osaühing", "ApS", "anpartsselskab",
        "BVBA", "besloten vennootschap", "EURL", "SASU", "société à responsabilité limitée",
        "societe a responsabilite limitee", "société par actions simplifiée",
        "società a responsabilità limitata", "societa a responsabilita limitata", "SRLS",
        "sociedad limitada", "sociedad de responsabilidad limitada", "SL", "SLU", "Ltda",
        "Lda", "limitada", "sociedade limitada", "EIRELI", "EIRL",
        "societate cu raspundere limitata",
        "societate cu răspundere limitată", "korlátolt felelősségű társaság", "Kft",
        "ЕООД", "ООД", "EOOD", "OOD", "д о о", "доо", "TOO", "ТОО", "MChJ", "МЧЖ",
        "товарищество с ограниченной ответственностью", "limited sirket", "limited şirket",
        "yugen kaisha", "godo kaisha", "Sdn Bhd", "sendirian berhad", "Bhd", "berhad",
        "общество с ограниченной ответственностью", "таварыства з абмежаванай адказнасцю",
        "товариство з обмеженою відповідальністю",
        "иностранное общество с ограниченной ответственностью",
        "совместное общество с ограниченной ответственностью",
        "замежнае таварыства з абмежаванай адказнасцю",
        "сумеснае таварыства з абмежаванай адказнасцю",
    ),
    "ALC": ("ODO", "TDA", "TDV", "ТДВ", "общество с дополнительной ответственностью",
            "таварыства з дадатковай адказнасцю", "товариство з додатковою відповідальністю"),
    "SE": (
        "GP", "ГП", "DP", "ДП", "KP", "КП", "государственное предприятие",
        "дзяржаўнае прадпрыемства", "state enterprise", "державне підприємство",
        "дочірнє підприємство", "дочернее предприятие", "казенне підприємство",
        "комунальне підприємство", "коммунальное предприятие", "казенное предприятие",
        "federal state unitary enterprise", "state-owned enterprise",
    ),
    # A private enterprise (Ukraine's ПП) and a partnership's forms elsewhere.
    "PE": ("PP", "ПП", "приватне підприємство", "частное предприятие", "private enterprise"),
    "LLP": (
        "LLP", "LP", "LLLP", "limited liability partnership", "limited partnership", "KG", "KGaA",
        "OHG", "GbR", "kommanditgesellschaft", "kommanditgesellschaft auf aktien", "SNC",
        "SCS", "société en nom collectif", "sp k", "sp j", "spółka komandytowa", "spółka jawna",
        "VOF", "CV", "vennootschap onder firma", "handelsbolag", "kommanditbolag",
        "Bt", "Kkt", "s n c", "s a s",
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
        "pvt ltd", "pvt", "private limited", "pty ltd", "pty limited", "proprietary limited",
        "p ltd", "youxian gongsi", "gufen youxian gongsi", "youxian zeren gongsi", "lltd",
        "limited company", "ltd co", "co limited",
    ),
    "PLC": ("PLC", "public limited company"),
    "Inc": ("Inc", "incorporated", "corp", "corporation"),
    "GmbH": ("GmbH", "mbH", "AG", "KG", "gmbh co kg", "gmbh und co kg", "ag co kg"),
    "SA": (
        "SA", "SARL", "SAS", "SpA", "SRL", "BV", "NV", "SAPA", "SAS", "SA de CV", "SAdeCV",
        "S de RL de CV", "SA de RL", "SAC", "SAA", "SAU", "SAIC", "SACI", "SACIF", "SAE",
        "sociedad anonima de capital variable", "sociedad anónima de capital variable",
        "SAPI de CV", "SCA", "SCpA",
    ),
    "LŞ": ("limited sirketi", "ltd sti", "STI", "anonim sirketi", "AŞ", "ltd şti", "şti"),
    "d.o.o.": (
        "DOO", "d o o", "SRO", "KFT", "sp z oo", "sp z o o", "Sp. z o.o.", "spzoo", "sp zoo",
        "s r o",
    ),
    "FZE": (
        "FZE", "FZCO", "FZC", "FZ LLC", "FZ-LLC", "free zone establishment", "free zone company",
    ),
}  # fmt: skip

#: Phrase words of this length or more may differ by one edit of the key (OBSCHESTVO spellings).
_FUZZY_WORD_LEN = 6
#: Short forms that are words or name parts elsewhere (AT, VAT, PP, LP, SL, KB...): legal forms
#: only at an edge of the name, first or among the forms that end it ("Motor Sich AT", "AT
#: Motor Sich"), never inside it ("Bright PP Trading" keeps its PP).
_EDGE_ONLY = frozenset(
    "at vat pat dat nak dp kp pp lp sl slu cv ad dd rt bt ug sac saa sau sae sia uab too "
    "asa tbk sca pvt akb sas".split()
)


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
    return len(form_key) >= _FUZZY_WORD_LEN - 1 and Levenshtein.distance(key, form_key) <= 1


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


def _first_words() -> dict[str, list[str]]:
    """Each one-letter deletion of the long first words of the phrases -> those words: a first
    word misspelt by one edit ("Climited liability company") is found by its deletions."""
    table: dict[str, list[str]] = {}
    for key in _PHRASES:
        if len(key) >= _FUZZY_WORD_LEN:
            for variant in {key, *_deletions(key)}:
                table.setdefault(variant, []).append(key)
    return table


def _deletions(key: str) -> list[str]:
    return [key[:i] + key[i + 1 :] for i in range(len(key))]


_FIRST_WORDS = _first_words()


@lru_cache(maxsize=100_000)
def _phrases_from(key: str) -> list[tuple[tuple[str, ...], str]]:
    """The phrases that may start with this word: its own, or those of a first word one edit
    away (its deletions meet theirs)."""
    found = _PHRASES.get(key)
    if found is not None or len(key) < _FUZZY_WORD_LEN - 1:
        return found or []
    near: dict[str, None] = {}
    for variant in (key, *_deletions(key)):
        for first in _FIRST_WORDS.get(variant, ()):
            near.setdefault(first, None)
    return [
        phrase
        for first in near
        if Levenshtein.distance(key, first) <= 1
        for phrase in _PHRASES[first]
    ]


def _phrase_at(tokens: list[Token], start: int) -> tuple[int, str] | None:
    """Length and label of the longest legal-form phrase starting at `start`."""
    if length := _unitary_run(tokens, start):
        return length, "UE"
    candidates = _phrases_from(_phrase_key(tokens[start]))
    if not candidates:
        return None
    for keys, label in candidates:
        end = start + len(keys)
        if end <= len(tokens) and all(
            _same_word(_phrase_key(t), k) for t, k in zip(tokens[start:end], keys, strict=True)
        ):
            return len(keys), label
    return None


def _phrase_key(token: Token) -> str:
    """A word's key as a phrase of legal forms spells it: dotted letters taken for a person's
    initials ("Norte S.A. de C.V.") are the letters of an abbreviation there."""
    if is_initials(token.key):
        return phonetic_key(_abbreviation(token))
    return token.key


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
    key = _phrase_key(token)
    return (
        key in _PHRASES
        or (len(key) >= _FUZZY_WORD_LEN - 1 and bool(_phrases_from(key)))
        or _abbreviation(token) in _ABBREVIATIONS
        or stem(token.key) in _RUN_STEMS
    )


def _names_sole_proprietor(tokens: list[Token], may: list[bool]) -> bool:
    for i, token in enumerate(tokens):
        if _ABBREVIATIONS.get(token.latin) == SOLE_PROPRIETOR:
            return True
        found = _phrase_at(tokens, i) if may[i] and token.key in _PHRASES else None
        if found is not None and found[1] == SOLE_PROPRIETOR:
            return True
    return False


def _abbreviation(token: Token) -> str:
    """The letters of a word as an abbreviation: initials ("a.o.") spell one too."""
    return token.latin.replace(INITIALS_MARK, "") if is_initials(token.key) else token.latin


def _long_abbreviations() -> dict[str, list[str]]:
    """Each one-letter deletion of the one-word forms long enough to be found misspelt by one
    edit -> those forms (as `_first_words` for phrases)."""
    table: dict[str, list[str]] = {}
    for abbreviation in _ABBREVIATIONS:
        if len(abbreviation) >= _FUZZY_WORD_LEN:
            for variant in {abbreviation, *_deletions(abbreviation)}:
                table.setdefault(variant, []).append(abbreviation)
    return table


_LONG_ABBREVIATIONS = _long_abbreviations()


@lru_cache(maxsize=100_000)
def _near_abbreviation(letters: str) -> str | None:
    """The label of a long one-word form one edit from these letters (LMIITED), or None."""
    for variant in (letters, *_deletions(letters)):
        for abbreviation in _LONG_ABBREVIATIONS.get(variant, ()):
            if OSA.distance(letters, abbreviation) <= 1:
                return _ABBREVIATIONS[abbreviation]
    return None


def _at_edge(tokens: list[Token], i: int) -> bool:
    """The word starts the name, or every word after it is an abbreviated legal form."""
    return i == 0 or all(_abbreviation(t) in _ABBREVIATIONS for t in tokens[i + 1 :])


def _scan(tokens: list[Token]) -> tuple[list[Token], list[LegalForm]]:
    # No phrase starts at a word that `_may_start` rules out.
    may = [_may_start(t) for t in tokens]
    if not any(may):
        return list(tokens), []
    # Two dotted letters after a word are a person's initials in the name of a sole
    # proprietor (ИП Белов С.А.), and a legal form anywhere else (Legmash A.O.).
    person = _names_sole_proprietor(tokens, may)
    kept: list[int] = []
    forms: list[LegalForm] = []
    i = 0
    while i < len(tokens):
        found = _phrase_at(tokens, i) if may[i] else None
        letters = _abbreviation(tokens[i])
        if (
            found is None
            and letters in _ABBREVIATIONS
            and (letters == tokens[i].latin or not person)
            and (letters not in _EDGE_ONLY or _at_edge(tokens, i))
        ):
            found = (1, _ABBREVIATIONS[letters])
        elif found is None and len(letters) >= _FUZZY_WORD_LEN:
            # A long one-word form misspelt by one edit (LMIITED, Corporatoin).
            label = _near_abbreviation(letters)
            if label is not None:
                found = (1, label)
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
