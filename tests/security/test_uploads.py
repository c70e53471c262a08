"""Crafted supplier files through `POST /v1/jobs` over HTTP (issue 10, points 2, 8 and 13):
XLSX bombs (a huge cell, a shared-strings bomb, a zip bomb, a lying dimension, a zip of too
many parts, a DOCTYPE, a huge tag) refused with a 413/422 code and without the memory they
ask for; rows charged to the key as they are read; CSV rows too long, or with a quote never
closed, reported on their row while the rest of the file is screened; a job status of bounded
size whatever the header. The workbooks are made here (bench/upload_files.py), small on disk."""

from __future__ import annotations

import secrets
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import upload_files  # noqa: E402

Client = TestClient[Litestar]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Python memory an upload may take while it is refused (the bombs ask for hundreds of MB).
REFUSAL_MEMORY = 32 << 20


@pytest.fixture
def jobs_app(
    make_client: Callable[..., Client], redis_url: str, key_prefix: str, redis_db: redis.Redis
) -> Iterator[Callable[..., Client]]:
    """An app with its embedded worker on the test Redis, with the given settings."""

    def make(**overrides: Any) -> Client:
        settings = {"redis_url": redis_url, "redis_key_prefix": key_prefix}
        return make_client(**(settings | {"job_chunk_rows": 500} | overrides))

    yield make
    keys = list(redis_db.scan_iter(match=f"saq:*{key_prefix}:*", count=1000))
    if keys:
        redis_db.delete(*keys)


def post(client: Client, path: Path, headers: dict[str, str] | None = None, **fields: str) -> Any:
    media = XLSX if path.suffix == ".xlsx" else "text/csv"
    files = {"file": (path.name, path.read_bytes(), media)}
    return client.post("/v1/jobs", files=files, data=fields, headers=headers)


def refused(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["status"], body["code"]) == (status, code), body
    message: str = body["message"]
    return message


def finished(client: Client, response: Any, headers: dict[str, str] | None = None) -> Any:
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while True:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def result_rows(client: Client, job: Any) -> list[dict[str, Any]]:
    import json

    response = client.get(f"/v1/jobs/{job['id']}/results", params={"format": "jsonl"})
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()][:-1]


def peak_memory(call: Callable[[], Any]) -> tuple[Any, int]:
    """What `call` returns, and the most Python memory it took on the way (every thread)."""
    tracemalloc.start()
    try:
        out = call()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- XLSX bombs ---------------------------------------------------------------------------


def test_a_huge_cell_is_refused_without_the_memory(jobs_app: Any, tmp_path: Path) -> None:
    # Once a 310 KB file with a 300 MB cell took the API from 113 MB to 4 GB, and was taken.
    client = jobs_app()
    path = upload_files.huge_cell(tmp_path / "cell.xlsx", 64 << 20)
    assert path.stat().st_size < 200_000
    response, peak = peak_memory(lambda: post(client, path))
    assert "inflates more than 100 times" in refused(response, 413, "zip_too_compressed")
    assert peak < REFUSAL_MEMORY


def test_a_shared_strings_bomb_is_refused_without_the_memory(jobs_app: Any, tmp_path: Path) -> None:
    # Once a 107 KB file took the API to 1.6 GB.
    client = jobs_app()
    path = upload_files.shared_strings_bomb(tmp_path / "strings.xlsx", 6_000_000)
    response, peak = peak_memory(lambda: post(client, path))
    refused(response, 413, "zip_too_compressed")
    assert peak < REFUSAL_MEMORY


def _distinct_strings(path: Path, count: int, chars: int) -> Path:
    strings = (f"<si><t>{secrets.token_hex(chars // 2)}</t></si>".encode() for _ in range(count))
    header = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return upload_files.write_xlsx(path, [header], strings=strings)


def test_shared_strings_are_bounded_in_count_and_size(jobs_app: Any, tmp_path: Path) -> None:
    client = jobs_app(upload_max_shared_strings=1000, upload_max_shared_string_bytes=64_000)
    many = _distinct_strings(tmp_path / "many.xlsx", 1001, 8)
    refused(post(client, many), 413, "too_many_shared_strings")
    large = _distinct_strings(tmp_path / "large.xlsx", 500, 200)
    refused(post(client, large), 413, "shared_strings_too_large")


def test_a_zip_bomb_is_refused(jobs_app: Any, tmp_path: Path) -> None:
    client = jobs_app()
    path = upload_files.zip_bomb(tmp_path / "bomb.xlsx", 256 << 20)
    response, peak = peak_memory(lambda: post(client, path))
    refused(response, 413, "zip_too_compressed")
    assert peak < REFUSAL_MEMORY


