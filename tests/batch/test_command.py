"""`python -m service screen-file` run as a user runs it (a subprocess on the fixture
watchlist): files in, results out in each format, the progress bar apart from the results,
bad input refused with exit status 2 and no results file, rows that could not be read ending
it with exit status 1, and the results file made with the user's umask."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook

FIXTURE = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"
SUPPLIERS = (
    "Код;Наименование контрагента;Страна\n"
    "1;ОАО «БЕЛАЗ»;Беларусь\n"
    "2;Legmash Orsha;BY\n"
    "3;;BY\n"
    "4;ООО «Ромашка»;Россия\n"
)


def screen_file(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "service", "screen-file", *args],
        cwd=cwd,
        env=os.environ | {"WATCHLIST_PATH": str(FIXTURE)},
        capture_output=True,
        timeout=120,
    )


def test_cp1251_csv_to_csv(tmp_path: Path) -> None:
    (tmp_path / "1c.csv").write_bytes(SUPPLIERS.encode("cp1251"))
    done = screen_file("1c.csv", "-o", "results.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    stderr = done.stderr.decode()
    assert "1c.csv: CSV, cp1251, delimiter ';'; name column 'Наименование контрагента'" in stderr
    assert "screened 4 rows" in stderr and "2 hits, 1 not screened" in stderr
    text = (tmp_path / "results.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["row"], r["supplier_id"], r["status"], r["best_entity_id"]) for r in rows] == [
        ("1", "1", "hit", "by-belaz"), ("2", "2", "hit", "by-legmash"),
        ("3", "3", "error", ""), ("4", "4", "clear", ""),
    ]  # fmt: skip
    assert rows[0]["country"] == "BY"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_xlsx_to_json_lines_with_only_hits(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Firma", "Land"], ["MZKT", "BY"], ["Acme Garden Furniture", "DE"]):
        sheet.append(row)
    book.save(tmp_path / "in.xlsx")
    done = screen_file("in.xlsx", "-o", "out.jsonl", "--only-hits", "--limit", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [line["row"] for line in lines[:-1]] == [1]
    assert len(lines[0]["matches"]) == 1 and lines[0]["matches"][0]["entity_id"] == "by-mzkt"
    assert lines[-1]["summary"] | {"started_at": "", "finished_at": ""} == {
        "rows": 2, "screened": 2, "hits": 1, "errors": 0, "only_hits": True,
        "threshold": 0.75, "watchlist_version": lines[-1]["summary"]["watchlist_version"],
        "started_at": "", "finished_at": "",
    }  # fmt: skip


def test_xlsx_results(tmp_path: Path) -> None:
    (tmp_path / "names.txt").write_text("Zavod SVT\nAcme Garden Furniture\n", encoding="utf-8")
    done = screen_file("names.txt", "-o", "out.xlsx", "--threshold", "0.9", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    book = load_workbook(tmp_path / "out.xlsx")
    results = list(book["results"].values)
    assert [(r[0], r[2], r[4]) for r in results[1:]] == [
        (1, "Zavod SVT", "hit"), (2, "Acme Garden Furniture", "clear"),
    ]  # fmt: skip
    summary = {row[0]: row[1] for row in book["summary"].values}
    assert summary["threshold"] == 0.9


def test_progress_bar_goes_to_stderr_and_results_to_stdout(tmp_path: Path) -> None:
    lines = "\n".join(f"{i};Supplier number {i};BY" for i in range(1, 5001))
    (tmp_path / "many.csv").write_text("Nr;Name;Country\n" + lines + "\n", encoding="utf-8")
    done = screen_file("many.csv", "-o", "-", "--progress", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"), newline="")))
    assert [r["row"] for r in rows] == [str(i) for i in range(1, 5001)]
    assert "100%" in done.stderr.decode() and "rows/s" in done.stderr.decode()


def test_header_less_file_with_the_name_column_by_position(tmp_path: Path) -> None:
    (tmp_path / "raw.csv").write_text("BY,Legmash Orsha\nDE,Acme GmbH\n", encoding="utf-8")
    done = screen_file("raw.csv", "-o", "out.csv", "--name-column", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "no header row" in done.stderr.decode()
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert [r["status"] for r in csv.DictReader(io.StringIO(text))] == ["hit", "clear"]


def test_bad_input_exits_2_with_a_message_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "amounts.csv").write_text("Amount;Date\n12.5;2024-01-01\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "ok.csv").write_text("Name\nMAZ\n", encoding="utf-8")
    cases = [
        (["amounts.csv", "-o", "out.csv"], "the header is 'Amount', 'Date'", "no_name_column"),
        (["empty.csv", "-o", "out.csv"], "the file is empty", "empty_file"),
        (["missing.csv", "-o", "out.csv"], "cannot read missing.csv", "file_unreadable"),
        (["ok.csv", "-o", "out.pdf"], "cannot tell the results format", "output_format_unknown"),
        (["ok.csv", "-o", "out.csv", "--name-column", "Firma"], "no column 'Firma'",
         "unknown_column"),
        (["ok.csv", "-o", "out.csv", "--threshold", "2"], "threshold", "threshold_out_of_range"),
    ]  # fmt: skip
    for args, message, code in cases:
        done = screen_file(*args, cwd=tmp_path)
        stderr = done.stderr.decode()
        assert done.returncode == 2, (args, stderr)
        assert message in stderr and f"({code})" in stderr, stderr
        assert "Traceback" not in stderr
        assert not (tmp_path / "out.csv").exists()


def test_rows_that_could_not_be_read_exit_1_with_the_results_written(tmp_path: Path) -> None:
    # Once `"Zavod SVT;BY` swallowed the rows after it, and the command exited 0.
    (tmp_path / "quote.csv").write_text(
        'Name;Country\n"Zavod SVT;BY\nMinsk Wheeled Tractor Plant;BY\nAcme GmbH;DE\n',
        encoding="utf-8",
    )
    done = screen_file("quote.csv", "-o", "out.jsonl", cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert "1 rows of the file could not be read" in stderr and "Traceback" not in stderr
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(r["row"], r["status"]) for r in lines[:-1]] == [
        (1, "error"), (2, "hit"), (3, "clear"),
    ]  # fmt: skip
    assert "never closed" in lines[0]["error"]
    help_text = " ".join(screen_file("--help", cwd=tmp_path).stdout.decode().split())
    assert "Exit status: 0" in help_text and "1 the results are written" in help_text


def test_the_results_file_takes_the_umask(tmp_path: Path) -> None:
    # Once written 0600 whatever the umask.
    (tmp_path / "ok.csv").write_text("Name\nMAZ\n", encoding="utf-8")
    for umask, mode in ((0o022, 0o644), (0o077, 0o600)):
        done = subprocess.run(
            [sys.executable, "-m", "service", "screen-file", "ok.csv", "-o", "out.csv"],
            cwd=tmp_path,
            env=os.environ | {"WATCHLIST_PATH": str(FIXTURE)},
            capture_output=True,
            timeout=120,
            umask=umask,
        )
        assert done.returncode == 0, done.stderr.decode()
        assert (tmp_path / "out.csv").stat().st_mode & 0o777 == mode
