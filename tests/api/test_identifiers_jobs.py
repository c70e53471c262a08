"""Identifiers in batch jobs and in `screen-file`: a UNP column of a supplier file found by its
header and screened with each row's name (a row with a number and no name is screened too), the
numbers shown in the results rows, a number that is not valid named in the row's warnings, and
identifiers given with the rows of a JSON job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from .identifiers_support import IDENTIFIED, LEGMASH_UNP, PELENG_UNP, identified_screener
from .jobs_support import ROOT, results, submit, wait_done

#: A supplier file from a Belarusian ERP: semicolons, a UNP column.
SUPPLIERS = (
    "Код;Наименование;Страна;УНП\n"
    f"1;Acme Garden Furniture GmbH;DE;{PELENG_UNP}\n"
    f"2;;BY;{LEGMASH_UNP}\n"
    f"3;ОАО «Пеленг»;BY;{LEGMASH_UNP}\n"
    "4;ОАО «Завод СВТ»;BY;100230518\n"
    "5;Acme Garden Furniture GmbH;DE;\n"
)


def _rows(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (r["row"], r["status"], [(m["entity_id"], m["score"]) for m in r["matches"]][:2])
        for r in lines
    ]


def _check(lines: list[dict[str, Any]]) -> None:
    """The rows of `SUPPLIERS` screened, as the JSON Lines results give them."""
    assert _rows(lines) == [
        (1, "hit", [("by-peleng", 1.0)]),
        (2, "hit", [("by-legmash", 1.0)]),
        (3, "hit", [("by-legmash", 1.0), ("by-peleng", 0.8)]),  # Peleng's UNP is another
        (4, "hit", [("by-zavod-svt", 1.0)]),
        (5, "clear", []),
    ]
    assert [r["identifiers"] for r in lines] == [
        f"UNP {PELENG_UNP}", f"UNP {LEGMASH_UNP}", f"UNP {LEGMASH_UNP}", None, None,
    ]  # fmt: skip
    assert lines[0]["matches"][0]["explanation"]["identifier"]["value"] == PELENG_UNP
    penalties = lines[2]["matches"][1]["explanation"]["penalties"]
    assert penalties == {"identifier_conflict": 0.8}
    # The number that fails its check digit is left out, and the row says so; its name is
    # screened all the same.
    assert "100230518" in lines[3]["warnings"] and "check digit" in lines[3]["warnings"]
    assert lines[1]["name"] is None and lines[1]["error"] is None


def test_a_job_file_with_a_unp_column(jobs_client: Callable[..., TestClient[Litestar]]) -> None:
    client = jobs_client(serving=identified_screener())
    job = submit(client, SUPPLIERS)
    assert job["table"]["identifier_columns"] == ["УНП"]
    assert job["table"]["id_column"] == "Код"
    assert wait_done(client, job["id"])["status"] == "done"
    lines, summary = results(client, job["id"])
    _check(lines)
    assert (summary["hits"], summary["errors"]) == (4, 0)
    table = results(client, job["id"], fmt="csv")
    assert [r["identifiers"] for r in table][:3] == [f"UNP {PELENG_UNP}", f"UNP {LEGMASH_UNP}",
                                                    f"UNP {LEGMASH_UNP}"]  # fmt: skip
    assert f"identifier UNP {PELENG_UNP} (UA-NSDC)" in table[0]["explanation"]


def test_a_named_identifier_column(jobs_client: Callable[..., TestClient[Litestar]]) -> None:
    client = jobs_client(serving=identified_screener())
    text = "Name;Notes\nAcme GmbH;" + PELENG_UNP + "\nOther GmbH;" + LEGMASH_UNP + "\n"
    job = submit(client, text, identifier_column="Notes")
    assert job["table"]["identifier_columns"] == ["Notes"]
    wait_done(client, job["id"])
    lines, _ = results(client, job["id"])
    assert [r["matches"][0]["entity_id"] for r in lines] == ["by-peleng", "by-legmash"]


def test_a_json_job_with_identifiers(jobs_client: Callable[..., TestClient[Litestar]]) -> None:
    client = jobs_client(serving=identified_screener())
    rows = [
        {"id": "V-1", "name": "Acme GmbH", "identifiers": [{"type": "unp", "value": PELENG_UNP}]},
        {"id": "V-2", "name": None, "identifiers": [{"value": LEGMASH_UNP}]},
        {"id": "V-3", "name": "Zavod SVT", "identifiers": [{"type": "unp", "value": "1"}]},
    ]
    response = client.post("/v1/jobs", json={"rows": rows})
    assert response.status_code == 202, response.text
    job = wait_done(client, response.json()["id"])
    lines, _ = results(client, job["id"])
    assert [(r["supplier_id"], r["matches"][0]["entity_id"]) for r in lines] == [
        ("V-1", "by-peleng"), ("V-2", "by-legmash"), ("V-3", "by-zavod-svt"),
    ]  # fmt: skip
    assert "not used" in lines[2]["warnings"]


def test_screen_file_with_a_unp_column(tmp_path: Path) -> None:
    (tmp_path / "suppliers.csv").write_text(SUPPLIERS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "service", "screen-file", "suppliers.csv", "-o", "out.jsonl"],
        cwd=tmp_path,
        env=os.environ | {"WATCHLIST_PATH": str(IDENTIFIED), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "identifier column 'УНП'" in done.stderr.decode()
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    _check(lines[:-1])


def test_screen_command_with_identifiers(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service", "screen", "--json", "--identifier",
         f"УНП:{LEGMASH_UNP}"],
        cwd=tmp_path,
        env=os.environ | {"WATCHLIST_PATH": str(IDENTIFIED), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    body = json.loads(done.stdout)
    assert body["query"] is None
    assert body["identifiers"] == [{"type": "unp", "value": LEGMASH_UNP, "origin": "given"}]
    assert body["matches"][0]["entity_id"] == "by-legmash"
