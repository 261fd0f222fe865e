"""Ids and days as the browser sends them, read in one place each (services/common/ids.py, services/common/days.py)."""
from datetime import date

import pytest

from services.common.days import browser_day
from services.common.errors import DomainError, NotFound
from services.common.ids import MAX_ID, parse_ids, row_id, row_ids


@pytest.mark.parametrize("value,expected", [
    (7, 7), ("7", 7), (" 7 ", 7), (MAX_ID, MAX_ID), (str(MAX_ID), MAX_ID),
    (MAX_ID + 1, None), ("2147483648", None), ("99999999999", None), (2**63, None), (str(2**63), None),
    (0, None), (-1, None), ("-1", None), (True, None), (1.0, None), ("1e3", None), ("१२", None), ("a\x00", None),
    (None, None), ([1], None), ({"id": 1}, None), ("x" * 20_000, None),
])
def test_row_id_is_a_whole_number_an_integer_column_can_hold(value, expected):
    assert row_id(value) == expected


def test_row_ids_keep_the_ids_once_and_leave_out_the_rest():
    assert row_ids(["3", 3, "9223372036854775808", "x", 4]) == [3, 4]


def test_a_selection_names_what_was_selected():
    assert parse_ids(["2", 1, 2], "pool") == [2, 1]
    with pytest.raises(DomainError, match=r"^Select at most 1,000 pools at a time\.$"):
        parse_ids(["x"] * 1001, "pool")  # counted before anything is read
    with pytest.raises(NotFound, match=r"^Pool not found\.$"):
        parse_ids([1, "9223372036854775808"], "pool")
    with pytest.raises(NotFound, match=r"^Reseller not found\.$"):
        parse_ids("1,2", "reseller")


@pytest.mark.parametrize("value,expected", [
    ("2026-11-30", date(2026, 11, 30)), ("2026-11-30T08:00:00", date(2026, 11, 30)),
    (" 2026-11-30 ", date(2026, 11, 30)),
    ("9998-12-31", date(9998, 12, 31)), ("9999-12-27", None), ("9999-12-31", None), ("1899-12-31", None),
    ("0001-01-01", None), ("2026-02-30", None), ("2026-13-01", None), ("", None), ("a\x00b", None), (20261130, None),
    (None, None), (["2026-11-30"], None),
])
def test_a_day_is_one_the_apps_date_arithmetic_can_take(value, expected):
    assert browser_day(value) == expected
