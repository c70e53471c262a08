"""A synthetic watchlist of company names for scale benchmarks: realistic shapes (legal forms,
generic words, places, plant numbers, Latin and Cyrillic), deterministic for a given seed.

Run: python bench/synthetic.py 1000000 -o bench/out/synthetic-1m.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

_ONSETS = "b v g d zh z k l m n p r s t f kh ts ch sh br gr kr pr st tr vl dr sl sm zn".split()
_VOWELS = "a o e i u y ia io".split()
_CODAS = ["", "", "n", "m", "r", "l", "s", "k", "t", "sk", "nt", "rd", "v"]
_GENERIC = (
    "plant works factory zavod holding group company trading systems technologies engineering "
    "industries logistics service production association enterprise bank electronics optics "
    "machinery metal steel oil chemical agro invest export import design bureau institute"
).split()
_PLACES = (
    "Minsk Brest Gomel Grodno Vitebsk Mogilev Orsha Borisov Pinsk Moscow Kazan Tula Riga Vilnius "
    "Almaty Tashkent Dubai Istanbul Shanghai Shenzhen Hamburg Warsaw"
).split()
_FORMS = "OJSC CJSC JSC LLC OOO ZAO OAO UE RUE Ltd GmbH ТАА ААТ ООО ОАО УП".split()
_CYRILLIC = str.maketrans(
    {"a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "k": "к",
     "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
     "f": "ф", "y": "ы"}
)  # fmt: skip


def _word(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3, 3, 4))
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    ).capitalize()


def names(count: int, seed: int = 7) -> Iterator[str]:
    rng = random.Random(seed)
    # A vocabulary of brand words, drawn with a skew: some are common, most are rare.
    vocabulary = [_word(rng) for _ in range(max(count // 4, 1000))]
    for _ in range(count):
        words = [vocabulary[int(len(vocabulary) * rng.random() ** 1.5)]]
        if rng.random() < 0.4:
            words.append(vocabulary[int(len(vocabulary) * rng.random() ** 1.5)])
        words += rng.sample(_GENERIC, rng.choice((0, 1, 1, 2)))
        if rng.random() < 0.3:
            words.insert(0, rng.choice(_PLACES))
        if rng.random() < 0.05:
            words.insert(0, str(rng.randint(1, 3000)))
        if rng.random() < 0.2:
            rng.shuffle(words)
        name = " ".join(words)
        if rng.random() < 0.15:
            name = name.lower().translate(_CYRILLIC)
        if rng.random() < 0.7:
            form = rng.choice(_FORMS)
            name = f"{form} «{name}»" if rng.random() < 0.5 else f"{name} {form}"
        yield name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for number, name in enumerate(names(args.count, args.seed)):
            out.write(json.dumps({"id": f"syn-{number}", "name": name}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
