"""HAND-CURATED: which source record belongs to which seed entity (the merge decisions).

Every Belarus-linked organisation record the source modules yield must appear here, either in
`MERGE` (record key -> seed entity id) or in `EXCLUDED` (record key -> why it is left out); the
build stops on a record in neither, so a new designation in the data cannot slip in unreviewed.
Records are matched by key only, never by name similarity. Decisions that needed judgement
carry a comment and are listed in `seed/README.md`.

Keys: `eu/<CELEX of the act>/<annex>/<recordId or rowN>`, `jp/<entry>`,
`ofac-sdn/<ent_num>`, `ofac-cons/<ent_num>`, `bis-dpl/<name>`, `article/<slug>`.
"""

from __future__ import annotations

from seed.merges import lists as _lists
from seed.merges import ua as _ua

_765 = "eu/32006R0765"
_269 = "eu/32014R0269/I.ENTITIES"
_833 = "eu/32014R0833/XLIV"


def _rows(prefix: str, ids: dict[int, str], row: bool = False) -> dict[str, str]:
    return {f"{prefix}/{'row' if row else ''}{n}": seed_id for n, seed_id in ids.items()}


_EU_765_IB = _rows(f"{_765}/I.B", {
    1: "by-beltechexport", 2: "by-dana-holdings", 3: "by-dana-astra", 4: "by-ghu",
    5: "by-synesis", 6: "by-agat-emz", 7: "by-140-repair-plant", 8: "by-mzkt", 9: "by-sohra",
    10: "by-bremino-group", 11: "by-globalcustom", 12: "by-belaz", 13: "by-maz",
    14: "by-logex", 15: "by-nnk", 16: "by-belaeronavigatsia", 17: "by-belavia",
    18: "by-tsentrkurort", 19: "by-oskartour", 20: "by-hotel-minsk", 21: "by-hotel-planeta",
    22: "by-asam", 24: "by-vip-grub", 25: "by-grodno-azot", 26: "by-belorusneft",
    27: "by-belshina", 28: "by-belaruskali", 29: "by-belarusian-potash-company",
    30: "by-inter-tobacco", 31: "by-naftan", 32: "by-grodno-tobacco-neman",
    33: "by-beltamozhservice", 34: "by-belkommunmash", 35: "by-belteleradio",
    36: "by-metz-kozlov", 37: "by-bmz", 38: "by-belneftekhim", 39: "by-ruzekspeditsiya",
    40: "by-vlate-logistik", 41: "by-cec", 42: "by-integral", 43: "by-belorusskiye-loterei",
    44: "by-ridotto", 45: "by-planar", 46: "by-ztem", 47: "by-tsybulka-bel",
    48: "by-belvneshpromservice", 49: "by-okb-tsp", 50: "by-kb-unmanned-helicopters",
    51: "by-legmash", 52: "by-lemt-belomo", 53: "by-laser-devices", 54: "by-vistan",
    55: "by-rukhservomotor", 56: "by-holography-industry", 57: "by-ict-horizont",
    58: "by-horizont-holding", 59: "by-volat-sanjiang", 60: "by-bnk",
    61: "by-china-space-sanjiang",
})  # fmt: skip

_EU_765_V = _rows(f"{_765}/V", {
    1: "by-ministry-of-defence", 2: "by-140-repair-plant", 3: "by-558-arp",
    4: "by-2566-zrrev", 5: "by-agat-control-systems", 6: "by-agat-emz", 7: "by-agat-system",
    8: "by-ate-engineering", 9: "by-belomo", 10: "by-bsvt", 11: "by-beltechexport",
    # BSVT-New Technologies is the former name of Kidma Tech (OFAC f.k.a.; Japan a.k.a.;
    # same address, 187 Soltysa St., Minsk): one company, listed twice in Annex V.
    12: "by-kidma-tech",
    13: "by-uvd-gomel", 14: "by-internal-troops", 15: "by-kgb-alpha", 16: "by-kidma-tech",
    17: "by-legmash", 18: "by-minotor-service", 19: "by-mzkt",
    20: "by-oboronnye-initsiativy", 21: "by-kb-radar", 22: "by-peleng", 23: "by-sami",
    24: "by-kgb", 25: "by-transaviaexport", 26: "by-volatavto",
}, row=True)  # fmt: skip

