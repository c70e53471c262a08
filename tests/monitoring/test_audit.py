"""The monitoring in the audit trail, over HTTP on SQLite and PostgreSQL: each counterparty
screened when registered (alone or a row of an import) is a `register` record naming the key;
a re-screening run is one `rescreen` record with its counts; every decision is a row of the
alert's history naming its key, which the database refuses to change."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.api.access_support import as_key, key_id, make_keys
from tests.monitoring.conftest import Monitored

TRACTOR = {"name": "Minsk Wheeled Tractor Plant", "country": "BY"}


def _audit(m: Monitored, headers: dict[str, str], kind: str) -> list[dict[str, Any]]:
    response = m.client.get("/v1/audit", params={"kind": kind}, headers=headers)
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


def test_registrations_and_runs_are_in_the_audit_trail(monitored: Callable[..., Monitored]) -> None:
    m = monitored()
    client = m.client
    keys = make_keys(client)
    screener, auditor = as_key(keys.screener), as_key(keys.auditor)
    put = client.put("/v1/counterparties/a-1", json=TRACTOR, headers=screener)
    assert put.status_code == 201
    # The same body again screens nothing, and records nothing.
    assert client.put("/v1/counterparties/a-1", json=TRACTOR, headers=screener).status_code == 200
    [alone] = _audit(m, auditor, "register")
    assert alone["key_id"] == key_id(keys.screener) and alone["request_id"]
    assert alone["query"] == {"name": TRACTOR["name"], "country": "BY"}
    assert alone["outcome"] == "hit"
    assert [e["entity_id"] for e in alone["matches"]][:1] == ["by-mzkt"]
    assert alone["response"]["counterparty_id"] == "a-1"
    assert alone["response"]["matches"][0]["explanation"]

    rows = "id;name\nb-1;Zavod SVT\nb-2;Garden Chairs Ltd\n;No Id Ltd\n"
    files = {"file": ("suppliers.csv", rows.encode(), "text/csv")}
    started = client.post("/v1/counterparties/import", files=files, headers=screener)
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    m.wait_run(lambda r: r["id"] == run_id, screener)
    imported = [r for r in _audit(m, auditor, "register") if r["job_id"] == run_id]
    assert [(r["screening_id"], r["outcome"]) for r in imported] == [
        (f"{run_id}.1", "hit"),
        (f"{run_id}.2", "clear"),
    ]
    assert {r["key_id"] for r in imported} == {key_id(keys.screener)}

    # A list change: the run is one record, with its counts, whoever it re-screened.
    m.lists.entities.append({"id": "xx-chairs", "name": "Garden Chairs Ltd"})
    run = m.reload(as_key(keys.admin))
    [record] = _audit(m, auditor, "rescreen")
    assert record["screening_id"] == run["id"] and record["key_id"] is None
    assert record["watchlist_version"] == run["to_version"] and record["outcome"] == "hit"
    assert record["response"]["counterparties"] == 3 and record["response"]["alerts_opened"] == 1
    full = client.post("/v1/counterparties/rescreen", headers=screener)
    m.wait_run(lambda r: r["id"] == full.json()["id"], screener)
    records = _audit(m, auditor, "rescreen")
    assert [(r["screening_id"], r["key_id"]) for r in records[1:]] == [
        (full.json()["id"], key_id(keys.screener))
    ]
    assert records[1]["outcome"] == "clear"
    assert len(_audit(m, auditor, "register")) == 3  # runs record no row


def test_every_decision_is_in_the_history_which_is_append_only(
    monitored: Callable[..., Monitored],
) -> None:
    m = monitored(monitoring_four_eyes=True)
    client = m.client
    keys = make_keys(client)
    screener, admin = as_key(keys.screener), as_key(keys.admin)
    body = client.put("/v1/counterparties/d-1", json=TRACTOR, headers=screener).json()
    alert_id = body["alerts"][0]["id"]
    steps = [
        (screener, "dismiss"),
        (admin, "reject"),
        (screener, "dismiss"),
        (admin, "approve"),
        (screener, "confirm"),
    ]
    for key, decision in steps:
        answer = client.post(
            f"/v1/alerts/{alert_id}/decision",
            json={"decision": decision, "reason_code": "r", "comment": decision},
            headers=key,
        )
        assert answer.status_code == 200, answer.text
    read = client.get(f"/v1/alerts/{alert_id}", headers=as_key(keys.auditor)).json()
    assert [(h["action"], h["key_id"], h["comment"]) for h in read["history"]] == [
        ("opened", None, None),
        ("dismissal_requested", key_id(keys.screener), "dismiss"),
        ("dismissal_rejected", key_id(keys.admin), "reject"),
        ("dismissal_requested", key_id(keys.screener), "dismiss"),
        ("dismissed", key_id(keys.admin), "approve"),
        ("confirmed", key_id(keys.screener), "confirm"),
    ]
    with pytest.raises(DBAPIError), m.store.engine.begin() as connection:
        connection.execute(text("UPDATE alert_history SET key_id = 'someone'"))
