"""HAND-CURATED: the entities first seen in the Ukrainian sanctions register export.

The export says what a company is called, its tax number and its address, never why it is
listed: the notes say only what the name and address say, and carry the export's caveat. No
entry calls a company defence-related unless the register's words do (`seed.sources.ua_register`)
or, with a `why`, its military products are a matter of record.
"""

from __future__ import annotations

from seed.curated import Curated

#: Every note ends with it: the export's provenance is not recorded.
_CAVEAT = (
    "Listed in Ukraine's sanctions register as a third-party export of 2025-09 gives it "
    "(no reasons, dates or decree numbers; provenance unverified)."
)


def _ua(what: str, *, defence: bool | None = None, why: str | None = None) -> Curated:
    return Curated(notes=f"{what} {_CAVEAT}", defence=defence, why=why)


UA: dict[str, Curated] = {
    # Industry.
    "by-bobruisk-machine-building-plant": _ua("Machine-building plant in Bobruisk."),
    "by-prombur-vod": _ua("Plant Prombur-vod in Minsk (drilling equipment, by its name)."),
    "by-gomel-foundry-plant": _ua("Foundry and standard-parts plant in Gomel."),
    "by-mogilev-carriage-works": _ua("Railway carriage works in Mogilev (closed joint venture)."),
    "by-slutsk-crane-plant": _ua("Crane plant in Slutsk."),
    "by-kuzlitmash": _ua("Forging and foundry machinery plant Kuzlitmash in Pinsk."),
    "by-starye-dorogi-mechanical-plant": _ua("Mechanical plant in Starye Dorogi."),
    "by-belaz-service": _ua("Service company of BelAZ mining trucks in Zhodino."),
    "by-mogilev-metallurgical-works": _ua("Metallurgical works in Mogilev."),
    "by-baranovichi-machine-tool-plant": _ua("Machine-tool accessories plant in Baranovichi."),
    "by-mzal": _ua("Automatic lines plant named after P. M. Masherov in Minsk."),
    "by-kirov-machine-tool-plant": _ua("Machine-tool plant named after S. M. Kirov in Minsk."),
    "by-gomel-machine-tool-plant": _ua("Plant of machine tools and units in Gomel."),
    "by-krasny-borets": _ua("Machine-tool plant Krasny Borets in Orsha."),
    "by-gomel-chemical-plant": _ua("Chemical plant in Gomel."),
    "by-omsk-carbon-mogilev": _ua("Foreign-owned limited company near Mogilev (carbon black)."),
    "by-kronospan-osb": _ua("Foreign-owned limited company near Mogilev (OSB boards)."),
    "by-belgips": _ua("Gypsum company near Minsk."),
    "by-volma-bel": _ua("Limited company Volma Bel Corporation in Minsk."),
    "by-tekhnokhimreagentbel": _ua("Limited company in Grodno (chemical reagents, by its name)."),
    "by-syryevye-resursy-bel": _ua("Limited company Raw Materials Resources-Bel in Orsha."),
    # Optics, electronics and research.
    "by-zeiss-belomo": _ua("Belarusian-German joint venture Zeiss-BelOMO in Minsk."),
    "by-optic-plant": _ua("Optic plant in Lida."),
    "by-ekran": _ua("Joint stock company Ekran in Borisov."),
    "by-monolit": _ua("Radio-components plant Monolit in Vitebsk."),
    "by-minsk-radio-materials-institute": _ua("Research institute of radio materials in Minsk."),
    "by-belmicrowaves": _ua("Limited company in Novopolotsk (microwaves, by its name)."),
    "by-geoinformation-systems": _ua("Republican research and engineering enterprise in Minsk."),
    "by-unmanned-complexes-centre": _ua(
        "Research and production centre for multifunctional unmanned complexes of the National "
        "Academy of Sciences of Belarus, in Minsk."
    ),
    "by-izotek-m": _ua("Joint limited company Izotek-M in Minsk."),
    "by-powder-metallurgy-institute-union": _ua(
        "Primary trade-union organisation of the Powder Metallurgy Institute in Minsk."
    ),
    # Textiles and light industry.
    "by-bellegprom": _ua("State concern of the Belarusian light industry, in Minsk."),
    "by-polesie": _ua("Industrial and trade association Polesie in Pinsk (textiles)."),
    "by-ruchaika": _ua("Joint stock company Ruchaika in Kobrin."),
    "by-rechitsa-textile": _ua("Textile company in Rechitsa."),
    "by-kamvol": _ua("Worsted-fabrics company Kamvol in Minsk."),
    "by-lenta": _ua("Joint stock company Lenta in Mogilev."),
    "by-orsha-linen-mill": _ua("State linen mill in Orsha."),
    "by-mogotex": _ua("Textile company Mogotex in Mogilev."),
    # Transport, logistics and trade.
    "by-belintertrans": _ua("Freight-forwarding enterprise of the Belarusian Railway, in Minsk."),
    "by-lokomotiv-service": _ua("Limited company IK Lokomotiv-Service in Lida."),
    "by-eurotransvagon": _ua("Limited company EuroTransVagon in Minsk (railway wagons)."),
    "by-isothermal-logistics": _ua("Logistics company near Minsk."),
    "by-tranzit-avto-2003": _ua("Limited company Tranzit-Avto 2003 in Minsk."),
    "by-zaptranslogistik": _ua("Logistics company ZapTransLogistik in Minsk."),
    "by-gruzovaya-sluzhba-zapad": _ua("Freight company in Orsha."),
    "by-sodruzhestvo-trans-agro": _ua("Logistics company in Smorgon."),
    "by-sg-trans": _ua("State carrier and supplier of liquefied petroleum gases, Novopolotsk."),
    "by-bellisexport": _ua("State export and production enterprise Bellisexport in Minsk."),
    "by-aldigrad": _ua("Limited company AldiGrad in Brest."),
    "by-real-agent": _ua("Limited company Real-Agent in Minsk."),
    "by-plm-innovations": _ua("Limited company PLM-Innovations in Minsk."),
    "by-intermekh": _ua("Additional-liability company Intermekh in Minsk."),
    "by-nsktrade": _ua("Limited company NSKTrade in Minsk."),
    "by-mir-piva": _ua("Limited company in Minsk whose name means world of beer."),
    "by-belfortex": _ua("Limited company Belfortex in Minsk."),
    "by-beltim-sb": _ua("Closed joint stock company Beltim SB in Minsk."),
    "by-svyazinvest": _ua("Joint stock company Svyazinvest in Minsk."),
    "by-doka": _ua("Limited company DOKA in Minsk."),
    "by-masshtabnye-resheniya": _ua(
        "Limited company in Minsk whose name means scalable solutions."
    ),
    # Finance.
    "by-asb-leasing": _ua("Leasing company in Minsk."),
    "by-rietumu-leasing": _ua("Leasing company in Minsk."),
    "by-promagroleasing": _ua("State leasing company of farm and industrial equipment, Minsk."),
    # Associations and media.
    "by-belarusian-slavic-committee": _ua("Public association in Minsk (four records)."),
    "by-zgoda-media": _ua("Private educational institution on history, law and society, Minsk."),
}
