"""Generic words (as Latin skeleton tokens) that cannot identify a company on their own: legal
forms, function words, places and the nouns every industrial name uses. A name token outside
these sets is 'distinctive'. Used by the dev set's checks only.
"""

from __future__ import annotations

LEGAL = set(
    """
    oao aat ojsc jsc ojs ao pjsc pao zao zat cjsc ooo taa llc ltd limited liability company
    companies co inc corp corporation gmbh sro s r o odo tda alc iooo ztaa fllc up ue rup rue pup
    chup gp gvtup sftue sp jv tov open closed joint stock public private additional foreign
    otkrytoe otkrytoye otkrytoe adkrytaye adkrytae zakrytoe zakrytoye zakrytaye aktsionernoe
    aktsionernoye aktsyyanernaye aktsyianernae akcionernoe obshchestvo obschestvo obshestvo
    tavarystva tavarystvo tovarystvo tovaristvo s z ogranichennoy ogranichennoi organichennoy
    ogrannichenoy otvetstvennostyu otvestvennostyu otvetstvennostiyu abmezhavanay adkaznastsyu
    obmezhenoyu vidpovidalnistyu dopolnitelnoy dadatkovay inostrannoye inostrannoe zamezhnaye
    unitary unitarnoe unitarnoye unitarnae unitarnaye unitarne enterprise predpriyatie
    predpriyatiye predprivatie pradpryemstva pidpryiemstvo sirketi limitada sa sas sociedad
    sovmestnoye sumesnaye szao szat npp nvtaa npooo splc spllc
    vidkrite vidkryte akcionerne aktsionerne privatne pryvatne publichne prat pat vat tzov
    pidpriyemstvo pidpryiemstvo spilne inozemne dodatkovoyu
    """.split()
)

STOP = set("of the and for in on at a an by to i pa po na im imeni named after da de".split())

PLACES = set(
    """
    minsk minskii minskiy minski minskaya minskovo minskaha mingorispolkoma belarus belarusian
    belarussian byelorussian belorusskiy belorusski belorussky belorusskaya belaruskaya
    belaruski belarusi byelarus respubliki republic republican respublikanskoe respublikanskoye
    respublikanskaye rb by brest gomel grodno hrodna vitebsk mogilev orsha borisov zhodino
    zhlobin bobruisk novopolotsk polotsk soligorsk mozyr lida slutsk baranovichi pinsk
    svetlogorsk rogachev smolevichi oblast region regional district raion russia russian
    federation moscow ukraine ukraina china chinese usa kazakhstan national international
    minskogo orshanskiy orshanskii arshanski gomelskiy gomelskogo grodnenskiy grodnenskaya
    grodnenskoye hrodzenskaya brestskiy brestskogo vitebskiy mogilevskiy borisovskiy
    zhlobinskiy bobruiskiy novopolotskiy novopolotskoe novopolotskoye mozyrskiy mozyrskii
    rogachevskiy rogachevsky smolevichskii svetlogorskiy polotskoe polotskiy oblispolkoma
    mingorispolkoma minharvykankama brestoblispolkom belorusskii belorusskogo
    bilorus bilorusi biloruskiy biloruska biloruske biloruskogo ukrayini ukrayina ukrainy
    """.split()
)

