"""A reconciliation client nobody here wrote: the `reconciler` package (PyPI) reconciles a
pandas column of supplier names, with their countries, against the service served by uvicorn
(`python -m service serve`), and finds the listed suppliers and only them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import Popen

import numpy
import pandas as pd  # type: ignore[import-untyped]
import pytest
from reconciler import reconcile  # type: ignore[import-untyped]

from .conftest import ENTITIES

#: Supplier names as a purchasing file writes them; the first three are listed.
SUPPLIERS = [
    ("Alpha Optics Plant, OJSC", "Belarus", "by-alpha"),
    ("ОАО «Альфа»", "BY", "by-alpha"),
    ("BETA RADIO ENGINEERING", "Russia", "ru-beta"),
    ("Acme Garden Furniture Ltd", "Germany", None),
    ("Nordic Timber AB", "Sweden", None),
]


# reconciler 0.2.2 (2023) uses pandas in ways pandas 3 deprecates: its warnings, not ours.
@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")
def test_reconciler_finds_the_listed_suppliers_in_a_pandas_column(
    server: Callable[[Path], tuple[str, Popen[str]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    watchlist = tmp_path / "watchlist.jsonl"
    watchlist.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ENTITIES))
    base, _ = server(watchlist)
    # reconciler 0.2.2 writes a row without candidates with `np.NaN`, an alias numpy 2
    # removed: given back for this test rather than numpy held below 2 for every tool.
    monkeypatch.setattr(numpy, "NaN", numpy.nan, raising=False)
    suppliers = pd.DataFrame(SUPPLIERS, columns=["supplier", "country", "expected"])

    found = reconcile(
        suppliers["supplier"],
        type_id="Organization",
        top_res=1,
        property_mapping={"country": suppliers["country"]},
        reconciliation_endpoint=f"{base}/reconcile",
    )

    best = dict(zip(found["input_value"], found["id"], strict=True))
    for name, _, expected in SUPPLIERS:
        if expected is None:
            assert pd.isna(best[name]), name
        else:
            assert best[name] == expected, name
    listed = found[found["id"].notna()]
    assert set(listed["type_id"]) == {"Organization"}
    assert listed["score"].between(0.75, 1.0).all()
