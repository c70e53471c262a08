"""Country cells as supplier files write them, to the ISO codes the engine takes."""

from __future__ import annotations

import pytest

from service.batch.country import country_code


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("BY", "BY"), ("by", "BY"), (" de ", "DE"), ("BLR", "BY"), ("deu", "DE"),
        ("Belarus", "BY"), ("Беларусь", "BY"), ("Республика  Беларусь", "BY"),
        ("Рэспубліка Беларусь", "BY"),
        ("Россия", "RU"), ("Russian Federation", "RU"), ("Deutschland", "DE"), ("Niemcy", "DE"),
        ("Polska", "PL"), ("Україна", "UA"), ("Китай", "CN"),
        ("Atlantis", None), ("", None), (None, None), ("B", None), ("12", None),
    ],
)  # fmt: skip
def test_country_code(cell: str | None, code: str | None) -> None:
    assert country_code(cell) == code
