"""The examples of the README and the documentation, run as a reader runs them: every fenced
shell block is marked, right above it, either `<!-- example: NAME -->` (run) or
`<!-- not-run: REASON -->` (it cannot run here: Docker, a server that runs until stopped...).

An example's commands (curl, the command line, the shell) run one by one in bash, in the order
of the page, against a server started as the README starts it (the shipped seed, a fresh data
directory: open mode), its address put for `http://127.0.0.1:8000`. A block marked
`<!-- answer: NAME -->` below holds what they print (JSON: one answer per command, or one for
the last command), compared field by field: every field shown must be in the answer with that
value, lists compare their first items, `"…"` stands for any value (a key `"…"` for more
fields), and the values that change from run to run (ids, times, versions) need only the
type, and a string the length, shown. A command whose answer is not shown must exit 0 and print
no JSON error. `sets VAR=FIELD` after the name puts a field of the last answer into `$VAR` for
the examples after it. The keys the examples use are made as the getting-started page says (the
first an admin, in open mode) when one is first named, and from then on a curl command without a
key sends the admin's, as the API guide tells readers to do."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.security.contract_server import Server, server_env, uvicorn_server

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: The address the examples are written for, replaced by the test server's.
_WRITTEN_FOR = "http://127.0.0.1:8000"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
_MARKER = re.compile(r"<!-- (example|answer|not-run|test-command)(?::\s*(.*?))? -->\s*$")
#: Blocks that hold commands, however their fence is labelled.
_SHELL = {"bash", "sh", "shell", "console"}
_COMMAND_START = ("curl ", "python ", "python3 ", "sanctions-screening", "docker ")
#: Answer fields whose values change from run to run.
_VARYING = {
    "screening_id", "screened_at", "watchlist_version", "version", "previous_version",
    "from_version", "to_version", "loaded_at", "first_loaded_at", "load_seconds", "created_at",
    "id", "key", "request_id", "key_id", "rows_per_second", "eta_seconds", "results",
}  # fmt: skip
#: Seconds one command may take (a job's wait included).
_COMMAND_SECONDS = 120


@dataclass(frozen=True)
class Block:
    kind: str  # example, answer, not-run, test-command, or "" (unmarked)
    argument: str
    language: str
    body: str


@dataclass
class Example:
    name: str
    commands: list[str]
    sets: dict[str, str]
    answers: list[object] = field(default_factory=list)


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for fence in _FENCE.finditer(text):
        before = text[: fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = _MARKER.search(before)
        kind, argument = (marker.group(1), marker.group(2) or "") if marker else ("", "")
        found.append(Block(kind, argument, fence.group(1), fence.group(2)))
    return found


def is_shell(block: Block) -> bool:
    return block.language in _SHELL or block.body.lstrip().startswith(_COMMAND_START)


def commands(body: str) -> list[str]:
    """The commands of a block, one per entry: continued lines and quotes that span lines
    kept together, comments left out."""
    found, pending = [], ""
    for line in body.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line + "\n"
        if pending.rstrip().endswith("\\"):
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # a quote still open: the command goes on
            continue
        found.append(pending.strip())
        pending = ""
    assert not pending, f"a command never ends: {pending!r}"
    return found


def decode_all(text: str) -> list[object]:
    """The JSON values of a text, one after another."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while (at := _skip_space(text, at)) < len(text):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
    return values


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def examples(page: Path) -> list[Example]:
    found: dict[str, Example] = {}
    for block in blocks(page):
        if block.kind == "example":
            name, *settings = block.argument.split()
            assert not settings or settings[0] == "sets", block.argument
            sets = dict(setting.split("=", 1) for setting in settings[1:])
            found[name] = Example(name, commands(block.body), sets)
        elif block.kind == "answer":
            example = found[block.argument]  # an answer follows its example
            example.answers = decode_all(block.body)
            assert len(example.answers) in (1, len(example.commands)), example.name
    return list(found.values())


def _varying(actual: object, shown: object) -> bool:
    if isinstance(shown, str) and isinstance(actual, str):
        return shown.endswith("…") or len(actual) == len(shown)
    if isinstance(shown, int | float) and not isinstance(shown, bool):
        return isinstance(actual, int | float) and not isinstance(actual, bool)
    return type(actual) is type(shown)


def contains(actual: object, shown: object, varying: bool = False) -> bool:
    """Whether an answer holds everything an example shows of it."""
    if shown == "…":
        return True
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(
            key == "…" or (key in actual and contains(actual[key], value, key in _VARYING))
            for key, value in shown.items()
        )
    if isinstance(shown, list):
        return (
            isinstance(actual, list)
            and len(actual) >= len(shown)
            and all(contains(a, s) for a, s in zip(actual, shown, strict=False))
        )
    if varying:
        return _varying(actual, shown)
    return actual == shown