_EU_765_BANKS = {
    **_rows(f"{_765}/IX", {1: "by-belarusbank", 2: "by-belinvestbank", 3: "by-belagroprombank",
                           4: "by-bank-dabrabyt", 5: "by-development-bank"}, row=True),
    **_rows(f"{_765}/XV", {1: "by-belagroprombank", 2: "by-bank-dabrabyt",
                           3: "by-development-bank", 4: "by-belinvestbank"}, row=True),
}  # fmt: skip

_EU_OTHER = {
    **_rows(_269, {
        356: "by-peleng", 399: "by-delfini", 401: "by-talay-foundation", 416: "by-2566-zrrev",
        424: "by-orsha-arp", 445: "by-brsm", 469: "by-belomo", 535: "by-integral",
        594: "by-mzkt", 802: "by-izovac",
    }),
    # Annex XLIV: BelVEB is OFAC's BANK BELVEB OJSC (Minsk); Sber Bank (Belarus) is the former
    # BPS-Sberbank (OFAC a.k.a. SBER BANK, website sber-bank.by).
    **_rows(_833, {1: "by-belveb", 2: "by-belgazprombank", 4: "by-alfa-bank-belarus",
                   5: "by-sber-bank-belarus", 6: "by-vtb-bank-belarus"}),
    "eu/32026R1817/I.B/62": "by-european-trading-company",
    "eu/32026R1817/I.B/63": "by-mozyr-oil-refinery",
    "eu/32026R1846/V/row1": "by-chip-and-dip",
    "eu/32026R1846/V/row2": "by-rogachev-diaprojector",
    "eu/32026R1846/V/row3": "by-display-design-bureau",
    # The "ZKI Casing Products Plant" of the article: ZKI = zavod korpusnykh izdeliy.
    "eu/32026R1846/V/row4": "by-zki",
}  # fmt: skip

_JP = _rows("jp", {
    1: "by-ministry-of-defence", 2: "by-integral", 3: "by-140-repair-plant", 4: "by-558-arp",
    5: "by-2566-zrrev", 6: "by-agat-control-systems", 7: "by-agat-emz", 8: "by-agat-system",
    9: "by-ate-engineering", 10: "by-belomo", 11: "by-bsvt", 12: "by-beltechexport",
    13: "by-kidma-tech", 14: "by-uvd-gomel", 15: "by-internal-troops", 16: "by-kgb-alpha",
    17: "by-kidma-tech", 18: "by-minotor-service", 19: "by-mzkt",
    20: "by-oboronnye-initsiativy", 21: "by-kb-radar", 22: "by-peleng", 23: "by-sami",
    24: "by-kgb", 25: "by-transaviaexport", 26: "by-volatavto", 27: "by-eleron",
})  # fmt: skip

