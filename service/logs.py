"""Structured logs: one JSON object per line on standard error, each with the id of the request
being served, and one access line per request.

Screened names are confidential: code logs them only through `annotate_queries`, which drops
them unless the `log_queries` setting is on.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from contextvars import ContextVar, Token
from typing import Any, TextIO

from service.timestamps import iso_utc

#: The logger whose level switches the per-request access lines on and off.
ACCESS_LOGGER = "service.access"
_ACCESS = logging.getLogger(ACCESS_LOGGER)

#: Attributes every `LogRecord` has; anything else a caller passed in `extra` is logged too.
#: uvicorn's `color_message` is its message again, with terminal colours.
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}
#: Loggers of the ASGI server, re-routed through the JSON handler.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error")
#: The server's access log, silenced: the app writes its own line per request, and uvicorn
#: writes one whenever this logger has a handler, even with `access_log=False`, once the app
#: has re-configured logging after the server did.
_SERVER_ACCESS_LOGGER = "uvicorn.access"


class RequestLog:
    """The request being served: its id, and the fields its handler adds to its access line."""

    __slots__ = ("fields", "id")

    def __init__(self, request_id: str) -> None:
        self.id = request_id
        self.fields: dict[str, Any] = {}


_current: ContextVar[RequestLog | None] = ContextVar("request_log", default=None)


def begin_request(request_id: str) -> tuple[RequestLog, Token[RequestLog | None]]:
    entry = RequestLog(request_id)
    return entry, _current.set(entry)


def end_request(token: Token[RequestLog | None]) -> None:
    _current.reset(token)


def current_request_id() -> str:
    """The id of the request this task (or worker thread) serves; "-" outside requests."""
    entry = _current.get()
    return entry.id if entry is not None else "-"


def annotate(**fields: Any) -> None:
    """Add fields to the access line of the request being served (no-op outside one)."""
    entry = _current.get()
    if entry is not None:
        entry.fields.update(fields)


def annotate_queries(names: Sequence[str], *, log_queries: bool) -> None:
    """Record on the access line how many names the request screened, and the names
    themselves only if `log_queries` allows it: the one gate for screened names."""
    entry = _current.get()
    if entry is not None:
        entry.fields["names"] = len(names)
        if log_queries:
            entry.fields["queries"] = list(names)


def write_access_line(
    entry: RequestLog, method: str, path: str, status: int, seconds: float
) -> None:
    """The access line of a request, in the same JSON shape as every other line, when the
    access logger is enabled at INFO. Built by hand and written straight to standard error:
    a `LogRecord` through the handlers cost a third of a cached request (bench/RESULTS.md).
    Only the path and the handler's fields need a JSON encoder; the id was checked on entry
    and the method is an HTTP token."""
    if not _ACCESS.isEnabledFor(logging.INFO):
        return
    extra = _fields_json(entry.fields) if entry.fields else ""
    sys.stderr.write(
        f'{{"time":"{iso_utc()}","level":"INFO","logger":"{ACCESS_LOGGER}","message":"request",'
        f'"request_id":"{entry.id}","method":"{method}","path":{json.dumps(path)},'
        f'"status":{status},"duration_ms":{seconds * 1000:.2f}{"," if extra else ""}{extra}}}\n'
    )


def _fields_json(fields: dict[str, Any]) -> str:
    """The handler's fields as JSON members: the usual ones (counts, flags, a key id) written
    directly, anything else through the encoder."""
    parts = []
    for key, value in fields.items():
        if value is None:
            text = "null"
        elif value is True or value is False:
            text = "true" if value else "false"
        elif type(value) is int:
            text = str(value)
        elif type(value) is str and value.isascii() and value.isalnum():
            text = f'"{value}"'
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
        parts.append(f'"{key}":{text}')
    return ",".join(parts)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        entry.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRS and key[0] != "_"
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is at the time of writing (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(level: str) -> None:
    """Send the root logger and the server's loggers to one JSON handler on standard error.
    Idempotent: a second app in the same process replaces the handler instead of adding one."""
    # Record fields the JSON lines never show are not collected (the logging documentation's
    # optimisations).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler.formatter, JsonFormatter):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    for name in _SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    server_access = logging.getLogger(_SERVER_ACCESS_LOGGER)
    server_access.handlers.clear()
    server_access.propagate = False