def test_every_shell_block_is_run_or_excluded() -> None:
    unmarked = [
        f"{page.relative_to(ROOT)}: {block.body.splitlines()[0]}"
        for page in PAGES
        for block in blocks(page)
        if is_shell(block) and block.kind not in ("example", "not-run", "test-command")
    ]
    assert unmarked == [], "mark each block <!-- example: NAME --> or <!-- not-run: REASON -->"
    reasons = [b.argument for page in PAGES for b in blocks(page) if b.kind == "not-run"]
    assert all(len(reason) > 10 for reason in reasons), reasons


def test_the_pages_have_examples() -> None:
    found = {page.name: len(examples(page)) for page in PAGES}
    assert found["README.md"] >= 2 and found["index.md"] >= 2
    assert found["api.md"] >= 10 and found["cli.md"] >= 4


def test_the_commands_of_a_block_are_told_apart() -> None:
    posted = "curl -s -X POST u \\\n  -d '{\n  \"a\": 1\n}'"
    body = f"# a comment\n{posted}\n\npython -m service x"
    assert commands(body) == [posted, "python -m service x"]


def test_the_comparison_finds_a_difference() -> None:
    answer = {"matches": [{"entity_id": "by-belaz", "score": 1.0}], "cached": False}
    assert contains(answer, {"matches": [{"entity_id": "by-belaz"}]})
    assert not contains(answer, {"matches": [{"entity_id": "by-mzkt"}]})
    assert not contains(answer, {"matches": [{}, {}]})
    assert not contains(answer, {"query": "BelAZ"})
    assert contains(answer, {"cached": "…", "…": "…"})
    ids = {"screening_id": "019ac8f3a2b47c1d09e2f35a7c41", "key": "scr_1a2b…"}
    assert contains({"screening_id": "0" * 28, "key": "scr_9f9f_long"}, ids)
    assert not contains({"screening_id": "0" * 27, "key": "scr_9f9f_long"}, ids)


def _value(answer: object, path: str) -> str:
    for step in path.split("."):
        answer = answer[int(step)] if isinstance(answer, list) else answer[step]  # type: ignore[index]
    return str(answer)


class Reader:
    """A reader at a terminal: runs the commands, keeps the variables they were told to set."""

    def __init__(self, server: Server, workdir: Path, env: dict[str, str]) -> None:
        self.server = server
        self.workdir = workdir
        # `python` is this interpreter, as in the virtual environment of the README.
        path = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        self.env = env | {"PATH": path, "SERVER_PID": str(server.process.pid)}

    def _key(self, role: str) -> str:
        """A key of `role`, made through the API: the first one an admin, in open mode."""
        variable = f"{role.upper()}_KEY"
        if variable not in self.env:
            headers = {"X-API-Key": self.env["ADMIN_KEY"]} if "ADMIN_KEY" in self.env else {}
            made = httpx.post(
                self.server.url() + "/v1/keys",
                json={"name": f"docs-{role}", "role": role},
                headers=headers,
                timeout=30,
            )
            assert made.status_code == 201, made.text
            self.env[variable] = made.json()["key"]
        return self.env[variable]

    def run(self, command: str) -> str:
        for role in ("admin", "auditor", "screener"):
            if f"${role.upper()}_KEY" in command:
                self._key(role)
        command = command.replace(_WRITTEN_FOR, self.server.url())
        if "X-API-Key" not in command and "ADMIN_KEY" in self.env:
            command = re.sub(r"\bcurl ", 'curl -H "X-API-Key: $ADMIN_KEY" ', command)
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=_COMMAND_SECONDS,
        )
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
        return done.stdout


def _answer(output: str) -> object | None:
    try:
        values = decode_all(output)
    except ValueError:
        return None  # not JSON: text, a page, metrics
    return values[0] if len(values) == 1 else None


def _error(answer: object) -> bool:
    return isinstance(answer, dict) and isinstance(answer.get("status"), int) and "code" in answer


@pytest.fixture
def seed_server(tmp_path: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    env = server_env(tmp_path / "data")
    del env["WATCHLIST_PATH"]  # the shipped seed, as the README runs it
    with uvicorn_server("127.0.0.1", env, tmp_path / "server.log") as server:
        yield server, env


@pytest.mark.skipif(shutil.which("curl") is None, reason="the examples are curl commands")
@pytest.mark.parametrize("page", [p for p in PAGES if examples(p)], ids=lambda p: p.name)
def test_the_examples_answer_as_shown(
    page: Path, seed_server: tuple[Server, dict[str, str]], tmp_path: Path
) -> None:
    server, env = seed_server
    workdir = tmp_path / "reader"
    workdir.mkdir()
    reader = Reader(server, workdir, env)
    for example in examples(page):
        answers = [_answer(reader.run(command)) for command in example.commands]
        shown: list[object | None] = list(example.answers)
        if len(shown) == 1 and len(answers) > 1:
            shown = [None] * (len(answers) - 1) + shown
        shown += [None] * (len(answers) - len(shown))
        for command, answer, expected in zip(example.commands, answers, shown, strict=True):
            if expected is None:
                assert not _error(answer), (example.name, command, answer)
            else:
                assert contains(answer, expected), (example.name, command, answer)
        for variable, path in example.sets.items():
            reader.env[variable] = _value(answers[-1], path)
