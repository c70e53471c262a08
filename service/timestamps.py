"""UTC timestamps in ISO 8601 with milliseconds ("2026-02-24T09:15:02.123Z"), cheap enough to
take on every request: the date and time of day are formatted once per second."""

from __future__ import annotations

import time

_FORMAT = "%Y-%m-%dT%H:%M:%S"
#: (second, its formatted date and time), replaced whole so threads never see half an update.
_formatted: tuple[int, str] = (-1, "")


def iso_utc(at: float | None = None) -> str:
    """`at` (seconds since the epoch; now by default) as an ISO 8601 UTC timestamp."""
    global _formatted
    if at is None:
        at = time.time()
    second = int(at)
    cached = _formatted
    if cached[0] != second:
        cached = _formatted = (second, time.strftime(_FORMAT, time.gmtime(second)))
    return f"{cached[1]}.{int((at - second) * 1000):03d}Z"
