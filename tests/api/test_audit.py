"""The audit trail over HTTP, on SQLite and on PostgreSQL: a record for every single, batch and
job screening, committed before the answer; a past screening returned exactly as answered; the
export filtered by time, key, entity and outcome, in JSON Lines and CSV; and no answer at all
when the record cannot be written."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy
from litestar import Litestar
from litestar.testing import TestClient

from .access_support import Keys, as_key, key_id, make_keys
from .jobs_support import EXPECTED, submit, wait_done

Client = Callable[..., TestClient[Litestar]]


def _export(client: TestClient[Litestar], keys: Keys, **query: str) -> list[dict[str, Any]]:
    response = client.get("/v1/audit", params=query, headers=as_key(keys.auditor))
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


def test_single_screenings_are_recorded_exactly_as_answered(
    make_client: Client, database_url: str
) -> None:
    client = make_client(database_url=database_url)
    keys = make_keys(client)
    response = client.post(
        "/v1/screen",
        json={"name": "ОАО «БЕЛАЗ»", "country": "BY", "threshold": 0.8},
        headers=as_key(keys.screener) | {"X-Request-ID": "req-42"},
    )
    answer = response.json()
    record = client.get(f"/v1/screenings/{answer['screening_id']}", headers=as_key(keys.auditor))
    assert record.status_code == 200
    # The answer byte for byte inside the record, and the facts beside it.
    assert b'"response":' + response.content + b"}" in record.content
    body = record.json()
    assert body["response"] == answer
    assert body["key_id"] == key_id(keys.screener) and body["request_id"] == "req-42"
    assert body["kind"] == "single" and body["outcome"] == "hit"
    assert body["query"] == {"name": "ОАО «БЕЛАЗ»", "country": "BY"}
    assert body["parameters"] == {"threshold": 0.8, "limit": 10}
    assert body["watchlist_version"] == answer["watchlist_version"]
    assert body["matches"] == [
        {"entity_id": m["entity_id"], "score": m["score"]} for m in answer["matches"]
    ]
    assert body["matches"][0]["entity_id"] == "by-belaz"


def test_batch_screenings_are_recorded_per_query(make_client: Client, database_url: str) -> None:
    client = make_client(database_url=database_url)
    keys = make_keys(client)
    queries = [{"id": "a", "name": "Zavod SVT"}, {"id": "b", "name": "Acme Garden Furniture"}]
    answer = client.post(
        "/v1/screen/batch", json={"queries": queries}, headers=as_key(keys.screener)
    ).json()
    records = _export(client, keys, kind="batch")
    assert [r["screening_id"] for r in records] == [r["screening_id"] for r in answer["results"]]
    assert [r["outcome"] for r in records] == ["hit", "clear"]
    assert [r["response"] for r in records] == answer["results"]
    assert [r["query"]["name"] for r in records] == ["Zavod SVT", "Acme Garden Furniture"]


def test_job_rows_are_recorded_once_each(jobs_client: Client, database_url: str) -> None:
    client = jobs_client(database_url=database_url)
    keys = make_keys(client)
    job = submit(client, headers=as_key(keys.screener))
    done = wait_done(client, job["id"], headers=as_key(keys.screener))
    rows = _export(client, keys, kind="job")
    # Oldest first, a chunk's rows in row order; the chunks are screened in parallel, so a
    # later chunk may come first.
    moments = [(r["screened_at"], r["row"]) for r in rows]
    assert moments == sorted(moments)
    rows.sort(key=lambda r: int(r["row"]))
    assert [r["screening_id"] for r in rows] == [f"{job['id']}.{n}" for n in range(1, 8)]
    assert [r["outcome"] for r in rows] == [status for status, _ in EXPECTED]
    assert all(r["job_id"] == job["id"] and r["key_id"] == key_id(keys.screener) for r in rows)
    assert [r["matches"][0]["entity_id"] for r in rows if r["outcome"] == "hit"] == [
        entity for status, entity in EXPECTED if status == "hit"
    ]
    assert rows[0]["response"]["supplier_id"] == "V-1"
    assert rows[0]["watchlist_version"] == done["watchlist_version"]


def test_export_filters_and_formats(make_client: Client, database_url: str) -> None:
    client = make_client(database_url=database_url)
    keys = make_keys(client)
    start = datetime.now(UTC) - timedelta(seconds=1)
    for key, name in ((keys.screener, "Zavod SVT"), (keys.admin, "Legmash Orsha"),
                      (keys.screener, "Acme Garden Furniture")):  # fmt: skip
        assert (
            client.post("/v1/screen", json={"name": name}, headers=as_key(key)).status_code == 200
        )
    everything = _export(client, keys)
    assert [r["query"]["name"] for r in everything] == [
        "Zavod SVT", "Legmash Orsha", "Acme Garden Furniture"
    ]  # fmt: skip

    def names(**query: str) -> list[str]:
        return [r["query"]["name"] for r in _export(client, keys, **query)]

    assert names(key_id=key_id(keys.screener)) == ["Zavod SVT", "Acme Garden Furniture"]
    assert names(entity_id="by-legmash") == ["Legmash Orsha"]
    assert names(outcome="clear") == ["Acme Garden Furniture"]
    assert names(since=start.isoformat(), limit="1") == ["Zavod SVT"]
    assert names(until=start.isoformat()) == []
    assert names(since=everything[2]["screened_at"]) == ["Acme Garden Furniture"]
    exported = client.get("/v1/audit", params={"format": "csv"}, headers=as_key(keys.auditor))
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["screening_id"] for row in table] == [r["screening_id"] for r in everything]
    assert table[0]["matches"].startswith("by-zavod-svt=") and table[2]["matches"] == ""
    assert json.loads(table[1]["response"]) == everything[1]["response"]


def test_bad_export_parameters(client: TestClient[Litestar]) -> None:
    keys = make_keys(client)
    for query in ({"since": "yesterday"}, {"outcome": "maybe"}, {"kind": "bulk"},
                  {"format": "xml"}, {"limit": "0"}):  # fmt: skip
        response = client.get("/v1/audit", params=query, headers=as_key(keys.auditor))
        assert response.status_code == 422 and response.json()["code"], query


def test_a_screening_is_shown_to_auditors_and_its_own_key_only(
    client: TestClient[Litestar],
) -> None:
    keys = make_keys(client)
    sid = client.post("/v1/screen", json={"name": "Zavod SVT"}, headers=as_key(keys.screener))
    path = f"/v1/screenings/{sid.json()['screening_id']}"
    assert client.get(path, headers=as_key(keys.screener)).status_code == 200
    assert client.get(path, headers=as_key(keys.auditor)).status_code == 200
    hidden = client.get(path, headers=as_key(keys.admin))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "screening_not_found")
    unknown = client.get("/v1/screenings/nosuch", headers=as_key(keys.auditor))
    assert unknown.status_code == 404


def test_no_answer_without_its_record(make_client: Client, database_url: str) -> None:
    client = make_client(database_url=database_url)
    keys = make_keys(client)
    runtime = client.app.state["runtime"]
    if database_url.startswith("sqlite"):  # the journal cannot be written (a full disk, say)
        os.close(runtime._journal._fd)
    else:  # the database breaks under the service
        engine = sqlalchemy.create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DROP TABLE screening_matches"))
        engine.dispose()
    response = client.post("/v1/screen", json={"name": "Zavod SVT"}, headers=as_key(keys.screener))
    assert response.status_code == 503
    assert response.json()["code"] == "audit_unavailable"
    assert "by-zavod-svt" not in response.text
    if database_url.startswith("sqlite"):
        runtime._journal._fd = os.open(os.devnull, os.O_WRONLY)  # for a clean shut-down


def test_audit_can_be_switched_off_for_measurement(make_client: Client) -> None:
    client = make_client(audit_enabled=False)
    answer = client.post("/v1/screen", json={"name": "Zavod SVT"}).json()
    assert answer["screening_id"] is None
    assert client.get("/ready").json()["access"]["audit"] == "off"
