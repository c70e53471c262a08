"""API keys: created with a role, shown once, stored as a hash, listed and revoked.

A key reads `scr_<id>_<secret>`: the id is public (lists, logs, the audit trail name it), the
secret is 32 random bytes of which only the sha256 is kept. A random 256-bit secret needs no
slow password hash: nothing can be guessed from its sha256.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, insert, select, update

from service.errors import InvalidInput, NotFound
from service.store.availability import Availability, guarded
from service.store.schema import api_keys

KEY_PREFIX = "scr"
_KEY_RE = re.compile(r"scr_([a-z0-9]{12})_([A-Za-z0-9_-]{43})")


class Role(StrEnum):
    #: Screens names (single, batch), runs batch jobs, registers counterparties and decides
    #: their alerts.
    SCREENER = "screener"
    #: All a screener does, and reloads the watchlist and manages keys and webhooks.
    ADMIN = "admin"
    #: Reads the audit trail, the counterparties and their alerts, the webhooks with their
    #: deliveries; screens and changes nothing.
    AUDITOR = "auditor"


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    role: Role
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None
    requests_per_minute: int | None
    rows_per_hour: int | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(_hash(secret), self.secret_hash)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(presented: str) -> tuple[str, str] | None:
    """The id and secret of a well-formed key, else None."""
    found = _KEY_RE.fullmatch(presented)
    return (found.group(1), found.group(2)) if found else None


def _key(row: object) -> ApiKey:
    values = row._mapping  # type: ignore[attr-defined]
    return ApiKey(
        id=values["id"],
        name=values["name"],
        role=Role(values["role"]),
        secret_hash=values["secret_hash"],
        created_at=_aware(values["created_at"]),
        revoked_at=_aware(values["revoked_at"]) if values["revoked_at"] else None,
        requests_per_minute=values["requests_per_minute"],
        rows_per_hour=values["rows_per_hour"],
    )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_limit(name: str, value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidInput(f"{name} must be 0 (unlimited) or more", code="limit_invalid")


class KeyStore:
    def __init__(self, engine: Engine, availability: Availability) -> None:
        self.engine = engine
        self.availability = availability

    @guarded
    def create(
        self,
        name: str,
        role: Role,
        *,
        requests_per_minute: int | None = None,
        rows_per_hour: int | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its full text, which is shown once and never stored."""
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidInput("a key needs a name of 1 to 200 characters", code="name_invalid")
        _check_limit("requests_per_minute", requests_per_minute)
        _check_limit("rows_per_hour", rows_per_hour)
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(
            id=key_id,
            name=name,
            role=role,
            secret_hash=_hash(secret),
            created_at=datetime.now(UTC),
            revoked_at=None,
            requests_per_minute=requests_per_minute,
            rows_per_hour=rows_per_hour,
        )
        with self.engine.begin() as connection:
            connection.execute(
                insert(api_keys).values(
                    id=key.id,
                    name=key.name,
                    role=key.role.value,
                    secret_hash=key.secret_hash,
                    created_at=key.created_at,
                    requests_per_minute=requests_per_minute,
                    rows_per_hour=rows_per_hour,
                )
            )
        return key, f"{KEY_PREFIX}_{key_id}_{secret}"

    @guarded
    def get(self, key_id: str) -> ApiKey | None:
        return self._get(key_id)

    def _get(self, key_id: str) -> ApiKey | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return _key(row) if row else None

    @guarded
    def list(self) -> list[ApiKey]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(api_keys).order_by(api_keys.c.created_at)).all()
        return [_key(row) for row in rows]

    @guarded
    def any_created(self) -> bool:
        """Whether a key was ever created here. Keys are revoked, never deleted, so a revoked
        one still counts: the open mode of a fresh install does not come back."""
        with self.engine.connect() as connection:
            return connection.execute(select(api_keys.c.id).limit(1)).first() is not None

    @guarded
    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (for good; revoking it again changes nothing). NotFound if unknown."""
        with self.engine.begin() as connection:
            connection.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        key = self._get(key_id)
        if key is None:
            raise NotFound(f"no API key with id {key_id!r}", code="key_not_found")
        return key
