"""The examples of the README and the documentation, run: each block marked
`<!-- example: NAME -->` (a curl command) is sent over HTTP to a real server started as the
README starts it (the shipped seed, a fresh data directory: open mode), in the order of its
page, and its answer compared with the block marked `<!-- answer: NAME -->` (JSON: every field
shown must be in the answer with that value; lists compare their first items)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.security.contract_server import Server, server_env, uvicorn_server

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: A marker, then the fenced block right after it.
_BLOCK = re.compile(r"<!-- (example|answer): ([\w-]+) -->\n```\w*\n(.*?)\n```", re.DOTALL)
#: The address the examples are written for, replaced by the test server's.
_WRITTEN_FOR = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Example:
    name: str
    command: str
    answer: object


def examples(page: Path) -> list[Example]:
    commands: dict[str, str] = {}
    answers: dict[str, object] = {}
    for kind, name, body in _BLOCK.findall(page.read_text(encoding="utf-8")):
        if kind == "example":
            commands[name] = body
        else:
            answers[name] = json.loads(body)
    assert set(commands) == set(answers), f"{page.name}: an example without its answer"
    return [Example(name, command, answers[name]) for name, command in commands.items()]


def send(command: str, server: Server) -> httpx.Response:
    """A `curl -s [-X METHOD] [-H HEADER]... [-d DATA] URL` of an example, sent with httpx."""
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "curl", command
    method, headers, data, url = "GET", {}, None, None
    rest = iter(words[1:])
    for word in rest:
        if word == "-s":
            continue
        if word == "-X":
            method = next(rest)
        elif word == "-H":
            name, _, value = next(rest).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-d":
            data, method = next(rest), method if method != "GET" else "POST"
        else:
            assert word.startswith(_WRITTEN_FOR), f"unexpected curl argument {word!r}"
            url = server.url() + word.removeprefix(_WRITTEN_FOR)
    assert url is not None, command
    return httpx.request(method, url, headers=headers, content=data, timeout=30)


def contains(actual: object, shown: object) -> bool:
    """Whether an answer holds everything an example shows of it."""
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], value) for key, value in shown.items()
        )
    if isinstance(shown, list):
        return (
            isinstance(actual, list)
            and len(actual) >= len(shown)
            and all(contains(a, s) for a, s in zip(actual, shown, strict=False))
        )
    return actual == shown


def test_the_pages_have_examples() -> None:
    found = {page.name: len(examples(page)) for page in PAGES}
    assert found["README.md"] >= 2
    assert found["index.md"] >= 2


def test_the_comparison_finds_a_difference() -> None:
    answer = {"matches": [{"entity_id": "by-belaz", "score": 1.0}], "cached": False}
    assert contains(answer, {"matches": [{"entity_id": "by-belaz"}]})
    assert not contains(answer, {"matches": [{"entity_id": "by-mzkt"}]})
    assert not contains(answer, {"matches": [{}, {}]})
    assert not contains(answer, {"query": "BelAZ"})


@pytest.fixture
def seed_server(tmp_path: Path) -> Iterator[Server]:
    env = server_env(tmp_path / "data", SCREENING_EMBEDDED_WORKER="false")
    del env["WATCHLIST_PATH"]  # the shipped seed, as the README runs it
    with uvicorn_server("127.0.0.1", env, tmp_path / "server.log") as server:
        yield server


@pytest.mark.parametrize("page", [p for p in PAGES if examples(p)], ids=lambda p: p.name)
def test_the_examples_answer_as_shown(page: Path, seed_server: Server) -> None:
    for example in examples(page):
        response = send(example.command, seed_server)
        assert response.status_code < 300, (example.name, response.text)
        assert contains(response.json(), example.answer), (example.name, response.text)