NOUNS = set(
    """
    plant plants zavod zavoda zavad works factory fabrika fabryka kombinat holding holdings
    kholding kholdinga kholdyngu holdyngu holdinga group grupp grup management managing
    upravlyayushchaya upravlyayuschaya kiruyuchaya kiruiuchaia kompaniya kampaniya kampaniia
    kompanii state gosudarstvennoe dzyarzhaunae dzyarzhaunaye production proizvodstvennoe
    proizvodstvennoye proizvodstvenno vytvorchaye vytvorcha association obyedinenie
    obedinenie obyedinenye abyadnanne scientific research institute institut instytut nauchno
    navukova naukovo issledovatelskiy design bureau konstruktorskoe byuro kb okb center centre
    tsentr technical tekhnicheski repair remontnyi remontny remontnyy aircraft aviation
    aviatsii aviakompaniya aviacompany airlines airline electronics electronic elektronnye
    optical optics mechanical mekhanicheskii mechanics tractor tractors wheel wheeled automobile
    avtomobilnyi bank banks oil neft nafta gas trading trade torgovyi house export import
    systems system sistemy control upravleniya technologies technology tekhnologii
    engineering service services servis industry industrial industries investment invest
    leasing hotel club sports sport committee komitet kamitet ministry internal affairs
    department departament directorate main glavnoye executive city security police unit
    special purpose new general steel metallurgical metallurgicheskiy chemical potash cement
    tobacco machine machinery mashin building equipment precision power energy electric
    electrotechnical instrument development reconstruction finance financial capital credit
    insurance logistics transport shipping marine construction concern kontsern branch office
    representative subsidiary military defence defense army forces troops agency authority
    council commission union foundation organisation organization partnership solutions
    products product projects radio television electromechanical elektromekhanicheski
    elektromekhanicheskiy radioelectronic radioelektronnogo armament vooruzheniya remontu
    civil institution paper timber petroleum chemicals chemistry chemistry digital laboratory
    devices helicopters warfare administration economic organized crime united sistem sistemy
    sistem gruppa upravlenie menedzhment inzhiniring moskva kapital otel fibre gosudarstvennaya
    sluzhba bezopasnosti avtomobilnyy avtomobilnyi optiko mekhanicheskiy interior youth
    central tsentralnaya election space chip non front european energo energa blue sky black
    tech tek nt is stc ntts inter metallurgicheskaya neftyanaya kompaniya kampaniya trading
    komponenty komponent elektronnye elektronnyye tekhnika tehnika tekhnologiy technologiy
    logistik logistics solutions solyushns torgovy torgovyy obshchestvennoye obschestvennoe
    gosudarstvenno vychislitelnykh oboronnye planet snpo npo nii zavod ltd plc astra
    olympic lines investigative east west middle far centr televideniya chelyabinsk
    gosudarstvennyy gosudarstvennyi gosudarstvennoe gosudarstvennoye dzyarzhauny dzyarzhaunaye
    zavodu traktorniy traktornyy traktornyi avtomobilniy kolisnih tyagachiv remontniy
    aviaremontniy keruyucha kompaniyi holdingu virobnicho respublikanske naftova
    nafti naftopererobniy naftopererobnyi mashinobudivniy verstatobudivniy radiozavod
    mehanichniy elektromehanichniy elektrotehnichniy ministerstvo oboroni derzhavnoyi
    derzhavniy derzhavna derzhavne bezpeki vnutrishnih sprav upravlinnya golovne nacionalniy
    konstruktorske metalurgiyniy metalurgiyna pidshipnikoviy vagonobudivniy zaliznicya railway
    railways rozvitku banku yednannya obyednannya torgovelne zovnishnotorgovelne doslidne
    doslidniy pidpriyemstva slidchiy liniy nova oschadniy oschadnyi
    """.split()
)

#: Words that wrap a name like a legal form does ('management company of the holding X').
WRAPPER = set(
    """
    management managing company companies holding holdings upravlyayushchaya upravlyayuschaya
    kompaniya kampaniya kholdinga holdinga kholdyngu holdyngu kiruyuchaya kiruiuchaia group
    """.split()
)

GENERIC = LEGAL | STOP | PLACES | NOUNS

#: Towns as written in names (Minsk Wheel Tractor Plant, Novopolotsk LLC Interservice).
CITIES = set(
    """
    minsk brest gomel grodno hrodna vitebsk mogilev orsha borisov zhodino zhlobin bobruisk
    novopolotsk polotsk soligorsk mozyr lida slutsk baranovichi pinsk svetlogorsk rogachev
    minskii minskiy minski
    """.split()
)

#: Generic words that make a negative 'share a word with a listed name' (not legal forms).
SHARED_GENERIC = (PLACES | NOUNS) - {"by", "rb", "national", "international", "new"}

#: English words of list names: a Latin name with one of them is a translation, not a
#: romanisation, and is not turned back into Cyrillic letter by letter.
ENGLISH = set(
    """
    company plant works holding bank management managing joint stock open closed limited
    liability the of and for group airlines enterprise state republic committee department
    directorate ministry internal affairs national center centre institute research scientific
    production association trading trade house oil steel gas systems system control
    technologies technology engineering service services industry industrial investment
    leasing hotel club sports sport security police unit special purpose new general foreign
    unitary republican private public subsidiary branch concern precision mechanics
    electromechanical electronic electronics optical mechanical tractor wheel wheeled
    automobile aircraft repair design bureau television radio equipment communication lines
    products hull casing devices laser additive laboratory development reconstruction potash
    cement tobacco factory chemical fibre fiber detention facility street jail isolation
    offenders lawbreakers city executive election commission olympic youth union
    investigative financial investigations combating organized crime corruption troops
    defence defense military authority initiatives solutions innovation tech high ltd llc jsc
    ojsc cjsc inc gmbh co main economic presidential administration trade capital business
    water front blue sky emirates shield black general trading spedition speditions
    computers electronic radar warfare helicopters unmanned digital institute glass fibre
    fertilizer team alpha shock reconstruction belarusian byelorussian belarussian named after
    technolyte uavheli east west ukraine airways non governmental organisation organization
    foundation institution arp detention centre isolation joint venture
    """.split()
)
