"""Merge decisions for the Canadian, UK, EU financial-sanctions, New Zealand, Swiss and
Australian lists: every Belarus-linked organisation record of `seed.sources` `eu_fsf`,
`uk_list`, `ca_sema`, `au_dfat`, `nz_register` and `ch_seco`, mapped by key to a seed id.

Decided by the records' register numbers where they give one, else by reading names and
addresses side by side; judgement calls carry a comment and are listed in `seed/README.md`.
"""

from __future__ import annotations


def _keys(prefix: str, ids: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}/{key}": seed_id for key, seed_id in ids.items()}


#: EU Financial Sanctions Files, by EU reference number.
_EU_FSF = _keys("eu-fsf", {
    "EU.6048.76": "by-beltechexport", "EU.6049.75": "by-dana-astra", "EU.6050.53": "by-ghu",
    "EU.6051.52": "by-synesis", "EU.6052.51": "by-agat-emz", "EU.6055.48": "by-140-repair-plant",
    "EU.6056.47": "by-mzkt", "EU.6357.73": "by-nnk", "EU.6358.72": "by-logex",
    "EU.6359.71": "by-maz", "EU.6361.48": "by-belaz", "EU.6362.47": "by-globalcustom",
    "EU.6364.45": "by-sohra", "EU.6472.25": "by-belaeronavigatsia",
    "EU.6513.25": "by-bremino-group", "EU.6711.45": "by-belavia", "EU.6713.43": "by-tsentrkurort",
    "EU.6714.42": "by-oskartour", "EU.6715.41": "by-hotel-minsk", "EU.6716.40": "by-hotel-planeta",
    "EU.6717.39": "by-asam", "EU.6719.37": "by-vip-grub", "EU.6721.14": "by-grodno-azot",
    "EU.6722.13": "by-belorusneft", "EU.6724.11": "by-belshina", "EU.7412.5": "by-dana-holdings",
    "EU.8273.79": "by-belaruskali", "EU.8280.51": "by-belarusian-potash-company",
    "EU.8282.49": "by-inter-tobacco", "EU.8283.48": "by-naftan",
    "EU.8284.47": "by-grodno-tobacco-neman", "EU.8285.46": "by-beltamozhservice",
    "EU.8286.45": "by-belkommunmash", "EU.8287.44": "by-belteleradio",
    "EU.10643.58": "by-metz-kozlov", "EU.10644.57": "by-bmz", "EU.10652.28": "by-belneftekhim",
    "EU.11032.24": "by-pmc-redut", "EU.11282.81": "by-peleng", "EU.11350.88": "by-delfini",
    "EU.11353.85": "by-talay-foundation", "EU.11389.83": "by-orsha-arp", "EU.11667.77": "by-brsm",
    "EU.11820.32": "by-belomo", "EU.12440.19": "by-ruzekspeditsiya",
    "EU.12441.18": "by-vlate-logistik", "EU.12740.46": "by-integral",
    "EU.12832.84": "by-2566-zrrev", "EU.12932.93": "by-cec", "EU.12933.92": "by-integral",
    "EU.12934.91": "by-belorusskiye-loterei", "EU.12935.90": "by-ridotto",
    "EU.12936.89": "by-planar", "EU.12937.88": "by-ztem", "EU.12938.87": "by-tsybulka-bel",
    "EU.13108.96": "by-mzkt", "EU.13316.85": "by-belvneshpromservice", "EU.13317.84": "by-okb-tsp",
    "EU.13318.83": "by-kb-unmanned-helicopters", "EU.13319.82": "by-legmash",
    "EU.13320.60": "by-laser-devices", "EU.13321.59": "by-vistan",
    "EU.13322.58": "by-rukhservomotor", "EU.13372.0": "by-lemt-belomo",
    "EU.13570.20": "by-bank-torgovy-kapital", "EU.13814.35": "by-holography-industry",
    "EU.13816.33": "by-ict-horizont", "EU.13817.32": "by-horizont-holding",
})  # fmt: skip

