"""HAND-CURATED: the entities first seen in the Canadian, UK, EU financial-sanctions, New
Zealand, Swiss and Australian lists. Notes in our own words, from what the lists give (Canada
and Switzerland give names and dates only)."""

from __future__ import annotations

from seed.curated import Curated

_CA = "Canada lists it under the Special Economic Measures (Belarus) Regulations"
#: The companies of SECO's set 4387 that no other list here names: by the set's other members,
#: ones the EU listed under its Belarus regime around 2011-2012 and has removed since (SOURCES.md
#: section 9); SECO's file still holds them, with their names only.
_SECO_2011 = (
    "On Switzerland's SECO list (set 4387, the Belarus measures) with its name only; one of the "
    "companies the EU listed under its Belarus regime around 2011-2012 and later removed"
)


def _seco(what: str) -> Curated:
    return Curated(notes=f"{what}. {_SECO_2011}.")


LISTS: dict[str, Curated] = {
    "by-minsk-tractor-works": Curated(
        notes=f"Minsk Tractor Works (MTZ), the tractor maker. {_CA} (2022-03-08)."
    ),
    "by-gomel-radio-plant": Curated(
        notes="Gomel Radio Plant, a Gomel maker in the mechanical engineering and defence "
        "sectors; the UK (2023) lists it for supporting the Belarusian government and the "
        "Russian armed forces."
    ),
    "by-gomselmash": Curated(notes=f"Gomselmash JSC. {_CA} (2024-08-08)."),
    "by-minsk-bearing-plant": Curated(notes=f"Minsk Bearing Plant. {_CA} (2025-01-24)."),
    "by-minsk-gear-plant": Curated(notes=f"Minsk Gear Plant. {_CA} (2025-01-24)."),
    "by-belarusian-railway": Curated(notes=f"Belarusian Railway. {_CA} (2022-11-17)."),
    "by-gomel-design-bureau-luch": Curated(
        notes=f"Gomel Design Bureau Luch. {_CA} (2022-11-17), the day it listed KB Radar, "
        "the AGAT companies and Tetraedr."
    ),
    "by-tetraedr": Curated(
        notes="Tetraedr, a Minsk private unitary plant (multidisciplinary scientific and "
        f"production). {_CA} (2022-11-17).",
        defence=True,
        why="Tetraedr develops and upgrades air-defence systems (the T38 Stilet, upgrades of "
        "the Pechora and Osa) for the Belarusian forces and for export.",
    ),
    "by-aktualnye-resheniya": Curated(
        notes=f"Aktualnye Resheniya Bezopasnosti LLC (security solutions). {_CA} (2022-11-17)."
    ),
    "by-mnipi": Curated(
        notes="Minsk Research Institute of Instrument Engineering (MNIPI), Yana Kolasa St. 73, "
        f"Minsk. {_CA} (2024-08-08); Australia lists it too (2025)."
    ),
    "by-mtbank": Curated(notes=f"MTBank CJSC. {_CA} (2022-11-17)."),
    "by-paritetbank": Curated(notes=f"Paritetbank OJSC. {_CA} (2022-11-17)."),
    "by-belarusky-narodny-bank": Curated(
        notes=f"Belarusky Narodny Bank (BNB-Bank). {_CA} (2022-11-17)."
    ),
    "by-priorbank": Curated(notes=f"Priorbank JSC. {_CA} (2023-04-05)."),
    "by-statusbank": Curated(notes=f"Statusbank. {_CA} (2023-04-05)."),
    "by-national-bank-of-belarus": Curated(
        notes=f"The National Bank of the Republic of Belarus, the central bank. {_CA} (2023-04-05)."
    ),
    "by-omon": Curated(
        notes="The Special Purpose Police Unit (OMON) of the Ministry of Internal Affairs. "
        f"{_CA} (Schedule 1, Part 3, 2025-01-24), without naming a city; Minsk's unit is "
        "listed apart (by-omon-minsk)."
    ),
    "by-bnk-uk": Curated(
        notes="BNK (UK) Ltd, a London company controlled by the Belarusian Oil Company (BNK); "
        "the UK lists it as controlled by the Lukashenko government.",
        country=("GB", "BY"),
    ),
    "by-cham-wings-airlines": Curated(
        notes="Cham Wings Airlines, a Syrian airline in SECO's set of the Belarus measures (names "
        "only); not Belarusian, kept for that listing.",
        country=("SY", "BY"),
    ),
    "by-bt-telecommunications": _seco("BT Telecommunications, a private unitary enterprise"),
    "by-delovaya-set": _seco("Delovaya Set LLC"),
    "by-sistema-investicii-i-inovacii": _seco("Sistema investicii i inovacii CJSC"),
    "by-sen-ko": _seco("Sen-Ko, a private unitary company"),
    "by-bt-invest": _seco("BT Invest, a private unitary company"),
    "by-aquadiv": _seco("The Spirit and Vodka Company Aquadiv"),
    "by-beltech-holding": _seco("Beltech Holding"),
    "by-spetspriborservice": _seco("Spetspriborservice"),
    "by-tekhnosoyuzpribor": _seco("Tekhnosoyuzpribor"),
    "by-triple": _seco("Triple LLC"),
    "by-neftekhimtrading": _seco("Neftekhimtrading, a joint limited liability company"),
    "by-askargoterminal": _seco("Askargoterminal CJSC"),
    "by-triple-metal-trade": _seco("Triple Metal Trade LLC"),
    "by-berezovsky-ksi": _seco("Berezovsky KSI JSC"),
    "by-triple-techno": _seco("Triple-Techno, a joint venture LLC"),
    "by-variant": _seco("Variant, a joint limited liability company"),
    "by-triple-dekor": _seco("Triple-Dekor, a joint limited liability company"),
    "by-quartzmelprom": _seco("QuartzMelProm, a joint CJSC"),
    "by-altersolutions": _seco("Altersolutions, a joint CJSC"),
    "by-prostor-trade": _seco("Prostor-Trade CJSC"),
    "by-aquatriple": _seco("AquaTriple, a joint limited liability company"),
    "by-rakowski-browar": _seco("Rakowski browar LLC"),
    "by-logoysk": _seco("MSSFC Logoysk"),
    "by-triple-agro": _seco("Triple-Agro ACC"),
    "by-dinamo-minsk": _seco("Dinamo-Minsk CJSC"),
    "by-triplepharm": _seco("Triplepharm, a joint limited liability company"),
    "by-triple-veles": _seco("Triple-Veles LLC"),
    "by-univest-m": _seco("Univest-M"),
    "by-unis-oil": _seco("Unis Oil, a foreign limited liability company"),
    "by-univeststroyinvest": _seco("UnivestStroyInvest, a joint limited liability company"),
    "by-sport-pari": _seco("Sport-Pari"),
}
