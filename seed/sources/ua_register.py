"""Ukraine's sanctions register of companies, as a third-party export (2025-09), read with the
service's importer (`ua-sanctions-json`).

Belarus-linked means what `is_belarus_linked` says of the imported entity (a Belarus address,
or a UNP when the record has no address), or, for a record with neither address nor number, a
name that says Belarusian. The export gives no reasons: the defence evidence is the register's
own words for arms and the military in the name.
"""

from __future__ import annotations

import re
from pathlib import Path

from seed.records import Record, file_source
from service.watchlist.importers.filters import is_belarus_linked
from service.watchlist.importers.ua_json import read_ua_sanctions_json
from service.watchlist.model import Alias, Entity

FILE = "ua_sanctions_companies_export_2025-09/sanctioned_companies.json"
_BELARUSIAN_NAME = re.compile(r"Білорус|Беларус")
#: Ukrainian stems for armament, the military, defence and ammunition.
_DEFENCE_WORDS = re.compile(r"озброєнн|військов|оборон|боєприпас", re.IGNORECASE)


def read_records(data: Path) -> list[Record]:
    """The Belarus-linked companies of the export, in file order."""
    return [_record(e) for e in read_ua_sanctions_json([data / FILE]) if _selected(e)]


def _selected(entity: Entity) -> bool:
    if is_belarus_linked(entity):
        return True
    return not entity.country and bool(_BELARUSIAN_NAME.search(entity.name))


def _record(entity: Entity) -> Record:
    person_id = entity.id.removeprefix("ua-")
    words = sorted({m.lower() for m in _DEFENCE_WORDS.findall(entity.name)})
    return Record(
        key=f"ua/{person_id}",
        names=(Alias(name=entity.name, lang="uk"), *entity.aliases),
        countries=entity.country,
        addresses=entity.addresses,
        listings=entity.listings,
        sources=(file_source(FILE, f"person_id {person_id}"),),
        identifiers=entity.identifiers,
        defence_evidence=(f"UA register name: {', '.join(words)}",) if words else (),
    )