#: UK Sanctions List, by unique id. BEL0063 names "Dana Holdings a.k.a Dana Astra" at Dana
#: Holdings' Minsk address (P. Mstislavets St. 9): Dana Holdings, as the EU lists it apart from
#: Dana Astra. BEL0107 is BNK (UK) Ltd, the London company BNK controls: an entity of its own.
_UK = _keys("uk", {
    "BEL0060": "by-140-repair-plant", "BEL0062": "by-beltechexport", "BEL0063": "by-dana-holdings",
    "BEL0064": "by-ghu", "BEL0065": "by-synesis", "BEL0066": "by-mzkt", "BEL0107": "by-bnk-uk",
    "BEL0108": "by-belaeronavigatsia", "BEL0109": "by-agat-emz", "BEL0111": "by-belaruskali",
    "BEL0120": "by-bank-dabrabyt", "BEL0121": "by-belbizneslizing",
    "BEL0122": "by-minotor-service", "BEL0123": "by-transaviaexport",
    "BEL0124": "by-belinvest-engineering", "BEL0125": "by-kb-radar", "BEL0127": "by-belomo",
    "BEL0128": "by-gomel-radio-plant", "BEL0129": "by-kidma-tech", "BEL0135": "by-orsha-arp",
    "BEL0137": "by-peleng", "BEL0138": "by-2566-zrrev", "BEL0139": "by-display-design-bureau",
    "BEL0157": "by-planar", "BEL0158": "by-ztem", "BEL0163": "by-niievm",
    "BEL0164": "by-stankogomel", "BEL0165": "by-rukhservomotor", "BEL0166": "by-alfa-bank-belarus",
    "BEL0167": "by-alevkurp", "BEL0171": "by-kb-unmanned-helicopters", "BEL0172": "by-legmash",
    "INU0323": "by-onerbank", "RUS0261": "by-558-arp", "RUS0262": "by-integral",
    "RUS1071": "by-oboronnye-initsiativy", "RUS1092": "by-bsvt", "RUS1094": "by-sami",
    "RUS1095": "by-okb-tsp", "RUS2109": "by-pmc-redut",
})  # fmt: skip

#: Canada, SEMA (Belarus) Regulations, Schedule 1, by "part-item". Item 3-3, "Special Purpose
#: Police Unit" (OMON) with no place, is not taken for Minsk OMON (`by-omon-minsk`, OFAC's
#: Minsk unit): an entity of its own. Item 2-80 gives a former name of Laser Devices and
#: Technologies (the EU and OFAC give it too). Item 2-28 "Public Joint Stock Company Integral"
#: is the Minsk Integral (listed under the Belarus regulations), not the Russian namesake.
_CA_BELARUS = _keys("ca/belarus", {
    "2-1": "by-belaeronavigatsia", "2-2": "by-belaz", "2-3": "by-bremino-group", "2-4": "by-nnk",
    "2-5": "by-maz", "2-6": "by-tsentrkurort", "2-7": "by-presidential-sports-club",
    "2-8": "by-gardservis", "2-9": "by-beltechexport", "2-10": "by-peleng",
    "2-11": "by-140-repair-plant", "2-12": "by-agat-emz", "2-13": "by-absolutbank",
    "2-14": "by-amkodor", "2-15": "by-belaruskali", "2-16": "by-belarusian-potash-company",
    "2-17": "by-naftan", "2-18": "by-grodno-tobacco-neman", "2-19": "by-minsk-tractor-works",
    "2-20": "by-belneftekhim", "2-21": "by-emirates-blue-sky", "2-22": "by-dubai-water-front",
    "2-23": "by-belinvestbank", "2-24": "by-belbizneslizing", "2-25": "by-belinvest-engineering",
    "2-26": "by-bank-dabrabyt", "2-27": "by-sami", "2-28": "by-integral",
    "2-29": "by-24x7-panoptes", "2-30": "by-sohra", "2-31": "by-synesis",
    "2-32": "by-inter-tobacco", "2-33": "by-mzkt", "2-34": "by-bsvt", "2-35": "by-okb-tsp",
    "2-36": "by-558-arp", "2-37": "by-minotor-service", "2-38": "by-beltamozhservice",
    "2-39": "by-belteleradio", "2-40": "by-alevkurp", "2-41": "by-aktualnye-resheniya",
    "2-42": "by-gomel-design-bureau-luch", "2-43": "by-kb-radar", "2-44": "by-mzkt",
    "2-45": "by-agat-control-systems", "2-46": "by-agat-system", "2-47": "by-tetraedr",
    "2-48": "by-volatavto", "2-49": "by-ztem", "2-50": "by-development-bank",
    "2-51": "by-alfa-bank-belarus", "2-52": "by-mtbank", "2-53": "by-paritetbank",
    "2-54": "by-belarusky-narodny-bank", "2-55": "by-belarusian-railway", "2-56": "by-priorbank",
    "2-57": "by-belveb", "2-58": "by-sber-bank-belarus", "2-59": "by-vtb-bank-belarus",
    "2-60": "by-belgazprombank", "2-61": "by-statusbank", "2-62": "by-belarusbank",
    "2-63": "by-national-bank-of-belarus", "2-64": "by-belagroprombank",
    "2-65": "by-talay-foundation", "2-66": "by-ministry-of-defence", "2-67": "by-belomo",
    "2-68": "by-oboronnye-initsiativy", "2-69": "by-2566-zrrev", "2-70": "by-ate-engineering",
    "2-71": "by-display-design-bureau", "2-72": "by-mnipi", "2-73": "by-niievm",
    "2-74": "by-planar", "2-75": "by-gomselmash", "2-76": "by-stankogomel", "2-77": "by-bmz",
    "2-78": "by-legmash", "2-79": "by-kb-unmanned-helicopters", "2-80": "by-laser-devices",
    "2-81": "by-rukhservomotor", "2-82": "by-minsk-bearing-plant", "2-83": "by-minsk-gear-plant",
    "2-84": "by-vistan", "3-1": "by-internal-troops", "3-2": "by-metz-kozlov", "3-3": "by-omon",
    "3-4": "by-gubopik", "3-5": "by-kgb",
})  # fmt: skip

