"""The private `redis-server` of the embedded default: when no Redis URL is set, the API process
starts one (found on PATH) in `{data_dir}/redis/`, listening on a Unix socket only, with
append-only persistence so that accepted jobs survive a restart, and stops it at shut-down.

One process owns it (a lock file); another process on the same data directory uses it. A job
module: it talks to Redis (to see that the server answers).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import anyio.to_thread
import redis
from redis.exceptions import RedisError

from service.errors import Unavailable

#: Where in the data directory the server keeps its files.
SERVER_DIRECTORY = "redis"
#: A Unix socket path longer than this does not fit `sockaddr_un` on every system (104 to 108
#: bytes); the socket then goes to the temporary directory, under a name made from the path.
MAX_SOCKET_PATH = 100
#: Longest wait for the server to answer after starting it, in seconds.
START_TIMEOUT_SECONDS = 10.0
#: Longest wait for it to write its data and exit when stopped, in seconds.
STOP_TIMEOUT_SECONDS = 10.0

_NOT_INSTALLED = (
    "batch jobs need Redis: install redis-server (e.g. `apt-get install redis-server`) so that "
    "the service can start its own, or set REDIS_URL to a Redis server"
)


def _answers(socket: Path) -> bool:
    if not socket.exists():
        return False
    client = redis.Redis(unix_socket_path=str(socket), socket_timeout=0.5)
    try:
        return bool(client.ping())
    except (RedisError, OSError):
        return False
    finally:
        client.close()


class PrivateRedis:
    def __init__(self, data_dir: Path) -> None:
        self.directory = (data_dir / SERVER_DIRECTORY).absolute()
        socket = self.directory / "redis.sock"
        if len(str(socket)) > MAX_SOCKET_PATH:
            digest = hashlib.sha256(str(socket).encode()).hexdigest()[:16]
            socket = Path(tempfile.gettempdir()) / f"screening-redis-{digest}.sock"
        self.socket = socket
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        # A start runs in a worker thread that cancelling its caller does not stop: a stop
        # waits for it, and no start begins after a stop (a server spawned as the service
        # shut down was left running).
        self._guard = threading.RLock()
        self._stopped = False

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def running(self) -> bool:
        """Whether a server answers on the socket (an API process's, for a worker process)."""
        return _answers(self.socket)

    def has_data(self) -> bool:
        """Whether a server ran here before (its jobs are to be resumed at start-up)."""
        return self.directory.is_dir()

    async def start(self) -> None:
        """Start the server, or use the one another process on this directory owns;
        `Unavailable` (`jobs_unavailable`) when there is no `redis-server` or it fails."""
        await anyio.to_thread.run_sync(self._start)

    async def stop(self) -> None:
        """Stop the server (if this process owns it); no start after this."""
        await anyio.to_thread.run_sync(self._stop_for_good)

    def _stop_for_good(self) -> None:
        with self._guard:
            self._stopped = True
            self._stop()

    def _start(self) -> None:
        with self._guard:
            if self._stopped:
                raise Unavailable("the service is stopping", code="jobs_unavailable")
            self._start_once()

    def _start_once(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._own():
            binary = shutil.which("redis-server")
            if _answers(self.socket):
                pass  # left running by an owner that was killed: take it over
            elif binary is None:
                self._release()
                raise Unavailable(_NOT_INSTALLED, code="jobs_unavailable")
            else:
                self._process = self._spawn(binary)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(self.socket):
            exited = self._process is not None and self._process.poll() is not None
            if exited or time.monotonic() > deadline:
                self._stop()
                raise Unavailable(
                    f"the private redis-server did not start; see {self.directory / 'redis.log'}",
                    code="jobs_unavailable",
                )
            time.sleep(0.02)

    def _spawn(self, binary: str) -> subprocess.Popen[bytes]:
        self.socket.unlink(missing_ok=True)
        return subprocess.Popen(
            [binary, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
             "--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "everysec",
             "--save", "", "--daemonize", "no", "--logfile", str(self.directory / "redis.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: a Ctrl-C meant for the server process does not stop Redis
            # before the server has finished with it.
            start_new_session=True,
        )  # fmt: skip

    def _own(self) -> bool:
        lock = (self.directory / "owner.lock").open("a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return False
        self._lock = lock
        return True

    def _stop(self) -> None:
        if self._lock is None:
            return  # another process owns the server
        if self._process is not None:
            self._process.terminate()  # Redis writes its append-only file and exits
            try:
                self._process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        elif _answers(self.socket):  # one taken over
            client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)
            with contextlib.suppress(RedisError, OSError):
                client.shutdown()
            client.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None
