"""The command line: `python -m service serve` runs the API, `python -m service screen NAME`
screens one name for a quick look, `python -m service import-watchlist FORMAT PATH...` turns
official list files into a watchlist (`service.lifecycle.importing`), `python -m service screen-file
FILE -o RESULTS` screens a supplier file locally (`service.batch.command`). Each command is a
`Command`; adding one is adding an entry to `COMMANDS`. `keys`, `audit` and `migrate` manage
API keys, the audit trail and the database (`service.auth.admin`). `screen` and `screen-file` record
their screenings in the audit trail (`service.batch.operators`). Settings come from the environment,
as for the server.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from pydantic import ValidationError

from service.auth import admin
from service.batch import command as screen_file
from service.batch import operators, worker
from service.errors import ServiceError
from service.lifecycle import importing
from service.lifecycle.state import load_screener
from service.monitoring.monitor import monitoring_tasks
from service.screening.queries import Limits, ScreenQuery, check_parameters, check_query
from service.screening.query_identifiers import typed_value
from service.screening.results import MatchOut, describe_matches
from service.settings import Settings, load_settings
from service.store.audit import new_screening_id
from service.store.database import check_driver

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Exit status for bad input or configuration (argparse uses 2 for bad arguments too).
EXIT_USAGE = 2
#: Exit status when the reader of standard output went away: a shell's status of a program
#: killed by SIGPIPE (128 + 13), which Python ignores to raise BrokenPipeError instead.
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Settings], int]


def _configure_serve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="serve from N worker processes forked by a supervisor that loads the watchlist "
        "once for all (they share its memory) and reloads it without stalling them; needs "
        "REDIS_URL. Default: one process that does everything",
    )


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn  # only this command needs the server

    from service.app import create_app

    check_driver(settings.store_url)
    if args.workers is not None:
        if args.workers < 1:
            print("error: --workers must be at least 1", file=sys.stderr)
            return EXIT_USAGE
        if not settings.redis_url:
            # The workers' shared cache and job queue; the private redis-server of one
            # process would stop with the worker that started it, at the first reload.
            print("error: serve --workers needs REDIS_URL", file=sys.stderr)
            return EXIT_USAGE
        from service import supervisor

        return supervisor.serve(settings, args.host, args.port, args.workers)
    # uvicorn's own access log is off because the app logs every request. Whether a request may
    # go without a key (open mode) the app decides from the address the request reached.
    app = create_app(settings)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        access_log=False,
        log_config=None,
        log_level=settings.log_level.lower(),
    )
    return 0


def _configure_screen(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name", nargs="?", help="the company name to screen (optional with --identifier)"
    )
    parser.add_argument(
        "--identifier",
        action="append",
        default=[],
        metavar="[TYPE:]VALUE",
        help="a registration or tax number of the counterparty (repeatable): `unp:100230519`, "
        "`ИНН:7707083893`, or the value alone to have it recognised by its check digits",
    )
    parser.add_argument(
        "--country", help="the counterparty's country: an ISO 3166-1 code or a country's name"
    )
    parser.add_argument("--threshold", type=float, help="lowest score reported, 0 to 1")
    parser.add_argument("--limit", type=int, help="most matches shown")
    parser.add_argument("--json", action="store_true", help="print the API's JSON instead")
    parser.add_argument("--key", help=operators.KEY_HELP)
    parser.epilog = operators.AUDIT_NOTE


def _screen(args: argparse.Namespace, settings: Settings) -> int:
    limits = Limits.from_settings(settings)
    parameters = check_parameters(args.threshold, args.limit, limits)
    asked = [typed_value(text) for text in args.identifier]
    query = check_query(args.name, args.country, parameters, limits, asked)
    audit = operators.CommandAudit.open(settings, args.key)
    try:
        screener = load_screener(settings.watchlist_sources, settings.watchlist_filter)
        found = screener.weigh(
            query.screened,
            query.identifiers,
            country=query.country,
            threshold=query.threshold,
            limit=query.limit,
        )
        matches = describe_matches(screener, found)
        now = datetime.now(UTC)
        sid = new_screening_id() if audit else None
        body = {
            "screening_id": sid,
            "query": query.name,
            "warnings": [{"code": n.code, "message": n.message} for n in query.notices],
            "country": query.country,
            "identifiers": [
                {"type": i.type.value, "value": i.value, "origin": i.origin.value}
                for i in query.identifiers
            ],
            "threshold": query.threshold,
            "limit": query.limit,
            "matches": [m.model_dump(mode="json") for m in matches],
            "watchlist_version": screener.version,
            "screened_at": now.isoformat(timespec="milliseconds"),
        }
        if audit is not None and sid is not None:  # committed before the answer is shown
            pairs = [(m.entity_id, m.score) for m in matches]
            response = json.dumps(body, ensure_ascii=False)  # one line, as the API's
            audit.single(query, pairs, screener.version, now, response, sid)
    finally:
        if audit is not None:
            audit.close()
    if args.json:
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        for notice in query.notices:
            print(f"warning: {notice.message}", file=sys.stderr)
        print(_describe(query, screener.version, matches))
    if sid is not None and not args.json:
        print(f"recorded in the audit trail as screening {sid}", file=sys.stderr)
    return 0


def _describe(query: ScreenQuery, version: str, matches: Sequence[MatchOut]) -> str:
    shown = [repr(query.name)] if query.name is not None else []
    shown += [f"{i.type.value.upper()} {i.value}" for i in query.identifiers]
    lines = [f"{' + '.join(shown)} against watchlist {version}, threshold {query.threshold}"]
    if not matches:
        lines.append("No match.")
    for rank, match in enumerate(matches, start=1):
        e = match.explanation
        flags = " ".join([*(["defence"] if match.defence else []), *match.countries])
        words = ", ".join(
            f"{t.query} = {t.alias or '-'} ({t.kind} {t.similarity:.2f})" for t in e.matched_tokens
        )
        lines += [
            "",
            f"{rank}. {match.score:.3f}  {match.name}  [{match.entity_id}]  {flags}".rstrip(),
            f"   matched     {match.matched_alias} ({match.alias_kind})",
            f"   words       {words or '-'}",
            f"   unmatched   query: {', '.join(e.unmatched_query_tokens) or '-'}; "
            f"listed: {', '.join(e.unmatched_alias_tokens) or '-'}",
            f"   coverage    listed name {e.alias_coverage:.2f}, query {e.query_coverage:.2f}",
            f"   legal forms query: {', '.join(e.query_legal_forms) or '-'}; "
            f"listed: {', '.join(e.alias_legal_forms) or '-'}",
        ]
        if e.identifier is not None:
            lines.append(f"   identifier  {e.identifier.type.upper()} {e.identifier.value}")
        if e.penalties:
            lines.append("   penalties   " + ", ".join(f"{k} x{v}" for k, v in e.penalties.items()))
        lines += [f"   note        {note}" for note in e.notes]
        if match.listings:
            listings = "; ".join(f"{item.authority} {item.list}" for item in match.listings)
            lines.append(f"   listed by   {listings}")
    return "\n".join(lines)


COMMANDS = (
    Command("serve", "run the HTTP API", _configure_serve, _serve),
    Command("screen", "screen one name and explain the matches", _configure_screen, _screen),
    Command("import-watchlist", importing.HELP, importing.configure, importing.run),
    Command("screen-file", screen_file.HELP, screen_file.configure, screen_file.run),
    Command("worker", worker.HELP, worker.configure, partial(worker.run, tasks=monitoring_tasks)),
    Command("keys", admin.KEYS_HELP, admin.configure_keys, admin.run_keys),
    Command("audit", admin.AUDIT_HELP, admin.configure_audit, admin.run_audit),
    Command("migrate", admin.MIGRATE_HELP, admin.configure_migrate, admin.run_migrate),
)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m service",
        description="Sanctions screening of company names. Settings come from SCREENING_* "
        "environment variables (and WATCHLIST_PATH, REDIS_URL); see the README.",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except ValidationError as exc:
        print(f"error: invalid settings:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        status: int = args.run(args, settings)
        sys.stdout.flush()  # here, not at exit, where a closed pipe could not be caught
    except ServiceError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`... --json | head -1`): stop quietly, as a killed pipe writer
        # does. Standard output goes to /dev/null, so the flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status


if __name__ == "__main__":
    sys.exit(main())
