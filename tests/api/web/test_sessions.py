"""The web app's sessions: signed ids, expiry when idle and at the latest, a bounded number,
and the uploads of a session removed with it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from service.api.web import sessions
from service.api.web.sessions import Sessions


def test_only_a_signed_id_of_a_live_session_finds_it() -> None:
    store = Sessions(b"k" * 32)
    session = store.start("scr_key")
    cookie = store.cookie_value(session)
    assert store.find(cookie) is session
    session_id, _, signature = cookie.rpartition(".")
    assert store.find(f"{session_id}.{signature[:-1]}x") is None
    assert store.find(session_id) is None and store.find("") is None and store.find(None) is None
    # Signed under another secret (another process, or before a restart): unknown.
    assert Sessions(b"o" * 32).find(cookie) is None
    store.end(session)
    assert store.find(cookie) is None


def test_sessions_expire_when_idle_and_at_the_latest(monkeypatch: pytest.MonkeyPatch) -> None:
    started = 1_000_000.0
    now = [started]
    monkeypatch.setattr(time, "time", lambda: now[0])
    store = Sessions()
    session = store.start()
    cookie = store.cookie_value(session)
    now[0] = started + sessions.IDLE_SECONDS - 1
    assert store.find(cookie) is session  # in use: not idle any more
    now[0] = started + sessions.MAX_AGE_SECONDS + 1  # not idle long, but too old
    assert store.find(cookie) is None
    idle = store.start()
    now[0] += sessions.IDLE_SECONDS + 1
    assert store.find(store.cookie_value(idle)) is None


def test_the_number_of_sessions_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "MAX_SESSIONS", 20)
    store = Sessions()
    first = store.start()
    made = [store.start() for _ in range(30)]
    assert store.find(store.cookie_value(first)) is None
    assert store.find(store.cookie_value(made[-1])) is made[-1]


def test_ending_a_session_removes_its_uploads(tmp_path: Path) -> None:
    store = Sessions()
    session = store.start()
    upload = tmp_path / "web-uploads" / "u1"
    upload.mkdir(parents=True)
    (upload / "upload").write_bytes(b"name\nBelAZ\n")
    session.uploads["u1"] = upload
    store.end(session)
    assert not upload.exists() and not session.uploads
