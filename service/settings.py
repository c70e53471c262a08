"""Every knob of the service, typed, with its unit and default: read from `SCREENING_*`
environment variables and a `.env` file, built once by `load_settings()` and passed down.

Nothing here runs at import time. Imports only the engine's default threshold, the watchlist's
source and filter types and the read bounds of `files`. docs/configuration.md is written from
this model and its comments (scripts/configuration_page.py).
"""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service.files.bounds import ReadBounds
from service.matching.matcher import DEFAULT_THRESHOLD
from service.watchlist.importers.filters import (
    EntityFilter,
    country_codes,
    schemas_named,
    split_values,
)
from service.watchlist.sources import WatchlistSource, parse_sources

ENV_PREFIX = "SCREENING_"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _unprefixed_too(name: str) -> AliasChoices:
    """Accept `SCREENING_NAME` and plain `NAME`: the common ones are set without the prefix."""
    return AliasChoices(f"{ENV_PREFIX}{name}", name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    # --- Data and backends -------------------------------------------------------------------
    #: Watchlist sources that replace the shipped seed, separated by commas: JSON Lines files,
    #: and official list files as `FORMAT:PATH` (`ofac-csv:/lists/ofac/`; the formats of
    #: `import-watchlist`). Entities with the same id are merged. Unset: the seed watchlist.
    watchlist_path: str | None = Field(
        default=None, validation_alias=_unprefixed_too("WATCHLIST_PATH")
    )
    #: Keep only the watchlist entities linked to one of these countries (ISO alpha-2 codes,
    #: separated by commas): by country, address, or a programme named after it (BY: BELARUS,
    #: BLR). Empty: every entity.
    watchlist_countries: Annotated[tuple[str, ...], NoDecode] = ()
    #: Keep only the entities listed under one of these programmes (whole names, any case,
    #: separated by commas, e.g. `BELARUS-EO14038`). Empty: every entity.
    watchlist_programmes: Annotated[tuple[str, ...], NoDecode] = ()
    #: Keep only the entities of these kinds (Organization, Person, Vessel, Aircraft, Other;
    #: separated by commas). Empty: every entity.
    watchlist_schemas: Annotated[tuple[str, ...], NoDecode] = ()
    #: Redis URL (`redis://host:6379/0`) of the shared result cache. Unset: an in-process LRU.
    redis_url: str | None = Field(default=None, validation_alias=_unprefixed_too("REDIS_URL"))
    #: Database of the durable store (API keys, the audit trail, job records), as a SQLAlchemy
    #: URL: `postgresql://user:password@host:5432/screening` in production (its driver is the
    #: `postgres` extra: `pip install '.[postgres]'`). Unset: the SQLite file
    #: `screening.sqlite3` in the data directory (`SCREENING_DATA_DIR`).
    database_url: str | None = Field(default=None, validation_alias=_unprefixed_too("DATABASE_URL"))

    # --- Access control and audit ------------------------------------------------------------
    #: Seconds a checked API key is trusted before it is read again from the database. A key
    #: revoked through the API, or with `keys revoke` when Redis is configured, is refused at
    #: once by every process all the same; this bounds the delay otherwise.
    key_cache_seconds: float = Field(default=1.0, ge=0.0)
    #: Record every screening in the audit trail before answering it. Switch off only to
    #: measure what the audit costs: a regulated deployment keeps it on.
    audit_enabled: bool = True
    #: Audit records older than this many days are deleted by `python -m service audit purge`
    #: (the API never deletes any). OFAC asks for ten years.
    audit_retention_days: int = Field(default=3650, ge=1)
    #: On PostgreSQL, answer once the audit record is committed on the server rather than once
    #: it is also flushed to the server's disk (`synchronous_commit = off` for the audit's
    #: own connection). A record then survives a crash of the service as it does on SQLite,
    #: but a crash of PostgreSQL or of its machine may lose the last fraction of a second of
    #: records already answered. Off (the default): every answer waits for the flush.
    audit_commit_unflushed: bool = False

    # --- Screening ---------------------------------------------------------------------------
    #: Score (0..1) from which a name is reported as a match, when a request gives none.
    default_threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    #: Matches returned per name when a request gives no `limit`.
    default_limit: int = Field(default=10, ge=1)
    #: Largest `limit` a request may ask for (matches per name).
    max_limit: int = Field(default=100, ge=1)
    #: Longest name accepted, in characters (Unicode code points). The longest names on the
    #: official lists are about 250 characters; longer input is a pasted paragraph, not a name.
    max_name_length: int = Field(default=300, ge=1)
    #: Most queries in one `POST /v1/screen/batch` request.
    batch_max_queries: int = Field(default=10_000, ge=1)
    #: Lowest threshold a batch may ask for (0..1). Below it nearly every listed name is some
    #: match of a long name, and one request could ask the engine for millions of matches.
    batch_min_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    #: Most matches one batch may return: its queries times its `limit` (10,000 queries with
    #: the default limit of 10). A match with its explanation is about 1.3 KB of JSON, so this
    #: bounds an answer to about 130 MB.
    batch_max_matches: int = Field(default=100_000, ge=1)
    #: Largest request body accepted, in bytes (a full batch of long names fits in 16 MiB).
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)

    # --- Result cache ------------------------------------------------------------------------
    #: How long a cached result lives, in seconds. Results are also keyed on the watchlist
    #: version, so a new watchlist never serves old entries whatever the TTL.
    cache_ttl_seconds: int = Field(default=24 * 3600, ge=1)
    #: Entries kept by the in-process LRU cache when no Redis URL is set (the only cache).
    memory_cache_size: int = Field(default=100_000, ge=1)
    #: With a Redis URL: entries each process keeps in an in-process LRU read before Redis,
    #: so a repeated name costs no round trip (a cached match list is about 1.3 KB, a list
    #: without matches 2 bytes, plus about 200 bytes for the key). 0: every read goes to Redis.
    local_cache_size: int = Field(default=10_000, ge=0)
    #: First segment of every Redis key this service writes; one prefix per deployment.
    redis_key_prefix: str = Field(default="screening", min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    #: Longest wait for Redis on connect and on each reply, in seconds; a request never
    #: waits longer than this for the cache, even when Redis is down.
    redis_socket_timeout_seconds: float = Field(default=0.25, gt=0.0)
    #: After a Redis error the cache is bypassed (screening goes on uncached) for this many
    #: seconds before the next attempt to reach Redis.
    cache_retry_seconds: float = Field(default=5.0, ge=0.0)

    # --- Watchlist versions ------------------------------------------------------------------
    #: Watchlist versions kept, with their entities, for `GET /v1/watchlist/versions` and
    #: `/changes` (in Redis with a Redis URL, and in each process's memory): the least recently
    #: loaded beyond this many are dropped. A version costs about a fifth of its JSON Lines
    #: file (compressed). No expiry besides: the version being served must stay listed.
    watchlist_versions_kept: int = Field(default=20, ge=1)
    #: Largest share (0..1) of the entities served that a reload may drop. A list file cut
    #: short (a failed download, a full disk) looks like a valid smaller list: a reload that
    #: drops more is refused, and the version served stays, unless forced
    #: (`POST /v1/watchlist/reload?force=true`). 1: never refused.
    reload_max_shrink: float = Field(default=0.1, ge=0.0, le=1.0)
    #: With a Redis URL: a reload through one process (`POST /v1/watchlist/reload`, SIGHUP) is
    #: announced to every other at once (pub/sub) and its version kept in Redis; each process
    #: also reads that version every this many seconds, which bounds how late it notices an
    #: announcement it missed (Redis unreachable for a moment). The reload itself follows.
    reload_poll_seconds: float = Field(default=5.0, gt=0.0)
    #: Directory shared by the API processes of one machine, where each keeps its Prometheus
    #: metrics (prometheus_client's multiprocess mode) so that `/metrics` of any reports their
    #: total. Unset: each process reports its own; `serve --workers N` makes a temporary one.
    #: Start from an empty directory (the files of processes gone are counted too).
    prometheus_multiproc_dir: Path | None = Field(
        default=None, validation_alias=_unprefixed_too("PROMETHEUS_MULTIPROC_DIR")
    )

    # --- Batch jobs --------------------------------------------------------------------------
    #: Run one job worker inside the API process (`python -m service worker` starts more, on
    #: any machine that reaches the same Redis).
    embedded_worker: bool = True
    #: Directory, relative to the working directory, of the embedded defaults: the SQLite
    #: database when no `DATABASE_URL` is set, and the private `redis-server` that the API
    #: starts for jobs when no Redis URL is set (its append-only file and socket, in `redis/`).
    data_dir: Path = Path("data")
    #: Rows per chunk: the unit a worker takes from the queue, and the most a killed worker's
    #: work that is redone. Larger chunks cost less queue traffic, smaller ones spread better.
    job_chunk_rows: int = Field(default=2000, ge=1)
    #: Largest supplier file (or JSON body) accepted by `POST /v1/jobs`, in bytes.
    job_upload_max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)
    #: Rows read from one supplier file (job or `screen-file`; blank rows count), counted while
    #: reading: past it the file is refused (413 `too_many_rows`). A job's rows are charged to
    #: its key's rows per hour as they are read. An XLSX sheet holds 1,048,576 at most anyway.
    job_max_rows: int = Field(default=5_000_000, ge=1)
    #: Characters of one CSV record or JSON line. A longer row is reported as an error row and
    #: the file goes on; a quoted field not closed within it is reported as an unclosed quote.
    #: At most Python's csv field limit (131,072), so that no field is refused by the parser.
    upload_max_row_chars: int = Field(default=131_072, ge=1024, le=131_072)
    #: Characters of one XLSX cell (Excel's own limit, 32,767): a row holding a longer one is
    #: reported as an error row, and only this much of a cell is ever held in memory.
    upload_max_cell_chars: int = Field(default=32_767, ge=1)
    #: Columns kept per row and of the header (more are dropped): the header's labels are
    #: echoed in every job status, whose size this bounds (labels are cut to 100 characters).
    upload_max_columns: int = Field(default=1_024, ge=1)
    #: Bytes inflated from one XLSX upload in all, counted while inflating (sizes in the zip's
    #: headers are not trusted): a million-row sheet inflates to a few hundred MB.
    upload_max_unzipped_bytes: int = Field(default=1024 * 1024 * 1024, ge=1024 * 1024)
    #: Bytes one XLSX part may inflate to per compressed byte read (past its first MiB): data
    #: compresses about 5-20 times, a zip bomb 1,000 times. 100 is Apache POI's bound too.
    upload_max_zip_ratio: int = Field(default=100, ge=1)
    #: Strings of an XLSX shared-strings table: the table is held in memory while the sheet
    #: is read (compactly: 8 bytes per string besides the text).
    upload_max_shared_strings: int = Field(default=2_000_000, ge=1)
    #: UTF-8 bytes of all the shared strings together: with the count above, about 80 MB of
    #: memory at most for the table (a cell's text past `upload_max_cell_chars` is not kept).
    upload_max_shared_string_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    #: How long a job's data (status, input, results, idempotency key) is kept in Redis after
    #: it was submitted or last changed, in seconds.
    job_retention_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    #: Chunks one worker process (or the embedded worker) screens at once; matching uses one
    #: core per process, so more than 2 only overlaps waiting on Redis.
    worker_concurrency: int = Field(default=2, ge=1)
    #: A queue task (a chunk, or splitting an upload into chunks) that has not reported for this
    #: many seconds is taken for dead (its worker killed) and redone by another worker.
    job_heartbeat_seconds: int = Field(default=60, ge=1)
    #: Longest run of one queue task, in seconds, before it is cancelled and redone.
    job_timeout_seconds: int = Field(default=600, ge=1)
    #: How often each worker looks for dead tasks to redo, in seconds.
    job_sweep_seconds: int = Field(default=10, ge=1)
    #: Attempts of one queue task before its job fails (a killed worker's task is redone within
    #: these).
    job_retries: int = Field(default=5, ge=1)

    # --- Monitoring --------------------------------------------------------------------------
    #: Score (0..1) at or above which a counterparty's match opens an alert. Empty: the
    #: default threshold of screening.
    monitoring_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    #: Matches kept per name of a counterparty (its name and each alias): at most this many
    #: alerts open from one name at once.
    monitoring_limit: int = Field(default=10, ge=1, le=100)
    #: Four-eyes mode: a dismissal waits (`pending_approval`) until a second, different key
    #: approves it. Confirmations take effect at once.
    monitoring_four_eyes: bool = False
    #: Counterparties per page of a re-screening (a task any worker takes, its changes
    #: committed in one transaction) and per transaction of an import: the most a worker
    #: redoes after it died.
    monitoring_page_rows: int = Field(default=1000, ge=1)
    #: Longest run of one import task, or of the task that cuts a re-screening into pages, in
    #: seconds, before it is taken for dead and redone by another worker (an import from its
    #: last page). A page's task has the jobs' timeout (`SCREENING_JOB_TIMEOUT_SECONDS`).
    monitoring_run_timeout_seconds: int = Field(default=6 * 3600, ge=60)
    # --- Webhooks ----------------------------------------------------------------------------
    #: Seconds to connect to a webhook's receiver, and to wait for each read of its answer;
    #: the whole attempt is also cut at `webhook_attempt_seconds`.
    webhook_connect_seconds: float = Field(default=5.0, gt=0.0)
    #: Longest one delivery attempt may take in all, in seconds (connect, send, answer): a
    #: receiver is expected to answer 2xx at once and do its work afterwards.
    webhook_attempt_seconds: float = Field(default=15.0, gt=0.0)
    #: First delay before a failed delivery is tried again, in seconds: the n-th retry waits a
    #: random time between 0 and this times 2^(n-1) (exponential backoff, full jitter).
    webhook_retry_first_seconds: float = Field(default=5.0, gt=0.0)
    #: Longest wait between two attempts of a delivery, in seconds (the backoff's cap).
    webhook_retry_max_delay_seconds: float = Field(default=3600.0, gt=0.0)
    #: How long a delivery is tried, from its first attempt, in seconds, before it is kept as
    #: `failed` (listed, and redeliverable through the API). Three days by default.
    webhook_retry_total_seconds: float = Field(default=3 * 24 * 3600.0, gt=0.0)
    #: A delivery taken by a worker that has not reported its outcome this many seconds later
    #: (the worker was killed) is taken again by another: more than `webhook_attempt_seconds`.
    webhook_lease_seconds: float = Field(default=60.0, gt=0.0)
    #: Deliveries one worker sends at once (each to its own receiver and ordering key).
    webhook_concurrency: int = Field(default=16, ge=1)
    #: After a rotation, the old secret still signs (beside the new one) for this many seconds,
    #: so that receivers can switch secrets without refusing a delivery. One day by default.
    webhook_secret_grace_seconds: int = Field(default=24 * 3600, ge=0)
    #: Events and finished deliveries older than this many days are deleted by the workers.
    webhook_retention_days: int = Field(default=30, ge=1)
    #: Networks (CIDR, separated by commas, e.g. `10.20.0.0/16,127.0.0.1/32`) a webhook's
    #: receiver may be in although they are not public: private, loopback, link-local and the
    #: like are refused otherwise, when a webhook is registered and at every delivery (a name
    #: that resolves elsewhere later is caught then). Empty: public addresses only.
    webhook_allowed_networks: Annotated[tuple[str, ...], NoDecode] = ()

    # --- Logs --------------------------------------------------------------------------------
    #: Level of the JSON logs written to standard error.
    log_level: LogLevel = "INFO"
    #: Write screened names into the logs. Off by default: the names a compliance team
    #: screens are themselves confidential.
    log_queries: bool = False

    # --- Rate limits -------------------------------------------------------------------------
    #: Requests per minute of an API key without a limit of its own (shared by every replica
    #: through Redis; each process alone without it). 0: unlimited.
    rate_limit_requests_per_minute: int = Field(default=600, ge=0)
    #: Screened rows (batch and job rows) per hour of an API key without a limit of its own.
    #: 0: unlimited.
    rate_limit_rows_per_hour: int = Field(default=2_000_000, ge=0)

    # --- HTTP security -----------------------------------------------------------------------
    #: Send `Strict-Transport-Security` (one year): only behind HTTPS, since browsers then
    #: refuse plain HTTP to this host for that long.
    hsts: bool = False
    #: Origins (exact, `https://portal.example.com`, separated by commas; no `*`) whose pages
    #: may call the API from a browser (CORS). Empty: no CORS headers at all.
    cors_origins: str = ""
    #: Origins (exact, separated by spaces) whose pages may show the reconciliation service's
    #: entity previews in a frame: OpenRefine's, on its default address. Every other page of
    #: the service refuses to be framed.
    reconcile_frame_ancestors: str = "http://127.0.0.1:3333 http://localhost:3333"

    @model_validator(mode="after")
    def _default_limit_within_max(self) -> Self:
        if self.default_limit > self.max_limit:
            raise ValueError(
                f"default_limit {self.default_limit} exceeds max_limit {self.max_limit}"
            )
        return self

    @field_validator("watchlist_path")
    @classmethod
    def _sources_parse(cls, value: str | None) -> str | None:
        parse_sources(value)  # an unknown format is a settings error, not a failed load
        return value

    @field_validator(
        "watchlist_countries", "watchlist_programmes", "watchlist_schemas", mode="before"
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return split_values([value]) if isinstance(value, str) else value

    @field_validator("webhook_allowed_networks", mode="before")
    @classmethod
    def _networks_comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _networks_parse(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(str(ip_network(network, strict=False)) for network in value)

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> Self:
        if self.webhook_lease_seconds <= self.webhook_attempt_seconds:
            raise ValueError(
                f"webhook_lease_seconds {self.webhook_lease_seconds} must exceed "
                f"webhook_attempt_seconds {self.webhook_attempt_seconds}"
            )
        return self

    @field_validator("watchlist_countries")
    @classmethod
    def _country_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(country_codes(value)))

    @field_validator("watchlist_schemas")
    @classmethod
    def _schema_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(schema.value for schema in schemas_named(value)))

    @property
    def store_url(self) -> str:
        """The database to open: `DATABASE_URL`, else the SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'screening.sqlite3'}"

    @property
    def watchlist_paths(self) -> list[Path]:
        """The configured entries as paths, `FORMAT:PATH` ones included (`load_watchlist`
        reads those too, without the filters); empty means the shipped seed."""
        if not self.watchlist_path:
            return []
        return [Path(p.strip()) for p in self.watchlist_path.split(",") if p.strip()]

    @property
    def watchlist_sources(self) -> list[WatchlistSource]:
        """The configured sources, in order; empty means the shipped seed."""
        return parse_sources(self.watchlist_path)

    @property
    def watchlist_filter(self) -> EntityFilter:
        """Which entities of the merged sources to keep: every one unless a filter is set."""
        return EntityFilter.of(
            self.watchlist_countries, self.watchlist_programmes, self.watchlist_schemas
        )

    @property
    def read_bounds(self) -> ReadBounds:
        """How much of a supplier file is read at most (the batch jobs section above)."""
        return ReadBounds(
            max_rows=self.job_max_rows,
            max_row_chars=self.upload_max_row_chars,
            max_cell_chars=self.upload_max_cell_chars,
            max_columns=self.upload_max_columns,
            max_unzipped_bytes=self.upload_max_unzipped_bytes,
            max_zip_ratio=self.upload_max_zip_ratio,
            max_shared_strings=self.upload_max_shared_strings,
            max_shared_string_bytes=self.upload_max_shared_string_bytes,
        )


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment and `.env`, with explicit overrides on top."""
    return Settings(**overrides)
