"""POST /v1/jobs over HTTP: a multipart upload with options or without (columns detected), a
JSON body, every kind of bad upload refused at once with a clear 4xx JSON error, the upload in
Redis once 202 is answered, idempotent resubmission, and job status before and after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from litestar import Litestar
from litestar.testing import TestClient

from service.api.schemas import ErrorBody

from .jobs_support import SUPPLIERS, saq_keys, submit, wait_done

Client = Callable[..., TestClient[Litestar]]


def job_records(db: redis.Redis, prefix: str) -> list[bytes]:
    return [k for k in db.scan_iter(match=f"{prefix}:v1:job:*") if k.count(b":") == 3]


def test_multipart_upload_with_options(jobs_client: Client) -> None:
    client = jobs_client()
    fields = {"name_column": "Supplier name", "country_column": "3", "id_column": "Vendor no.",
              "threshold": "0.8", "limit": "2", "only_hits": "false"}  # fmt: skip
    response = client.post(
        "/v1/jobs", files={"file": ("suppliers.csv", SUPPLIERS.encode(), "text/csv")}, data=fields
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["status"] in ("queued", "running")
    assert (job["filename"], job["size"]) == ("suppliers.csv", len(SUPPLIERS.encode()))
    assert job["table"] == {
        "format": "csv", "encoding": "utf-8", "delimiter": ";", "sheet": None, "header": True,
        "columns": ["Vendor no.", "Supplier name", "Country"], "name_column": "Supplier name",
        "country_column": "Country", "id_column": "Vendor no.", "identifier_columns": [],
    }  # fmt: skip
    assert (job["threshold"], job["limit"], job["only_hits"]) == (0.8, 2, False)
    assert job["results"] == f"/v1/jobs/{job['id']}/results"
    assert wait_done(client, job["id"])["status"] == "done"


def test_columns_are_detected_without_options(jobs_client: Client) -> None:
    job = submit(jobs_client())
    table = job["table"]
    assert (table["name_column"], table["country_column"], table["id_column"]) == (
        "Supplier name", "Country", "Vendor no.",
    )  # fmt: skip
    assert (job["threshold"], job["limit"]) == (0.75, 10)  # the settings' defaults


@pytest.mark.parametrize(
    "body",
    [
        {"rows": [{"name": "Zavod SVT", "country": "BY", "id": "V-1"}, {"name": "Acme GmbH"}]},
        {"names": ["Zavod SVT", "Acme GmbH"], "threshold": 0.8, "only_hits": True},
    ],
)
def test_json_body(jobs_client: Client, body: dict[str, Any]) -> None:
    client = jobs_client()
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["table"]["format"] == "jsonl"
    done = wait_done(client, job["id"])
    assert (done["status"], done["progress"]["rows_total"], done["progress"]["hits"]) == (
        "done", 2, 1,
    )  # fmt: skip
    assert done["only_hits"] is body.get("only_hits", False)


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    ErrorBody.model_validate(body)
    assert body["code"] == code, body
    assert body["message"] and body["request_id"]
    return body


FILE_CASES = [
    ("a PDF", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", "list.pdf", 422, "unsupported_format"),
    ("an old Excel file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "list.xls", 422,
     "unsupported_format"),
    ("not a table", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "logo.png", 422, "not_a_table"),
    ("no name column", b"amount;date\n1;2026-01-01\n2;2026-01-02\n", "a.csv", 422,
     "no_name_column"),
    ("empty", b"", "empty.csv", 422, "empty_file"),
    ("a header only", b"Supplier name;Country\n", "a.csv", 422, "empty_file"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "filename", "status", "code"),
    [case[1:] for case in FILE_CASES],
    ids=[case[0] for case in FILE_CASES],
)
def test_bad_files_are_refused_at_once(
    jobs_client: Client,
    redis_db: redis.Redis,
    job_prefix: str,
    content: bytes,
    filename: str,
    status: int,
    code: str,
) -> None:
    client = jobs_client()
    response = client.post("/v1/jobs", files={"file": (filename, content, "text/csv")})
    body = _error(response, status, code)
    if code == "no_name_column":
        assert "'amount', 'date'" in body["message"] and "name_column" in body["message"]
    assert job_records(redis_db, job_prefix) == []  # nothing stored


def test_unknown_column_is_named(jobs_client: Client) -> None:
    response = jobs_client().post(
        "/v1/jobs",
        files={"file": ("a.csv", SUPPLIERS.encode(), "text/csv")},
        data={"name_column": "Company"},
    )
    body = _error(response, 422, "unknown_column")
    assert "'Supplier name'" in body["message"]


def test_over_the_size_limit(jobs_client: Client, redis_db: redis.Redis, job_prefix: str) -> None:
    client = jobs_client(job_upload_max_bytes=2048)
    big = SUPPLIERS + "V-9;Another Supplier LLC;PL\n" * 400
    response = client.post("/v1/jobs", files={"file": ("big.csv", big.encode(), "text/csv")})
    body = _error(response, 413, "upload_too_large")
    assert "2048 bytes" in body["message"] and "SCREENING_JOB_UPLOAD_MAX_BYTES" in body["message"]
    # Just over the limit: within what Content-Length allows for the form, found while reading.
    over = SUPPLIERS + "x" * (2049 - len(SUPPLIERS))
    response = client.post("/v1/jobs", files={"file": ("big.csv", over.encode(), "text/csv")})
    _error(response, 413, "upload_too_large")
    response = client.post("/v1/jobs", json={"names": ["Zavod SVT" * 10] * 50})
    _error(response, 413, "body_too_large")
    assert job_records(redis_db, job_prefix) == []


def test_wrong_content_type(jobs_client: Client) -> None:
    response = jobs_client().post(
        "/v1/jobs", content=SUPPLIERS.encode(), headers={"Content-Type": "text/csv"}
    )
    body = _error(response, 415, "unsupported_media_type")
    assert "multipart/form-data" in body["message"]


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("multipart/form-data; boundary=xyz", b"this is not multipart at all"),
        ("multipart/form-data; boundary=xyz", b'--xyz\r\nContent-Disposition: form-data; name="f'),
        ("multipart/form-data", b"--xyz\r\n"),
    ],
    ids=["garbage", "cut short", "no boundary"],
)
def test_malformed_multipart(jobs_client: Client, content_type: str, content: bytes) -> None:
    response = jobs_client().post(
        "/v1/jobs", content=content, headers={"Content-Type": content_type}
    )
    _error(response, 400, "malformed_multipart")


def test_no_file_field(jobs_client: Client) -> None:
    response = jobs_client().post("/v1/jobs", files={"upload": ("a.csv", b"x", "text/csv")})
    body = _error(response, 422, "file_missing")
    assert "'file'" in body["message"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"treshold": "0.8"}, "invalid_field"),
        ({"threshold": "high"}, "invalid_field"),
        ({"threshold": "1.5"}, "threshold_out_of_range"),
        ({"limit": "1000"}, "limit_out_of_range"),
        ({"format": "pdf"}, "invalid_field"),
    ],
)
def test_bad_options(jobs_client: Client, fields: dict[str, str], code: str) -> None:
    response = jobs_client().post(
        "/v1/jobs", files={"file": ("a.csv", SUPPLIERS.encode(), "text/csv")}, data=fields
    )
    _error(response, 422, code)


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b'{"rows": [{"name": "A"}], "names": ["B"]}', 422, "invalid_body"),
        (b'{"names": []}', 422, "invalid_body"),
        (b'{"names": ["A"], "colour": "red"}', 422, "invalid_body"),
        (b'{"names": ["A"', 400, "malformed_json"),
    ],
)
def test_bad_json_bodies(jobs_client: Client, content: bytes, status: int, code: str) -> None:
    response = jobs_client().post(
        "/v1/jobs", content=content, headers={"Content-Type": "application/json"}
    )
    _error(response, status, code)


def test_bad_idempotency_key(jobs_client: Client) -> None:
    response = jobs_client().post(
        "/v1/jobs",
        files={"file": ("a.csv", SUPPLIERS.encode(), "text/csv")},
        headers={"Idempotency-Key": "k" * 201},
    )
    _error(response, 400, "invalid_idempotency_key")


def test_an_accepted_upload_is_in_redis_before_the_answer(
    jobs_client: Client, redis_db: redis.Redis, job_prefix: str
) -> None:
    client = jobs_client(embedded_worker=False)  # nothing takes the job
    job = submit(client)
    assert redis_db.hget(f"{job_prefix}:v1:job:{job['id']}", "status") == b"queued"
    assert redis_db.llen(f"{job_prefix}:v1:job:{job['id']}:upload") >= 1
    assert redis_db.zcard(f"saq:{job_prefix}:v1:jobs:incomplete") == 1  # the split, queued
    status = client.get(f"/v1/jobs/{job['id']}").json()
    assert status["status"] == "queued"
    assert status["watchlist_version"] is None and status["started_at"] is None
    progress = status["progress"]
    assert (progress["rows_total"], progress["rows_done"], progress["percent"]) == (None, 0, None)
    assert (progress["rows_per_second"], progress["eta_seconds"]) == (None, None)
    _error(client.get(f"/v1/jobs/{job['id']}/results"), 409, "job_not_finished")


def test_idempotent_resubmission(
    jobs_client: Client, redis_db: redis.Redis, job_prefix: str
) -> None:
    client = jobs_client(embedded_worker=False)
    key = {"Idempotency-Key": "order-2026-11-28-suppliers"}
    first = client.post(
        "/v1/jobs", files={"file": ("s.csv", SUPPLIERS.encode(), "text/csv")}, headers=key
    )
    again = client.post(
        "/v1/jobs", files={"file": ("s.csv", SUPPLIERS.encode(), "text/csv")}, headers=key
    )
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"]
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert len(job_records(redis_db, job_prefix)) == 1
    assert redis_db.zcard(f"saq:{job_prefix}:v1:jobs:incomplete") == 1  # one split task
    other = client.post(
        "/v1/jobs",
        files={"file": ("s.csv", b"Supplier name\nOther Ltd\n", "text/csv")},
        headers=key,
    )
    _error(other, 409, "idempotency_key_reused")
    without = submit(client)
    assert without["id"] != first.json()["id"]
    assert len(job_records(redis_db, job_prefix)) == 2
    assert len([k for k in redis_db.scan_iter(match=f"{job_prefix}:v1:job:*:upload")]) == 2


def test_idempotent_resubmission_of_a_finished_job(jobs_client: Client) -> None:
    client = jobs_client()
    key = {"Idempotency-Key": "k-1"}
    first = submit(client, headers=key)
    done = wait_done(client, first["id"])
    again = submit(client, headers=key)
    assert again["id"] == first["id"] and again["status"] == "done"
    assert again["progress"] == done["progress"]


def test_status_of_a_finished_job(jobs_client: Client, screener: Any) -> None:
    client = jobs_client()
    job = wait_done(client, submit(client)["id"])
    assert job["status"] == "done" and job["error"] is None
    assert job["watchlist_version"] == screener.version
    assert job["created_at"] <= job["started_at"] <= job["finished_at"]
    assert job["progress"] == job["progress"] | {
        "rows_total": 7, "rows_done": 7, "hits": 3, "errors": 2, "chunks_total": 3,
        "chunks_done": 3, "percent": 100.0, "eta_seconds": 0.0,
    }  # fmt: skip
    assert job["progress"]["rows_per_second"] > 0


def test_unknown_job(jobs_client: Client) -> None:
    client = jobs_client()
    _error(client.get("/v1/jobs/nosuchjob"), 404, "job_not_found")
    _error(client.get("/v1/jobs/nosuchjob/results"), 404, "job_not_found")


def test_jobs_unavailable_when_redis_does_not_answer(
    make_client: Client, dead_redis_url: str
) -> None:
    client = make_client(redis_url=dead_redis_url)
    response = client.post("/v1/jobs", files={"file": ("a.csv", SUPPLIERS.encode(), "text/csv")})
    body = _error(response, 503, "jobs_unavailable")
    assert "Redis" in body["message"]


def test_saq_keys_are_the_test_queue_s(
    jobs_client: Client, redis_db: redis.Redis, job_prefix: str
) -> None:
    client = jobs_client()
    wait_done(client, submit(client)["id"])
    assert saq_keys(redis_db, job_prefix)  # under saq's namespace, named by our prefix
