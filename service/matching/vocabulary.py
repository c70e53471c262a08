"""Words that cannot identify a company on their own: organisation words, places, function words
and supplier-file noise, in English, Russian and Belarusian, as phonetic keys.

Rarity in the watchlist (IDF) already weighs them down; these lists cap their weight even in a
small watchlist where "Minsk" or "zavod" look rare. Pure; imports only from `service.matching`.
"""

from __future__ import annotations

from functools import lru_cache

from service.matching.abbreviations import INITIALISMS
from service.matching.normalize import tokenize
from service.matching.translations import stem

_ORGANISATION = """
plant works factory zavod zavad kombinat combine company kompaniya kampaniya holding holdings
kholding galding group gruppa hrupa association obedinenie abyadnanne obyedinenie production
proizvodstvennoe vytvorchae proizvodstvo enterprise enterprises predpriyatie pradpryemstva
management managing upravlyayushchaya kiruyuchaya state gosudarstvennoe dzyarzhaunae
government republican respublikanskoe respublikanskae national natsionalnoe natsyyanalnaya
scientific nauchno navukova research issledovatelskii design bureau konstruktorskoe byuro
center centre tsentr tsentralnaya central institute institut technical tekhnicheskii industrial
industry industries promyshlennyi trade trading torgovyi foreign vneshnetorgovoe service
services servis sistemy systems system technologies technology tekhnologii tekhnalogii engineering
inzhiniring international mezhdunarodnyi joint venture subsidiary dochernee branch filial office
repair remontnyi electronics electronic elektronika mechanical mekhanicheskii optical
optiko mechanics manufacturing manufacturer works complex kompleks concern kontsern corporation
korporatsiya society obshchestvo unitary unitarnoe private chastnoe public open closed otkrytoe
zakrytoe limited liability stock aktsionernoe new novyi novaya agency agentstvo department
ministry ministerstvo committee komitet military voennyi defence defense oboronnyi development
equipment export import eksport import logistic logistics logistik transport partners partner
solutions products product tovary goods materials machine machinery machines mashinostroenie
mashinostroitelnyi automobile avtomobilnyi tractor traktornyi plant bank control kontrol
upravlenie upravleniya economic aviakompaniya airline airlines aviatsionnaya executive
ispolkom oblispolkom gorispolkom vykankam directorate main glavnoe headquarters
capital kapital invest investment finance financial credit leasing insurance ticaret sanayi
co cia cie trans transit
derzhavne pidpryiemstvo tovarystvo obiednannia naukovo vyrobnyche kompaniia keruiucha
upravlinnia natsionalnyi respublikanske
"""

# Towns: a name that holds one is that town's plant or office (other towns have theirs).
_TOWNS = """
minsk mensk minskii minskaya minskiy brest gomel homel homyel grodno hrodna
vitebsk viciebsk mogilev mahilyow mogilyov
orsha borisov barysau zhodino baranovichi bobruisk babruisk pinsk lida slutsk soligorsk
salihorsk novopolotsk navapolatsk polotsk mozyr mazyr zhlobin molodechno maladzyechna
moscow moskva petersburg
"""
_PLACES = """
belarus belarusi belarusian belorusskii belorusskaya
belaruski belaruskaya byelorussian belorussia byelorussia
region oblast district raion rayon city street str ul prospekt avenue ave russia rossiya russian
rossiiskaya federation moscow moskva st petersburg saint china kitai ukraine european euro
eurasian asia asian east west north south middle vostok zapad sever yug
"""

# Words of a street address (a field that holds one is an address, not a name).
_STREET = """
street str st ul ulitsa ulica vulitsa vul vulica prospekt pr prosp pr-t avenue ave av
boulevard blvd bulvar road rd lane pereulok per proyezd proezd shosse highway sh ploshchad pl
square sq dom d house bldg building korpus korp k office ofis of floor etazh room kv apt
suite unit
"""

# Not "a": in "Group A" it is the name.
_FUNCTION = """
the of and for in at on by to an with named after imeni im i po na pri s z v dlya ve
republic respublika respubliki rebublic
"""

# Clipped generic words that end compound company names (Агро-сервис, Дор-строй, Бел-пром-торг,
# Бел-инвест) or begin them (Энерго-хим, Агро-комбинат), in readable Latin: the rest of the
# word is what tells two such names apart.
_GENERIC_ENDINGS = """
servis service serwis stroi stroy stroj torg prom invest trans tekh tech mash snab sbyt bank
neft khim gaz energo avto auto
"""
_GENERIC_BEGINNINGS = """
energo agro avto auto neft nefte gaz khim prom stroi stroy torg tekhno techno elektro electro
belarus belorus byelorus
"""
#: Letters a word keeps beside a generic part for the part to count as one.
_MIN_REST = 2

