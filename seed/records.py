"""One designation as read from one source file (a `Record`), and the dates of the source files.

Every source module turns its file into records; `merge` folds the records of one real-world
organisation into one `Entity`. Imports nothing from the source modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.watchlist.model import Address, Alias, Identifier, Listing, Schema, Source

#: The date of each file, as SOURCES.md gives it (the commit that last changed the file, which
#: for these scraped or vendored copies is the date of capture). Keys are paths relative to the
#: data folder.
FILE_DATES: dict[str, date] = {
    "eu_oj_transcription_opensanctions/consolidated/32006R0765.csv": date(2026, 8, 14),
    "eu_oj_transcription_opensanctions/consolidated/32014R0269.csv": date(2026, 8, 14),
    "eu_oj_transcription_opensanctions/consolidated/32014R0833.csv": date(2026, 8, 14),
    "eu_oj_transcription_opensanctions/amendments/32026R1817.csv": date(2026, 8, 17),
    "eu_oj_transcription_opensanctions/amendments/32026R1846.csv": date(2026, 8, 17),
    "jp_meti_belarus/list_belarus_tokutei.pdf.txt": date(2025, 7, 25),
    "ofac_sdn_csv/sdn_2024-05-03/sdn.csv": date(2024, 5, 3),
    "ofac_sdn_csv/add_alt_comments_2025-02-27/add.csv": date(2025, 2, 27),
    "ofac_sdn_csv/add_alt_comments_2025-02-27/alt.csv": date(2025, 2, 27),
    "ofac_sdn_csv/add_alt_comments_2025-02-27/sdn_comments.csv": date(2025, 2, 27),
    "ofac_sdn_advanced_names_derived_2025-11-26/sdn_entities.jsonl": date(2025, 11, 26),
    "ofac_consolidated_nonsdn_2025-12-19/cons_prim.csv": date(2025, 12, 19),
    "ofac_consolidated_nonsdn_2025-12-19/cons_add.csv": date(2025, 12, 19),
    "ofac_consolidated_nonsdn_2025-12-19/cons_alt.csv": date(2025, 12, 19),
    "ofac_consolidated_nonsdn_2025-12-19/cons_comments.csv": date(2025, 12, 19),
    "us_bis_dpl_2022-09/dpl.txt": date(2022, 9, 7),
    "ua_sanctions_companies_export_2025-09/sanctioned_companies.json": date(2025, 9, 25),
    # The folders of per-record files (SOURCES.md section 9): the date each was fetched.
    "ca_sema_ammitto_derived_2026-08-22/processed/": date(2026, 8, 22),
    "uk_sanctions_list_ammitto_derived_2026-08-22/processed/": date(2026, 8, 22),
    "eu_fsf_ammitto_derived_2026-05-01/processed/": date(2026, 5, 1),
    "nz_russia_register_ammitto_derived_2026-03-08/processed/": date(2026, 3, 8),
    "ch_seco_ammitto_harmonized_2026-02-26/api/v1/node/": date(2026, 2, 26),
    "au_dfat_consolidated_2026-04/Australian_Sanctions_Consolidated_List.xlsx": date(2026, 4, 27),
}


def file_source(path: str, reference: str | None) -> Source:
    """The provenance entry for one file of the data folder."""
    return Source(name=path, reference=reference, date=FILE_DATES[path])


@dataclass(frozen=True)
class Record:
    """What one source file says about one designated party.

    `key` is stable across rebuilds ("eu/32006R0765/I.B/8", "jp/19", "ofac-sdn/34769"): the
    merge table maps it to a seed entity id.
    """

    key: str
    names: tuple[Alias, ...]
    schema: Schema = Schema.ORGANIZATION
    countries: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    listings: tuple[Listing, ...] = ()
    sources: tuple[Source, ...] = ()
    #: Register numbers the record gives (UNP, INN, OGRN, ...), each with the list that gives it.
    identifiers: tuple[Identifier, ...] = ()
    #: Why this record says the party belongs to a military-industrial complex, if it does
    #: (e.g. "EU Annex V", "EU reason: military"). Empty when it says nothing of the kind.
    defence_evidence: tuple[str, ...] = ()

    @property
    def primary_name(self) -> str:
        return self.names[0].name