_OFAC_SDN = _rows("ofac-sdn", {
    10574: "by-belneftekhim", 10575: "by-belneftekhim-usa", 10755: "by-polotsk-steklovolokno",
    10756: "by-lakokraska", 10762: "by-belarusian-oil-trade-house", 12028: "by-onerbank",
    12860: "by-naftan", 12861: "by-grodno-azot",
    # Grodno Khimvolokno is now a branch of Grodno Azot: the EU listing of Grodno Azot includes
    # "Branch 'Khimvolokno Plant'" and gives OFAC's Khimvolokno address, 4 Slavinskogo St.
    12862: "by-grodno-azot",
    12863: "by-belshina", 15487: "by-belvneshpromservice", 18291: "by-belveb",
    18714: "by-sber-bank-belarus", 18721: "by-vtb-bank-belarus",
    25678: "by-bank-torgovy-kapital", 30546: "by-guvd-minsk", 30547: "by-omon-minsk",
    30627: "by-cec", 30702: "by-kgb-alpha", 31675: "by-uvd-brest", 31677: "by-akrestsina",
    31678: "by-internal-troops", 31851: "by-gubopik", 32275: "by-kgb",
    32411: "by-shock-sports-club", 32613: "by-belkaztrans", 32614: "by-belkaztrans-ukraine",
    32676: "by-noc", 32678: "by-grodno-tobacco-neman", 32679: "by-interservice",
    32680: "by-nnk", 32681: "by-nnk-east", 32682: "by-absolutbank",
    32683: "by-oil-bitumen-plant", 32691: "by-uvd-gomel", 32692: "by-bremino-group",
    32714: "by-investigative-committee",
    # DANA HOLDINGS LIMITED is the Cyprus company (reg. HE 319556); the EU lists the Belarusian
    # LLC Dana Holdings (reg. 690611860, Minsk): two legal persons, kept apart.
    32727: "by-dana-holdings-limited",
    32729: "by-dana-astra", 32730: "by-emirates-blue-sky", 32731: "by-dubai-water-front",
    32732: "by-energo-oil", 32733: "by-inter-tobacco", 32734: "by-belneftegaz",
    32744: "by-oboronnye-initsiativy", 32746: "by-belaruskali", 33071: "by-140-repair-plant",
    33171: "by-tsentrkurort", 33283: "by-dfr", 33371: "by-slavkali",
    33372: "by-agrorozkvit", 33374: "by-belarusian-potash-company",
    33392: "by-presidential-sports-club", 33394: "by-gardservis", 33395: "by-peleng",
    33396: "by-beltechexport", 33397: "by-kidma-tech",
    # TAE Avia is the former Transaviaexport Airlines (OFAC f.k.a.; same address as Japan's).
    33398: "by-transaviaexport",
    33411: "by-agat-emz", 34744: "by-minotor-service", 34749: "by-bank-dabrabyt",
    34752: "by-belinvestbank", 34756: "by-belbizneslizing", 34758: "by-belinvest-engineering",
    34769: "by-mzkt", 34772: "by-synesis", 34773: "by-24x7-panoptes", 34776: "by-bsvt",
    34777: "by-okb-tsp", 34778: "by-sami", 34782: "by-sohra", 34981: "by-integral",
    34990: "by-kb-radar", 34992: "by-558-arp", 38723: "by-svetlogorsk-khimvolokno",
    40186: "by-pmc-redut", 40792: "by-stella-leone", 41318: "by-maz", 41319: "by-belaz",
    41322: "by-bmz", 41977: "by-simmetron", 42728: "by-belmagistralavtotrans",
    44525: "by-bel-kap-steel", 44541: "by-belavia", 44542: "by-407-civil-aviation-plant",
    45588: "by-planar", 46071: "by-amkodor", 46222: "by-tabak-invest",
    46388: "by-beltamozhservice", 46471: "by-alevkurp", 46472: "by-horizont-holding",
    46477: "by-bellesbumprom", 46478: "by-belarusian-cement-company",
    # The Vavilov plant is the management company of the BelOMO holding: same tax number
    # (100185185) as the EU's OJSC 'Belarusian Optical and Mechanical Association'.
    46529: "by-belomo",
    46530: "by-zenit-belomo", 46531: "by-lemt-belomo", 48007: "by-agat-control-systems",
    48320: "by-shenzhen-5g", 48322: "by-stankogomel", 48332: "by-niievm",
    48380: "by-black-shield", 48387: "by-centuronic", 48388: "by-s-group-airlines",
    48389: "by-rayya-danismanlik", 48390: "by-phoenix-lines", 48583: "by-tekhnika-svyazi",
    48584: "by-agat-system", 48585: "by-innotech-solutions",
    # Designated after the 2024-05-03 sdn.csv: names from sdn_entities.jsonl.
    49399: "by-tehnolit", 49419: "by-baztube", 49424: "by-belarusrezinotekhnika",
    49507: "by-zavod-svt", 49533: "by-kvand-is", 49965: "by-kugel",
    50186: "by-rukhservomotor", 50196: "by-kb-unmanned-helicopters", 50198: "by-legmash",
    50200: "by-vlate-logistik", 50201: "by-ruzekspeditsiya", 50220: "by-rada-airlines",
    50221: "by-belkanto-airlines", 50222: "by-rubistar",
    # OFAC's primary name is the former name the EU gives for Laser Devices and Technologies.
    50224: "by-laser-devices",
    50225: "by-alyurtekh", 50226: "by-diskoms", 50227: "by-mot", 50228: "by-grosver-grup",
    50229: "by-tochnaya-mekhanika", 50243: "by-rogachev-diaprojector",
    50256: "by-powder-metallurgy",
})  # fmt: skip

