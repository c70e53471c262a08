"""HAND-CURATED: state bodies, security forces and public organisations."""

from __future__ import annotations

from seed.curated import Curated

STATE: dict[str, Curated] = {
    "by-akrestsina": Curated(
        "Minsk detention centre on Akrestsina (Okrestina) Street run by the city police "
        "directorate."),
    "by-asam": Curated(
        "Special border-guard unit (ASAM) that, per the EU, organised and ran illegal migrant "
        "crossings into the EU."),
    "by-belaeronavigatsia": Curated(
        "State air traffic control enterprise, listed by the EU for the forced diversion of "
        "Ryanair flight FR4978 to Minsk in May 2021.",
        defence=False,
        why="'defence' in the UK reason names the forces it acted with in that diversion, not "
        "work for them"),
    "by-belteleradio": Curated(
        "National state television and radio company, listed by the EU for propaganda and "
        "for dismissing striking staff."),
    "by-brsm": Curated(
        "Belarusian Republican Youth Union, listed by the EU for its part in the deportation "
        "and indoctrination of Ukrainian children."),
    "by-cec": Curated(
        "Central Election Commission of Belarus; the EU lists it for the 2025 presidential "
        "election, which it found neither free nor fair."),
    "by-delfini": Curated(
        "Belarusian NGO 'Delfini' that, per the EU, moved groups of children from occupied "
        "Ukraine to Belarus for re-education; the EU gives no address.",
        defence=False,
        why="'military training' in the reason describes what was done to deported children, "
            "not military industry"),
    "by-dfr": Curated(
        "Department of Financial Investigations of the State Control Committee of Belarus."),
    "by-ghu": Curated(
        "Main Economic Department of the Presidential Administration, the largest operator of "
        "non-residential real estate in Belarus."),
    "by-gubopik": Curated(
        "Interior ministry directorate for combating organised crime and corruption (GUBOPiK)."),
    "by-guvd-minsk": Curated("Police directorate of the Minsk city executive committee."),
    "by-internal-troops": Curated("Internal troops of the Belarusian interior ministry."),
    "by-investigative-committee": Curated("Investigative Committee of Belarus."),
    "by-kgb": Curated("State Security Committee (KGB) of Belarus."),
    "by-kgb-alpha": Curated("Alpha special forces unit of the Belarusian KGB."),
    "by-ministry-of-defence": Curated(
        "Ministry of Defence of Belarus; Japan's listing includes the armed forces and all "
        "their units."),
    "by-noc": Curated("National Olympic Committee of Belarus."),
    "by-omon-minsk": Curated("Minsk special-purpose police unit (OMON)."),
    "by-presidential-sports-club": Curated("State-public association Presidential Sports Club, "
                                           "Minsk."),
    "by-sami": Curated(
        "State Authority for Military Industry (Goskomvoenprom), the government body in charge "
        "of military-technical policy, to which many defence plants belong."),
    "by-shock-sports-club": Curated("Minsk youth sports association 'Shock' (Sports Club "
                                    "Shock)."),
    "by-talay-foundation": Curated(
        "Minsk charitable foundation of Aleksey Talay that, per the EU, brought children from "
        "Ukraine to Belarus and indoctrinated them."),
    "by-tsentrkurort": Curated(
        "State tourism company of the presidential property directorate that, per the EU, "
        "helped bring migrants to Minsk for crossings into the EU."),
    "by-uvd-brest": Curated("Police department of the Brest regional executive committee."),
    "by-uvd-gomel": Curated("Police department of the Gomel regional executive committee."),
}  # fmt: skip