# Words supplier masters put around a name.
_NOISE = """
supplier vendor customer client contractor tel phone fax email www http https com by ru
unp inn vat tax id no nr number reg registration address addr country contact invoice
co head office hq branch filial representative predstavitelstvo головной офис филиал
"""


def _keys(words: str) -> frozenset[str]:
    return frozenset(t.key for w in words.split() for t in tokenize(w))


#: Towns of Belarus and a few abroad.
TOWNS = _keys(_TOWNS)
#: Places: towns, countries and regions, address words.
PLACES = TOWNS | _keys(_PLACES)
#: Organisation words, places and initialisms of organisation words (NPO, OKB): present in
#: many names, never enough for a match.
GENERIC = _keys(_ORGANISATION) | PLACES | _keys(" ".join(INITIALISMS))
_GENERIC_STEMS = frozenset(stem(key) for key in GENERIC)
#: Words of a street address, in Latin and Cyrillic spellings (ул., вул., пр-т).
STREET_WORDS = _keys(_STREET) | _keys(
    "ул улица вул вуліца вулиця пр пр-т проспект пер переулок д дом корп офис кв пл площадь "
    "бульвар шоссе"
)
#: Function words: nearly weightless.
FUNCTION = _keys(_FUNCTION)
#: Words supplier files add around names: weightless when a query has them and a name does not.
NOISE = _keys(_NOISE) | FUNCTION


_ENDINGS = tuple(sorted(_GENERIC_ENDINGS.split(), key=len, reverse=True))
_BEGINNINGS = tuple(sorted(_GENERIC_BEGINNINGS.split(), key=len, reverse=True))


def distinctive_parts(latin: str, other: str) -> tuple[str, str] | None:
    """The parts of two compound words that tell them apart: before a generic ending both have
    ("agro", "gard" of agroservis, gardservis), else after a generic beginning both share
    ("khim", "oil" of energokhim, energooil); None when the words have no such parts."""
    head, other_head = _head(latin), _head(other)
    if head is not None and other_head is not None:
        return head, other_head
    start = _beginning(latin)
    if start and other.startswith(start) and len(other) - len(start) >= _MIN_REST:
        return latin[len(start) :], other[len(start) :]
    return None


@lru_cache(maxsize=100_000)
def _head(latin: str) -> str | None:
    for ending in _ENDINGS:
        if latin.endswith(ending) and len(latin) - len(ending) >= _MIN_REST:
            return latin[: -len(ending)]
    return None


@lru_cache(maxsize=100_000)
def _beginning(latin: str) -> str:
    for beginning in _BEGINNINGS:
        if latin.startswith(beginning) and len(latin) - len(beginning) >= _MIN_REST:
            return beginning
    return ""


@lru_cache(maxsize=100_000)
def generic(key: str) -> bool:
    """A generic word in any inflected form (kholdinga, zavoda, respubliki)."""
    return key in GENERIC or stem(key) in _GENERIC_STEMS


# Countries, their adjectives and a few big cities, by ISO code (ARAB: the Arab world). A
# query word naming a country the entity is not linked to speaks against the match, as a
# country parameter would ("Arab Potash Company" is not the Belarusian Potash Company).
_COUNTRIES = """
BY belarus belarusian byelorussian belorussia byelorussia belorusskii belaruski rb blr minsk
RU russia russian rossiya rossiiskaya rossii rf rus moscow moskva petersburg spb sankt
UA ukraine ukrainian ukraina ukrainy ukr kyiv kiev
KZ kazakhstan kazakh almaty astana
CN china chinese kitai prc beijing shanghai shenzhen wuhan
AE emirates uae dubai
TR turkey turkiye turkish istanbul ankara
PL poland polish polska warsaw warszawa
LT lithuania lithuanian vilnius
LV latvia latvian riga
EE estonia estonian tallinn
DE germany german deutschland
US usa america american
GB britain british england
IR iran iranian tehran
SY syria syrian damascus
CY cyprus cypriot
RS serbia serbian belgrade
AM armenia armenian yerevan
AZ azerbaijan azerbaijani baku
GE georgia georgian tbilisi
UZ uzbekistan uzbek tashkent
KG kyrgyzstan kyrgyz bishkek
MD moldova moldovan chisinau
IN india indian
JP japan japanese tokyo
KP korea korean
ARAB arab arabian
"""


def _countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _COUNTRIES.strip().splitlines():
        code, *words = line.split()
        for word in words:
            for token in tokenize(word):
                table.setdefault(token.key, code)
    return table


#: key of a country word -> ISO code
COUNTRY_WORDS = _countries()
