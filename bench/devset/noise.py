"""What supplier files and users put around a company name: cities, the country, product words,
organisational words, tax ids and addresses. Cities come from the seed's addresses.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import TYPE_CHECKING

from legalforms import family_of

if TYPE_CHECKING:
    from service.watchlist.model import Entity

CITY_CYRILLIC = {
    "Minsk": "Минск", "Borisov": "Борисов", "Orsha": "Орша", "Zhodino": "Жодино",
    "Zhlobin": "Жлобин", "Bobruisk": "Бобруйск", "Grodno": "Гродно", "Novopolotsk": "Новополоцк",
    "Soligorsk": "Солигорск", "Gomel": "Гомель", "Vitebsk": "Витебск", "Brest": "Брест",
    "Mozyr": "Мозырь", "Lida": "Лида", "Svetlogorsk": "Светлогорск", "Polotsk": "Полоцк",
    "Slutsk": "Слуцк", "Baranovichi": "Барановичи", "Rogachev": "Рогачёв",
    "Smolevichi": "Смолевичи", "Bolbasovo": "Болбасово", "Pogranichny": "Пограничный",
    "Mogilev": "Могилёв",
}  # fmt: skip
COUNTRY_LATIN = ("Belarus", "Republic of Belarus", "RB", "BY", "Belarus (BY)", "BLR")
COUNTRY_CYRILLIC = ("Беларусь", "Республика Беларусь", "РБ", "Рэспубліка Беларусь")
ORG_LATIN = ("branch", "head office", "main plant", "representative office", "(HQ)", "group")
ORG_CYRILLIC = ("филиал", "головной офис", "представительство", "(головное предприятие)")
#: Product or activity words a supplier master or an invoice line adds, per entity.
PRODUCTS = {
    "by-mzkt": ("wheeled chassis", "military tractors"), "by-maz": ("trucks", "truck spare parts"),
    "by-belaz": ("mining dump trucks",), "by-belshina": ("tyres", "OTR tyres"),
    "by-bmz": ("steel wire rod", "steel cord"), "by-peleng": ("optics", "optoelectronics"),
    "by-belomo": ("optical sights", "optics"), "by-zenit-belomo": ("optical devices",),
    "by-integral": ("microchips", "integrated circuits"), "by-planar": ("photomasks",
    "lithography equipment"), "by-belaruskali": ("potash fertiliser",),
    "by-belarusian-potash-company": ("potash",), "by-grodno-azot": ("nitrogen fertiliser",),
    "by-naftan": ("refined products",), "by-mozyr-oil-refinery": ("diesel fuel",),
    "by-amkodor": ("loaders", "road machinery"), "by-kb-radar": ("radar systems",),
    "by-agat-emz": ("electronic equipment",), "by-558-arp": ("aircraft overhaul",),
    "by-140-repair-plant": ("armoured vehicle repair",), "by-orsha-arp": ("helicopter repair",),
    "by-legmash": ("metal parts", "sewing machines"), "by-belavia": ("air tickets",),
    "by-grodno-tobacco-neman": ("cigarettes",), "by-inter-tobacco": ("tobacco products",),
    "by-stankogomel": ("machine tools",), "by-vistan": ("machine tools",),
    "by-lakokraska": ("paints",), "by-belarusrezinotekhnika": ("rubber goods",),
    "by-svetlogorsk-khimvolokno": ("viscose fibre",), "by-polotsk-steklovolokno": ("glass fibre",),
    "by-metz-kozlov": ("transformers",), "by-tekhnika-svyazi": ("telecom equipment",),
    "by-belarusian-cement-company": ("cement",), "by-kb-unmanned-helicopters": ("UAV parts",),
    "by-rukhservomotor": ("servo motors",), "by-izovac": ("vacuum coating equipment",),
    "by-laser-devices": ("laser rangefinders",), "by-synesis": ("video analytics software",),
    "by-volatavto": ("chassis components",), "by-minotor-service": ("tracked vehicles",),
    "by-holography-industry": ("holograms",), "by-ztem": ("electromechanical components",),
}  # fmt: skip
PRODUCTS_CYRILLIC = {
    "by-mzkt": ("шасси",),
    "by-belshina": ("шины",),
    "by-peleng": ("оптика",),
    "by-belaruskali": ("калийные удобрения",),
    "by-maz": ("запчасти",),
}
GENERIC_PRODUCTS = ("spare parts", "components", "services", "equipment", "materials")


def cities_of(entity: Entity) -> list[str]:
    found = [a.city.split("/")[0].strip() for a in entity.addresses
             if a.city and a.country in (None, "BY")]  # fmt: skip
    return list(dict.fromkeys(found)) or []


def city(entity: Entity, cyrillic: bool, rng: random.Random) -> str | None:
    cities = cities_of(entity)
    if not cities:
        return None
    name = rng.choice(cities)
    return CITY_CYRILLIC.get(name, name) if cyrillic else name


def product(entity: Entity, cyrillic: bool, rng: random.Random) -> str:
    if cyrillic:
        return rng.choice(PRODUCTS_CYRILLIC.get(entity.id, ("поставка", "комплектующие")))
    return rng.choice(PRODUCTS.get(entity.id, GENERIC_PRODUCTS))


def sells_goods(entity: Entity) -> bool:
    """Companies get product words; a ministry or a police unit does not."""
    return entity.id in PRODUCTS or (
        entity.defence and family_of(list(entity.all_names)) is not None
    )


def noise_piece(entity: Entity, cyrillic: bool, rng: random.Random) -> tuple[str, str]:
    """One noise word or phrase and its kind (city, country, product, organisation)."""
    kinds = ["country", "organisation"] + ["product"] * sells_goods(entity)
    kinds += ["city"] * 2 * bool(cities_of(entity))
    kind = rng.choice(kinds)
    if kind == "city":
        return city(entity, cyrillic, rng) or "Minsk", "city"
    if kind == "country":
        return rng.choice(COUNTRY_CYRILLIC if cyrillic else COUNTRY_LATIN), "country"
    if kind == "product":
        return product(entity, cyrillic, rng), "product"
    return rng.choice(ORG_CYRILLIC if cyrillic else ORG_LATIN), "organisation"


def attach(name: str, piece: str, rng: random.Random, kind: str = "") -> str:
    """Put a noise piece around a name the way people do (only places go in front)."""
    style = rng.choice(["suffix", "comma", "dash", "paren"] + ["prefix"] * (kind == "city"))
    if style == "comma":
        return f"{name}, {piece}"
    if style == "dash":
        return f"{name} - {piece}"
    if style == "paren":
        return f"{name} ({piece})"
    if style == "prefix" and not piece.startswith("("):
        return f"{piece} {name}"
    return f"{name} {piece}"


def unp(entity_id: str) -> str:
    """A synthetic 9-digit Belarusian taxpayer number (UNP), stable per entity; not real."""
    digits = int(hashlib.sha1(entity_id.encode()).hexdigest(), 16) % 10**8
    return f"1{digits:08d}"


def address_parts(entity: Entity) -> tuple[str | None, str | None]:
    """A street address and a postcode from the seed's addresses, when it has them."""
    for address in entity.addresses:
        if address.full and re.search(r"\d", address.full):
            postcode = re.search(r"\b2\d{5}\b", address.full)
            street = re.sub(r"\b2\d{5}\b|Belarus|Republic of|Minsk Region", "", address.full)
            street = ", ".join(p.strip() for p in street.split(",") if p.strip()
                               and p.strip() != address.city)  # fmt: skip
            return street or None, postcode.group() if postcode else None
    return None, None
