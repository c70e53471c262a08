"""Who may do what with counterparties and alerts, four-eyes dismissals, bulk import from a
file (idempotent) and hostile input, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.access_support import as_key, key_id, make_keys
from tests.monitoring.conftest import Monitored

TRACTOR = {"name": "Minsk Wheeled Tractor Plant", "country": "BY"}


def test_roles(monitored: Callable[..., Monitored]) -> None:
    m = monitored()
    client = m.client
    keys = make_keys(client)
    screener, auditor = as_key(keys.screener), as_key(keys.auditor)
    body = client.put("/v1/counterparties/r-1", json=TRACTOR, headers=screener).json()
    alert_id = body["alerts"][0]["id"]
    decision = {"decision": "confirm", "reason_code": "same"}
    # Auditors read everything and change nothing.
    assert client.get("/v1/counterparties/r-1", headers=auditor).status_code == 200
    assert client.get("/v1/counterparties", headers=auditor).status_code == 200
    assert client.get("/v1/alerts", headers=auditor).status_code == 200
    assert client.get(f"/v1/alerts/{alert_id}", headers=auditor).status_code == 200
    assert client.get("/v1/counterparties/runs", headers=auditor).status_code == 200
    refused = [
        client.put("/v1/counterparties/r-2", json=TRACTOR, headers=auditor),
        client.delete("/v1/counterparties/r-1", headers=auditor),
        client.post(f"/v1/alerts/{alert_id}/decision", json=decision, headers=auditor),
        client.post("/v1/counterparties/rescreen", headers=auditor),
        client.post(
            "/v1/counterparties/import",
            files={"file": ("c.csv", b"id;name\n1;Acme\n", "text/csv")},
            headers=auditor,
        ),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert {r.json()["code"] for r in refused} == {"forbidden"}
    # No key at all: nothing.
    assert client.get("/v1/alerts").status_code == 401
    assert client.put("/v1/counterparties/r-3", json=TRACTOR).status_code == 401
    # Screeners and admins decide; the decision names the key.
    done = client.post(f"/v1/alerts/{alert_id}/decision", json=decision, headers=screener)
    assert done.status_code == 200
    assert done.json()["decided_by"] == key_id(keys.screener)
    undo = {"decision": "dismiss", "reason_code": "second_look"}
    by_admin = client.post(f"/v1/alerts/{alert_id}/decision", json=undo, headers=as_key(keys.admin))
    assert by_admin.json()["status"] == "dismissed"
    history = by_admin.json()["history"]
    assert [(h["action"], h["key_id"]) for h in history[1:]] == [
        ("confirmed", key_id(keys.screener)),
        ("dismissed", key_id(keys.admin)),
    ]


def test_four_eyes(monitored: Callable[..., Monitored]) -> None:
    m = monitored(monitoring_four_eyes=True)
    client = m.client
    keys = make_keys(client)
    first, second = as_key(keys.screener), as_key(keys.admin)
    body = client.put("/v1/counterparties/e-1", json=TRACTOR, headers=first).json()
    alert_id = body["alerts"][0]["id"]
    url = f"/v1/alerts/{alert_id}/decision"
    asked = client.post(url, json={"decision": "dismiss", "reason_code": "fp"}, headers=first)
    assert asked.json()["status"] == "pending_approval"
    assert asked.json()["requested_by"] == key_id(keys.screener)
    assert client.get("/v1/counterparties/e-1", headers=first).json()["status"] == "open_alert"
    own = client.post(url, json={"decision": "approve"}, headers=first)
    assert (own.status_code, own.json()["code"]) == (403, "four_eyes_same_key")
    approved = client.post(url, json={"decision": "approve", "comment": "ok"}, headers=second)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "dismissed"
    assert approved.json()["decided_by"] == key_id(keys.admin)
    assert [h["action"] for h in approved.json()["history"]] == [
        "opened",
        "dismissal_requested",
        "dismissed",
    ]
    again = client.post(url, json={"decision": "approve"}, headers=second)
    assert (again.status_code, again.json()["code"]) == (409, "decision_not_allowed")
    # A rejected request leaves the alert open.
    other = client.put("/v1/counterparties/e-2", json=TRACTOR, headers=first).json()
    url = f"/v1/alerts/{other['alerts'][0]['id']}/decision"
    client.post(url, json={"decision": "dismiss", "reason_code": "fp"}, headers=first)
    rejected = client.post(url, json={"decision": "reject"}, headers=second)
    assert rejected.json()["status"] == "open"


def test_import_is_idempotent(monitored: Callable[..., Monitored]) -> None:
    m = monitored()
    client = m.client
    text = (
        b"Vendor no.;Supplier name;Country\n"
        b"V-1;Zavod SVT;BY\n"
        b"V-2;Acme Garden Furniture GmbH;DE\n"
        b"V-3;Minsk Wheeled Tractor Plant;BY\n"
        b";No Id Ltd;DE\n"
    )

    def run_import() -> dict[str, object]:
        response = client.post(
            "/v1/counterparties/import", files={"file": ("suppliers.csv", text, "text/csv")}
        )
        assert response.status_code == 202, response.text
        run_id = response.json()["id"]
        return m.wait_run(lambda r: r["id"] == run_id)

    first = run_import()
    assert (first["status"], first["kind"], first["done"], first["errors"]) == (
        "done",
        "import",
        4,
        1,
    )
    assert first["alerts_opened"] == 2
    listed = client.get("/v1/counterparties").json()["counterparties"]
    assert {c["id"]: c["status"] for c in listed} == {
        "V-1": "open_alert",
        "V-2": "clear",
        "V-3": "open_alert",
    }
    events = len(m.events())
    second = run_import()
    assert second["status"] == "done" and second["alerts_opened"] == 0
    assert len(client.get("/v1/counterparties").json()["counterparties"]) == 3
    assert len(m.events()) == events + 1  # its rescreen.finished only


def test_hostile_input(monitored: Callable[..., Monitored]) -> None:
    client = monitored().client
    cases = [
        client.put("/v1/counterparties/import", json=TRACTOR),
        client.put("/v1/counterparties/a%20b", json=TRACTOR),
        client.put("/v1/counterparties/x", json={"name": ""}),
        client.put("/v1/counterparties/x", json={"name": "A" * 301}),
        client.put("/v1/counterparties/x", json={"name": "Acme", "unknown": 1}),
        client.put("/v1/counterparties/x", json={"name": "Acme", "aliases": ["a"] * 51}),
        client.put(
            "/v1/counterparties/x",
            json={"name": "Acme", "identifiers": [{"type": "unp", "value": "1"}]},
        ),
        client.put("/v1/counterparties/x", json={"name": "Acme", "country": "Narnia"}),
        client.post("/v1/alerts/nope/decision", json={"decision": "maybe"}),
        client.get("/v1/alerts", params={"status": "weird"}),
        client.get("/v1/alerts", params={"limit": 0}),
        client.get("/v1/alerts", params={"since": "0.5"}),
        client.get("/v1/counterparties", params={"since": "yesterday", "status": "x"}),
    ]
    assert all(400 <= r.status_code < 500 for r in cases), [(r.status_code, r.text) for r in cases]
    assert all(r.headers["content-type"].startswith("application/json") for r in cases)
    assert (
        client.post(
            "/v1/alerts/nope/decision", json={"decision": "confirm", "reason_code": "x"}
        ).status_code
        == 404
    )
    assert client.post("/v1/alerts/nope/decision", json={"decision": "confirm"}).status_code == 422
    assert client.get("/v1/alerts/nope").status_code == 404
    garbage = client.put(
        "/v1/counterparties/x", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 400
