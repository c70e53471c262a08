"""The durable store attacked and faulted, over HTTP: PostgreSQL taken away behind a TCP proxy
(503 with Retry-After, never 500; one log line per outage; reconnection by itself; a service
that starts before its database), exports that a spreadsheet cannot turn into formulas and
that never end as a truncated 200, the journal of a killed worker recovered by a live process,
several processes starting on one new database, and command-line screenings in the audit
trail."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import make_url

from service.store import open_store
from service.store.audit import AuditFilter, ScreeningRecord, new_screening_id

ROOT = Path(__file__).parents[2]
WATCHLIST = ROOT / "tests" / "fixtures" / "watchlist.jsonl"
sys.path.insert(0, str(ROOT / "bench"))

from tcp_proxy import ProxyThread  # noqa: E402

Client = Callable[..., TestClient[Litestar]]
_FORMULAS = ('=HYPERLINK("http://x","y")', "@SUM(1+1)", "+1+2", "-1+2 Works")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _keys(client: TestClient[Litestar]) -> dict[str, str]:
    """An admin key (made in open mode, which ends it), a screener and an auditor key."""
    made: dict[str, str] = {}
    for role in ("admin", "screener", "auditor"):
        headers = {"X-API-Key": made["admin"]} if made else {}
        response = client.post("/v1/keys", json={"name": role, "role": role}, headers=headers)
        assert response.status_code == 201, response.text
        made[role] = response.json()["key"]
    return made


def _as(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def _record(name: str, at_seconds: float = 0.0) -> ScreeningRecord:
    """A record screened `at_seconds` after 2026-03-01 00:00 UTC, with a 1 KB answer."""
    return ScreeningRecord(
        id=new_screening_id(),
        screened_at=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(seconds=at_seconds),
        kind="single",
        key_id="k1",
        request_id="r-1",
        query_name=name,
        query_country=None,
        threshold=0.75,
        limit=10,
        watchlist_version="v1",
        outcome="hit",
        matches=[("by-belaz", 0.97)],
        response='{"matches": [{"padding": "' + "x" * 900 + '"}]}',
    )


@pytest.fixture
def proxied(postgres_url: str) -> Iterator[tuple[str, ProxyThread]]:
    """A new PostgreSQL database reached through a TCP proxy that a test stops and restarts;
    the URL through the proxy, and the proxy (listening)."""
    direct = make_url(postgres_url)
    port = free_port()
    proxy = ProxyThread(port, direct.host or "127.0.0.1", direct.port or 5432)
    proxy.start()
    yield direct.set(port=port).render_as_string(hide_password=False), proxy
    proxy.close()


def _log_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


# --- the database going away ---------------------------------------------------------------


def test_a_database_outage_is_503_with_retry_after_logged_once_and_healed(
    make_client: Client, proxied: tuple[str, ProxyThread], capfd: pytest.CaptureFixture[str]
) -> None:
    url, proxy = proxied
    client = make_client(database_url=url, key_cache_seconds=0)  # every request reads its key
    keys = _keys(client)
    screen = {"name": "Zavod SVT"}
    assert client.post("/v1/screen", json=screen, headers=_as(keys["screener"])).status_code == 200
    capfd.readouterr()

    proxy.stop()
    statuses = []
    for _ in range(40):
        answer = client.post("/v1/screen", json=screen, headers=_as(keys["screener"]))
        statuses.append(answer.status_code)
        assert answer.status_code == 503, answer.text
        assert answer.json()["code"] == "store_unavailable"
        assert int(answer.headers["retry-after"]) >= 1
        assert "by-zavod-svt" not in answer.text
    export = client.get("/v1/audit", headers=_as(keys["auditor"]))
    assert (export.status_code, export.json()["code"]) == (503, "store_unavailable")
    assert client.get("/health").status_code == 200
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["database"]["state"] == "unavailable"
    assert "5432" not in ready.text and str(make_url(url).port) not in ready.text

    proxy.start()
    assert _wait_for(
        lambda: (
            client.post("/v1/screen", json=screen, headers=_as(keys["screener"])).status_code == 200
        ),
        30,  # a loaded machine's pauses: it is back within a probe interval or two
    )
    assert client.get("/ready").status_code == 200
    logged = [line for line in _log_lines(capfd.readouterr().err) if line["logger"] != "httpx"]
    problems = [line for line in logged if line["level"] in ("WARNING", "ERROR")]
    assert [line["message"].split(":")[0] for line in problems] == [
        "database unavailable",
        "database available again",
    ], problems
    assert not any("exception" in line for line in logged)


def test_the_audit_writer_reconnects_after_its_connection_is_cut(
    make_client: Client, proxied: tuple[str, ProxyThread]
) -> None:
    url, proxy = proxied
    client = make_client(database_url=url, key_cache_seconds=3600)  # keys read once
    keys = _keys(client)
    screen = {"name": "Zavod SVT"}
    first = client.post("/v1/screen", json=screen, headers=_as(keys["screener"]))
    assert first.status_code == 200
    proxy.stop()  # every connection cut, the writer's too
    down = client.post("/v1/screen", json=screen, headers=_as(keys["screener"]))
    assert (down.status_code, down.json()["code"]) == (503, "store_unavailable")
    assert "retry-after" in down.headers
    proxy.start()
    time.sleep(1.1)  # the next try at the database
    again = client.post("/v1/screen", json=screen, headers=_as(keys["screener"]))
    assert again.status_code == 200, again.text
    proxy.stop()
    proxy.start()  # cut and back at once: the writer's connection is dead, the database is not
    cut = client.post("/v1/screen", json=screen, headers=_as(keys["screener"]))
    assert cut.status_code == 200, cut.text
    ids = {r["screening_id"] for r in _export(client, keys["auditor"])}
    assert {first.json()["screening_id"], again.json()["screening_id"]} <= ids
    assert cut.json()["screening_id"] in ids


def test_the_service_starts_before_its_database_and_ready_says_why(
    make_client: Client, proxied: tuple[str, ProxyThread]
) -> None:
    url, proxy = proxied
    proxy.stop()  # the database is still coming up
    client = make_client(database_url=url)
    assert client.get("/health").status_code == 200
    ready = client.get("/ready")
    assert ready.status_code == 503
    database = ready.json()["database"]
    assert database["state"] == "starting" and database["error"]
    refused = client.post("/v1/screen", json={"name": "Zavod SVT"})  # no record, no answer
    assert (refused.status_code, refused.json()["code"]) == (503, "store_unavailable")
    assert "retry-after" in refused.headers and "by-zavod-svt" not in refused.text
    proxy.start()
    # The start-up's next try comes within its back-off (at most 5 s), then the migration.
    assert _wait_for(lambda: client.get("/ready").status_code == 200, 30)
    answer = client.post("/v1/screen", json={"name": "Zavod SVT"})
    assert answer.status_code == 200
    keys = _keys(client)
    assert [r["screening_id"] for r in _export(client, keys["auditor"])] == [
        answer.json()["screening_id"]
    ]


# --- exports ----------------------------------------------------------------------------------


def _export(client: TestClient[Litestar], auditor: str, **query: str) -> list[dict[str, Any]]:
    response = client.get("/v1/audit", params=query, headers=_as(auditor))
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


def test_csv_export_cells_never_become_formulas(make_client: Client) -> None:
    client = make_client()
    keys = _keys(client)
    for name in _FORMULAS:
        response = client.post(
            "/v1/screen",
            json={"name": name},
            headers=_as(keys["screener"]) | {"X-Request-ID": "-1:2"},
        )
        assert response.status_code == 200, response.text
    exported = client.get("/v1/audit", params={"format": "csv"}, headers=_as(keys["auditor"]))
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    header, rows = table[0], table[1:]
    assert len(rows) == len(_FORMULAS)
    names = [row[header.index("query_name")] for row in rows]
    assert sorted(names) == sorted("'" + name for name in _FORMULAS)
    for row in rows:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
        assert row[header.index("request_id")] == "'-1:2"


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "9223372036854775808"},
        {"limit": "1000000001"},
        {"since": "9999-12-31T23:00:00-05:00"},
        {"until": "0001-01-01T00:00:00+05:00"},
        {"key_id": "k\x00"},
        {"entity_id": "by-belaz\x00"},
        {"entity_id": "x" * 201},
    ],
)
def test_export_parameters_out_of_range_are_refused_before_any_byte(
    make_client: Client, database_url: str, query: dict[str, str]
) -> None:
    client = make_client(database_url=database_url)
    keys = _keys(client)
    response = client.get(
        "/v1/audit", params=query | {"format": "csv"}, headers=_as(keys["auditor"])
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_parameter"


def test_a_screening_id_with_a_nul_is_refused(make_client: Client, database_url: str) -> None:
    client = make_client(database_url=database_url)
    keys = _keys(client)
    response = client.get("/v1/screenings/abc%00def", headers=_as(keys["auditor"]))
    assert response.status_code in (404, 422), response.text


def test_export_times_with_a_zone_are_compared_in_utc(
    make_client: Client, database_url: str
) -> None:
    client = make_client(database_url=database_url)
    keys = _keys(client)
    store = client.app.state["runtime"].store
    store.audit.append([_record("early", 0), _record("late", 7200)])  # 00:00 and 02:00 UTC
    # 03:00 at +02:00 is 01:00 UTC: between the two.
    names = [
        r["query"]["name"]
        for r in _export(client, keys["auditor"], since="2026-03-01T03:00:00+02:00")
    ]
    assert names == ["late"]
    names = [
        r["query"]["name"]
        for r in _export(client, keys["auditor"], until="2026-03-01T03:00:00+02:00")
    ]
    assert names == ["early"]


def _serve(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with (cwd / "server.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=cwd,
            env=os.environ | {"PYTHONPATH": str(ROOT)} | env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{base}/ready", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    if not _wait_for(ready, 30):
        process.kill()
        process.wait()
        raise AssertionError((cwd / "server.log").read_text())
    return process, base


def _cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=cwd,
        env=os.environ | {"PYTHONPATH": str(ROOT)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_that_fails_midway_is_aborted_not_a_complete_200(
    postgres_url: str, proxied: tuple[str, ProxyThread], tmp_path: Path, fmt: str
) -> None:
    url, proxy = proxied
    store = open_store(postgres_url)
    store.audit.append([_record(f"name {n}", n) for n in range(20_000)])  # about 20 MB
    store.close()
    auditor = _cli(
        "keys", "create", "--name", "audit", "--role", "auditor", cwd=tmp_path,
        env={"DATABASE_URL": postgres_url},
    ).stdout.strip()  # fmt: skip
    env = {
        "DATABASE_URL": url,
        "WATCHLIST_PATH": str(WATCHLIST),
        "SCREENING_EMBEDDED_WORKER": "false",
    }
    server, base = _serve(env, tmp_path)
    try:
        received = 0
        with (
            pytest.raises(httpx.RemoteProtocolError),
            httpx.stream("GET", f"{base}/v1/audit", params={"format": fmt}, headers=_as(auditor),
                         timeout=30) as response,
        ):  # fmt: skip
            assert response.status_code == 200
            for chunk in response.iter_raw():
                received += len(chunk)
                if received > 500_000 and proxy.proxy._server is not None:
                    proxy.stop()  # the database goes away mid-export
        assert received < 19_000_000
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- the journal of a killed worker -----------------------------------------------------------

_KILLED = """
import sys, time
from service.store import open_store
from service.store.journal import AuditJournal
from tests.security.test_store import _record
store = open_store(sys.argv[1])
journal = AuditJournal(store.audit)
journal.append([_record(f"killed {n}", n) for n in range(2000)])
print("appended", flush=True)
time.sleep(3600)
"""


@pytest.mark.serial
def test_a_killed_workers_journal_reaches_the_export_within_seconds(
    make_client: Client, tmp_path: Path
) -> None:
    client = make_client()  # SQLite in tmp_path/data: the server's journal copies on its loop
    keys = _keys(client)
    url = f"sqlite:///{tmp_path / 'data' / 'screening.sqlite3'}"
    worker = subprocess.Popen(
        [sys.executable, "-c", _KILLED, url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "appended"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate()  # reaped, its pipe closed, whatever the assertion said
    killed = time.monotonic()
    assert _wait_for(lambda: len(_export(client, keys["auditor"], kind="single")) == 2000, 10)
    assert time.monotonic() - killed < 10
    assert len(_export(client, keys["auditor"], kind="single")) == 2000  # once each


# --- several processes on one store -------------------------------------------------------------

_MIGRATE_AT = """
import sys
from service.store import open_store
print("imported", flush=True)
sys.stdin.readline()  # all start at once, however long each took to import
open_store(sys.argv[1]).close()
"""


def _start_together(url: str, processes: int) -> list[subprocess.CompletedProcess[str]]:
    running = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE_AT, url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    try:
        for process in running:
            assert process.stdout is not None and process.stdout.readline() == "imported\n"
        for process in running:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()  # closed by `_finish`
    finally:
        done = _finish(running, seconds=120)
    return done


def _finish(
    running: list[subprocess.Popen[str]], seconds: float
) -> list[subprocess.CompletedProcess[str]]:
    """Wait for every process (all killed if any runs past `seconds`): each is reaped and its
    pipes closed before the caller asserts anything, so a failure leaves none to a later test."""
    done = []
    try:
        for process in running:
            out, err = process.communicate(timeout=seconds)
            done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    finally:
        for process in running:
            if process.returncode is None:
                process.kill()
                process.communicate()
    return done


@pytest.mark.parametrize("attempt", range(5))
def test_processes_starting_together_on_a_new_postgresql_database_migrate_once(
    postgres_url: str, attempt: int
) -> None:
    for done in _start_together(postgres_url, 3):
        assert done.returncode == 0, done.stderr
    store = open_store(postgres_url)
    assert list(store.audit.find(AuditFilter())) == []
    store.close()


def test_processes_starting_together_on_a_new_sqlite_database_migrate_once(
    tmp_path: Path,
) -> None:
    for attempt in range(3):
        url = f"sqlite:///{tmp_path / f'new{attempt}.sqlite3'}"
        for done in _start_together(url, 3):
            assert done.returncode == 0, done.stderr


_WRITER = """
import asyncio, sys
from service.logs import configure_logging
from service.store import open_store
from service.store.journal import AuditJournal
from tests.security.test_store import _record

