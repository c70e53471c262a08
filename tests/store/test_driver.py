"""The PostgreSQL driver is an extra (`postgres`): without it the embedded SQLite store works,
and a PostgreSQL `DATABASE_URL` stops the command line, the server and the worker at once with
the command that installs it. Run in processes where psycopg cannot be imported, as in an
install without the extra."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from service.store.availability import is_outage

ROOT = Path(__file__).parents[2]
WATCHLIST = ROOT / "tests" / "fixtures" / "watchlist.jsonl"
#: `python -m service ...` in a process where `import psycopg` fails (a None entry in
#: sys.modules is how Python marks a module that cannot be imported).
_WITHOUT_PSYCOPG = (
    "import sys; sys.modules['psycopg'] = None\nfrom service.__main__ import main\nsys.exit(main())"
)
_INSTALL = "pip install 'sanctions-screening[postgres]'"


def _without_psycopg(
    *args: str, cwd: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env |= {"PYTHONPATH": str(ROOT), "WATCHLIST_PATH": str(WATCHLIST)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_PSYCOPG, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_sqlite_store_needs_no_postgresql_driver(tmp_path: Path) -> None:
    done = _without_psycopg("screen", "Zavod SVT", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["matches"][0]["entity_id"] == "by-zavod-svt"
    assert answer["screening_id"]  # recorded in the SQLite audit trail
    assert (tmp_path / "data" / "screening.sqlite3").exists()


@pytest.mark.parametrize(
    "command", [["migrate"], ["serve", "--port", "1"], ["worker"], ["keys", "list"]]
)
def test_a_postgresql_url_without_its_driver_is_refused_at_once(
    tmp_path: Path, command: list[str]
) -> None:
    done = _without_psycopg(
        *command, cwd=tmp_path, database_url="postgresql://screening@127.0.0.1:5432/screening"
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "PostgreSQL" in done.stderr and _INSTALL in done.stderr
    assert "Traceback" not in done.stderr


def test_the_drivers_errors_are_outages_once_it_is_installed() -> None:
    assert is_outage(psycopg.OperationalError("connection refused"))
    assert is_outage(psycopg.InterfaceError("connection closed"))
    assert not is_outage(psycopg.ProgrammingError("syntax error"))
