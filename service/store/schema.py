"""The tables of the durable store, as SQLAlchemy Core metadata: the source of the first
migration and of the queries. Changing a table means adding a migration too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from sqlalchemy import (
    BigInteger,
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
    UniqueConstraint,
)

metadata = MetaData()


@overload
def utc(moment: datetime) -> datetime: ...
@overload
def utc(moment: None) -> None: ...
def utc(moment: datetime | None) -> datetime | None:
    """A time read from a table, in UTC: every time is stored in UTC, and SQLite hands them
    back without their zone."""
    if moment is None or moment.tzinfo:
        return moment
    return moment.replace(tzinfo=UTC)


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

# --- Monitoring (migration 0003) -------------------------------------------------------------

#: The caller's counterparties (suppliers, customers), kept and screened again on every list
#: change. `status` is derived from the counterparty's alerts, kept here to filter on.
counterparties = Table(
    "counterparties",
    metadata,
    # The caller's own id for the counterparty.
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    # JSON lists: aliases [name, ...], identifiers [{type, value}, ...]; attributes any JSON.
    Column("aliases", Text, nullable=False),
    Column("country", String(8)),
    Column("identifiers", Text, nullable=False),
    Column("attributes", Text, nullable=False),
    # clear, open_alert or confirmed_hit
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("screened_at", DateTime(timezone=True)),
    Column("watchlist_version", String(64)),
    Index("ix_counterparties_status", "status", "id"),
)

#: One alert per (counterparty, listed entity): open, pending_approval (a dismissal awaiting a
#: second key), confirmed, dismissed or closed.
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("counterparty_id", String(200), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("score", Float, nullable=False),
    # The match as the screening API reports it (explanation included), JSON.
    Column("match", Text, nullable=False),
    # Why the alert was (re)opened: a sentence, saying what changed on a re-opening.
    Column("reason", Text, nullable=False),
    # The names and identifiers of both sides when last decided, JSON: what a decision covers.
    Column("basis", Text),
    Column("watchlist_version", String(64)),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(16)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_code", String(64)),
    Column("decision_comment", Text),
    # Four-eyes: the key that asked for the dismissal awaiting approval.
    Column("requested_by", String(16)),
    Column("close_reason", String(32)),
    UniqueConstraint("counterparty_id", "entity_id", name="uq_alerts_pair"),
    Index("ix_alerts_status_time", "status", "updated_at"),
    Index("ix_alerts_entity", "entity_id"),
    Index("ix_alerts_time", "updated_at"),
)

#: Everything that happened to each alert, append-only (a trigger refuses updates, as for the
#: screenings): the decision trail.
alert_history = Table(
    "alert_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    # opened, reopened, updated, confirmed, dismissal_requested, dismissed, closed
    Column("action", String(24), nullable=False),
    Column("status", String(20), nullable=False),
    Column("key_id", String(16)),
    Column("reason_code", String(64)),
    Column("comment", Text),
    # What else is worth keeping (score, reason, what changed), JSON.
    Column("details", Text, nullable=False),
    Index("ix_alert_history_alert", "alert_id", "id"),
)

#: Re-screenings and imports of counterparties, run by the job workers, with their progress.
monitoring_runs = Table(
    "monitoring_runs",
    metadata,
    Column("id", String(40), primary_key=True),
    # changes (a list change), full (on demand) or import (a file)
    Column("kind", String(8), nullable=False),
    # queued, running, done or failed
    Column("status", String(8), nullable=False),
    Column("key_id", String(16)),
    Column("from_version", String(64)),
    Column("to_version", String(64)),
    Column("total", Integer),
    Column("done", Integer, nullable=False),
    Column("alerts_opened", Integer, nullable=False),
    Column("alerts_closed", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    # An import's last row done (an import redone after its worker died goes on from there).
    Column("cursor", String(200)),
    # An import's detected table; a re-screen's plan (the entities whose alerts it brings in
    # line, those whose alerts it closes), JSON, set once when its pages are made.
    Column("options", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("error", Text),
)

#: The pages of a re-screen (migration 0005): counterparties `after` < id <= `until` (None: no
#: bound), each a task any worker takes. `done_at` is set in the transaction that commits the
#: page's alerts and counts, so a page redone after its worker died changes nothing twice.
monitoring_pages = Table(
    "monitoring_pages",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("after", String(200)),
    Column("until", String(200)),
    Column("done_at", DateTime(timezone=True)),
)

#: Small facts of the monitoring, by name: `screened_version`, the watchlist version every
#: counterparty was last screened against (the start of the next change-driven re-screen).
monitoring_state = Table(
    "monitoring_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# --- Webhooks (migration 0004) ---------------------------------------------------------------

#: The outbox of events (`service.webhooks.events.publish`): written in the transaction of the
#: change it tells of, so an event exists if and only if its change was committed; the workers
#: then make one delivery per webhook subscribed (`dispatched_at`).
events = Table(
    "events",
    metadata,
    # `evt_` and 24 hex digits, ordered by the time of publishing: the `webhook-id` header too.
    Column("id", String(40), primary_key=True),
    Column("type", String(40), nullable=False),
    # The event's `data`, JSON.
    Column("data", Text, nullable=False),
    # Deliveries of events with the same key go to each webhook in order, one at a time.
    Column("ordering_key", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # When its deliveries were made; NULL until then.
    Column("dispatched_at", DateTime(timezone=True)),
    Index("ix_events_dispatch", "dispatched_at", "id"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("url", String(2000), nullable=False),
    # The event types it is sent, a JSON list.
    Column("events", Text, nullable=False),
    Column("description", String(500), nullable=False),
    # `whsec_` and base64: the HMAC key must be at hand to sign, so it is kept as it is (the
    # receiver keeps it too); shown once, when made or rotated.
    Column("secret", String(100), nullable=False),
    # The secret before the last rotation, which also signs until `previous_secret_until`.
    Column("previous_secret", String(100)),
    Column("previous_secret_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The API key that made it; NULL in open mode.
    Column("created_by", String(16)),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    # Increasing in the order deliveries were made: the order of sending per ordering key.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("webhook_id", String(40), ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(40), ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("ordering_key", String(200)),
    # pending, delivering (taken by a worker until `lease_until`), delivered or failed
    Column("status", String(12), nullable=False),
    # Attempts begun (one killed with its worker counts).
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    # Set at the first attempt: no retry after this; a redelivery starts a new one.
    Column("retry_until", DateTime(timezone=True)),
    Column("lease", String(32)),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_status_code", Integer),
    Column("last_error", String(300)),
    # The start of the receiver's last answer, bounded (`deliveries.EXCERPT_CHARS`).
    Column("last_response", Text),
    Column("delivered_at", DateTime(timezone=True)),
    UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_lease", "status", "lease_until"),
    Index("ix_webhook_deliveries_order", "webhook_id", "ordering_key", "id"),
    Index("ix_webhook_deliveries_event", "event_id"),
)

#: The watchlist version last announced (`watchlist.updated`), one row: each change of version
#: is announced once, however many processes load it.
announced_watchlist = Table(
    "announced_watchlist",
    metadata,
    Column("id", Integer, primary_key=True),
    # Empty before the first announcement.
    Column("version", String(64), nullable=False),
    Column("announced_at", DateTime(timezone=True)),
)