def test_the_bytes_inflated_are_bounded_while_the_file_is_read(
    jobs_app: Any, tmp_path: Path
) -> None:
    client = jobs_app(upload_max_unzipped_bytes=1 << 20)
    path = upload_files.suppliers(tmp_path / "big.xlsx", 20_000)
    job = finished(client, post(client, path))  # the head is within the bound, the rest not
    assert (job["status"], job["error"]["code"]) == ("failed", "zip_too_large")


def _rewritten(path: Path, to: Path, parts: dict[str, bytes] | None = None) -> Path:
    """The workbook again, each part written whole (no zip64 fields), some replaced."""
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(to, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, (parts or {}).get(info.filename, old.read(info)))
    return to


def test_a_part_larger_than_its_directory_says_is_refused(jobs_app: Any, tmp_path: Path) -> None:
    made = upload_files.suppliers(tmp_path / "made.xlsx", 10)
    path = _rewritten(made, tmp_path / "lying.xlsx")
    data = bytearray(path.read_bytes())
    sheet = b"xl/worksheets/sheet1.xml"
    entry = data.index(sheet, data.index(b"PK\x01\x02")) - 46  # its central directory entry
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")  # its size inflated, lied
    path.write_bytes(bytes(data))
    message = refused(post(jobs_app(), path), 422, "unreadable_xlsx")
    assert "past the size the zip declares" in message


def test_a_zip_of_too_many_parts_is_refused(jobs_app: Any, tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        for number in range(10_001):
            book.writestr(f"p{number}", b"")
    refused(post(jobs_app(), path), 413, "zip_too_many_parts")


def test_a_doctype_is_refused(jobs_app: Any, tmp_path: Path) -> None:
    # Entities (a billion laughs) need a DOCTYPE: none is read at all.
    laughs = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
        b"</worksheet>"
    )
    made = upload_files.write_xlsx(tmp_path / "made.xlsx", [])
    path = _rewritten(made, tmp_path / "laughs.xlsx", {"xl/worksheets/sheet1.xml": laughs})
    assert "DOCTYPE" in refused(post(jobs_app(), path), 422, "unreadable_xlsx")


def test_a_huge_tag_is_refused(jobs_app: Any, tmp_path: Path) -> None:
    tag = b'<row r="2" x="' + secrets.token_hex(600_000).encode() + b'"/>'
    path = upload_files.write_xlsx(tmp_path / "tag.xlsx", [upload_files.row(1, "Name"), tag])
    refused(post(jobs_app(), path), 413, "xml_token_too_large")


def test_a_row_numbered_past_a_sheet_s_rows_is_refused(jobs_app: Any, tmp_path: Path) -> None:
    rows = [upload_files.row(1, "Name"), upload_files.row(2, "Zavod SVT"),
            upload_files.row(2_000_000, "Acme")]  # fmt: skip
    path = upload_files.write_xlsx(tmp_path / "far.xlsx", rows)
    refused(post(jobs_app(), path), 413, "too_many_rows")


# --- rows charged and bounded ---------------------------------------------------------------


def test_a_lying_dimension_is_charged_by_the_rows_read(jobs_app: Any, tmp_path: Path) -> None:
    # Once a sheet declaring 2 rows but holding 2,000,000 was charged 1 row to a key of
    # 1,000 rows per hour, and screened in full.
    client = jobs_app()
    admin = _key(client, None, role="admin")
    limited = {"X-API-Key": _key(client, admin, role="screener", rows_per_hour=1000)}
    path = upload_files.suppliers(tmp_path / "lying.xlsx", 5000, dimension="A1:B2")
    job = finished(client, post(client, path, headers=limited), headers=limited)
    assert (job["status"], job["error"]["code"]) == ("failed", "rate_limited")
    assert "(1 charged then, 1,000 by now)" in job["error"]["message"]
    assert job["progress"]["rows_done"] <= 1000
    # The key is spent: its next job is refused at once.
    refused(post(client, path, headers=limited), 429, "rate_limited")


def _key(client: Client, admin: str | None, **body: Any) -> str:
    headers = {"X-API-Key": admin} if admin else {}
    response = client.post("/v1/keys", json={"name": secrets.token_hex(4), **body}, headers=headers)
    assert response.status_code == 201, response.text
    key: str = response.json()["key"]
    return key


