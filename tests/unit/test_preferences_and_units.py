import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.errors import DomainError
from services.common.units import format_quantities
from services.identity.preferences import save_visible_columns, visible_columns
from tests.factories import two_lars

ALLOWED = ["a", "b", "c"]


def test_chosen_columns_are_remembered_per_user(db):
    w = two_lars(db)
    op, analyst = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    assert visible_columns(db, op, "directory", ALLOWED, ["a", "b"]) == ["a", "b"]
    assert save_visible_columns(db, op, "directory", ["c", "a", "evil"], ALLOWED) == ["a", "c"]
    assert visible_columns(db, op, "directory", ALLOWED, ["a", "b"]) == ["a", "c"]
    assert visible_columns(db, analyst, "directory", ALLOWED, ["a", "b"]) == ["a", "b"]
    save_visible_columns(db, op, "directory", ["b"], ALLOWED)
    assert visible_columns(db, op, "directory", ALLOWED, ["a"]) == ["b"]
    with pytest.raises(DomainError, match="at least one"):
        save_visible_columns(db, op, "directory", [], ALLOWED)
    # A kept column (a grid's only link to a dashboard) stays, whatever is sent or was stored.
    assert save_visible_columns(db, op, "directory", [], ALLOWED, kept=("a",)) == ["a"]
    assert save_visible_columns(db, op, "directory", ["c"], ALLOWED, kept=("a",)) == ["a", "c"]
    assert visible_columns(db, op, "directory", ALLOWED, ["b"], kept=("b",)) == ["a", "b", "c"]


def test_units_are_shown_side_by_side_never_summed():
    assert format_quantities({"user seats": 1250, "objects": 40}) == "1,250 user seats · 40 objects"
    assert format_quantities({"capacity": 500}) == "500 GB"
    assert format_quantities({}) == "0"
    assert format_quantities({"user seats": 1, "objects": 1}) == "1 user seat · 1 object"


@given(st.dictionaries(st.sampled_from(["user seats", "objects", "capacity"]), st.integers(1, 10**9)))
def test_every_unit_appears_once_with_its_own_figure(by_unit):
    text = format_quantities(by_unit)
    for qty in by_unit.values():
        assert f"{qty:,}" in text
    assert text.count("·") == max(0, len(by_unit) - 1)
