"""Apps serving the seed watchlist (288 entities with identifiers and listings of ten
authorities), for the yente-compatible API's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.screening.screener import Screener
from service.watchlist.loader import load_watchlist

REPO = Path(__file__).resolve().parents[3]
SEED = REPO / "service" / "watchlist" / "seed" / "watchlist.jsonl"


@pytest.fixture(scope="session")
def seed_screener() -> Screener:
    return Screener.build(load_watchlist([SEED]))


@pytest.fixture
def seed_client(
    make_client: Callable[..., TestClient[Litestar]], seed_screener: Screener
) -> TestClient[Litestar]:
    return make_client(serving=seed_screener)
