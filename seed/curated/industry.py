"""HAND-CURATED: defence-industry and other industrial enterprises (notes, names, overrides)."""

from __future__ import annotations

from seed.curated import Curated
from service.watchlist.model import Alias

_AFTER_2024 = "designated by OFAC after May 2024 (programme not in the data)"

DEFENCE: dict[str, Curated] = {
    "by-140-repair-plant": Curated(
        "Borisov plant of the State Authority for Military Industry that builds, repairs and "
        "modernises military and armoured vehicles."),
    "by-2566-zrrev": Curated(
        "Borisov plant repairing and modernising air-defence and radio-electronic weapons; "
        "the EU lists it for servicing equipment of the Russian armed forces."),
    "by-558-arp": Curated(
        "Aircraft repair plant in Baranovichi (Brest region); OFAC also designates it under "
        "its Russia programme for supporting Russia's military-industrial base. A different "
        "plant from the other numbered repair plants (140, 2566, 407)."),
    "by-agat-control-systems": Curated(
        "Minsk managing company of the AGAT Geoinformation Control Systems holding; OFAC links "
        "AGAT-System, NIIEVM, Tekhnika Svyazi and Innotech Solutions to it."),
    "by-agat-emz": Curated(
        "Minsk electromechanical plant of the State Authority for Military Industry making goods "
        "with military end use and the 'Rubezh' riot-control barrier used against protesters "
        "in 2020."),
    "by-agat-system": Curated(
        "Minsk company of the AGAT Geoinformation Control Systems holding (OFAC links it to "
        "AGAT-Control Systems); on the EU and Japanese military end-user lists.",
        name="Agat-System"),
    "by-ate-engineering": Curated(
        "Minsk engineering company on the EU Annex V and Japanese lists; the data say nothing "
        "more about its work."),
    "by-belomo": Curated(
        "State holding of Belarusian optical and mechanical plants, run by the Vavilov Minsk "
        "Mechanical Plant; makes sights for small arms and tank sight parts and manages other "
        "defence-sector firms such as Zenit-BelOMO and LEMT."),
    "by-beltechexport": Curated(
        "Private Minsk company close to the Ministry of Defence that exports weapons and "
        "military equipment made by Belarusian state firms to Africa, Asia, South America and "
        "the Middle East."),
    "by-belvneshpromservice": Curated(
        "State foreign-trade enterprise that promotes and exports Belarusian defence products "
        "and repairs and supplies military goods for the Belarusian armed forces."),
    "by-bsvt": Curated(
        "State-owned foreign trade unitary enterprise Belspetsvneshtechnika (BSVT), Minsk. Not "
        "the same company as BSVT-New Technologies (Kidma Tech)."),
    "by-chip-and-dip": Curated(
        "Added to EU Annex V (military and industrial complex) by Impl. Reg. 2026/1846; the "
        "data give no address or activity."),
    "by-display-design-bureau": Curated(
        "Added to EU Annex V (military and industrial complex) by Impl. Reg. 2026/1846; the "
        "data give no address or activity."),
    "by-eleron": Curated(
        "Minsk joint stock company Eleron (SNPO Eleron) on Japan's export-ban list; no other "
        "list in the data names it."),
    "by-ict-horizont": Curated(
        "Minsk research enterprise of the Horizont holding developing special and dual-use "
        "electronics such as viewing devices for armoured vehicles."),
    "by-integral": Curated(
        "Minsk maker of semiconductors and integrated circuits; the EU says Russian defence "
        "users buy most of its exports and its chips have been found on the battlefield."),
    "by-izovac": Curated(
        "Minsk maker of vacuum-coating equipment and ion sources that has supplied Russian "
        "defence contractors; its Russian representative LLC Engineering Group is not in the "
        "seed."),
    "by-kb-radar": Curated(
        "Minsk managing company of the Radar Systems holding; its OFAC a.k.a. names radar and "
        "electronic-warfare systems."),
    "by-kb-unmanned-helicopters": Curated(
        "Minsk maker of unmanned helicopters built for military use (UAVHeli)."),
    "by-kidma-tech": Curated(
        "Minsk defence company, formerly BSVT-New Technologies LLC (OFAC f.k.a.), co-founded by "
        "Sohra; the EU says it produces weapons and modernises missiles. Not the same company "
        "as Belspetsvneshtechnika (BSVT).",
        name="Kidma Tech OJSC"),
    "by-laser-devices": Curated(
        "Company formerly called Laboratory of Additive Technologies that supplies parts to "
        "Peleng and Uralvagonzavod, including for T-72 and T-90 tank sights."),
    "by-lemt-belomo": Curated(
        "BelOMO research and production centre in Minsk making optical and laser sights, "
        "rangefinders and fire-control systems; its sights are fitted to Russian AK-12 rifles."),
    "by-legmash": Curated(
        "Orsha plant, formerly a sewing-machine maker, now making 122-mm and 152-mm artillery "
        "shells and casings for 122-mm Grad rockets. The EU and OFAC publish the alias "
        "'Belorusskiy Metallurgicheskiy Zavod' under Legmash although that is the Russian name "
        "of the Byelorussian Steel Works (by-bmz)."),
    "by-minotor-service": Curated(
        "Private Minsk industrial-commercial enterprise on the EU Annex V, Japanese and OFAC "
        "lists; the data do not say what it makes."),
    "by-mzkt": Curated(
        "Minsk maker of wheeled tractors and military vehicles (brand VOLAT), including "
        "multiple rocket launchers, exported to Russia. Not the same company as Volatavto or the "
        "Volat-Sanjiang joint venture.",
        name="Minsk Wheel Tractor Plant"),
    "by-oboronnye-initsiativy": Curated(
        "Minsk company 'Defense Initiatives' on the EU Annex V, Japanese and OFAC lists."),
    "by-okb-tsp": Curated(
        "Minsk defence company, licensed by the State Authority for Military Industry, that "
        "designs and builds military vehicles and anti-aircraft systems."),
    "by-orsha-arp": Curated(
        "State aircraft repair plant at Bolbasovo near Orsha that overhauls Mi-24 and Mi-35 "
        "helicopters used by the Russian armed forces."),
    "by-peleng": Curated(
        "Minsk optomechanical and optoelectronic maker supplying sights and parts for Russian "
        "artillery and BTR-82A armoured vehicles."),
    "by-planar": Curated(
        "Minsk state developer of microelectronics components used in military hardware such "
        "as drones (also KBTEM Planar)."),
    "by-rogachev-diaprojector": Curated(
        "OJSC Rogachev Plant 'Diaprojector' (Gomel region), added to EU Annex V by Impl. Reg. "
        f"2026/1846 and {_AFTER_2024}."),
    "by-rukhservomotor": Curated(
        "Minsk maker of precision positioning systems supplying military end users, including "
        "for T-72 and T-90 tank sights."),
    "by-transaviaexport": Curated(
        "Minsk airline, now OJSC TAE Avia; OFAC also lists two of its Il-76 aircraft "
        "(not in the seed)."),
    "by-vistan": Curated(
        "Vitebsk machine-tool maker (CNC centres, grinders, gear machines) supplying Russian "
        "defence-related enterprises."),
    "by-volat-sanjiang": Curated(
        "Minsk joint venture of MZKT and China Space Sanjiang Group making wheeled chassis for "
        "military equipment, including rocket launchers."),
    "by-volatavto": Curated(
        "Research and production enterprise VOLATauto in Minsk and Slutsk; not MZKT, whose "
        "brand is VOLAT."),
    "by-zavod-svt": Curated(
        "Minsk enterprise of the Amkodor holding that, per the article, makes control units for "
        f"Russian intercontinental missiles and works on drones and fire control; {_AFTER_2024}.",
        name="Zavod SVT"),
    "by-zenit-belomo": Curated(
        "Vileyka plant of the BelOMO holding making military optics such as mortar, "
        "grenade-launcher and sniper sights.",
        defence=True,
        why="the EU reason for BelOMO (Reg. 269/2014 record 469) says Zenit-BelOMO makes "
            "military sights; OFAC's own entry gives no reason"),
    "by-zki": Curated(
        "CJSC 'Hull Products Plant' (ZKI, zavod korpusnykh izdeliy), a plant being built since "
        "2024 to assemble and fill 122-mm rockets and 152-mm shells (article, citing BelPol); "
        "added to EU Annex V by Impl. Reg. 2026/1846.",
        extra_names=(Alias(name="ZKI"), Alias(name="Завод корпусных изделий", lang="ru"))),
    "by-ztem": Curated(
        "State plant in Minsk (Zavod tochnoi elektromekhaniki) under the State Military-"
        "Industrial Committee producing military hardware, including ballistic missiles."),
}  # fmt: skip

