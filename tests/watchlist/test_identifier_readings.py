"""Identifiers given without their scheme, read by shape and check digits; why a value is not
valid, in words; and which numbers of a free-text line were labelled."""

from __future__ import annotations

from service.watchlist.identifiers import Found, Scheme, find_identifiers, problem, readings


def test_an_untyped_value_is_read_as_each_scheme_it_passes() -> None:
    assert readings("100 230 519") == [Found(Scheme.UNP, "100230519")]
    assert readings("1037800040794") == [Found(Scheme.OGRN, "1037800040794")]
    # OKPO and EDRPOU share their check digit: an 8-digit value has both readings.
    assert [f.scheme for f in readings("14360570")] == [Scheme.OKPO, Scheme.EDRPOU]
    assert readings("12345") == []
    assert readings("100230518") == []  # a UNP's length, not its check digit


def test_why_a_value_is_not_valid() -> None:
    assert problem(Scheme.UNP, "100230519") is None
    assert problem(Scheme.UNP, "100230518") == "its check digit does not hold"
    assert problem(Scheme.INN, "77070838") == "it has 8 characters; INN numbers have 10 or 12"
    assert problem(Scheme.TAX, "№12") is not None


def test_labelled_numbers_of_a_line_are_told_apart() -> None:
    found = find_identifiers("ООО Ромашка, УНП 300228934, тел. 7801047839")
    assert found == [Found(Scheme.UNP, "300228934"), Found(Scheme.INN, "7801047839")]
    assert [f.labelled for f in found] == [True, False]
