"""Monitoring: counterparties, their alerts, the append-only history of every alert (the
decision trail), the re-screening runs and the version every counterparty was last screened
against. (Their events go to the outbox of migration 0004.)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)
#: The tables in the order they are made (dropped in the reverse order).
_TABLES = ("counterparties", "alerts", "alert_history", "monitoring_runs", "monitoring_state")


def upgrade() -> None:
    # The tables as they are at this revision, written out: a later change to one of them
    # is a migration of its own, and this one makes what it always made.
    op.create_table(
        "counterparties",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("identifiers", sa.Text(), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("screened_at", _WHEN),
        sa.Column("watchlist_version", sa.String(64)),
    )
    op.create_index("ix_counterparties_status", "counterparties", ["status", "id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("counterparty_id", sa.String(200), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("entity_name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("match", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text()),
        sa.Column("watchlist_version", sa.String(64)),
        sa.Column("opened_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("decided_by", sa.String(16)),
        sa.Column("decided_at", _WHEN),
        sa.Column("decision_code", sa.String(64)),
        sa.Column("decision_comment", sa.Text()),
        sa.Column("requested_by", sa.String(16)),
        sa.Column("close_reason", sa.String(32)),
        sa.UniqueConstraint("counterparty_id", "entity_id", name="uq_alerts_pair"),
    )
    op.create_index("ix_alerts_status_time", "alerts", ["status", "updated_at"])
    op.create_index("ix_alerts_entity", "alerts", ["entity_id"])
    op.create_index("ix_alerts_time", "alerts", ["updated_at"])
    op.create_table(
        "alert_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.String(40), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("key_id", sa.String(16)),
        sa.Column("reason_code", sa.String(64)),
        sa.Column("comment", sa.Text()),
        sa.Column("details", sa.Text(), nullable=False),
    )
    op.create_index("ix_alert_history_alert", "alert_history", ["alert_id", "id"])
    op.create_table(
        "monitoring_runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("key_id", sa.String(16)),
        sa.Column("from_version", sa.String(64)),
        sa.Column("to_version", sa.String(64)),
        sa.Column("total", sa.Integer()),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("alerts_opened", sa.Integer(), nullable=False),
        sa.Column("alerts_closed", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.String(200)),
        sa.Column("options", sa.Text()),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("started_at", _WHEN),
        sa.Column("finished_at", _WHEN),
        sa.Column("error", sa.Text()),
    )
    op.create_table(
        "monitoring_state",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The function of migration 0001 raises for any table it guards.
        op.execute(
            "CREATE TRIGGER alert_history_append_only BEFORE UPDATE ON alert_history "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER alert_history_append_only BEFORE UPDATE ON alert_history "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def downgrade() -> None:
    on = " ON alert_history" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"DROP TRIGGER IF EXISTS alert_history_append_only{on}")
    for table in reversed(_TABLES):
        op.drop_table(table)
