"""Merge decisions for the Ukrainian sanctions register export (`ua/<person_id>` record keys).

The export gives Ukrainian names, a tax number (the UNP for Belarusian companies) and an address.
A record joins a seed entity when its UNP is the one OFAC or the EU gives that entity, else by a
careful reading of its name and address against the entity's names and addresses (never by
name similarity alone). The decisions that needed judgement carry a comment and are listed in
`seed/README.md`.
"""

from __future__ import annotations


def _keys(ids: dict[int, str]) -> dict[str, str]:
    return {f"ua/{person_id}": seed_id for person_id, seed_id in ids.items()}


#: The same UNP as the seed entity's (from OFAC's remarks or the EU's registration numbers).
_BY_UNP = _keys({
    31961: "by-rukhservomotor", 31960: "by-laser-devices", 31959: "by-legmash",
    31958: "by-belvneshpromservice", 31725: "by-vlate-logistik", 31724: "by-ruzekspeditsiya",
    31396: "by-metz-kozlov", 31274: "by-metz-kozlov", 30106: "by-brsm", 29719: "by-ztem",
    24561: "by-belaz", 24559: "by-bmz", 24557: "by-lemt-belomo", 24556: "by-peleng",
    23943: "by-stankogomel", 23940: "by-vistan", 20335: "by-belaruskali", 19469: "by-belorusneft",
    19468: "by-naftan", 19467: "by-mozyr-oil-refinery", 19466: "by-grodno-azot",
    18661: "by-emirates-blue-sky", 18660: "by-belneftekhim", 18659: "by-amkodor",
    18642: "by-24x7-panoptes", 18641: "by-kb-radar", 18640: "by-minotor-service",
    18639: "by-belinvest-engineering", 18638: "by-belbizneslizing", 18567: "by-bsvt",
    18566: "by-oboronnye-initsiativy", 18565: "by-okb-tsp", 18557: "by-integral",
    18556: "by-558-arp",
})  # fmt: skip

#: No UNP in the record, or none in the seed entity: the name and the address agree.
_BY_NAME_AND_ADDRESS = _keys({
    30112: "by-belomo", 29505: "by-izovac", 29482: "by-planar",
    29215: "by-svetlogorsk-khimvolokno", 26279: "by-talay-foundation",
    26095: "by-kb-unmanned-helicopters", 25881: "by-zenit-belomo",
    25880: "by-rogachev-diaprojector", 24982: "by-orsha-arp", 24978: "by-alevkurp",
    24975: "by-tekhnika-svyazi", 24971: "by-horizont-holding", 24970: "by-zavod-svt",
    24968: "by-agat-control-systems", 24966: "by-belomo", 24964: "by-maz",
    24591: "by-display-design-bureau", 20466: "by-lakokraska", 20465: "by-belgazprombank",
    19023: "by-dana-astra", 19022: "by-beltechexport", 19021: "by-agat-emz", 19015: "by-sohra",
    19014: "by-belshina", 19013: "by-140-repair-plant", 19012: "by-ministry-of-defence",
    19011: "by-synesis", 19010: "by-mzkt", 18986: "by-belarusbank", 18985: "by-belagroprombank",
    18983: "by-bremino-group", 18981: "by-development-bank", 18980: "by-bank-dabrabyt",
    18979: "by-belinvestbank", 18978: "by-nnk", 18901: "by-beltamozhservice",
    18900: "by-belteleradio", 18883: "by-eleron", 18882: "by-2566-zrrev", 18750: "by-volatavto",
    18749: "by-uvd-gomel", 18748: "by-ate-engineering", 18747: "by-agat-system", 18564: "by-sami",
})  # fmt: skip

#: Entities the seed does not hold yet, also taken from the Canadian, UK, EU, New Zealand or
#: Swiss lists under the same id (agreed by UNP or name: the shared table of new ids).
_SHARED_NEW = _keys({
    24977: "by-aktualnye-resheniya", 24974: "by-tetraedr", 24972: "by-gomel-design-bureau-luch",
    24567: "by-gomselmash", 24560: "by-minsk-bearing-plant", 24555: "by-gomel-radio-plant",
    20346: "by-belarusian-railway", 18662: "by-minsk-tractor-works",
})  # fmt: skip

#: Entities first seen in this register (four records of the Belarusian Slavic Committee, two of
#: the Kozlov plant above: the register lists some companies more than once).
_NEW = _keys({
    29486: "by-izotek-m", 29111: "by-zgoda-media", 29109: "by-belarusian-slavic-committee",
    29025: "by-belarusian-slavic-committee", 28941: "by-belarusian-slavic-committee",
    28857: "by-belarusian-slavic-committee", 27270: "by-masshtabnye-resheniya",
    26602: "by-volma-bel", 26601: "by-belgips", 26538: "by-tekhnokhimreagentbel",
    26096: "by-unmanned-complexes-centre", 25883: "by-zeiss-belomo", 25882: "by-optic-plant",
    24983: "by-ekran", 24981: "by-belfortex", 24980: "by-beltim-sb", 24979: "by-belmicrowaves",
    24976: "by-svyazinvest", 24973: "by-minsk-radio-materials-institute",
    24969: "by-geoinformation-systems", 24967: "by-monolit", 24965: "by-doka",
    24642: "by-bobruisk-machine-building-plant", 24641: "by-prombur-vod",
    24595: "by-powder-metallurgy-institute-union", 24569: "by-lokomotiv-service",
    24568: "by-gomel-foundry-plant", 24566: "by-mogilev-carriage-works",
    24565: "by-slutsk-crane-plant", 24564: "by-kuzlitmash",
    24563: "by-starye-dorogi-mechanical-plant", 24562: "by-belaz-service",
    24558: "by-mogilev-metallurgical-works", 24059: "by-polesie", 24058: "by-ruchaika",
    24057: "by-rechitsa-textile", 24056: "by-kamvol", 24055: "by-lenta",
    24054: "by-orsha-linen-mill", 24053: "by-mogotex", 24052: "by-bellegprom",
    23946: "by-baranovichi-machine-tool-plant", 23945: "by-mzal",
    23944: "by-kirov-machine-tool-plant", 23942: "by-gomel-machine-tool-plant",
    23941: "by-krasny-borets", 23336: "by-intermekh", 20502: "by-bellisexport",
    20497: "by-omsk-carbon-mogilev", 20483: "by-syryevye-resursy-bel", 20479: "by-real-agent",
    20471: "by-rietumu-leasing", 20470: "by-plm-innovations", 20469: "by-isothermal-logistics",
    20468: "by-eurotransvagon", 20467: "by-aldigrad", 20443: "by-kronospan-osb",
    20437: "by-tranzit-avto-2003", 20428: "by-belintertrans", 20427: "by-asb-leasing",
    20385: "by-zaptranslogistik", 20384: "by-promagroleasing", 20373: "by-gruzovaya-sluzhba-zapad",
    20348: "by-sodruzhestvo-trans-agro", 20344: "by-gomel-chemical-plant", 20343: "by-sg-trans",
    15949: "by-nsktrade", 12778: "by-mir-piva",
})  # fmt: skip

#: Record key -> seed entity id.
MERGE: dict[str, str] = {**_BY_UNP, **_BY_NAME_AND_ADDRESS, **_SHARED_NEW, **_NEW}

#: Record key -> why the record is not in the seed.
EXCLUDED: dict[str, str] = {}
