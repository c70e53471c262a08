from service.watchlist.changes import compare
from service.watchlist.model import Entity


def entity(entity_id: str, name: str, *aliases: str | dict[str, str], **fields: object) -> Entity:
    return Entity.model_validate(
        {"id": entity_id, "name": name, "aliases": list(aliases), **fields}
    )


def test_added_removed_and_changed_aliases() -> None:
    old = [entity("a", "Peleng", "ОАО Пеленг"), entity("b", "Planar"), entity("c", "Integral")]
    new = [entity("a", "Peleng", "JSC Peleng"), entity("c", "Integral"), entity("d", "Legmash")]
    changes = compare(old, new)
    assert [e.id for e in changes.added] == ["d"]
    assert [e.id for e in changes.removed] == ["b"]
    [change] = changes.changed
    assert change.entity_id == "a"
    assert change.names_added == ("JSC Peleng",)
    assert change.names_removed == ("ОАО Пеленг",)
    assert change.primary_name is None
    assert change.fields == ()


def test_primary_name_and_other_fields() -> None:
    old = [entity("a", "Peleng", country="BY")]
    new = [entity("a", "Peleng JSC", "Peleng", country=["BY", "RU"], defence=True)]
    [change] = compare(old, new).changed
    assert change.primary_name == ("Peleng", "Peleng JSC")
    assert change.names_added == ("Peleng JSC",)
    assert change.names_removed == ()
    assert change.fields == ("country", "defence")


def test_alias_kind_change_is_reported() -> None:
    old = [entity("a", "Peleng", {"name": "PELENG", "kind": "aka"})]
    new = [entity("a", "Peleng", {"name": "PELENG", "kind": "weak"})]
    [change] = compare(old, new).changed
    assert change.fields == ("aliases",)


def test_provenance_or_order_alone_is_no_change() -> None:
    old = [entity("a", "Peleng", "X", "Y", sources=[{"name": "sdn.csv", "date": "2024-05-03"}])]
    new = [entity("a", "Peleng", "Y", "X", sources=[{"name": "sdn.csv", "date": "2025-01-01"}])]
    assert compare(old, new).changed == ()


def test_identical_lists_have_no_changes() -> None:
    same = [entity("a", "Peleng")]
    changes = compare(same, same)
    assert (changes.added, changes.removed, changes.changed) == ((), (), ())


def test_a_new_identifier_is_a_change() -> None:
    """An entity's numbers make hits and conflicts in screening: a list update that only adds
    a UNP changes what the service answers, and says so."""
    old = [entity("a", "Peleng")]
    new = [entity("a", "Peleng", identifiers=[{"type": "unp", "value": "100230519"}])]
    [change] = compare(old, new).changed
    assert change.fields == ("identifiers",)
