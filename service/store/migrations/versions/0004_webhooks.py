"""Webhooks: the outbox of events (`events`), the webhooks registered, their deliveries, and
the watchlist version last announced.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("ordering_key", sa.String(200)),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("dispatched_at", _WHEN),
    )
    op.create_index("ix_events_dispatch", "events", ["dispatched_at", "id"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("previous_secret", sa.String(100)),
        sa.Column("previous_secret_until", _WHEN),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.String(16)),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column(
            "webhook_id",
            sa.String(40),
            sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.String(40),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ordering_key", sa.String(200)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("next_attempt_at", _WHEN),
        sa.Column("retry_until", _WHEN),
        sa.Column("lease", sa.String(32)),
        sa.Column("lease_until", _WHEN),
        sa.Column("last_attempt_at", _WHEN),
        sa.Column("last_status_code", sa.Integer()),
        sa.Column("last_error", sa.String(300)),
        sa.Column("last_response", sa.Text()),
        sa.Column("delivered_at", _WHEN),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index("ix_webhook_deliveries_lease", "webhook_deliveries", ["status", "lease_until"])
    op.create_index(
        "ix_webhook_deliveries_order", "webhook_deliveries", ["webhook_id", "ordering_key", "id"]
    )
    op.create_index("ix_webhook_deliveries_event", "webhook_deliveries", ["event_id"])
    announced = op.create_table(
        "announced_watchlist",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("announced_at", _WHEN),
    )
    # Its one row exists from the start: an announcement only ever updates it.
    op.bulk_insert(announced, [{"id": 1, "version": ""}])


def downgrade() -> None:
    op.drop_table("announced_watchlist")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("events")
