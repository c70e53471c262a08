"""A counterparty's alert over its life, over HTTP, on SQLite and PostgreSQL: registered and
alerted at once, dismissed, not alerted again by an unrelated list change, opened again when
the entity gains an alias (saying so), closed when the entity leaves the list; the events of
each step in the outbox, and nothing else there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.monitoring.conftest import Monitored

TRACTOR = {"name": "Minsk Wheeled Tractor Plant", "country": "BY", "attributes": {"erp": "V-1"}}


def alert_on(body: dict[str, Any], entity_id: str) -> dict[str, Any]:
    return next(a for a in body["alerts"] if a["entity_id"] == entity_id)


def test_register_dismiss_change_reopen_remove(monitored: Callable[..., Monitored]) -> None:
    m = monitored()
    client = m.client
    response = client.put("/v1/counterparties/c-1", json=TRACTOR)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "open_alert"
    assert body["attributes"] == {"erp": "V-1"}
    alert = alert_on(body, "by-mzkt")
    assert alert["status"] == "open"
    # The same body again changes nothing.
    again = client.put("/v1/counterparties/c-1", json=TRACTOR)
    assert again.status_code == 200
    assert [a["id"] for a in again.json()["alerts"]] == [a["id"] for a in body["alerts"]]

    decided = client.post(
        f"/v1/alerts/{alert['id']}/decision",
        json={"decision": "dismiss", "reason_code": "other_plant", "comment": "a namesake"},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "dismissed"
    assert decided.json()["match"]["explanation"]["matched_tokens"]
    mark = m.last_event_id()

    # An unrelated change: a new entity nobody matches.
    m.lists.entities.append({"id": "xx-acme", "name": "Acme Orbital Widgets", "country": ["XX"]})
    run = m.reload()
    assert run["status"] == "done" and run["kind"] == "changes"
    assert run["total"] == 1 and run["alerts_opened"] == 0
    assert client.get(f"/v1/alerts/{alert['id']}").json()["status"] == "dismissed"
    assert [t for t, _ in m.events(after=mark)] == ["rescreen.finished"]
    mark = m.last_event_id()

    # The entity gains an alias: the dismissal no longer covers it.
    m.lists.entity("by-mzkt")["aliases"].append({"name": "Minsk Tractor Works Volat"})
    run = m.reload()
    assert run["alerts_opened"] == 1
    reopened = client.get(f"/v1/alerts/{alert['id']}").json()
    assert reopened["status"] == "open"
    assert "gained the name(s) Minsk Tractor Works Volat" in reopened["reason"]
    assert [h["action"] for h in reopened["history"]] == ["opened", "dismissed", "reopened"]
    assert reopened["history"][1]["reason_code"] == "other_plant"
    events = m.events(after=mark)
    assert [t for t, _ in events] == ["alert.opened", "rescreen.finished"]
    assert events[0][1]["reopened"] is True and events[0][1]["counterparty_id"] == "c-1"
    mark = m.last_event_id()

    # The entity leaves the list.
    m.lists.entities = [e for e in m.lists.entities if e["id"] != "by-mzkt"]
    run = m.reload()
    assert run["alerts_closed"] == 1
    closed = client.get(f"/v1/alerts/{alert['id']}").json()
    assert (closed["status"], closed["close_reason"]) == ("closed", "entity_removed")
    assert client.get("/v1/counterparties/c-1").json()["status"] == "clear"
    assert [t for t, _ in m.events(after=mark)] == ["alert.closed", "rescreen.finished"]


def test_confirmed_stays_confirmed_and_delete_closes(monitored: Callable[..., Monitored]) -> None:
    m = monitored()
    client = m.client
    body = client.put("/v1/counterparties/c-2", json=TRACTOR).json()
    alert = alert_on(body, "by-mzkt")
    confirmed = client.post(
        f"/v1/alerts/{alert['id']}/decision", json={"decision": "confirm", "reason_code": "same"}
    )
    assert confirmed.json()["status"] == "confirmed"
    assert client.get("/v1/counterparties/c-2").json()["status"] == "confirmed_hit"
    m.lists.entity("by-mzkt")["aliases"].append({"name": "Volat Minsk Trucks"})
    m.reload()
    assert client.get(f"/v1/alerts/{alert['id']}").json()["status"] == "confirmed"
    # `since` compares moments, whatever the zone they are written in.
    at = client.get(f"/v1/alerts/{alert['id']}").json()["updated_at"]
    moment = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(
        timezone(timedelta(hours=3))
    )
    for since, found in ((moment, 1), (moment + timedelta(seconds=1), 0)):
        page = client.get("/v1/alerts", params={"since": since.isoformat(), "entity": "by-mzkt"})
        assert len(page.json()["alerts"]) == found, since
    listed = client.get("/v1/counterparties", params={"status": "confirmed_hit"}).json()
    assert [c["id"] for c in listed["counterparties"]] == ["c-2"]

    assert client.delete("/v1/counterparties/c-2").status_code == 204
    assert client.get("/v1/counterparties/c-2").status_code == 404
    gone = client.get(f"/v1/alerts/{alert['id']}").json()
    assert (gone["status"], gone["close_reason"]) == ("closed", "counterparty_deleted")
    assert client.delete("/v1/counterparties/c-2").status_code == 404


def test_a_renamed_counterparty_reopens_its_dismissal(monitored: Callable[..., Monitored]) -> None:
    m = monitored()
    client = m.client
    alert = alert_on(client.put("/v1/counterparties/c-3", json=TRACTOR).json(), "by-mzkt")
    client.post(
        f"/v1/alerts/{alert['id']}/decision", json={"decision": "dismiss", "reason_code": "x"}
    )
    # Only its attributes change: still dismissed.
    same = client.put("/v1/counterparties/c-3", json=TRACTOR | {"attributes": {"erp": "V-9"}})
    assert alert_on(same.json(), "by-mzkt")["status"] == "dismissed"
    renamed = client.put(
        "/v1/counterparties/c-3", json=TRACTOR | {"aliases": ["MZKT Minsk Wheeled Tractor"]}
    )
    reopened = alert_on(renamed.json(), "by-mzkt")
    assert reopened["status"] == "open"
    assert "the counterparty gained the name(s) MZKT Minsk Wheeled Tractor" in reopened["reason"]


def test_full_rescreen_on_demand(monitored: Callable[..., Monitored]) -> None:
    m = monitored()
    client = m.client
    for number, name in enumerate(["Minsk Automobile Plant", "Garden Chairs Ltd", "BelAZ"]):
        assert client.put(f"/v1/counterparties/f-{number}", json={"name": name}).status_code == 201
    started = client.post("/v1/counterparties/rescreen")
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    run = m.wait_run(lambda r: r["id"] == run_id)
    assert (run["status"], run["total"], run["done"], run["percent"]) == ("done", 3, 3, 100.0)
    assert run["alerts_opened"] == 0  # found at registration already
    assert client.get(f"/v1/counterparties/runs/{run_id}").json()["status"] == "done"
    assert client.get("/v1/counterparties/runs/nope").status_code == 404
