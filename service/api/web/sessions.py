"""The web app's sessions: the API key an analyst signed in with stays in this process's memory,
the browser holds only a random session id in a signed, HttpOnly, SameSite=Strict cookie; each
session has its own CSRF token, which every form sends back.

In memory, so a restart signs everyone out (the service runs as one process: `python -m service
serve`). The cookie's signature (HMAC-SHA256 under a secret made at start-up) lets a forged or
truncated id be refused without a look-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

#: The session cookie's name; its path is the web app's prefix.
COOKIE = "screening_session"
#: Seconds a session lasts without a request before it is forgotten.
IDLE_SECONDS = 8 * 3600
#: Seconds a session lasts at most, in use or not: a working day and a half.
MAX_AGE_SECONDS = 12 * 3600
#: Sessions kept at most: past it the oldest are forgotten (a flood of anonymous visits must not
#: grow the process without bound).
MAX_SESSIONS = 10_000


@dataclass(slots=True)
class Session:
    id: str
    csrf: str
    created: float
    seen: float
    #: The API key signed in with; None before signing in (or in open mode).
    key: str | None = None
    #: Uploaded files waiting for their columns to be confirmed: upload id -> directory.
    uploads: dict[str, Path] = field(default_factory=dict)
    #: The jobs started in this session, oldest first (the files page lists them).
    jobs: list[str] = field(default_factory=list)

    def csrf_matches(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token, self.csrf)


class Sessions:
    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)
        self._sessions: dict[str, Session] = {}

    def _sign(self, session_id: str) -> str:
        digest = hmac.new(self._secret, session_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def cookie_value(self, session: Session) -> str:
        return f"{session.id}.{self._sign(session.id)}"

    def find(self, cookie: str | None) -> Session | None:
        """The live session of a cookie's value; None if unsigned, forged or expired."""
        if not cookie or "." not in cookie:
            return None
        session_id, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(session_id)):
            return None
        session = self._sessions.get(session_id)
        now = time.time()
        if session is None:
            return None
        if now - session.seen > IDLE_SECONDS or now - session.created > MAX_AGE_SECONDS:
            self.end(session)
            return None
        session.seen = now
        return session

    def start(self, key: str | None = None) -> Session:
        """A new session (with a new id and CSRF token: signing in never keeps the old ones)."""
        if len(self._sessions) >= MAX_SESSIONS:
            oldest = sorted(self._sessions.values(), key=lambda s: s.seen)
            for session in oldest[: MAX_SESSIONS // 10]:
                self.end(session)
        now = time.time()
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), now, now, key)
        self._sessions[session.id] = session
        return session

    def end(self, session: Session) -> None:
        self._sessions.pop(session.id, None)
        for directory in session.uploads.values():
            shutil.rmtree(directory, ignore_errors=True)
        session.uploads.clear()