#: Canada, SEMA (Russia) Regulations, Schedule 1: the Belarus-linked item.
_CA_RUSSIA = _keys("ca/russia", {
    "2-656": "by-belmagistralavtotrans",
})  # fmt: skip

#: Australia, DFAT Consolidated List, by reference.
_AU = _keys("au", {
    "6668": "by-sami", "6669": "by-okb-tsp", "6670": "by-oboronnye-initsiativy", "6671": "by-bsvt",
    "6672": "by-mzkt", "6673": "by-synesis", "7213": "by-minotor-service", "7214": "by-kb-radar",
    "7927": "by-volatavto", "7928": "by-planar", "7929": "by-horizont-holding",
    "8136": "by-belomo", "8137": "by-mnipi", "8138": "by-display-design-bureau",
    "8139": "by-niievm", "8140": "by-orsha-arp", "8141": "by-2566-zrrev", "8142": "by-peleng",
})  # fmt: skip

#: New Zealand, Russia Sanctions Register, by unique identifier.
_NZ = _keys("nz", {
    "ENT-1": "by-558-arp", "ENT-2": "by-integral", "ENT-23": "by-mzkt", "ENT-30": "by-sami",
    "ENT-31": "by-okb-tsp", "ENT-32": "by-oboronnye-initsiativy", "ENT-33": "by-synesis",
    "ENT-72": "by-140-repair-plant", "ENT-73": "by-agat-emz", "ENT-74": "by-bsvt",
    "ENT-75": "by-beltechexport", "ENT-76": "by-minotor-service", "ENT-77": "by-peleng",
    "ENT-239": "by-kb-radar", "ENT-364": "by-bank-dabrabyt", "ENT-365": "by-belinvestbank",
    "ENT-366": "by-belinvest-engineering", "ENT-367": "by-belbizneslizing", "ENT-373": "by-sohra",
    "ENT-375": "by-development-bank", "ENT-376": "by-pmc-redut", "ENT-380": "by-sber-bank-belarus",
    "ENT-381": "by-vtb-bank-belarus", "ENT-382": "by-volatavto",
    "ENT-383": "by-agat-control-systems", "ENT-428": "by-belomo", "ENT-429": "by-orsha-arp",
    "ENT-468": "by-kb-unmanned-helicopters", "ENT-469": "by-legmash", "Ent-494": "by-naftan",
    "Ent-495": "by-belneftekhim", "Ent-508": "by-alevkurp",
})  # fmt: skip