def test_rows_past_the_limit_fail_the_job_while_it_is_read(jobs_app: Any, tmp_path: Path) -> None:
    client = jobs_app(job_max_rows=3000)
    path = upload_files.suppliers(tmp_path / "many.xlsx", 5000)
    job = finished(client, post(client, path))
    assert (job["status"], job["error"]["code"]) == ("failed", "too_many_rows")
    csv = tmp_path / "many.csv"
    csv.write_text("Name\n" + "Supplier\n" * 3001, encoding="utf-8")
    refused(post(client, csv), 413, "too_many_rows")  # its lines tell at once


# --- CSV rows too long, quotes never closed, columns --------------------------------------


def test_a_long_field_after_the_first_mib_is_one_row_s_error(jobs_app: Any, tmp_path: Path) -> None:
    # Once a field over 131,072 characters past the first MiB failed the whole job.
    rows = [f"V-{n};Supplier {n};DE" for n in range(50_000)]
    text = "Vendor no.;Supplier name;Country\n" + "\n".join(rows)
    text += "\nV-x;" + "y" * 200_000 + ";DE\nV-z;Zavod SVT;BY\n"
    path = tmp_path / "long.csv"
    path.write_text(text, encoding="utf-8")
    assert len(text.split("V-x")[0]) > 1 << 20
    client = jobs_app(job_chunk_rows=20_000)
    job = finished(client, post(client, path))
    assert job["status"] == "done", job["error"]
    assert (job["progress"]["rows_total"], job["progress"]["errors"]) == (50_002, 1)
    long, last = result_rows(client, job)[-2:]
    assert (long["row"], long["status"]) == (50_001, "error")
    assert "longer than 131,072 characters" in long["error"]
    assert (last["row"], last["status"], last["matches"][0]["entity_id"]) == (
        50_002, "hit", "by-zavod-svt",
    )  # fmt: skip


def test_a_first_row_over_a_mib_is_not_an_empty_file(jobs_app: Any, tmp_path: Path) -> None:
    path = tmp_path / "first.csv"
    path.write_text(
        "Supplier name;Country\n" + "z" * (1 << 20) + ";BY\nZavod SVT;BY\n", encoding="utf-8"
    )
    client = jobs_app()
    job = finished(client, post(client, path))
    assert job["table"]["columns"] == ["Supplier name", "Country"]
    first, second = result_rows(client, job)
    assert (first["row"], first["status"]) == (1, "error") and "longer than" in first["error"]
    assert (second["row"], second["status"]) == (2, "hit")


def test_a_line_of_commas_leaves_the_job_status_small(jobs_app: Any, tmp_path: Path) -> None:
    # Once a 30 MB line of commas made every status of the job 8.3 MB.
    path = tmp_path / "commas.csv"
    path.write_text("," * 3_000_000 + "\nSupplier name\nZavod SVT\n", encoding="utf-8")
    client = jobs_app()
    response = post(client, path)
    assert response.status_code == 202, response.text[:300]
    job = finished(client, response)
    status = client.get(f"/v1/jobs/{job['id']}")
    assert len(status.content) < 4096
    assert job["table"]["columns"] == ["Supplier name"]
    assert job["progress"]["rows_total"] == 1


def test_columns_kept_are_capped(jobs_app: Any, tmp_path: Path) -> None:
    header = ";".join(["Supplier name", "w" * 300, *(f"extra {n}" for n in range(3000))])
    path = tmp_path / "wide.csv"
    path.write_text(header + "\nZavod SVT" + ";x" * 3001 + "\n", encoding="utf-8")
    client = jobs_app()
    job = finished(client, post(client, path))
    assert job["status"] == "done" and job["progress"]["hits"] == 1
    columns = job["table"]["columns"]
    assert len(columns) == 1024 and max(map(len, columns)) == 100
    assert len(client.get(f"/v1/jobs/{job['id']}").content) < 128 * 1024


def test_an_unclosed_quote_is_reported_and_the_rows_after_it_screened(
    jobs_app: Any, tmp_path: Path
) -> None:
    # Once `"Zavod SVT;BY` swallowed the two rows after it into one name, silently.
    path = tmp_path / "quote.csv"
    path.write_text(
        'Name;Country\n"Zavod SVT;BY\nMinsk Wheeled Tractor Plant;BY\nAcme GmbH;DE\n',
        encoding="utf-8",
    )
    client = jobs_app()
    job = finished(client, post(client, path))
    assert job["status"] == "done" and job["table"]["delimiter"] == ";"
    assert (job["progress"]["rows_total"], job["progress"]["errors"]) == (3, 1)
    broken, mzkt, acme = result_rows(client, job)
    assert broken["status"] == "error" and "never closed" in broken["error"]
    assert (mzkt["name"], mzkt["status"]) == ("Minsk Wheeled Tractor Plant", "hit")
    assert (acme["name"], acme["status"]) == ("Acme GmbH", "clear")
