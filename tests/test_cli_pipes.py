"""The command line writing into a pipe whose reader went away (`... --json | head -1`): it
stops quietly with the shell's status of a program killed by SIGPIPE, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "watchlist.jsonl"


def test_a_closed_pipe_ends_the_output_quietly(tmp_path: Path) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # gone before the first byte, as `head` once it has its line
    try:
        done = subprocess.run(
            [sys.executable, "-m", "service", "screen", "Zavod SVT", "--json"],
            cwd=tmp_path,
            env=os.environ | {"WATCHLIST_PATH": str(FIXTURE)},
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (141, "")  # 128 + SIGPIPE
