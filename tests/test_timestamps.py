"""ISO 8601 timestamps, formatted once per second and right at every millisecond."""

from __future__ import annotations

from datetime import UTC, datetime

from service.timestamps import iso_utc


def test_milliseconds_and_zone() -> None:
    assert iso_utc(0.5) == "1970-01-01T00:00:00.500Z"
    assert iso_utc(1_700_000_000.999) == "2023-11-14T22:13:20.999Z"


def test_the_cached_second_never_leaks_into_another() -> None:
    assert iso_utc(1_700_000_000.0) == "2023-11-14T22:13:20.000Z"
    assert iso_utc(1_700_000_001.25) == "2023-11-14T22:13:21.250Z"
    assert iso_utc(1_700_000_000.75) == "2023-11-14T22:13:20.750Z"


def test_now_is_now() -> None:
    parsed = datetime.fromisoformat(iso_utc().replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - parsed).total_seconds()) < 5
