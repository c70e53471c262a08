"""Helpers of the access tests: keys of every role made through the API (the first, in open
mode, ends it), and requests with a key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient


@dataclass(frozen=True)
class Keys:
    admin: str
    screener: str
    auditor: str

    def of(self, role: str) -> str:
        key: str = getattr(self, role)
        return key


def key_id(key: str) -> str:
    return key.split("_")[1]


def create_key(client: TestClient[Litestar], admin: str | None, **body: Any) -> str:
    headers = {"X-API-Key": admin} if admin else {}
    response = client.post("/v1/keys", json=body, headers=headers)
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def make_keys(client: TestClient[Litestar]) -> Keys:
    """An admin key made in open mode, then a screener and an auditor key made with it."""
    admin = create_key(client, None, name="first admin", role="admin")
    return Keys(
        admin=admin,
        screener=create_key(client, admin, name="erp", role="screener"),
        auditor=create_key(client, admin, name="audit office", role="auditor"),
    )


def as_key(key: str | None) -> dict[str, str]:
    return {"X-API-Key": key} if key else {}
