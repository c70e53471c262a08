"""The first tables: API keys, the audit trail (screenings and their matches), job records.
Audit rows cannot be updated: a trigger refuses it, on SQLite and on PostgreSQL; another fills
`screening_matches` from each screening's JSON list of matches.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY = ("screenings", "screening_matches")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("requests_per_minute", sa.Integer),
        sa.Column("rows_per_hour", sa.Integer),
    )
    op.create_table(
        "screenings",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key_id", sa.String(16)),
        sa.Column("request_id", sa.String(128)),
        sa.Column("job_id", sa.String(40)),
        sa.Column("row", sa.Integer),
        sa.Column("query_name", sa.Text),
        sa.Column("query_country", sa.String(8)),
        sa.Column("threshold", sa.Float),
        sa.Column("match_limit", sa.Integer),
        sa.Column("watchlist_version", sa.String(64)),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("match_count", sa.Integer, nullable=False),
        sa.Column("matches", sa.Text, nullable=False),
        sa.Column("response", sa.Text, nullable=False),
    )
    op.create_index("ix_screenings_screened_at", "screenings", ["screened_at"])
    op.create_index("ix_screenings_key_time", "screenings", ["key_id", "screened_at"])
    op.create_index("ix_screenings_job", "screenings", ["job_id"])
    op.create_table(
        "screening_matches",
        sa.Column(
            "screening_id",
            sa.String(40),
            sa.ForeignKey("screenings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("rank", sa.Integer, primary_key=True),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
    )
    op.create_index("ix_screening_matches_entity", "screening_matches", ["entity_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("key_id", sa.String(16)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    _fill_matches_by_trigger()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$"
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
    else:
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )


def _fill_matches_by_trigger() -> None:
    """`screening_matches` rows made by the database from each new screening's JSON."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION screening_matches_fill() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN INSERT INTO screening_matches (screening_id, rank, entity_id, score) "
            "SELECT NEW.id, m.rank, m.value->>0, (m.value->>1)::float8 "
            "FROM jsonb_array_elements(NEW.matches::jsonb) WITH ORDINALITY AS m(value, rank); "
            "RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER screenings_fill_matches AFTER INSERT ON screenings "
            "FOR EACH ROW EXECUTE FUNCTION screening_matches_fill()"
        )
    else:
        op.execute(
            "CREATE TRIGGER screenings_fill_matches AFTER INSERT ON screenings BEGIN "
            "INSERT INTO screening_matches (screening_id, rank, entity_id, score) "
            "SELECT NEW.id, key + 1, value->>0, value->>1 FROM json_each(NEW.matches); END"
        )


def downgrade() -> None:
    for table in _APPEND_ONLY:
        op.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only"
            + (f" ON {table}" if op.get_bind().dialect.name == "postgresql" else "")
        )
    on = " ON screenings" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"DROP TRIGGER IF EXISTS screenings_fill_matches{on}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
        op.execute("DROP FUNCTION IF EXISTS screening_matches_fill()")
    for table in ("jobs", "screening_matches", "screenings", "api_keys"):
        op.drop_table(table)
