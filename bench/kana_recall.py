"""Katakana to Latin, measured: do the seed's Japanese aliases find their entity when the
watchlist holds only its Latin and Cyrillic names? One romanisation against another.

Each alias written with kana (Japan's list: `株式会社ペレング`, `ミノトルサービス`) is screened
against the seed with every name in Chinese, Japanese or Korean removed, so only its reading
can reach the entity. The engine's own reading (a table of kana, vowels Japanese adds dropped
and r/l, b/v... tried against the watchlist's words) is compared with the kana runs replaced
by what a library gives: pykakasi (Hepburn), cutlet (Hepburn with the foreign spelling of
known loanwords, from UniDic) and anyascii. A library that is not installed is skipped. Kanji
are left as they are (their readings are ambiguous: no romanisation is promised for them).

Run: python bench/kana_recall.py [--threshold 0.75] [--misses]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.matching.matcher import DEFAULT_THRESHOLD, Matcher  # noqa: E402
from service.screening.screener import listed  # noqa: E402
from service.watchlist.loader import load_watchlist  # noqa: E402

_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]")
_KANA_RUN = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]+")

Romaniser = Callable[[str], str]


def cases() -> tuple[Matcher, list[tuple[str, str]]]:
    """The seed without its CJK names, and (Japanese alias, entity id) of every alias with kana."""
    entities = []
    queries = []
    for entity in load_watchlist().entities:
        names = [entity.name, *(a.name for a in entity.aliases)]
        queries += [(n, entity.id) for n in names if _KANA_RUN.search(n)]
        engine = listed(entity)
        kept = tuple(a for a in engine.aliases if not _CJK.search(a[0]))
        entities.append(type(engine)(engine.id, engine.name, kept, engine.countries, engine.places))
    return Matcher(entities), queries


def romanisers() -> dict[str, Romaniser | None]:
    """name -> what replaces a kana run (None: the engine reads the query as written)."""
    found: dict[str, Romaniser | None] = {"engine (table + readings)": None}
    try:
        import pykakasi

        kakasi = pykakasi.kakasi()
        found["pykakasi (Hepburn)"] = lambda run: "".join(w["hepburn"] for w in kakasi.convert(run))
    except ImportError:
        print("pykakasi is not installed: skipped")
    try:
        import cutlet

        katsu = cutlet.Cutlet()
        found["cutlet (Hepburn, foreign spellings)"] = katsu.romaji
    except ImportError:
        print("cutlet is not installed: skipped")
    try:
        from anyascii import anyascii

        found["anyascii"] = anyascii
    except ImportError:
        print("anyascii is not installed: skipped")
    return found


def replace_kana(query: str, romanise: Romaniser) -> str:
    return _KANA_RUN.sub(lambda m: f" {romanise(m[0])} ", query)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--misses", action="store_true", help="list the aliases not found")
    args = parser.parse_args()
    matcher, queries = cases()
    print(f"\n{len(queries)} Japanese aliases with kana, seed without CJK names\n")
    print(f"| romanisation | found @ {args.threshold:.2f} | right entity first | ms per query |")
    print("|---|---:|---:|---:|")
    for name, romanise in romanisers().items():
        found = first = 0
        times = []
        misses = []
        for query, expected in queries:
            start = time.perf_counter()
            text = query if romanise is None else replace_kana(query, romanise)
            matches = matcher.screen(text, threshold=args.threshold)
            times.append((time.perf_counter() - start) * 1000)
            ids = [m.entity_id for m in matches]
            found += expected in ids
            first += bool(ids) and ids[0] == expected
            if expected not in ids:
                misses.append(f"{query} ({text.strip()}) -> {expected}")
        n = len(queries)
        median = statistics.median(times)
        print(f"| {name} | {found}/{n} ({found / n:.2f}) | {first}/{n} | {median:.2f} (median) |")
        if args.misses:
            print("\n".join(f"    missed: {m}" for m in misses))


if __name__ == "__main__":
    main()
