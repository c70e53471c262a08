"""Latin readings of words in other scripts, sound by sound, each sound with the spellings it
may stand for in a name (the usual first): katakana and hiragana, hangul, Greek and Arabic by
tables of ours, every other script by anyascii.

Pure; imports only anyascii.
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii


def sounds(word: str) -> list[tuple[str, ...]]:
    """A word as a sequence of choices: per sound, its Latin spellings, the usual first."""
    found: list[tuple[str, ...]] = []
    i = 0
    while i < len(word):
        char = word[i]
        if char.isascii():
            found.append((char,))
            i += 1
        elif "\u3041" <= char <= "\u30ff":
            i = _kana(word, i, found)
        elif "\uac00" <= char <= "\ud7a3":
            _hangul(word, i, found)
            i += 1
        elif "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff":
            i = _greek(word, i, found)
        elif "\u0600" <= char <= "\u06ff":
            found.append(_ARABIC.get(char, ("",)))
            i += 1
        else:
            found.append((anyascii(char).lower(),))
            i += 1
    return found


# Katakana (hiragana are read as katakana) as consonant and vowel; a small kana after one
# changes its vowel (ファ fa, ティ ti) or adds a y (キャ kya). Loanwords drop the vowels that
# Japanese adds after a final or doubled consonant (ミンスク Minsk, ペレング Peleng, トランス
# trans), and ラ行 stands for both r and l: these are the choices of a reading.
_KANA_SOUNDS = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku",
    "ケ": "ke", "コ": "ko", "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so", "ザ": "za", "ジ": "zhi",
    "ズ": "zu", "ゼ": "ze", "ゾ": "zo", "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te",
    "ト": "to", "ダ": "da", "ヂ": "zhi", "ヅ": "zu", "デ": "de", "ド": "do", "ナ": "na",
    "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no", "ハ": "ha", "ヒ": "hi", "フ": "fu",
    "ヘ": "he", "ホ": "ho", "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po", "マ": "ma", "ミ": "mi",
    "ム": "mu", "メ": "me", "モ": "mo", "ヤ": "ya", "ユ": "yu", "ヨ": "yo", "ラ": "ra",
    "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro", "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o",
    "ヴ": "vu", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "ya", "ュ": "yu",
    "ョ": "yo", "ヮ": "wa", "ヵ": "ka", "ヶ": "ke",
}  # fmt: skip
_SMALL_VOWELS = "ァィゥェォ"
_SMALL_Y = "ャュョ"
# Other spellings of a consonant in names that came from Russian, Belarusian or English.
_KANA_CONSONANTS: dict[str, tuple[str, ...]] = {
    "r": ("r", "l"), "b": ("b", "v"), "sh": ("sh", "s"), "ch": ("ch", "ts", "t"),
    "zh": ("zh", "j", "g", "z"), "ts": ("ts", "t"), "f": ("f", "v", "h"), "h": ("h", "kh", "g"),
    "w": ("v", "w"),
}  # fmt: skip
# Vowels Japanese adds after a consonant that ends a syllable in the source word: u and o before
# another consonant or at the end, i at the end (a soft consonant: ゴメリ Gomel', ベラルーシ).
_ADDED_VOWELS: dict[str, frozenset[str]] = {
    "u": frozenset("k g s z b p f m r n v ts".split()),
    "o": frozenset(("t", "d")),
    "i": frozenset(("sh", "ch", "zh", "r", "n")),
}


def _kana(word: str, i: int, slots: list[tuple[str, ...]]) -> int:
    char = _katakana(word[i])
    i += 1
    if char == "ー":  # a long vowel, or an r after it (サービス service, ポート port)
        slots.append(("", "r"))
        return i
    if char == "ッ":  # doubles the next consonant: one letter in the key
        return i
    if char == "ン":
        slots.append(("n",))
        return i
    sound = _KANA_SOUNDS.get(char) or anyascii(char).lower()
    nxt = _katakana(word[i]) if i < len(word) else ""
    if nxt and nxt in _SMALL_VOWELS and len(sound) > 1:
        sound = sound[:-1] + _KANA_SOUNDS[nxt]  # ファ fa, ティ ti, シェ she
        i += 1
    elif nxt and nxt in _SMALL_Y and len(sound) > 1 and sound.endswith("i"):
        consonant = sound[:-1]  # キャ kya, シャ sha
        vowel = _KANA_SOUNDS[nxt][1:]
        sound = consonant + vowel if consonant in ("sh", "ch", "zh") else consonant + "y" + vowel
        i += 1
    consonant, vowel = _split_sound(sound)
    if consonant:
        slots.append(_KANA_CONSONANTS.get(consonant, (consonant,)))
    if vowel:
        following = _katakana(word[i]) if i < len(word) else ""
        added = consonant in _ADDED_VOWELS.get(vowel, frozenset())
        if added and (not following or (vowel != "i" and _starts_consonant(following))):
            slots.append(("", vowel))
        elif added and vowel != "i" and following != "ー":  # maybe a compound: トランス|アヴィア
            slots.append((vowel, ""))
        else:
            slots.append((vowel,))
    return i


def _katakana(char: str) -> str:
    """Hiragana as katakana."""
    return chr(ord(char) + 0x60) if "\u3041" <= char <= "\u3096" else char


def _split_sound(sound: str) -> tuple[str, str]:
    for cut in range(len(sound)):
        if sound[cut] in "aeiou":
            return sound[:cut], sound[cut:]
    return sound, ""


def _starts_consonant(char: str) -> bool:
    if char in "ンッ":
        return True
    sound = _KANA_SOUNDS.get(char, "")
    return bool(sound) and sound[0] not in "aeiou" and char not in _SMALL_VOWELS + _SMALL_Y


# Hangul by the Revised Romanization of Korean: initial, vowel, final of each syllable. Korean
# writes foreign names with ㄹ for both r and l, ㅂ and ㅍ for v and f, and adds ㅡ (eu) after a
# consonant that ends a syllable in the source word (스 s, 크 k).
_INITIALS = [
    ("g",), ("kk",), ("n",), ("d",), ("tt",), ("r", "l"), ("m",), ("b", "v"), ("pp",), ("s",),
    ("ss",), ("",), ("j", "z", "zh"), ("jj",), ("ch", "ts"), ("k",), ("t",), ("p", "f"),
    ("h", "kh"),
]  # fmt: skip
_VOWELS = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "eu", "ui", "i",
]  # fmt: skip
_FINALS = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
]  # fmt: skip
_EU = 18
_EO = 4
_RIEUL = 5
_HANGUL_BASE = 0xAC00


def _hangul(word: str, i: int, slots: list[tuple[str, ...]]) -> None:
    code = ord(word[i]) - _HANGUL_BASE
    initial, vowel, final = code // 588, code % 588 // 28, code % 28
    if initial == _RIEUL and i > 0 and _final(word[i - 1]) == "l":  # ㄹㄹ: ll
        slots.append(("l",))
    else:
        slots.append(_INITIALS[initial])
    if vowel == _EU and not final and i > 0:
        slots.append(("", "eu"))
    elif vowel == _EO:
        slots.append(("eo", "o", "e"))
    else:
        slots.append((_VOWELS[vowel],))
    if final:
        slots.append((_FINALS[final],))


def _final(char: str) -> str:
    if not "\uac00" <= char <= "\ud7a3":
        return ""
    return _FINALS[(ord(char) - _HANGUL_BASE) % 28]


# Greek by ELOT 743 (the romanisation of Greek passports), with the pairs Greek uses for the
# sounds it has no letter for in foreign names (μπ b, ντ d, γκ g).
_GREEK_PAIRS = {
    "μπ": ("b", "mp"), "ντ": ("d", "nt"), "γκ": ("g", "ng"), "γγ": ("ng",), "γχ": ("nkh",),
    "ου": ("u", "ou"), "αι": ("e", "ai"), "ει": ("i",), "οι": ("i",), "υι": ("i",),
    "αυ": ("av", "af"), "ευ": ("ev", "ef"), "ηυ": ("iv", "if"), "τσ": ("ts",), "τζ": ("dz", "tz"),
}  # fmt: skip
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "ks", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "kh", "ψ": "ps", "ω": "o", "ϊ": "i", "ϋ": "y",
}  # fmt: skip


def _greek(word: str, i: int, slots: list[tuple[str, ...]]) -> int:
    pair = _bare_greek(word[i : i + 2])
    if pair in _GREEK_PAIRS:
        slots.append(_GREEK_PAIRS[pair])
        return i + 2
    letter = pair[:1]
    slots.append((_GREEK.get(letter, anyascii(letter).lower()),))
    return i + 1


def _bare_greek(text: str) -> str:
    """Greek letters without their accents (ά α, ΐ ϊ kept apart from ι only by the diaeresis)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0308")


