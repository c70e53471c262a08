"""What the reconciliation service speaks of: its types (the watchlist's schemas), the
properties a query may give (country, identifiers) and those data extension returns, each with
its id, name and description as the manifest and the suggest services show them.

Pure data: imports only the watchlist's schemas and identifier schemes.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.watchlist.identifiers import Scheme
from service.watchlist.model import Schema


@dataclass(frozen=True, slots=True)
class Term:
    """A type or a property: its id (in queries and answers), name and description."""

    id: str
    name: str
    description: str

    def brief(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name}

    def described(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "description": self.description}


#: The type suppliers are reconciled as; the others are the watchlist's other schemas.
DEFAULT_TYPE = Term(
    Schema.ORGANIZATION.value, "Organization", "A company, enterprise or other organisation."
)
TYPES: dict[str, Term] = {
    DEFAULT_TYPE.id: DEFAULT_TYPE,
    **{
        s.value: Term(s.value, s.value, f"A listed entity of schema {s.value}.")
        for s in Schema
        if s is not Schema.ORGANIZATION
    },
}

#: The property of a query that names the counterparty's country (a code or a name).
COUNTRY = "country"
#: The property of a query that gives an identifier of any scheme (recognised by its shape).
IDENTIFIER = "identifier"
_SCHEME_NAMES = {
    Scheme.UNP: "UNP (Belarus)",
    Scheme.INN: "INN (Russia)",
    Scheme.OGRN: "OGRN (Russia)",
    Scheme.OKPO: "OKPO (Russia, Belarus)",
    Scheme.EDRPOU: "EDRPOU (Ukraine)",
    Scheme.LEI: "LEI",
    Scheme.REGISTRATION: "Registration number",
    Scheme.TAX: "Tax number",
}
#: The properties a query may give: its pid says how its values are read.
QUERY_PROPERTIES: dict[str, Term] = {
    COUNTRY: Term(
        COUNTRY,
        "Country",
        "The supplier's country: an ISO 3166-1 code or a country's name in any language; a "
        "listed entity of another country scores lower.",
    ),
    IDENTIFIER: Term(
        IDENTIFIER,
        "Identifier",
        "A registration or tax number of any scheme, recognised by its shape and check digits; "
        "an entity that lists it is a match whatever the name.",
    ),
    **{
        scheme.value: Term(
            scheme.value,
            name,
            f"A {name} number; an entity that lists it is a match whatever the name.",
        )
        for scheme, name in _SCHEME_NAMES.items()
    },
}

#: The properties data extension returns for a listed entity.
EXTENSION_PROPERTIES: dict[str, Term] = {
    term.id: term
    for term in (
        Term("name", "Name", "The entity's primary name."),
        Term("aliases", "Aliases", "The other names it is listed under."),
        Term("countries", "Countries", "ISO 3166-1 codes of the countries it is linked to."),
        Term("listings", "Listings", "Each designation: authority, list and programme."),
        Term("authorities", "Listing authorities", "The authorities that list it."),
        Term("listed_on", "Listed on", "The date of each designation, where known."),
        Term(
            "defence",
            "Defence relevance",
            "`true` when it is part of, or supplies, a military or military-industrial complex.",
        ),
        Term("identifiers", "Identifiers", "Each identifier as `scheme:value`."),
        *(
            Term(scheme.value, name, f"Its {name} numbers.")
            for scheme, name in _SCHEME_NAMES.items()
        ),
    )
}