CIVIL: dict[str, Curated] = {
    "by-407-civil-aviation-plant": Curated(
        "State-owned Minsk Civil Aviation Plant No. 407 at Minsk National Airport."),
    "by-alevkurp": Curated(
        "State-owned company at Korolev Stan near Minsk on OFAC's SDN list; the data give no "
        "activity."),
    "by-alyurtekh": Curated(f"Company in Kalodzishchy near Minsk, {_AFTER_2024}."),
    "by-amkodor": Curated(
        "Management company of the Amkodor holding in Minsk, to which Zavod SVT belongs "
        "(article)."),
    "by-baztube": Curated(f"Limited liability company in Zhodino, {_AFTER_2024}."),
    "by-belarusian-cement-company": Curated(
        "Management company of the state Belarusian Cement Company holding, Minsk."),
    "by-belarusrezinotekhnika": Curated(f"Rubber-goods maker in Bobruisk, {_AFTER_2024}."),
    "by-belaz": Curated(
        "Zhodino maker of large mining dump trucks; per the article it electroplates parts used "
        "in artillery shell production. The EU lists it for supporting the regime and for "
        "repressing striking workers.",
        name="Open Joint Stock Company ‘BELAZ’ - Management Company of Holding ‘BELAZ-HOLDING’"),
    "by-belkommunmash": Curated("Minsk maker of public-transport vehicles."),
    "by-bellesbumprom": Curated(
        "State concern of the timber, woodworking and pulp-and-paper industries "
        "(Bellesbumprom)."),
    "by-belshina": Curated(
        "State tyre maker in Bobruisk; the EU says it supplies tyres to the Russian military "
        "in Ukraine and benefits from the forced labour of political prisoners."),
    "by-bmz": Curated(
        "State steel works in Zhlobin (BMZ), management company of the Belarusian Metallurgical "
        "Company holding. Not Legmash, although the EU and OFAC publish 'Belorusskiy "
        "Metallurgicheskiy Zavod' as a Legmash alias."),
    "by-diskoms": Curated(f"Minsk additional-liability company, {_AFTER_2024}."),
    "by-grodno-azot": Curated(
        "State producer of nitrogen compounds in Grodno, part of Belneftekhim; includes the "
        "Khimvolokno plant (polyamide, polyester), which OFAC lists as Grodno Khimvolokno."),
    "by-grodno-tobacco-neman": Curated(
        "State cigarette maker in Grodno holding most of the Belarusian market."),
    "by-grosver-grup": Curated(f"Company with addresses in Minsk and Smolensk, {_AFTER_2024}."),
    "by-holography-industry": Curated(
        "Minsk producer of security holograms for excise stamps, with state shareholders."),
    "by-horizont-holding": Curated(
        "Diversified Minsk holding to which the military electronics developer ICT Horizont "
        "belongs."),
    "by-inter-tobacco": Curated(
        "Tobacco company in the Minsk free economic zone with exclusive import privileges, "
        "owned through Energo-Oil."),
    "by-kugel": Curated(f"Company with addresses in Vidnoe (Moscow region) and near Minsk, "
                        f"{_AFTER_2024}."),
    "by-kvand-is": Curated(f"Minsk limited liability company, {_AFTER_2024}."),
    "by-lakokraska": Curated("Paint and varnish maker in Lida (Grodno region)."),
    "by-maz": Curated(
        "Minsk truck maker; the EU says it delivers military trucks to the Russian army.",
        name="Open Joint Stock Company ‘Minsk Automobile Works’ – Management Company of "
             "‘BELAVTOMAZ’ Holding"),
    "by-metz-kozlov": Curated(
        "State maker of electrical equipment in Minsk."),
    "by-mot": Curated(f"Limited liability company in Brest, {_AFTER_2024}."),
    "by-niievm": Curated(
        "State research institute for electronic computers in Minsk, linked by OFAC to the "
        "AGAT-Control Systems holding."),
    "by-oil-bitumen-plant": Curated(
        "Bitumen plant in Chervensky district (Minsk region), on OFAC's SDN list."),
    "by-polotsk-steklovolokno": Curated("Glass-fibre maker in Polotsk (Vitebsk region)."),
    "by-powder-metallurgy": Curated(
        f"State research and production association of powder metallurgy in Minsk, "
        f"{_AFTER_2024}."),
    "by-stankogomel": Curated("State-owned machine-tool maker in Gomel."),
    "by-svetlogorsk-khimvolokno": Curated(
        "State chemical-fibre maker in Svetlogorsk (SOHIM)."),
    "by-tehnolit": Curated(f"Private science and production enterprise in Mogilev, "
                           f"{_AFTER_2024}."),
    "by-tekhnika-svyazi": Curated(
        "Communication-equipment maker in Baran (Vitebsk region), linked by OFAC to the "
        "AGAT-Control Systems holding."),
    "by-innotech-solutions": Curated(
        "State-owned Minsk company linked by OFAC to the AGAT-Control Systems holding."),
    "by-tochnaya-mekhanika": Curated(f"Minsk company 'Precision Mechanics', {_AFTER_2024}."),
}  # fmt: skip

INDUSTRY: dict[str, Curated] = {**DEFENCE, **CIVIL}
