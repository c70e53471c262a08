"""The service's one error tree. Each error carries an HTTP status and a machine-readable code;
the web layer maps them to JSON responses in one place (`service.api.errors`).

    ServiceError
    ├── BadRequest (400)            the request cannot be read: malformed JSON, bad header
    │   ├── UnsupportedMediaType (415)
    │   └── BodyTooLarge (413)
    ├── InvalidInput (422)          a request is well-formed JSON but its values are wrong
    │   ├── BatchTooLarge (413)
    │   └── BadUpload               a supplier file cannot be read as a table (code says why)
    │       └── UploadTooLarge (413) a supplier file past a bound of reading (rows, zip, strings)
    ├── Unauthorized (401)          no API key, a wrong one, or a revoked one
    ├── Forbidden (403)             the key's role may not do this
    ├── RateLimited (429)           over the key's rate limit; says when to retry
    ├── NotFound (404)
    ├── Conflict (409)              the operation clashes with one in progress (a reload)
    ├── WatchlistError (422)
    │   ├── WatchlistFileError      a watchlist or list file cannot be read; names file and line
    │   └── WatchlistShrunk         a reload would drop more entities than allowed (unless forced)
    ├── ImportFormatError (422)     an official list file does not have the expected format
    └── Unavailable (503)           a needed backend is down, or the watchlist is not loaded yet
        └── StoreUnavailable        the database does not answer (down, restarting, starting)

An error may carry `details`: a list of JSON-able objects saying which field or query is wrong.
Imports nothing from the service, so every layer may raise these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


class ServiceError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = list(details) if details is not None else None

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer to this error carries."""
        return {}


class BadRequest(ServiceError):
    status_code = 400
    code = "bad_request"


class UnsupportedMediaType(BadRequest):
    status_code = 415
    code = "unsupported_media_type"


class BodyTooLarge(BadRequest):
    status_code = 413
    code = "body_too_large"


class InvalidInput(ServiceError):
    status_code = 422
    code = "invalid_input"


class BatchTooLarge(InvalidInput):
    status_code = 413
    code = "batch_too_large"


class BadUpload(InvalidInput):
    """A supplier file (an upload or a `screen-file` input) cannot be screened as a whole.
    The code says why: `empty_file`, `not_a_table`, `unsupported_format`, `unreadable_xlsx`,
    `no_name_column` (the message lists the header), `unknown_column`, `unknown_sheet`,
    `malformed_file` (found part-way through: an unbalanced quote, a broken JSON array)."""

    code = "bad_upload"


class UploadTooLarge(BadUpload):
    """A supplier file past one of the bounds of reading (`service.files.bounds`), found
    while reading it: `too_many_rows`, `zip_too_large` (bytes inflated), `zip_too_compressed`
    (inflated per compressed byte), `zip_too_many_parts`, `too_many_shared_strings`,
    `shared_strings_too_large`, `xml_token_too_large` (one XML tag or comment)."""

    status_code = 413
    code = "upload_too_large"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class RateLimited(ServiceError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        # Whole seconds, rounded up: a client that waits this long is let through.
        return {"Retry-After": str(max(1, math.ceil(self.retry_after)))}


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class WatchlistError(ServiceError):
    status_code = 422
    code = "watchlist_invalid"


class WatchlistFileError(WatchlistError):
    def __init__(self, source: str, line: int | None, problem: str) -> None:
        where = f"{source}, line {line}" if line is not None else source
        details = [{"source": source, "line": line, "problem": problem}]
        super().__init__(f"{where}: {problem}", details=details)
        self.source = source
        self.line = line
        self.problem = problem


class WatchlistShrunk(WatchlistError):
    code = "watchlist_shrunk"


class ImportFormatError(ServiceError):
    status_code = 422
    code = "import_format"


class Unavailable(ServiceError):
    status_code = 503
    code = "unavailable"


class StoreUnavailable(Unavailable):
    """The database of the durable store does not answer: it is down, restarting, or not yet
    reachable since the service started. Says when to retry. The store logs each outage once,
    when it starts and when it ends, so these are not logged per request."""

    code = "store_unavailable"

    def __init__(self, message: str, *, code: str | None = None, retry_after: float) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(max(1, math.ceil(self.retry_after)))}
