"""HAND-CURATED: banks, oil and potash trade, logistics, services, and foreign companies."""

from __future__ import annotations

from seed.curated import Curated

_OFAC_BY = "designated by OFAC under its Belarus programme"

BANKS: dict[str, Curated] = {
    "by-absolutbank": Curated("Minsk commercial bank Absolutbank."),
    "by-alfa-bank-belarus": Curated(
        "Belarusian bank of Russia's Alfa-Bank group, under EU transaction restrictions "
        "(Reg. 833/2014 Annex XLIV)."),
    "by-bank-dabrabyt": Curated("Minsk bank Dabrabyt, formerly Bank Moscow-Minsk."),
    "by-bank-torgovy-kapital": Curated(
        "Minsk bank (Trade Capital Bank) linked by OFAC to Iran's Bank Tejarat, designated "
        "under OFAC's Iran programmes."),
    "by-belagroprombank": Curated(
        "Belarusian bank under EU financial restrictions (Annexes IX, XV)."),
    "by-belarusbank": Curated("Belarusian bank under EU financial restrictions (Annex IX)."),
    "by-belbizneslizing": Curated("Minsk leasing company linked by OFAC to Belinvestbank."),
    "by-belgazprombank": Curated(
        "Minsk bank owned by Russia's Gazprombank and Gazprom; the EU row gives no address."),
    "by-belinvest-engineering": Curated("Minsk company linked by OFAC to Belinvestbank."),
    "by-belinvestbank": Curated("Belarusian Bank for Development and Reconstruction, Minsk."),
    "by-belveb": Curated(
        "Minsk bank (Belvnesheconombank) linked by OFAC to Russia's state bank "
        "Vnesheconombank (VEB)."),
    "by-development-bank": Curated("Development Bank of Belarus, under EU financial "
                                    "restrictions (Annexes IX, XV)."),
    "by-onerbank": Curated(
        "Minsk bank (Honorbank) designated under OFAC's Iran programme.",
        defence=False,
        why="'weapons' in the UK reason are Iran's nuclear weapons its financial services could "
        "help; a bank, not a defence maker"),
    "by-sber-bank-belarus": Curated(
        "Minsk bank of Russia's Sberbank group, listed by OFAC as BPS-Sberbank and by the EU "
        "as Sber Bank (Belarus)."),
    "by-vtb-bank-belarus": Curated(
        "Minsk bank linked by OFAC to Russia's VTB Bank; formerly Slavneftebank."),
}  # fmt: skip

TRADE_AND_SERVICES: dict[str, Curated] = {
    "by-24x7-panoptes": Curated("Minsk company at the Synesis address (Platonova 20B)."),
    "by-belarusian-oil-trade-house": Curated(
        "Oil-products trading house in Minsk at Belneftekhim's address."),
    "by-belarusian-potash-company": Curated(
        "Minsk export arm of Belaruskali holding the exclusive right to export potash."),
    "by-belaruskali": Curated(
        "State potash producer in Soligorsk, one of the world's largest and a main source of "
        "state revenue."),
    "by-belavia": Curated(
        "State flag-carrier airline; the US Commerce Department also issued a temporary denial "
        "order against it, effective 2022-06-16 and expiring 2022-12-13 in the 2022 file."),
    "by-belkanto-airlines": Curated("Minsk airline Belcanto, designated by OFAC after May 2024."),
    "by-belkaztrans": Curated(f"Minsk limited liability company Belkaztrans, {_OFAC_BY}."),
    "by-belneftegaz": Curated(f"Minsk additional-liability company Belneftegaz, {_OFAC_BY}."),
    "by-belneftekhim": Curated(
        "State concern for oil and chemistry made up of state companies such as Grodno Azot and "
        "the Mozyr refinery; OFAC gives offices in Moscow, Kyiv, Frankfurt, Beijing and Riga."),
    "by-belorusneft": Curated("State production association Belorusneft (Gomel), in the oil "
                               "sector."),
    "by-belorusskiye-loterei": Curated(
        "State lottery operator running the online casino Belbet."),
    "by-beltamozhservice": Curated(
        "State logistics company, listed by the EU for smuggling and re-export to "
        "Russia."),
    "by-bnk": Curated(
        "Belarus's main oil-products exporter, owned by Belorusneft, Naftan and the Mozyr "
        "refinery."),
    "by-bremino-group": Curated(
        "Manager of the Bremino-Orsha special economic zone and the Bremino-Bruzgi border "
        "logistics centre."),
    "by-dana-astra": Curated("Minsk property developer of the 'Minsk World' complex."),
    "by-dana-holdings": Curated(
        "Minsk property developer (LLC, reg. 690611860). Not the Cyprus company DANA HOLDINGS "
        "LIMITED that OFAC lists (by-dana-holdings-limited)."),
    "by-dubai-water-front": Curated(
        "Minsk company at the Dana Holdings address (Petra Mstislavtsa 9)."),
    "by-emirates-blue-sky": Curated(
        "Minsk company at the Dana Holdings address (Petra Mstislavtsa 9)."),
    "by-energo-oil": Curated("Minsk company that owns Inter Tobacco."),
    "by-gardservis": Curated(
        "Minsk private security company (GardService), formerly BelSecurityGroup."),
    "by-globalcustom": Curated(
        "Minsk company tied to the presidential property directorate, listed for smuggling "
        "goods and exporting flowers to Russia.",
        defence=False,
        why="'weapons' in the reason refers to GardService's right to carry them, not to "
            "Globalcustom"),
    "by-hotel-minsk": Curated(
        "State hotel in Minsk that housed migrants before their crossings into the EU."),
    "by-hotel-planeta": Curated(
        "Minsk hotel of the presidential property directorate that housed migrants."),
    "by-interservice": Curated("Novopolotsk company of Mikalai Varabei that owns NNK."),
    "by-logex": Curated("Minsk exporter of cut flowers to Russia."),
    "by-mozyr-oil-refinery": Curated(
        "One of Belarus's two oil refineries, part of Belneftekhim and co-owner of BNK."),
    "by-naftan": Curated("State oil refinery in Novopolotsk."),
    "by-nnk": Curated(
        "Minsk oil-products exporter, the only private company allowed to export them."),
    "by-oskartour": Curated(
        "Minsk tour operator that arranged visas and flights for migrants from Iraq."),
    "by-rada-airlines": Curated("Minsk airline Rada, designated by OFAC after May 2024."),
    "by-ridotto": Curated("Minsk software company that runs the Belbet online casino."),
    "by-rubistar": Curated(
        "Airline RubyStar (UE RubiStar, Smolevichi district), designated by OFAC after May 2024."),
    "by-ruzekspeditsiya": Curated(
        "Company in the Bremino-Orsha special economic zone that, per the EU, delivered cars "
        "banned from export to Belarus."),
    "by-slavkali": Curated(
        "Company in Lyuban district (Minsk region); OFAC also lists a helicopter linked to it "
        "(not in the seed)."),
    "by-sohra": Curated(
        "Minsk trading company that promotes Belarusian industry in Africa and the Middle East "
        "and co-founded the defence company BSVT-New Technologies (now Kidma Tech)."),
    "by-synesis": Curated(
        "Minsk IT company that supplied the Kipod video-surveillance platform to Belarusian "
        "security services."),
    "by-tabak-invest": Curated("Minsk company Tabak Invest."),
    "by-tsybulka-bel": Curated(
        "Farming company in Lida district that used political prisoners as forced labour."),
    "by-vlate-logistik": Curated("Owner of two border checkpoints on the EU-Belarus border."),
}  # fmt: skip

