"""Our normalisation against OpenSanctions' `rigour` and `normality`, measured, to decide which
to keep (see README, "How matching works").

1. Legal forms: on a hand-labelled list of names (bench/legal_forms.csv: name, the name
   without its legal form), how often each method leaves exactly the expected words:
   our `split_legal_forms` vs `rigour.names.remove_org_types`.
2. Transliteration: the engine on the development set with our Cyrillic-to-Latin table vs the
   same engine with `normality.ascii_text` (ICU "Any-Latin; Latin-ASCII") in its place:
   recall on the transliteration categories and false positives on clean negatives.

Run: python bench/normalizers.py, with the engine installed uncompiled
(SCREENING_PURE_PYTHON=1 pip install -e .): the comparison swaps the engine's transliteration
function, which a compiled engine has bound at build time.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from normality import ascii_text  # noqa: E402
from quality import engine_scorer, evaluate, read_cases, run  # noqa: E402
from rigour.names.org_types import remove_org_types  # noqa: E402

import service.matching.normalize as normalize  # noqa: E402
from service.matching.legal_forms import split_legal_forms  # noqa: E402
from service.matching.matcher import DEFAULT_THRESHOLD  # noqa: E402
from service.screening.screener import Screener  # noqa: E402
from service.watchlist.loader import load_watchlist  # noqa: E402

CASES = ROOT / "bench" / "legal_forms.csv"


def _words(text: str) -> list[str]:
    return [t.text for t in normalize.tokenize(text)]


def legal_forms() -> None:
    with CASES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ours = rigour = 0
    misses: list[str] = []
    for row in rows:
        expected = _words(row["expected"])
        kept, _ = split_legal_forms(normalize.tokenize(row["name"]))
        ours += [t.text for t in kept] == expected
        # rigour compares its table in lower case: give it cleaned, case-folded text.
        theirs = _words(remove_org_types(normalize.clean_text(row["name"]).casefold()))
        rigour += theirs == expected
        if theirs != expected:
            misses.append(row["name"])
    print("\nLegal forms removed exactly (bench/legal_forms.csv)\n")
    print("| method | correct | of |")
    print("|---|---:|---:|")
    print(f"| ours (`split_legal_forms`) | {ours} | {len(rows)} |")
    print(f"| rigour `remove_org_types` | {rigour} | {len(rows)} |")
    print(f"\nrigour left a legal form in, e.g.: {'; '.join(misses[:6])}")


def transliteration() -> None:
    if not normalize.__file__ or not normalize.__file__.endswith(".py"):
        sys.exit("the transliteration comparison needs the uncompiled engine (see the docstring)")
    cases = read_cases()
    watchlist = load_watchlist()
    results = {}
    ours = normalize.to_latin
    for label, function in [("ours", ours), ("normality.ascii_text (ICU)", _icu)]:
        normalize.to_latin = function
        normalize.make_token.cache_clear()
        scores = run(cases, engine_scorer(Screener.build(watchlist)))
        results[label] = evaluate(cases, scores, DEFAULT_THRESHOLD)
    normalize.to_latin = ours
    normalize.make_token.cache_clear()
    keys = [k for k in next(iter(results.values())) if k.startswith(("translit", "negative"))]
    print(f"\nEngine at {DEFAULT_THRESHOLD} with each transliteration\n")
    print("| transliteration | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for label, result in results.items():
        print(f"| {label} | " + " | ".join(f"{result[k]:.3f}" for k in keys) + " |")


def _icu(token: str) -> str:
    return ascii_text(token).lower()


if __name__ == "__main__":
    legal_forms()
    transliteration()