#: Switzerland, SECO, by SSID. BSVT-New Technologies (54650) is Kidma Tech's former name, as
#: for the EU's Annex V. Cham Wings Airlines (46803) is Syrian, in the Belarus set since the EU
#: listed it under the Belarus regime: an entity with country SY. 5812-5930 and 11558 are the
#: companies of the set the EU listed around 2011-2012 (and has since removed).
_CH = _keys("ch", {
    "5802": "by-beltechexport", "5812": "by-bt-telecommunications", "5816": "by-delovaya-set",
    "5820": "by-sistema-investicii-i-inovacii", "5824": "by-sen-ko", "5828": "by-bt-invest",
    "5832": "by-aquadiv", "5836": "by-beltech-holding", "5840": "by-spetspriborservice",
    "5844": "by-tekhnosoyuzpribor", "5848": "by-triple", "5853": "by-neftekhimtrading",
    "5858": "by-askargoterminal", "5862": "by-triple-metal-trade", "5866": "by-berezovsky-ksi",
    "5870": "by-triple-techno", "5874": "by-variant", "5878": "by-triple-dekor",
    "5882": "by-quartzmelprom", "5886": "by-altersolutions", "5890": "by-prostor-trade",
    "5894": "by-aquatriple", "5898": "by-rakowski-browar", "5902": "by-logoysk",
    "5906": "by-triple-agro", "5910": "by-dinamo-minsk", "5914": "by-triplepharm",
    "5918": "by-triple-veles", "5922": "by-univest-m", "5926": "by-unis-oil",
    "5930": "by-univeststroyinvest", "11558": "by-sport-pari", "44298": "by-beltechexport",
    "44306": "by-dana-holdings", "44315": "by-ghu", "44323": "by-synesis", "44332": "by-agat-emz",
    "44340": "by-140-repair-plant", "44348": "by-mzkt", "46057": "by-sohra",
    "46065": "by-bremino-group", "46075": "by-globalcustom", "46083": "by-belaz",
    "46090": "by-maz", "46097": "by-logex", "46105": "by-nnk", "46114": "by-belaeronavigatsia",
    "46124": "by-belarusbank", "46127": "by-belinvestbank", "46130": "by-belagroprombank",
    "46596": "by-belavia", "46762": "by-tsentrkurort", "46769": "by-oskartour",
    "46787": "by-hotel-planeta", "46798": "by-asam", "46803": "by-cham-wings-airlines",
    "46809": "by-vip-grub", "46814": "by-grodno-azot", "46825": "by-belorusneft",
    "46833": "by-belshina", "46841": "by-hotel-minsk", "49903": "by-dana-astra",
    "51263": "by-bank-dabrabyt", "51267": "by-development-bank", "51405": "by-ministry-of-defence",
    "51419": "by-belagroprombank", "51422": "by-bank-dabrabyt", "51425": "by-development-bank",
    "54559": "by-belaruskali", "54566": "by-belarusian-potash-company",
    "54575": "by-inter-tobacco", "54583": "by-naftan", "54591": "by-grodno-tobacco-neman",
    "54598": "by-beltamozhservice", "54605": "by-belkommunmash", "54612": "by-belteleradio",
    "54620": "by-140-repair-plant", "54623": "by-558-arp", "54626": "by-2566-zrrev",
    "54629": "by-agat-control-systems", "54632": "by-agat-emz", "54635": "by-agat-system",
    "54638": "by-ate-engineering", "54641": "by-belomo", "54644": "by-bsvt",
    "54647": "by-beltechexport", "54650": "by-kidma-tech", "54653": "by-uvd-gomel",
    "54656": "by-internal-troops", "54659": "by-kgb-alpha", "54662": "by-kidma-tech",
    "54665": "by-minotor-service", "54668": "by-mzkt", "54671": "by-oboronnye-initsiativy",
    "54674": "by-kb-radar", "54677": "by-peleng", "54680": "by-sami", "54683": "by-kgb",
    "54686": "by-transaviaexport", "54689": "by-volatavto", "54692": "by-belinvestbank",
    "65479": "by-metz-kozlov", "65498": "by-bmz", "65527": "by-belneftekhim",
    "85556": "by-ruzekspeditsiya", "85583": "by-vlate-logistik", "90264": "by-belveb",
    "90267": "by-belgazprombank", "90886": "by-cec", "90893": "by-integral",
    "90902": "by-belorusskiye-loterei", "90916": "by-ridotto", "90928": "by-planar",
    "90939": "by-ztem", "90947": "by-tsybulka-bel", "94642": "by-belvneshpromservice",
    "94654": "by-okb-tsp", "94664": "by-kb-unmanned-helicopters", "94672": "by-legmash",
    "94686": "by-lemt-belomo", "94696": "by-laser-devices", "94708": "by-vistan",
    "94722": "by-rukhservomotor", "96970": "by-legmash", "100137": "by-alfa-bank-belarus",
    "100140": "by-sber-bank-belarus", "100143": "by-vtb-bank-belarus",
    "100571": "by-holography-industry", "100583": "by-ict-horizont",
    "100604": "by-horizont-holding",
})  # fmt: skip

#: Record key -> seed entity id.
MERGE: dict[str, str] = {**_EU_FSF, **_UK, **_CA_BELARUS, **_CA_RUSSIA, **_AU, **_NZ, **_CH}

#: Record key -> why the record is not in the seed.
EXCLUDED: dict[str, str] = {
    # SECO's set 78348 holds the Belarusian banks and, with them, two VTB companies abroad.
    "ch/90275": "VTB Bank's Shanghai branch: a Russian bank in China, not Belarus-linked",
    "ch/100146": "VTB Bank (Kazakhstan): a Russian bank's subsidiary, not Belarus-linked",
}