async def main() -> None:
    journal = AuditJournal(store.audit)
    journal.start(asyncio.get_running_loop())
    for burst in range(20):  # each copy of a burst holds the database some 50 ms
        journal.append([_record(f"{sys.argv[2]} {burst} {n}") for n in range(2000)])
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    await asyncio.to_thread(journal.close)

configure_logging("INFO")
store = open_store(sys.argv[1])
asyncio.run(main())
"""


def test_two_processes_writing_one_sqlite_store_wait_for_each_other(tmp_path: Path) -> None:
    """A worker beside the server, both copying their journals into one SQLite file: no
    `database is locked` error, every record in."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    open_store(url).close()
    running = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("server", "worker")
    ]
    for done in _finish(running, seconds=120):
        assert done.returncode == 0, done.stderr
        assert "locked" not in done.stderr and "copy failed" not in done.stderr, done.stderr
    store = open_store(url)
    assert len(list(store.audit.find(AuditFilter()))) == 2 * 20 * 2000
    store.close()


# --- command-line screenings --------------------------------------------------------------------


def _user_and_host() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


def test_the_screen_command_is_recorded_with_its_operator(
    make_client: Client, tmp_path: Path
) -> None:
    env = {"WATCHLIST_PATH": str(WATCHLIST)}
    done = _cli("screen", "Zavod SVT", "--json", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    client = make_client()  # the same embedded store: tmp_path/data
    keys = _keys(client)
    screener = keys["screener"].split("_")[1]
    keyed = _cli("screen", "Legmash Orsha", "--key", keys["screener"], cwd=tmp_path, env=env)
    assert keyed.returncode == 0, keyed.stderr
    assert "recorded in the audit trail as screening" in keyed.stderr
    by_id = _cli("screen", "Acme Garden Furniture", "--key", screener, cwd=tmp_path, env=env)
    assert by_id.returncode == 0, by_id.stderr
    records = _export(client, keys["auditor"])
    assert [r["query"]["name"] for r in records] == [
        "Zavod SVT", "Legmash Orsha", "Acme Garden Furniture"
    ]  # fmt: skip
    assert {r["operator"] for r in records} == {_user_and_host()}
    assert [r["key_id"] for r in records] == [None, screener, screener]
    assert records[0]["screening_id"] == answer["screening_id"]
    assert records[0]["response"] == answer  # the answer exactly as printed
    assert records[0]["matches"][0]["entity_id"] == "by-zavod-svt"
    assert records[2]["outcome"] == "clear"


@pytest.mark.parametrize("role", ["auditor", "nosuch", "revoked"])
def test_a_key_that_may_not_screen_is_refused_and_nothing_is_screened(
    make_client: Client, tmp_path: Path, role: str
) -> None:
    client = make_client()
    keys = _keys(client)
    key = {"auditor": keys["auditor"], "nosuch": "000000000000"}.get(role, keys["admin"])
    if role == "revoked":
        admin_id = keys["admin"].split("_")[1]
        other = client.post("/v1/keys", json={"name": "x", "role": "admin"}, headers=_as(key))
        client.delete(f"/v1/keys/{admin_id}", headers=_as(other.json()["key"]))
    done = _cli(
        "screen", "Zavod SVT", "--key", key, cwd=tmp_path, env={"WATCHLIST_PATH": str(WATCHLIST)}
    )
    assert done.returncode == 2
    assert "by-zavod-svt" not in done.stdout and "Traceback" not in done.stderr
    assert _export(client, keys["auditor"]) == []


def test_screen_file_records_every_row_even_with_only_hits(
    make_client: Client, tmp_path: Path
) -> None:
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "id;name;country\nV-1;Zavod SVT;BY\nV-2;Acme Garden Furniture;DE\nV-3;=1+2;BY\n",
        encoding="utf-8",
    )
    done = _cli(
        "screen-file", str(suppliers), "-o", str(tmp_path / "hits.csv"), "--only-hits",
        cwd=tmp_path, env={"WATCHLIST_PATH": str(WATCHLIST)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    run = done.stderr.rsplit("file run ", 1)[1].strip()
    client = make_client()
    keys = _keys(client)
    rows = _export(client, keys["auditor"], kind="file")
    assert [r["screening_id"] for r in rows] == [f"{run}.{n}" for n in (1, 2, 3)]
    assert [r["outcome"] for r in rows] == ["hit", "clear", "clear"]
    assert {r["operator"] for r in rows} == {_user_and_host()} and rows[0]["job_id"] == run
    assert rows[0]["response"]["supplier_id"] == "V-1"
    written = (tmp_path / "hits.csv").read_text(encoding="utf-8-sig")
    assert "Zavod SVT" in written and "Acme" not in written


def test_with_the_audit_off_the_commands_record_nothing(tmp_path: Path) -> None:
    env = {"WATCHLIST_PATH": str(WATCHLIST), "SCREENING_AUDIT_ENABLED": "false"}
    done = _cli("screen", "Zavod SVT", "--json", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["screening_id"] is None
    assert not (tmp_path / "data").exists()


def test_the_migrate_command_prepares_a_new_database(postgres_url: str, tmp_path: Path) -> None:
    done = _cli("migrate", cwd=tmp_path, env={"DATABASE_URL": postgres_url})
    assert done.returncode == 0, done.stderr
    assert "newest migration" in done.stdout
    again = _cli("migrate", cwd=tmp_path, env={"DATABASE_URL": postgres_url})
    assert again.returncode == 0, again.stderr
    unreachable = _cli(
        "migrate", cwd=tmp_path, env={"DATABASE_URL": "postgresql://x@127.0.0.1:1/x"}
    )
    assert unreachable.returncode == 2 and "Traceback" not in unreachable.stderr