FOREIGN: dict[str, Curated] = {
    "by-agrorozkvit": Curated(f"Kyiv company {_OFAC_BY}.", country=("UA", "BY")),
    "by-bel-kap-steel": Curated(
        "US company (Miami) linked by OFAC to the Byelorussian Steel Works.",
        country=("US", "BY")),
    "by-belkaztrans-ukraine": Curated(
        f"Kyiv company of the Belkaztrans group, {_OFAC_BY}.", country=("UA", "BY")),
    "by-belmagistralavtotrans": Curated(
        "German freight forwarder with a Minsk presence, designated by OFAC under its Russia "
        "programme.", country=("DE", "BY")),
    "by-belneftekhim-usa": Curated(
        "US company (Methuen, Massachusetts) of the Belneftekhim concern.",
        country=("US", "BY")),
    "by-black-shield": Curated(
        f"Erbil (Iraq) trading company linked by OFAC to Kidma Tech, {_OFAC_BY}.",
        country=("IQ", "BY")),
    "by-centuronic": Curated(
        f"Cyprus company linked by OFAC to Samer Rayya, {_OFAC_BY}.", country=("CY", "BY")),
    "by-china-space-sanjiang": Curated(
        "Chinese state aerospace group (Wuhan) that co-founded the Volat-Sanjiang joint venture "
        "with MZKT.", country=("CN", "BY")),
    "by-dana-holdings-limited": Curated(
        f"Cyprus holding company (reg. HE 319556), {_OFAC_BY}. Not the Minsk LLC Dana Holdings "
        "that the EU lists (by-dana-holdings).", country=("CY", "BY")),
    "by-european-trading-company": Curated(
        "Smolensk subsidiary of the Belarusian Oil Company selling Naftan and Mozyr refinery "
        "products in Russia.", country=("RU", "BY")),
    "by-nnk-east": Curated(
        f"Smolensk company of the New Oil Company (NNK) group, {_OFAC_BY}.",
        country=("RU", "BY")),
    "by-phoenix-lines": Curated(
        f"Bratislava company linked by OFAC to Alhaitham Al Ali, {_OFAC_BY}.",
        country=("SK", "BY")),
    "by-pmc-redut": Curated(
        "Russian private military company Redut, designated by OFAC under its Russia programme "
        "with locations in Russia, Belarus and Ukraine.", country=("RU", "BY")),
    "by-rayya-danismanlik": Curated(
        f"Istanbul consultancy linked by OFAC to Samer Rayya, {_OFAC_BY}.",
        country=("TR", "BY")),
    "by-s-group-airlines": Curated(
        f"Cyprus airline company linked by OFAC to Samer Rayya, {_OFAC_BY}.",
        country=("CY", "BY")),
    "by-shenzhen-5g": Curated(
        f"Shenzhen company linked by OFAC to Peleng, {_OFAC_BY}.", country=("CN", "BY")),
    "by-simmetron": Curated(
        "Russian electronic-components company with a Minsk office, designated by OFAC "
        "under its Russia programme.", country=("RU", "BY")),
    "by-stella-leone": Curated(
        f"Cyprus wholesale trader linked by OFAC to Nurmurad Kurbanov, {_OFAC_BY}.",
        country=("CY", "BY")),
    "by-vip-grub": Curated(
        "Istanbul passport and visa service that organised trips to Belarus for migrants "
        "heading to the EU.", country=("TR", "BY")),
}  # fmt: skip

TRADE: dict[str, Curated] = {**BANKS, **TRADE_AND_SERVICES, **FOREIGN}
