"""The web app's forms as they arrive (URL-encoded fields, all text): pydantic models that
refuse unknown fields but keep every value a string, checked by the same functions as the API's
bodies (`service.screening.queries`) once read."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from service.api.web.gate import CSRF_FIELD
from service.errors import InvalidInput

#: Longest text of a form field, in characters: names, comments and column labels are shorter.
MAX_FIELD = 4000


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    csrf_token: str = Field(default="", alias=CSRF_FIELD, max_length=200)


class SignInForm(_Form):
    key: str = Field(default="", max_length=200)


class ScreenForm(_Form):
    name: str = Field(default="", max_length=MAX_FIELD)
    country: str = Field(default="", max_length=MAX_FIELD)
    identifiers: str = Field(default="", max_length=MAX_FIELD)
    threshold: str = Field(default="", max_length=20)

    def threshold_value(self) -> float | None:
        return number("threshold", self.threshold)


class ColumnsForm(_Form):
    name_column: str = Field(default="", max_length=MAX_FIELD)
    country_column: str = Field(default="", max_length=MAX_FIELD)
    id_column: str = Field(default="", max_length=MAX_FIELD)
    identifier_column: str = Field(default="", max_length=MAX_FIELD)
    threshold: str = Field(default="", max_length=20)
    only_hits: str = Field(default="", max_length=10)


class DecisionForm(_Form):
    decision: str = Field(default="", max_length=20)
    reason_code: str = Field(default="", max_length=64)
    comment: str = Field(default="", max_length=MAX_FIELD)


def number(field: str, text: str) -> float | None:
    """A form's number field: None when left empty, `InvalidInput` when not a number."""
    if not text.strip():
        return None
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(f"{field} must be a number, got {text[:20]!r}") from None
    if not math.isfinite(value):
        raise InvalidInput(f"{field} must be a number, got {text[:20]!r}")
    return value
