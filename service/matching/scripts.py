"""Names in scripts other than Latin and Cyrillic: runs of Chinese, Japanese and Korean cut into
words (Han as overlapping pairs of characters, kana and hangul runs whole, company forms such as
株式会社 split off wherever they stand), and each word's readings in Latin letters.

Pure; imports only from `service.matching` and anyascii.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator

from anyascii import anyascii

from service.matching.romanize import sounds

#: Readings of one word tried against the watchlist's vocabulary, at most (see `readings`).
MAX_READINGS = 256

# Han (CJK ideographs, the iteration mark 々, the closing mark 〆), kana (hiragana, katakana and
# the prolonged sound mark ー) and hangul (syllables and jamo). Half-width katakana are folded to
# full width by NFKC before this runs.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005-\u3007"
_KANA = "\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe"
_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e"
_CJK_RE = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]")
_RUN_RE = re.compile(f"([{_HAN}]+)|([{_KANA}]+)|([{_HANGUL}]+)")
# Letters of the scripts read here: everything above Latin (with IPA and spacing modifiers) but
# Cyrillic, Latin Extended Additional and the general punctuation and symbols.
_READ_RE = re.compile(
    "[\u0370-\u03ff\u0530-\u1dff\u1f00-\u1fff\u2c00-\u2dff\u2e80-\ua63f\ua6a0-\ua71f"
    "\ua800-\uabff\uac00-\ud7ff\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufefc\U00010000-\U0003ffff]"
)

#: Company forms of Chinese, Japanese and Korean as written (glued to the name, before or after
#: it): label (as in legal_forms) and romanisation. The one-character forms stand for the
#: bracketed ones, (株), ㈱, (주): a word of their own once the brackets are gone.
_CJK_FORMS: dict[str, tuple[str, str]] = {
    "株式会社": ("JSC", "kabushikikaisha"), "株": ("JSC", "kabushikikaisha"),
    "주식회사": ("JSC", "jusikhoesa"), "주": ("JSC", "jusikhoesa"),
    "股份有限公司": ("JSC", "gufenyouxiangongsi"), "股份公司": ("JSC", "gufengongsi"),
    "有限公司": ("Ltd", "youxiangongsi"), "有限责任公司": ("Ltd", "youxianzerengongsi"),
    "有限責任公司": ("Ltd", "youxianzerengongsi"), "有限会社": ("Ltd", "yugenkaisha"),
    "有": ("Ltd", "yugenkaisha"), "유한회사": ("Ltd", "yuhanhoesa"), "유": ("Ltd", "yuhanhoesa"),
    "合同会社": ("LLC", "godokaisha"), "合": ("LLC", "godokaisha"),
    "유한책임회사": ("LLC", "yuhanchaegimhoesa"),
    "公司": ("Co", "gongsi"), "会社": ("Co", "kaisha"),
    "合資会社": ("LP", "goshikaisha"), "合名会社": ("LP", "gomeikaisha"),
    "합자회사": ("LP", "hapjahoesa"), "합명회사": ("LP", "hapmyeonghoesa"),
    "一般社団法人": ("NPO", "ippanshadanhojin"), "一般財団法人": ("NPO", "ippanzaidanhojin"),
    "公益社団法人": ("NPO", "koekishadanhojin"), "公益財団法人": ("NPO", "koekizaidanhojin"),
    "独立行政法人": ("NPO", "dokuritsugyoseihojin"), "재단법인": ("NPO", "jaedanbeobin"),
    "사단법인": ("NPO", "sadanbeobin"),
    # How Japan's list renders Belarusian unitary enterprises (純国営: wholly state-owned).
    "純国営対外貿易企業": ("UE", "junkokueitaigaiboekikigyo"),
    "純国営製造企業": ("UE", "junkokueiseizokigyo"),
    "純民営製造販売企業": ("UE", "junmineiseizohanbaikigyo"),
    "研究開発製造企業": ("UE", "kenkyukaihatsuseizokigyo"),
}  # fmt: skip
#: The forms above and their romanisations written as words, for legal_forms' table.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "JSC": ("kabushiki kaisha", "kabushiki gaisha", "jusik hoesa", "chusik hoesa"),
    "Ltd": ("yugen kaisha", "yuhan hoesa"),
    "LLC": ("godo kaisha",),
    "LP": ("goshi kaisha", "gomei kaisha"),
}
for _form, (_label, _) in _CJK_FORMS.items():
    LEGAL_FORMS[_label] = (*LEGAL_FORMS.get(_label, ()), _form)
# Longest first, so that 股份有限公司 is not read as 股份 + 有限公司.
_FORMS_BY_FIRST: dict[str, list[str]] = {}
for _form in sorted(_CJK_FORMS, key=len, reverse=True):
    if len(_form) > 1:
        _FORMS_BY_FIRST.setdefault(_form[0], []).append(_form)

# Katakana words that end a compound as a word of their own (アガトシステム is Agat System),
# with the Latin spellings lists use for them, the usual one first.
_LOANWORDS: dict[str, tuple[str, ...]] = {
    "サービス": ("service", "servis"),
    "システム": ("system", "sistem"),
    "システムズ": ("systems",),
    "ホールディング": ("holding",),
    "ホールディングス": ("holdings",),
    "エンジニアリング": ("engineering",),
    "テクノロジー": ("technology", "tekhnologii"),
    "テクノロジーズ": ("technologies",),
    "テック": ("tech", "tek"),
    "グループ": ("group", "grupp"),
    "インターナショナル": ("international",),
    "トレーディング": ("trading",),
    "カンパニー": ("company", "kompaniya"),
    "コーポレーション": ("corporation",),
    "エレクトロニクス": ("electronics",),
    "インダストリーズ": ("industries",),
    "センター": ("center", "centre", "tsentr"),
    "バンク": ("bank",),
    "モーターズ": ("motors",),
    "エアラインズ": ("airlines",),
    "ロジスティクス": ("logistics",),
    "ソリューションズ": ("solutions",),
    "マネージング": ("managing",),
    "マネジメント": ("management",),
    "レーダー": ("radar",),
    "オート": ("auto", "avto"),
    "アルファ": ("alpha", "alfa"),
    "ベラルーシ": ("belarus",),
    "ロシア": ("russia",),
    "ミンスク": ("minsk",),
    "ゴメリ": ("gomel", "homel"),
    "ブレスト": ("brest",),
    "グロドノ": ("grodno", "hrodna"),
    "モギリョフ": ("mogilev", "mahilyow"),
    "ヴィテプスク": ("vitebsk", "viciebsk"),
}  # fmt: skip
#: A katakana word is split before a loanword only if this many kana stay before it.
_MIN_STEM_KANA = 2


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def is_read(word: str) -> bool:
    """A word written in a script read here (not Latin, not Cyrillic). A word that mixes Latin
    letters with look-alikes of another script (ΖΑVΟD) is a disguise, not a word of that
    script: `normalize.visual_reading` reads it, and says so."""
    return (
        not word.isascii()
        and _READ_RE.search(word) is not None
        and not any(c.isascii() and c.isalpha() for c in word)
    )


def split_cjk(text: str) -> str:
    """Text with spaces around its CJK words: runs of another script cut off, company forms cut
    out wherever they stand, Han runs as overlapping pairs of characters (a word of Chinese or
    Japanese is mostly two or more characters, and pairs keep their order: 中国航天三江 and
    中国航天科工 share the pairs of 中国航天 only)."""
    if not has_cjk(text):
        return text
    return _RUN_RE.sub(_split_run, text)


def _split_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if match.group(2) is not None:
        return f" {_split_kana(run)} "
    if run in _CJK_FORMS:
        return f" {run} "
    pieces = _cut_forms(run)
    if match.group(1) is not None:
        pieces = [p if p in _CJK_FORMS else _pairs(p) for p in pieces]
    return " " + " ".join(pieces) + " "


def _cut_forms(run: str) -> list[str]:
    pieces: list[str] = []
    start = i = 0
    while i < len(run):
        form = next((f for f in _FORMS_BY_FIRST.get(run[i], ()) if run.startswith(f, i)), None)
        if form is None:
            i += 1
            continue
        if i > start:
            pieces.append(run[start:i])
        pieces.append(form)
        i += len(form)
        start = i
    if start < len(run):
        pieces.append(run[start:])
    return pieces


def _pairs(run: str) -> str:
    if len(run) < 3:
        return run
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))


def _split_kana(run: str) -> str:
    for size in range(min(len(run) - _MIN_STEM_KANA, 9), 1, -1):
        if run[-size:] in _LOANWORDS:
            return f"{_split_kana(run[:-size])} {run[-size:]}"
    return run


def read_latin(word: str) -> str:
    """The usual Latin reading of a case-folded word (lower-case ASCII)."""
    return "".join(options[0] for options in _slots(word))


def readings(word: str) -> Iterator[str]:
    """Other Latin spellings the word may stand for, nearest to the usual one first (a katakana
    ラ may be r or l, a final ク a k with no vowel, an Arabic ب a b or a p): at most
    MAX_READINGS, the usual reading excluded."""
    sounds = _slots(word)
    choices = [i for i, options in enumerate(sounds) if len(options) > 1]
    made = 0
    for changed in range(1, len(choices) + 1):
        for where in itertools.combinations(choices, changed):
            for picks in itertools.product(*(sounds[i][1:] for i in where)):
                spelling = [options[0] for options in sounds]
                for i, pick in zip(where, picks, strict=True):
                    spelling[i] = pick
                yield "".join(spelling)
                made += 1
                if made >= MAX_READINGS:
                    return


def _slots(word: str) -> list[tuple[str, ...]]:
    if word in _CJK_FORMS:
        return [(_CJK_FORMS[word][1],)]
    if word in _LOANWORDS:
        return [_LOANWORDS[word]]
    return sounds(word)


_WORD_RE = re.compile(r"[^\W\d_]+")
_SPACES_RE = re.compile(" {2,}")


def reread(text: str, choose: Callable[[str], str | None]) -> str | None:
    """The text with each word of a script read here that has several readings replaced by the
    one `choose` picks (the spelling a watchlist uses), None when no word changes."""
    if text.isascii() or _READ_RE.search(text) is None:
        return None
    text = unicodedata.normalize("NFKC", text)
    changed = False

    def reread_word(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0)
        if _READ_RE.search(word) is None:
            return word
        words = []
        for piece in split_cjk(word).split():
            chosen = choose(piece.casefold()) if is_read(piece) else None
            changed = changed or chosen is not None
            words.append(piece if chosen is None else chosen)
        return " " + " ".join(words) + " "

    read = _WORD_RE.sub(reread_word, text)
    return _SPACES_RE.sub(" ", read).strip() if changed else None


def syllables(text: str) -> str | None:
    """A Chinese name (Han, no kana) with its characters read one by one in pinyin (中国航天 zhong
    guo hang tian), company forms kept: lists that romanise Chinese names join the syllables of
    a word (Zhongguo Hangtian), and two syllables read as one word meet them."""
    if not has_cjk(text) or re.search(f"[{_KANA}{_HANGUL}]", text):
        return None
    text = unicodedata.normalize("NFKC", text)
    if re.search(f"[{_HAN}]", text) is None:
        return None

    def spell(match: re.Match[str]) -> str:
        pieces = _cut_forms(match.group(0))
        read = [p if p in _CJK_FORMS else " ".join(anyascii(c).lower() for c in p) for p in pieces]
        return " " + " ".join(read) + " "

    return " ".join(re.sub(f"[{_HAN}]+", spell, text).split())
