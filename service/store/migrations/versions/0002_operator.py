"""Who ran a command-line screening: `screenings.operator`, the operating-system user (and host)
of `screen` and `screen-file`; NULL for the API's screenings, which name their key.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new nullable column: no row is rewritten (the append-only trigger stays silent).
    op.add_column("screenings", sa.Column("operator", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("screenings") as batch:
        batch.drop_column("operator")
