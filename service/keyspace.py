"""Every Redis key the service writes, built in this one place.

    {prefix}:v1:result:{watchlist_version}:{sha256 of the query, its identifiers, its
                                            parameters, RESULT_FORMAT}
    {prefix}:v1:watchlist:versions                  sorted set: version -> when last loaded
    {prefix}:v1:watchlist:version:{version}         JSON: load times, sources, entity count
    {prefix}:v1:watchlist:entities:{version}        the entities (see `service.lifecycle.versions`)
    {prefix}:v1:job:{id}                            hash: a batch job's record and counters
    {prefix}:v1:job:{id}:upload                     list: the uploaded file, compressed pieces
    {prefix}:v1:job:{id}:in:{chunk}                 a chunk's input rows (compressed JSON)
    {prefix}:v1:job:{id}:out:{chunk}                a chunk's result rows (compressed JSON)
    {prefix}:v1:job:{id}:done                       set: the chunks whose results are counted
    {prefix}:v1:job-key:{sha256 of an Idempotency-Key}   the job created with that key
    {prefix}:v1:watchlist:announced                 the version last reloaded through a process
    {prefix}:v1:watchlist:reloaded                  pub/sub channel: that version, announced
    {prefix}:v1:keys:revoked                        pub/sub channel: ids of revoked API keys
    {prefix}:v1:ratelimit:{bucket}:{key id}         a key's rate limit state (GCRA time),
                                                    expires when back at full allowance
    {prefix}:v1:jobs                                the name of the saq queue (saq keeps its
                                                    keys under `saq:{queue name}:` and
                                                    `saq:job:{queue name}:`)

`v1` is the layout version: bump it when a key's shape or its payload format changes, so old
entries are never read by new code. The watchlist version in a result key means a new watchlist
can never be answered from an entry of the previous one. Plain strings; no Redis client here.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

LAYOUT_VERSION = "v1"


#: Says how a result key's hash is made and what its entry holds; a new value makes every
#: earlier entry unreachable (2: keyed by the text the engine screens, not its tokens; the
#: explanation has notes. 3: keyed by the identifiers given too; the explanation has
#: `identifier`).
RESULT_FORMAT = "3"


@functools.lru_cache(maxsize=16384)
def _digest(
    screened: str, country: str | None, threshold: float, limit: int, identifiers: str
) -> str:
    """The hash of a query and its parameters; remembered, as the same names come again."""
    # A screened name holds no control character, and identifiers in normal form only letters,
    # digits, `:` and `;`, so the unit separator cannot occur in either.
    material = "\x1f".join(
        (RESULT_FORMAT, screened, country or "", repr(float(threshold)), str(limit), identifiers)
    )
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class KeySpace:
    """The keys of one deployment (one prefix)."""

    prefix: str

    @property
    def root(self) -> str:
        return f"{self.prefix}:{LAYOUT_VERSION}"

    def result(
        self,
        watchlist_version: str,
        screened: str,
        country: str | None,
        threshold: float,
        limit: int,
        identifiers: str = "",
    ) -> str:
        """The key of one screening result: exactly the text the engine screens (its answer,
        explanations included, depends on every character: fields split at commas and
        brackets, initials at full stops), the identifiers given (`ScreenQuery.identifier_key`),
        its parameters and the watchlist version. Hashed, so keys stay short and never hold a
        screened name or an identifier in clear."""
        digest = _digest(screened, country, threshold, limit, identifiers)
        return f"{self.root}:result:{watchlist_version}:{digest}"

    def results_pattern(self) -> str:
        """A SCAN pattern for every result key of this prefix (for tests and maintenance)."""
        return f"{self.root}:result:*"

    def versions(self) -> str:
        """The index of the watchlist versions kept, scored by when each was last loaded."""
        return f"{self.root}:watchlist:versions"

    def version_record(self, watchlist_version: str) -> str:
        return f"{self.root}:watchlist:version:{watchlist_version}"

    def version_entities(self, watchlist_version: str) -> str:
        return f"{self.root}:watchlist:entities:{watchlist_version}"

    def job(self, job_id: str) -> str:
        """The record of a batch job (a hash: options, state, counters)."""
        return f"{self.root}:job:{job_id}"

    def job_upload(self, job_id: str) -> str:
        return f"{self.root}:job:{job_id}:upload"

    def job_input(self, job_id: str, chunk: int) -> str:
        return f"{self.root}:job:{job_id}:in:{chunk}"

    def job_output(self, job_id: str, chunk: int) -> str:
        return f"{self.root}:job:{job_id}:out:{chunk}"

    def job_done(self, job_id: str) -> str:
        """The set of a job's chunks whose results are stored and counted."""
        return f"{self.root}:job:{job_id}:done"

    def job_idempotency(self, idempotency_key: str) -> str:
        """Where the job submitted with an `Idempotency-Key` is found; the key is hashed, as a
        caller's key may be long or hold anything."""
        digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()
        return f"{self.root}:job-key:{digest}"

    def watchlist_announced(self) -> str:
        """The version a process last reloaded on request (API, SIGHUP): the others load it."""
        return f"{self.root}:watchlist:announced"

    def watchlist_reloads(self) -> str:
        """The pub/sub channel on which that version is announced as it changes."""
        return f"{self.root}:watchlist:reloaded"

    def key_revocations(self) -> str:
        """The pub/sub channel on which a revoked API key's id is announced to every process."""
        return f"{self.root}:keys:revoked"

    def monitoring_claim(self, from_version: str, to_version: str) -> str:
        """Held for a moment by the one process that starts the re-screen between two versions
        (every process of a deployment learns of a new version at once)."""
        return f"{self.root}:monitoring:claim:{from_version}:{to_version}"

    def job_queue(self) -> str:
        """The name of the saq queue of batch jobs: one per deployment (prefix)."""
        return f"{self.root}:jobs"

    def rate_limit(self, bucket: str, key_id: str) -> str:
        """The rate limit state of one API key in one bucket (`requests`, `rows`); it expires
        once the key is back at its full allowance."""
        return f"{self.root}:ratelimit:{bucket}:{key_id}"
