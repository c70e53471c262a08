"""Merging entities that share an id: names, alias kinds, the other fields, the order."""

from __future__ import annotations

import datetime

import pytest

from service.watchlist.merge import merge_aliases, merge_entities, merge_pair
from service.watchlist.model import Address, Alias, AliasKind, Entity, Listing, Schema, Source

SDN = Listing(authority="US-OFAC", list="SDN", programme="BELARUS-EO14038", reference="101")
CONS = Listing(authority="US-OFAC", list="Consolidated (non-SDN)", reference="101")


def entity(entity_id: str, name: str, **fields: object) -> Entity:
    return Entity.model_validate({"id": entity_id, "name": name, **fields})


def test_entities_with_other_ids_pass_unchanged_in_order() -> None:
    a, b = entity("a", "A"), entity("b", "B")
    result = merge_entities([a, b])
    assert result.entities == (a, b)
    assert result.merged_ids == ()


def test_same_id_gives_one_entity_with_the_union_of_everything() -> None:
    sdn = Entity(
        id="ofac-101",
        name="BELMASH OAO",
        aliases=(Alias(name="BELMASH HOLDING"),),
        country=("BY",),
        addresses=(Address(full="Minsk, Belarus", city="Minsk", country="BY"),),
        listings=(SDN,),
        sources=(Source(name="sdn.csv", reference="101"),),
        notes="Linked To: X.",
    )
    cons = Entity(
        id="ofac-101",
        name="BELMASH OAO",
        aliases=(Alias(name="BELMASH HOLDING"), Alias(name="OJSC BM")),
        country=("RU", "BY"),
        addresses=(
            Address(full="Minsk, Belarus", city="Minsk", country="BY"),
            Address(full="Moscow, Russia", city="Moscow", country="RU"),
        ),
        listings=(CONS,),
        sources=(Source(name="cons_prim.csv", reference="101"),),
        defence=True,
        notes="Registration Number 1.",
    )
    other = entity("ofac-102", "OTHER")

    result = merge_entities([sdn, other, cons])

    assert [e.id for e in result.entities] == ["ofac-101", "ofac-102"]
    assert result.merged_ids == ("ofac-101",)
    merged = result.entities[0]
    assert merged.name == "BELMASH OAO"
    assert [a.name for a in merged.aliases] == ["BELMASH HOLDING", "OJSC BM"]
    assert merged.country == ("BY", "RU")
    assert [a.city for a in merged.addresses] == ["Minsk", "Moscow"]
    assert merged.listings == (SDN, CONS)
    assert [s.name for s in merged.sources] == ["sdn.csv", "cons_prim.csv"]
    assert merged.defence is True
    assert merged.notes == "Linked To: X.\nRegistration Number 1."


def test_a_different_primary_name_is_kept_as_an_alias() -> None:
    first = entity("x", "MINSK WHEEL TRACTOR PLANT", aliases=["MZKT"])
    second = entity("x", "Minsk Wheeled Tractor Plant", aliases=["MZKT", "VOLAT"])

    merged = merge_pair(first, second)

    assert merged.name == "MINSK WHEEL TRACTOR PLANT"
    assert merged.aliases == (
        Alias(name="MZKT"),
        Alias(name="Minsk Wheeled Tractor Plant", kind=AliasKind.AKA),
        Alias(name="VOLAT"),
    )


def test_the_first_entity_keeps_its_schema_and_primary_name() -> None:
    first = entity("x", "SEA STAR", schema="Vessel")
    second = entity("x", "SEA STAR", schema="Organization", aliases=[{"name": "SEA STAR"}])
    merged = merge_pair(first, second)
    assert (merged.name, merged.schema_, merged.aliases) == ("SEA STAR", Schema.VESSEL, ())


@pytest.mark.parametrize(
    ("kinds", "strongest"),
    [
        ((AliasKind.WEAK, AliasKind.AKA), AliasKind.AKA),
        ((AliasKind.AKA, AliasKind.WEAK), AliasKind.AKA),
        ((AliasKind.FKA, AliasKind.WEAK), AliasKind.FKA),
        ((AliasKind.WEAK, AliasKind.FKA, AliasKind.AKA), AliasKind.AKA),
        ((AliasKind.WEAK, AliasKind.WEAK), AliasKind.WEAK),
    ],
)
def test_the_strongest_alias_kind_wins(kinds: tuple[AliasKind, ...], strongest: AliasKind) -> None:
    aliases = [Alias(name="BM", kind=kind) for kind in kinds]
    assert merge_aliases("BELMASH", aliases) == (Alias(name="BM", kind=strongest),)


def test_alias_order_is_kept_and_the_first_language_given_wins() -> None:
    aliases = [
        Alias(name="Белмаш", kind=AliasKind.WEAK),
        Alias(name="BELMASH"),  # the primary name: dropped
        Alias(name="Белмаш", lang="ru"),
        Alias(name="Белмаш", lang="be"),
        Alias(name="BM"),
    ]
    assert merge_aliases("BELMASH", aliases) == (
        Alias(name="Белмаш", kind=AliasKind.AKA, lang="ru"),
        Alias(name="BM"),
    )


def test_a_listing_date_makes_another_listing() -> None:
    dated = SDN.model_copy(update={"listed_on": datetime.date(2021, 8, 9)})
    merged = merge_pair(entity("x", "X", listings=[SDN]), entity("x", "X", listings=[dated]))
    assert merged.listings == (SDN, dated)


def test_merging_other_ids_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot merge"):
        merge_pair(entity("a", "A"), entity("b", "A"))
