"""Words that cannot identify a company on their own: organisation words, places, function words
and supplier-file noise, in English, Russian and Belarusian, as phonetic keys.

Rarity in the watchlist (IDF) already weighs them down; these lists cap their weight even in a
small watchlist where "Minsk" or "zavod" look rare. Pure; imports only from `service.matching`.
"""

from __future__ import annotations

from service.matching.normalize import tokenize

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
upravlenie upravleniya economic
"""

_PLACES = """
minsk mensk minskii minskaya minskiy belarus belarusi belarusian belorusskii belorusskaya
belaruski belaruskaya byelorussian belorussia byelorussia republic respublika respubliki
rebublic brest gomel homel homyel grodno hrodna vitebsk viciebsk mogilev mahilyow mogilyov
orsha borisov barysau zhodino baranovichi bobruisk babruisk pinsk lida slutsk soligorsk
salihorsk novopolotsk navapolatsk polotsk mozyr mazyr zhlobin molodechno maladzyechna
region oblast district raion rayon city street str ul prospekt avenue ave russia rossiya russian
rossiiskaya federation moscow moskva st petersburg saint china kitai ukraine
"""

_FUNCTION = """
the of and for in at on by to a an with named after imeni im i po na pri s z v dlya
"""

# Words supplier masters put around a name.
_NOISE = """
supplier vendor customer client contractor tel phone fax email www http https com by ru
unp inn vat tax id no nr number reg registration address addr country contact invoice
"""


def _keys(words: str) -> frozenset[str]:
    return frozenset(t.key for w in words.split() for t in tokenize(w))


#: Organisation words and places: present in most names, never enough for a match.
GENERIC = _keys(_ORGANISATION) | _keys(_PLACES)
#: Function words: nearly weightless.
FUNCTION = _keys(_FUNCTION)
#: Words supplier files add around names: weightless when a query has them and a name does not.
NOISE = _keys(_NOISE) | FUNCTION

# Generic words and their translations, so that "Minsk Automobile Plant" meets
# "Минский автомобильный завод". Each line is one meaning.
_TRANSLATIONS = """
plant works factory zavod zavad fabrika
automobile automotive avtomobilnyi autamabilny avtomobilny
tractor tractors tyagach tyagachei tsyagachou traktor
wheeled wheel kolesnykh kolavykh
repair remontnyi remontny ramontny
aircraft aviation aviatsionnyi aviyaramontny aviaremontnyi
electrotechnical elektrotekhnicheskii elektratekhnichny
metallurgical metallurgicheskii metalurhichny
steel stalnoi
optical optiko aptyka optika
mechanical mekhanicheskii mekhanichny
association obedinenie abyadnanne
company kompaniya kampaniya
holding kholding
state gosudarstvennyi dzyarzhauny
national natsionalnyi natsyyanalny
oil neft nafta neftyanaya naftavaya
refinery neftepererabatyvayushchii
potash kaliinaya kaliynaya kaliyinaya
bank
"""


def _groups(text: str) -> dict[str, frozenset[str]]:
    groups: dict[str, frozenset[str]] = {}
    for line in text.strip().splitlines():
        keys = _keys(line)
        for key in keys:
            groups[key] = groups.get(key, frozenset()) | keys
    return groups


#: key -> the keys of its translations (itself included).
TRANSLATIONS = _groups(_TRANSLATIONS)
