"""Monitoring: counterparties, their alerts, the append-only history of every alert (the
decision trail), the outbox of monitoring events, the re-screening runs and the version every
counterparty was last screened against.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-20
"""

from __future__ import annotations

from alembic import op

from service.store.schema import (
    alert_history,
    alerts,
    counterparties,
    monitoring_runs,
    monitoring_state,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The tables as the schema states them at this revision (a later change to one of them adds
# a migration of its own that alters it).
_TABLES = (
    counterparties,
    alerts,
    alert_history,
    monitoring_runs,
    monitoring_state,
)


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind)
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
        op.drop_table(table.name)