_OFAC_CONS = _rows("ofac-cons", {
    18291: "by-belveb", 18714: "by-sber-bank-belarus", 18721: "by-vtb-bank-belarus",
})  # fmt: skip

_OTHER = {
    "bis-dpl/BELAVIA BELARUSIAN AIRLINES": "by-belavia",
    "article/legmash": "by-legmash",
    "article/belaz": "by-belaz",
    "article/zavod-svt": "by-zavod-svt",
    "article/amkodor": "by-amkodor",
    "article/zki": "by-zki",
}


def _union(*tables: dict[str, str]) -> dict[str, str]:
    """The tables as one; a record key in two of them is a mistake."""
    union: dict[str, str] = {}
    for table in tables:
        twice = union.keys() & table.keys()
        if twice:
            raise ValueError(f"record keys in two merge tables: {sorted(twice)}")
        union.update(table)
    return union


#: Record key -> seed entity id.
MERGE: dict[str, str] = _union(
    _EU_765_IB, _EU_765_V, _EU_765_BANKS, _EU_OTHER, _JP, _OFAC_SDN, _OFAC_CONS, _OTHER,
    _ua.MERGE, _lists.MERGE,
)  # fmt: skip

#: Record key -> why the record is not in the seed (read by the build, listed in the README).
_EXCLUDED: dict[str, str] = {
    f"{_269}/100": "Russian plant (Odintsovo); the reason mentions Belarusian personnel only",
    f"{_269}/803": "Russian company (Moscow) representing Izovac in Russia, not Belarusian",
    f"{_833}/3": "Shanghai branch of Russia's VTB Bank, no link to Belarus",
    f"{_833}/7": "VTB Bank (Kazakhstan), no link to Belarus",
    f"{_833}/8": "Yelo Bank (Azerbaijan), no link to Belarus",
}
EXCLUDED: dict[str, str] = _union(_EXCLUDED, _ua.EXCLUDED, _lists.EXCLUDED)

#: Names (compared case-insensitively) that the sources give for more than one seed entity;
#: the build fails on any other. Each entity's notes say which other entity shares the name.
SHARED_NAMES: dict[str, frozenset[str]] = {
    "dana holdings": frozenset({"by-dana-holdings", "by-dana-holdings-limited"}),
}

#: OFAC ent_nums without a primary row (designated after 2024-05-03) that are individuals: the
#: companion files carry no type, so this is read off the names (surname, given name,
#: patronymic). They are left out with the other persons.
ORPHAN_PERSONS: frozenset[str] = frozenset({
    "49380", "49428", "49490", "49509", "49511", "49515", "50192", "50197", "50199", "50202",
    "50203", "50216", "50217", "50218", "50219", "50223", "50230", "50231", "50232", "50233",
    "50234", "50235", "50236", "50237", "50238", "50245", "50252", "50253", "50255", "50288",
})  # fmt: skip