# Arabic and Persian letters. Short vowels are rarely written: the reading has the consonants
# and long vowels, and a letter that stands for several sounds in foreign names (و v/u/o, ي
# i/y/e, ب b/p, ف f/v, ج j/g/zh) offers each.
_ARABIC: dict[str, tuple[str, ...]] = {
    "ا": ("a",), "أ": ("a",), "إ": ("i",), "آ": ("a",), "ٱ": ("a",), "ء": ("",), "ؤ": ("",),
    "ئ": ("",), "ب": ("b", "p"), "ت": ("t",), "ث": ("s", "th"), "ج": ("j", "g", "zh"),
    "ح": ("h", "kh"), "خ": ("kh", "h"), "د": ("d",), "ذ": ("z", "dh"), "ر": ("r",), "ز": ("z",),
    "س": ("s",), "ش": ("sh",), "ص": ("s",), "ض": ("d",), "ط": ("t",), "ظ": ("z",), "ع": ("",),
    "غ": ("g", "gh"), "ف": ("f", "v"), "ق": ("k", "q"), "ك": ("k",), "ک": ("k",), "ل": ("l",),
    "م": ("m",), "ن": ("n",), "ه": ("h", "", "e"), "ة": ("a",), "و": ("v", "u", "o", "w"),
    "ي": ("i", "y", "e"), "ی": ("i", "y", "e"), "ى": ("a",), "پ": ("p",), "چ": ("ch",),
    "ژ": ("zh",), "گ": ("g",), "\u064e": ("a",), "\u064f": ("u",), "\u0650": ("i",),
    "\u064b": ("an",), "\u064c": ("un",), "\u064d": ("in",), "\u0651": ("",), "\u0652": ("",),
    "\u0640": ("",),
}  # fmt: skip
