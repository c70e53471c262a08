"""GET /v1/jobs/{id}/results: every format parsed back (every input row, in order, with its
matches), the summary, only hits, per-row errors, and repeated names answered from the result
cache within and across jobs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from .jobs_support import EXPECTED, SUPPLIERS, results, submit, wait_done

Client = Callable[..., TestClient[Litestar]]


@pytest.fixture
def done_job(jobs_client: Client) -> tuple[TestClient[Litestar], dict[str, Any]]:
    client = jobs_client()
    return client, wait_done(client, submit(client)["id"])


def _single(client: TestClient[Litestar], name: str, country: str | None) -> Any:
    response = client.post("/v1/screen", json={"name": name, "country": country})
    return response.json()["matches"]


def test_jsonl_results_have_every_row_in_order_with_its_matches(
    done_job: tuple[TestClient[Litestar], dict[str, Any]],
) -> None:
    client, job = done_job
    rows, summary = results(client, job["id"], "jsonl")
    assert [r["row"] for r in rows] == list(range(1, 8))
    assert [r["supplier_id"] for r in rows] == [f"V-{n}" for n in range(1, 8)]
    assert [(r["status"], r["matches"][0]["entity_id"] if r["matches"] else r["error"])
            for r in rows] == EXPECTED  # fmt: skip
    # The matches are the API's own, as `POST /v1/screen` answers them.
    assert rows[0]["matches"] == _single(client, "Zavod SVT", "BY")
    assert rows[4]["matches"] == _single(client, "Legmash Orsha", None)
    assert summary == summary | {
        "rows": 7, "screened": 5, "hits": 3, "errors": 2, "threshold": 0.75, "only_hits": False,
        "watchlist_version": job["watchlist_version"],
    }  # fmt: skip


def test_csv_results(done_job: tuple[TestClient[Litestar], dict[str, Any]]) -> None:
    client, job = done_job
    rows = results(client, job["id"], "csv")
    assert [int(r["row"]) for r in rows] == list(range(1, 8))
    assert [(r["status"], r["best_entity_id"] or r["error"] or None) for r in rows] == EXPECTED
    assert rows[2]["name"] == "Minsk Wheeled Tractor Plant" and rows[2]["country"] == "BY"
    assert json.loads(rows[2]["matches"]) == _single(client, "Minsk Wheeled Tractor Plant", "BY")
    assert float(rows[2]["best_score"]) >= 0.75 and rows[2]["explanation"]
    assert (rows[1]["matches"], rows[1]["match_count"]) == ("[]", "0")


def test_xlsx_results(done_job: tuple[TestClient[Litestar], dict[str, Any]]) -> None:
    client, job = done_job
    rows, summary = results(client, job["id"], "xlsx")
    assert [r["row"] for r in rows] == list(range(1, 8))
    assert [(r["status"], r["best_entity_id"] or r["error"]) for r in rows] == EXPECTED
    assert json.loads(rows[0]["matches"])[0]["entity_id"] == "by-zavod-svt"
    assert (summary["rows"], summary["hits"], summary["errors"]) == (7, 3, 2)


def test_results_are_a_download(done_job: tuple[TestClient[Litestar], dict[str, Any]]) -> None:
    client, job = done_job
    for fmt, media_type in [
        ("csv", "text/csv; charset=utf-8"),
        ("jsonl", "application/x-ndjson"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]:
        response = client.get(f"/v1/jobs/{job['id']}/results", params={"format": fmt})
        assert response.headers["content-type"] == media_type
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="screening-{job["id"]}.{fmt}"'
    response = client.get(f"/v1/jobs/{job['id']}/results", params={"format": "pdf"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_parameter"


def test_only_hits(jobs_client: Client) -> None:
    client = jobs_client()
    job = wait_done(client, submit(client, only_hits="true")["id"])
    rows, summary = results(client, job["id"], "jsonl")
    # The hits, and the rows that could not be screened: those are not cleared either.
    assert [(r["row"], r["status"]) for r in rows] == [
        (1, "hit"), (3, "hit"), (4, "error"), (5, "hit"), (7, "error"),
    ]  # fmt: skip
    assert summary["only_hits"] is True and summary["rows"] == 7
    everything, _ = results(client, job["id"], "jsonl", only_hits="false")
    assert len(everything) == 7
    csv_rows = results(client, job["id"], "csv")
    assert [int(r["row"]) for r in csv_rows] == [1, 3, 4, 5, 7]


def test_only_hits_for_one_download(
    done_job: tuple[TestClient[Litestar], dict[str, Any]],
) -> None:
    client, job = done_job
    rows, summary = results(client, job["id"], "jsonl", only_hits="true")
    assert [r["row"] for r in rows] == [1, 3, 4, 5, 7] and summary["only_hits"] is True
    response = client.get(f"/v1/jobs/{job['id']}/results", params={"only_hits": "true"})
    assert "-hits.csv" in response.headers["content-disposition"]


def test_rows_that_cannot_be_screened_are_reported_not_fatal(jobs_client: Client) -> None:
    client = jobs_client()
    lines = [
        "Supplier name;Country",
        "Zavod SVT;BY",
        ";BY",  # no name
        "   ;BY",  # only blanks
        "!!! ???;BY",  # nothing to match
        "Peleng\x07 Optics;BY",  # a control character: removed, the rest is screened
        "X" * 301 + ";BY",  # too long
        "Legmash;BY",
    ]
    text = "\n".join(lines) + "\n"
    job = wait_done(client, submit(client, text)["id"])
    assert job["status"] == "done"
    assert (job["progress"]["rows_total"], job["progress"]["errors"]) == (7, 4)
    rows, _ = results(client, job["id"], "jsonl")
    assert [r["status"] for r in rows] == ["hit", "error", "error", "error", "hit", "error", "hit"]
    assert "removed 1 control character" in rows[4]["warnings"]  # reported on its row
    assert rows[0]["warnings"] is None
    errors = [r["error"] for r in rows if r["status"] == "error"]
    assert errors[0] == errors[1] == "name is empty"
    assert errors[2] == "name has no letters or digits to match"
    assert errors[3] == "name is 301 characters long; the limit is 300"
    assert all(r["matches"] == [] for r in rows if r["status"] == "error")


def test_repeated_names_hit_the_result_cache_within_and_across_jobs(jobs_client: Client) -> None:
    client = jobs_client(job_chunk_rows=100, worker_concurrency=1)
    first = wait_done(client, submit(client)["id"])
    # Within the job: the second "Acme Garden Furniture GmbH" (one chunk, matched once).
    assert first["progress"]["cache_hits"] == 1
    metrics_before = _cache_hits(client)
    second = wait_done(client, submit(client)["id"])
    # Across jobs: every screened row of the second job (5) comes from the cache.
    assert second["progress"]["cache_hits"] == 5
    assert _cache_hits(client) - metrics_before == 5


def _cache_hits(client: TestClient[Litestar]) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("screening_cache_hits_total "):
            return float(line.split()[1])
    raise AssertionError("no screening_cache_hits_total")


def test_results_of_a_large_job_span_many_chunks_and_pieces(jobs_client: Client) -> None:
    client = jobs_client(job_chunk_rows=250)
    names = [f"Supplier number {n} Trading LLC" for n in range(3000)]
    body = {"rows": [{"name": n, "id": str(i)} for i, n in enumerate(names, start=1)]}
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 202, response.text
    job = wait_done(client, response.json()["id"], timeout=60)
    assert job["progress"]["chunks_total"] == 12
    rows, summary = results(client, job["id"], "jsonl")
    assert [r["supplier_id"] for r in rows] == [str(i) for i in range(1, 3001)]
    assert [r["name"] for r in rows] == names
    assert summary["rows"] == 3000


def test_supplier_file_in_a_legacy_encoding(jobs_client: Client) -> None:
    client = jobs_client()
    text = "Наименование;Страна\nОАО «БЕЛАЗ»;BY\nООО Ромашка;RU\n".encode("cp1251")
    job = wait_done(client, submit(client, text, filename="export.csv")["id"])
    assert job["table"]["encoding"] in ("cp1251", "windows-1251")
    rows, _ = results(client, job["id"], "jsonl")
    assert rows[0]["name"] == "ОАО «БЕЛАЗ»" and rows[0]["matches"][0]["entity_id"] == "by-belaz"
    assert rows[1]["status"] == "clear"
    assert SUPPLIERS  # the shared file stays UTF-8
