"""The per-record files the Ammitto projects derived from the Canadian, UK, EU, New Zealand and
Swiss lists (SOURCES.md section 9): which files a folder holds, as the manifest lists them, and
their text read as YAML or JSON. Imports nothing from the other source modules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from seed.languages import cyrillic_language
from seed.records import file_source
from service.watchlist.model import Address, Alias, AliasKind, Listing, Source

MANIFEST = "BELARUS_RECORDS_MANIFEST.tsv"


def listed_files(data: Path, folder: str) -> list[str]:
    """The manifest's paths under `folder` (relative to the data folder), sorted."""
    lines = (data / MANIFEST).read_text(encoding="utf-8").splitlines()[1:]
    paths = sorted(p for line in lines if (p := line.split("\t")[0]).startswith(folder))
    if not paths:
        raise ValueError(f"{MANIFEST} lists no file under {folder}")
    return paths


def read_document(data: Path, path: str) -> dict[str, Any]:
    """One record file: a YAML document, or JSON for `.jsonld` files."""
    text = (data / path).read_text(encoding="utf-8")
    document = json.loads(text) if path.endswith(".jsonld") else yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ValueError(f"{path}: not one record")
    return document


def record_source(folder: str, path: str, reference: str) -> Source:
    """The provenance of one record: its folder (dated in `FILE_DATES`), the file and the id."""
    return file_source(folder, f"{Path(path).name}: {reference}")


def clean(text: str) -> str:
    """A name as printed, without the runs of spaces and no-break spaces the files keep."""
    return " ".join(text.replace("\xa0", " ").split())


def alias(name: str, lang: str | None = None, kind: AliasKind = AliasKind.AKA) -> Alias:
    """A name with its language: the one given, else the one its Cyrillic letters show."""
    return Alias(name=clean(name), kind=kind, lang=lang or cyrillic_language(name))


def split_names(text: str) -> list[str]:
    """Names given in one field, separated by semicolons."""
    return [clean(part) for part in re.split(r";", text) if clean(part)]


def listing(authority: str, list_name: str, programme: str, reference: str, listed: str) -> Listing:
    """One designation, dated by the ISO date the file gives."""
    return Listing(
        authority=authority,
        list=list_name,
        programme=programme,
        reference=reference,
        listed_on=date.fromisoformat(listed),
    )


def countries_of(addresses: Iterable[Address]) -> tuple[str, ...]:
    """The countries of the addresses, each once, in order."""
    return tuple(dict.fromkeys(a.country for a in addresses if a.country))
