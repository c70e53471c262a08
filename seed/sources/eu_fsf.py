"""The EU Financial Sanctions Files (European Commission), the Belarus-linked entity records as
the Ammitto project wrote them: one YAML file per EU reference number with its names (each with
its language and, for some, the listing reason as "function"), addresses, registration numbers
and the regulations that listed it.

Which records count as Belarus-linked was decided when the files were kept (programme BLR, or a
Belarus address); every organisation here is read. Names are taken in English, Russian,
Belarusian and Ukrainian (and those without a language, which are English or Cyrillic): the
other EU languages are the Commission's word-for-word translations of the English name
("Offene Aktiengesellschaft 'Grodno Azot'"), not names the organisation uses, and as aliases
they cost matching quality (a Russian namesake of the Central Election Commission scored 0.88).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from seed.evidence import evidence
from seed.records import Record
from seed.sources.derived import alias, clean, listed_files, read_document, record_source
from service.watchlist.identifiers import Scheme, normalize, valid
from service.watchlist.model import Address, Alias, Identifier, Listing, Schema

FOLDER = "eu_fsf_ammitto_derived_2026-05-01/processed/"
AUTHORITY = "EU"
LIST_NAME = "EU Financial Sanctions Files"
#: The languages whose names are kept (lower case); names without a language are kept too.
LANGUAGES = frozenset({"en", "ru", "be", "uk"})
_SCHEMAS = {"enterprise": Schema.ORGANIZATION, "person": Schema.PERSON}
#: Identification types and the scheme a number of them is, by the country that issued it.
_SCHEMES = {
    ("regnumber", "BY"): Scheme.UNP,
    ("regnumber", "RU"): Scheme.OGRN,
    ("taxid", "RU"): Scheme.INN,
    ("taxid", "BY"): Scheme.UNP,
}


def read_records(data: Path) -> list[Record]:
    return [_record(path, read_document(data, path)) for path in listed_files(data, FOLDER)]


def _record(path: str, document: dict[str, Any]) -> Record:
    reference = document["eu_reference_number"]
    addresses = tuple(_address(a) for a in document.get("addresses") or [])
    reasons = " ".join(n.get("function") or "" for n in document["name_aliases"])
    return Record(
        key=f"eu-fsf/{reference}",
        names=_names(document),
        schema=_SCHEMAS.get(document["subject_type"]["code"], Schema.OTHER),
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        addresses=addresses,
        listings=tuple(_listing(r, reference) for r in document["regulations"][:1]),
        identifiers=tuple(_identifiers(document, addresses)),
        sources=(record_source(FOLDER, path, reference),),
        defence_evidence=evidence("EU FSF reason", reasons),
    )


def _names(document: dict[str, Any]) -> tuple[Alias, ...]:
    """English names first (the ones without a language are English or Cyrillic), each once."""
    entries = sorted(
        document["name_aliases"], key=lambda n: (n.get("name_language") or "EN") != "EN"
    )
    names: dict[str, Alias] = {}
    for entry in entries:
        name = clean(entry["whole_name"])
        language = (entry.get("name_language") or "").lower() or None
        if name and (language is None or language in LANGUAGES):
            names.setdefault(name, alias(name, language))
    return tuple(names.values())


def _listing(regulation: dict[str, Any], reference: str) -> Listing:
    return Listing(
        authority=AUTHORITY,
        list=f"{LIST_NAME}, Reg. {regulation['number_title'].split(' ')[0]}",
        programme=regulation.get("programme"),
        reference=reference,
        listed_on=date.fromisoformat(regulation["publication_date"]),
    )


def _address(entry: dict[str, str]) -> Address:
    parts = [entry.get(k) for k in ("street", "zip_code", "city", "region")]
    country = entry.get("country_iso2_code")
    text = ", ".join(clean(p).rstrip(",") for p in (*parts, entry.get("country_description")) if p)
    return Address(
        full=text or None,
        city=clean(entry["city"]) if entry.get("city") else None,
        country=country if country and country != "00" else None,
    )


def _identifiers(document: dict[str, Any], addresses: tuple[Address, ...]) -> list[Identifier]:
    """Registration and tax numbers, as the national scheme of the issuing country (or of the
    address when the file gives none) where the number has its shape and check digits."""
    found = []
    home = next((a.country for a in addresses if a.country), None)
    for entry in document.get("identifications") or []:
        country = entry.get("country_iso2_code")
        country = country if country and country != "00" else home
        kind = entry["identification_type_code"]
        general = Scheme.TAX if kind == "taxid" else Scheme.REGISTRATION
        for scheme in (_SCHEMES.get((kind, country or "")), general):
            value = normalize(scheme, str(entry["number"])) if scheme else ""
            if scheme and valid(scheme, value):
                found.append(
                    Identifier(type=scheme, value=value, source=AUTHORITY, country=country)
                )
                break
    return found
