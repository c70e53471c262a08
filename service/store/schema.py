"""The tables of the durable store, as SQLAlchemy Core metadata: the source of the first
migration and of the queries. Changing a table means adding a migration too."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

api_keys = Table(
    "api_keys",
    metadata,
    # The public part of the key (`scr_<id>_<secret>`): safe to show, log and audit.
    Column("id", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    # sha256 of the secret part, hex; the key itself is never stored.
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    # Per-key rate limits; NULL: the service's defaults, 0: unlimited.
    Column("requests_per_minute", Integer),
    Column("rows_per_hour", Integer),
)

screenings = Table(
    "screenings",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("screened_at", DateTime(timezone=True), nullable=False),
    # single, batch, job (a row of a batch job) or file (a row of `screen-file`)
    Column("kind", String(8), nullable=False),
    # NULL when the service ran open (bound to localhost, no key created yet), and for a
    # command-line screening without `--key`.
    Column("key_id", String(16)),
    # Command-line screenings: the operating-system user and host that ran them; NULL for the
    # API's (migration 0002).
    Column("operator", String(200)),
    Column("request_id", String(128)),
    Column("job_id", String(40)),
    Column("row", Integer),
    Column("query_name", Text),
    Column("query_country", String(8)),
    Column("threshold", Float),
    Column("match_limit", Integer),
    Column("watchlist_version", String(64)),
    # hit, clear or error (a job row that could not be screened)
    Column("outcome", String(8), nullable=False),
    Column("match_count", Integer, nullable=False),
    # [[entity id, score], ...] best first, JSON; a trigger copies them to `screening_matches`.
    Column("matches", Text, nullable=False),
    # The answer as given, JSON: the response body (single), the query's result (batch), the
    # result row (job).
    Column("response", Text, nullable=False),
    Index("ix_screenings_screened_at", "screened_at"),
    Index("ix_screenings_key_time", "key_id", "screened_at"),
    Index("ix_screenings_job", "job_id"),
)

#: One row per match of a screening, for finding the screenings that returned an entity; filled
#: by a trigger from `screenings.matches` (in the database, not row by row from Python).
screening_matches = Table(
    "screening_matches",
    metadata,
    Column(
        "screening_id",
        String(40),
        ForeignKey("screenings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("rank", Integer, primary_key=True),
    Column("entity_id", String(200), nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_screening_matches_entity", "entity_id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("key_id", String(16)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("size", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    # The job's record as kept in Redis (options, detected table, counters), JSON.
    Column("record", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
