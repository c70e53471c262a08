"""Request and response bodies of the jobs API (`/v1/jobs`), with the examples shown on the
OpenAPI page, and the status body built from a job's record. Pydantic only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.api.schemas import IdentifierIn
from service.batch.layout import TableFormat, TableOptions
from service.batch.status import JobRecord, progress


class _Lax(BaseModel):
    # Form fields are text ("0.8", "true"); unknown fields are refused all the same.
    model_config = ConfigDict(extra="forbid", frozen=True)


class JobOptions(_Lax):
    """The options of a job: as form fields next to an uploaded file, or in a JSON body."""

    name_column: str | None = Field(
        default=None,
        description="Header text, or 1-based position, of the column with the name; detected "
        "when not given.",
        examples=["Supplier name"],
    )
    country_column: str | None = Field(default=None, examples=["Country"])
    id_column: str | None = Field(default=None, examples=["Vendor no."])
    identifier_column: str | None = Field(
        default=None,
        description="Header text, or 1-based position, of the column of registration or tax "
        "numbers (UNP, INN, OGRN...) screened with each row's name; when not given, every "
        "column whose header names a scheme (`УНП`, `ИНН`, `ОГРН`, `Tax ID`, `Registration "
        "number`...), else every column whose values pass a scheme's check digits.",
        examples=["УНП"],
    )
    encoding: str | None = Field(
        default=None, description="Detected when not given (BOM, UTF-8, else e.g. cp1251)."
    )
    delimiter: str | None = Field(default=None, description="Detected among , ; tab and |.")
    sheet: str | None = Field(default=None, description="XLSX: the sheet; the first if none.")
    format: TableFormat | None = Field(
        default=None, description="csv, xlsx, jsonl or json; from the file when not given."
    )
    threshold: float | None = Field(default=None, json_schema_extra={"minimum": 0, "maximum": 1})
    limit: int | None = Field(default=None, json_schema_extra={"minimum": 1, "maximum": 100})
    only_hits: bool = Field(
        default=False,
        description="Results hold only the rows with a match (and those that could not be "
        "screened).",
    )

    def table_options(self) -> TableOptions:
        return TableOptions(
            format=self.format,
            encoding=self.encoding,
            delimiter=self.delimiter,
            sheet=self.sheet,
            name_column=self.name_column,
            country_column=self.country_column,
            id_column=self.id_column,
            identifier_column=self.identifier_column,
        )


class JobRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str | None = Field(examples=["Minsk Wheeled Tractor Plant"])
    country: str | None = None
    id: str | None = Field(default=None, description="Your supplier id, given back per row.")
    identifiers: list[IdentifierIn] | None = Field(
        default=None,
        description="The supplier's registration and tax numbers, as in `POST /v1/screen`; a "
        "number that is not valid is left out and named in the row's warnings.",
        examples=[[{"type": "unp", "value": "100230519"}]],
    )


class JobRowsRequest(BaseModel):
    """A job as JSON: `rows` (objects) or `names` (strings), and the screening options."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rows: list[JobRow] | None = Field(
        default=None,
        examples=[[{"id": "V-1041", "name": "Minsk Wheeled Tractor Plant", "country": "BY"}]],
    )
    names: list[str] | None = Field(default=None, examples=[["Legmash Orsha", "Acme GmbH"]])
    threshold: float | None = Field(default=None, json_schema_extra={"minimum": 0, "maximum": 1})
    limit: int | None = Field(default=None, json_schema_extra={"minimum": 1, "maximum": 100})
    only_hits: bool = False

    @model_validator(mode="after")
    def _rows_or_names(self) -> Self:
        if (self.rows is None) == (self.names is None):
            raise ValueError("give either `rows` or `names`")
        if not (self.rows or self.names):
            raise ValueError("a job needs at least one row")
        return self


class TableOut(BaseModel):
    format: str = Field(examples=["csv"])
    encoding: str | None = Field(examples=["utf-8-sig"])
    delimiter: str | None = Field(examples=[";"])
    sheet: str | None = None
    header: bool = Field(description="Whether the first row was taken for a header.")
    columns: list[str] = Field(examples=[["Vendor no.", "Supplier name", "Country"]])
    name_column: str = Field(examples=["Supplier name"])
    country_column: str | None = Field(examples=["Country"])
    id_column: str | None = Field(examples=["Vendor no."])
    identifier_columns: list[str] = Field(
        default_factory=list,
        description="Columns of registration or tax numbers, screened with the name.",
        examples=[["УНП"]],
    )


class ProgressOut(BaseModel):
    rows_total: int | None = Field(description="Null until the whole file has been read.")
    rows_done: int
    hits: int = Field(description="Rows with at least one match so far.")
    errors: int = Field(description="Rows that could not be screened (reported per row).")
    cache_hits: int = Field(
        description="Rows answered without matching: from the result cache, or repeating a "
        "name of the same chunk."
    )
    chunks_total: int | None
    chunks_done: int
    percent: float | None
    rows_per_second: float | None = Field(description="Since the job started.")
    eta_seconds: float | None = Field(description="Time left at that rate.")


class JobError(BaseModel):
    code: str = Field(examples=["watchlist_changed"])
    message: str


class JobOut(BaseModel):
    id: str
    status: str = Field(description="queued, running, done or failed.", examples=["running"])
    filename: str
    size: int = Field(description="Bytes uploaded.")
    table: TableOut = Field(description="What was detected in the file (or given).")
    threshold: float
    limit: int
    only_hits: bool
    watchlist_version: str | None = Field(
        description="The version every row is screened against; set when the job starts."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: ProgressOut
    error: JobError | None = Field(description="Why the job failed.")
    results: str = Field(description="Where the results are, once done.")


def job_out(record: JobRecord, now: datetime) -> JobOut:
    table = record.table
    figures = progress(record, now)
    error = None
    if record.error_code is not None:
        error = JobError(code=record.error_code, message=record.error_message or "")
    return JobOut(
        id=record.id,
        status=record.status.value,
        filename=record.filename,
        size=record.size,
        table=TableOut(
            format=table.format.value,
            encoding=table.encoding,
            delimiter=table.delimiter,
            sheet=table.sheet,
            header=table.header,
            columns=list(table.columns),
            name_column=table.name_column,
            country_column=table.country_column,
            id_column=table.id_column,
            identifier_columns=list(table.identifier_columns),
        ),
        threshold=record.threshold,
        limit=record.limit,
        only_hits=record.only_hits,
        watchlist_version=record.watchlist_version,
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        progress=ProgressOut(
            rows_total=figures.rows_total,
            rows_done=figures.rows_done,
            hits=figures.hits,
            errors=figures.errors,
            cache_hits=figures.cache_hits,
            chunks_total=figures.chunks_total,
            chunks_done=figures.chunks_done,
            percent=figures.percent,
            rows_per_second=figures.rows_per_second,
            eta_seconds=figures.eta_seconds,
        ),
        error=error,
        results=f"/v1/jobs/{record.id}/results",
    )
