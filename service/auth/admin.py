"""The administration commands: `keys create|list|revoke` (API keys, in the durable store),
`audit purge` (delete the audit records past the retention period: the only deletion there
is) and `migrate` (create or upgrade the tables, before the servers and workers start). They
open the database of `DATABASE_URL` (or the embedded SQLite file) directly.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta

from service.auth import revocations
from service.keyspace import KeySpace
from service.settings import Settings
from service.store import open_store
from service.store.apikeys import ApiKey, Role

KEYS_HELP = "manage API keys: create (the key is printed once), list, revoke"
AUDIT_HELP = "maintain the audit trail: purge the records past the retention period"
MIGRATE_HELP = (
    "create or upgrade the database's tables and exit (servers and workers migrate at start-up "
    "too, one at a time; run this first to start them on a ready database)"
)


def configure_keys(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key and print it (once)")
    create.add_argument("--name", required=True, help="who or what uses it, e.g. procurement-erp")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument(
        "--requests-per-minute", type=int, help="0: unlimited (default: the service's)"
    )
    create.add_argument("--rows-per-hour", type=int, help="batch rows; 0: unlimited")
    listing = actions.add_parser("list", help="list the keys (never their secrets)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    revoke = actions.add_parser("revoke", help="revoke a key, at once")
    revoke.add_argument("key_id", help="the id of the key (`scr_<id>_...`)")


def _line(key: ApiKey) -> str:
    state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
    rpm = "default" if key.requests_per_minute is None else key.requests_per_minute or "unlimited"
    rph = "default" if key.rows_per_hour is None else key.rows_per_hour or "unlimited"
    return (
        f"{key.id}  {key.role.value:<8}  {state:<24}  created {key.created_at:%Y-%m-%d %H:%M}"
        f"  requests/min {rpm}  rows/h {rph}  {key.name}"
    )


def _json(key: ApiKey) -> str:
    data = {
        "id": key.id,
        "name": key.name,
        "role": key.role.value,
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        "requests_per_minute": key.requests_per_minute,
        "rows_per_hour": key.rows_per_hour,
    }
    return json.dumps(data, ensure_ascii=False)


def run_keys(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.store_url)
    try:
        if args.action == "create":
            key, text = store.keys.create(
                args.name,
                Role(args.role),
                requests_per_minute=args.requests_per_minute,
                rows_per_hour=args.rows_per_hour,
            )
            print(text)
            print(
                f"created {key.role.value} key {key.id} ({key.name}); it is shown this once: "
                "keep it in a secret store",
                file=sys.stderr,
            )
        elif args.action == "list":
            for key in store.keys.list():
                print(_json(key) if args.json else _line(key))
        else:
            key = store.keys.revoke(args.key_id)
            told = settings.redis_url and revocations.announce(
                settings.redis_url, KeySpace(settings.redis_key_prefix), key.id
            )
            reach = (
                "refused at once by every server"
                if told
                else f"refused by every server within {settings.key_cache_seconds:g} s"
            )
            print(f"revoked {key.id} ({key.name}): {reach}")
    finally:
        store.close()
    return 0


def configure_audit(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    purge = actions.add_parser("purge", help="delete records older than the retention period")
    purge.add_argument(
        "--days",
        type=int,
        help="keep this many days instead of SCREENING_AUDIT_RETENTION_DAYS (at least 1)",
    )


def run_audit(args: argparse.Namespace, settings: Settings) -> int:
    days = args.days if args.days is not None else settings.audit_retention_days
    if days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    before = datetime.now(UTC) - timedelta(days=days)
    store = open_store(settings.store_url)
    try:
        deleted = store.audit.purge(before)
    finally:
        store.close()
    print(f"deleted {deleted} audit records screened before {before:%Y-%m-%d %H:%M} UTC")
    return 0


def configure_migrate(parser: argparse.ArgumentParser) -> None:
    """No options: the database is `DATABASE_URL`'s."""


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.store_url)
    store.close()
    print(f"the {store.engine.dialect.name} database is at the newest migration")
    return 0
