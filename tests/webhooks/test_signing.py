"""Signatures as the Standard Webhooks library computes and checks them, with one secret and,
during a rotation, two; the backoff's bounds."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from service.webhooks.delivery import backoff_seconds
from service.webhooks.signing import SECRET_BYTES, new_secret, signature, signed_headers

BODY = b'{"type":"alert.opened","timestamp":"2026-01-01T00:00:00Z","data":{"n":1}}'


def test_a_signature_is_the_librarys() -> None:
    secret = new_secret()
    now = int(datetime.now(UTC).timestamp())
    expected = Webhook(secret).sign("evt_1", datetime.fromtimestamp(now, UTC), BODY)
    assert signature(secret, "evt_1", now, BODY) == expected


def test_new_secrets_are_random_and_long_enough() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    assert all(s.startswith("whsec_") for s in secrets)
    assert {len(base64.b64decode(s.removeprefix("whsec_"))) for s in secrets} == {SECRET_BYTES}


def test_either_secret_verifies_a_delivery_signed_with_both() -> None:
    old, new, other = new_secret(), new_secret(), new_secret()
    now = int(datetime.now(UTC).timestamp())
    headers = signed_headers([new, old], "evt_2", now, BODY)
    assert Webhook(new).verify(BODY, headers) == Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(BODY + b" ", headers)


def test_backoff_is_full_jitter_under_the_cap() -> None:
    waits = [backoff_seconds(attempts, 1.0, 30.0) for attempts in range(1, 12) for _ in range(50)]
    assert all(0.0 <= wait <= 30.0 for wait in waits)
    assert max(backoff_seconds(1, 1.0, 30.0) for _ in range(50)) <= 1.0
    assert max(backoff_seconds(10, 1.0, 30.0) for _ in range(200)) > 15.0
    assert backoff_seconds(10_000, 1.0, 30.0) <= 30.0
