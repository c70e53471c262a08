"""The private redis-server of the embedded default is stopped with the service, and none is
started once it is stopping (a start from a background task, in a worker thread, once ran on
past the shut-down and left a server behind)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from service.batch.private_redis import PrivateRedis
from service.errors import Unavailable

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def test_stopped_with_the_service_and_not_started_after(tmp_path: Path) -> None:
    private = PrivateRedis(tmp_path / "data")
    asyncio.run(private.start())
    assert private.running()
    asyncio.run(private.stop())
    assert not private.running()
    with pytest.raises(Unavailable):
        asyncio.run(private.start())
    assert not private.running()


def test_a_stop_during_a_start_leaves_no_server(tmp_path: Path) -> None:
    private = PrivateRedis(tmp_path / "data")

    async def start_then_stop() -> None:
        starting = asyncio.create_task(private.start())
        await asyncio.sleep(0)  # the start is under way in its thread
        starting.cancel()  # as the monitoring's background task is at shut-down
        await private.stop()
        await asyncio.gather(starting, return_exceptions=True)

    asyncio.run(start_then_stop())
    assert not private.running()
