"""Renewals figures, chart, grid and Return to pool across resellers, and the Subscriptions
page's thresholds, on hand-built data where the answer is known (both databases)."""
from datetime import datetime, timedelta

import pytest

from services.common.errors import DomainError, NotFound, PermissionDenied
from services.common.grid_query import GridQuery
from services.metrics.dashboard import kpis
from services.pools.listing import describe_return_across, return_to_pool_across
from services.pools.renewals import expiring_by_week, list_renewals, renewal_figures
from services.subscriptions.listing import list_subscriptions, set_threshold
from services.subscriptions.thresholds import Threshold, is_low, parse_threshold
from tests.factories import two_lars

NOW = datetime(2026, 11, 30, 12, 0)
pytestmark = pytest.mark.clock(NOW)


def _world(db):
    w = two_lars(db)
    w.alpha = w.reseller(w.first, "Alpha", "a@alpha.example")
    w.beta = w.reseller(w.first, "Beta", "b@beta.example")
    w.foreign = w.reseller(w.second, "Foreign", "f@foreign.example")
    w.seats = w.subscription(w.first, purchased=5000)
    w.objects = w.subscription(w.first, purchased=900, unit="objects")
    w.other_sub = w.subscription(w.second, purchased=5000)
    w.in5 = w.pool(w.alpha, w.seats, 10, expires_at=NOW + timedelta(days=5))
    w.in20 = w.pool(w.beta, w.seats, 20, expires_at=NOW + timedelta(days=20))
    w.in60 = w.pool(w.alpha, w.objects, 30, expires_at=NOW + timedelta(days=60))
    w.far = w.pool(w.beta, w.seats, 40)  # expires with its Subscription, in a year
    w.pending = w.pool(w.alpha, w.seats, 50, status="Pending acceptance", created_at=NOW - timedelta(days=12))
    w.pending_soon = w.pool(w.beta, w.objects, 60, status="Pending acceptance", created_at=NOW - timedelta(days=3),
                            expires_at=NOW + timedelta(days=6))
    w.expired = w.pool(w.beta, w.seats, 70, status="Expired")
    w.foreign_soon = w.pool(w.foreign, w.other_sub, 80, expires_at=NOW + timedelta(days=2))
    return w


def test_cards_count_live_pools_per_unit_and_the_oldest_wait(db):
    w = _world(db)
    figures = renewal_figures(db, w.actors["analyst@first.example"], now=NOW)
    assert figures["expiring_7"] == {"user seats": 10, "objects": 60}
    assert figures["expiring_30"] == {"user seats": 30, "objects": 60}
    assert figures["expiring_90"] == {"user seats": 30, "objects": 90}
    assert figures["pending"] == {"user seats": 50, "objects": 60}
    assert figures["oldest_wait_days"] == 12
    assert figures["low_subscriptions"] == 0


def test_the_30_day_card_is_the_sum_of_every_dashboards_expiring_in_30_days(db):
    w = _world(db)
    analyst = w.actors["analyst@first.example"]
    summed: dict[str, int] = {}
    for rid in (w.alpha, w.beta):
        for unit, quantity in kpis(db, analyst, rid, now=NOW)["expiring"].items():
            summed[unit] = summed.get(unit, 0) + quantity
    assert renewal_figures(db, analyst, now=NOW)["expiring_30"] == summed


def test_the_chart_gives_each_weeks_expiring_quantity_per_unit_and_service(db):
    w = _world(db)
    chart = expiring_by_week(db, w.actors["analyst@first.example"], now=NOW)
    assert chart["weeks"][0] == "2026-11-30" and chart["weeks"][1] == "2026-12-07" and len(chart["weeks"]) == 13
    # The factory gives every Subscription one service, here in two units: two series, never
    # one adding seats and objects (design rule), seats first (services.common.units.UNIT_ORDER).
    seats, objects = chart["series"]
    assert (seats["service"], seats["unit"], objects["unit"]) == ("Cloud Backup for Microsoft 365", "user seats",
                                                                 "objects")
    assert seats["quantities"][0] == 10 and objects["quantities"][0] == 60  # days 5 and 6
    assert seats["quantities"][2] == 20  # day 20 is in the third week
    assert objects["quantities"][8] == 30  # day 60
    # Nothing of another LAR's, nothing past 13 weeks.
    assert (sum(seats["quantities"]), sum(objects["quantities"])) == (30, 90)


def test_the_grid_lists_the_window_and_pending_pools_of_this_lar_only(db):
    w = _world(db)
    analyst = w.actors["analyst@first.example"]
    page = list_renewals(db, analyst, GridQuery(), now=NOW)  # the 30-day window
    assert [r["id"] for r in page.rows] == [w.in5, w.pending_soon, w.in20]  # by expiration
    first = page.rows[0]
    assert (first["reseller"], first["quantity"], first["days_left"], first["status"]) == ("Alpha", "10 user seats", 5,
                                                                                          "Active")
    ninety = list_renewals(db, analyst, GridQuery(filters={"window": ("90",)}), now=NOW)
    assert {r["id"] for r in ninety.rows} == {w.in5, w.pending_soon, w.in20, w.in60}
    seven = list_renewals(db, analyst, GridQuery(filters={"window": ("7",), "status": ("Active",)}), now=NOW)
    assert [r["id"] for r in seven.rows] == [w.in5] and seven.of == 2  # in 7 days: 2
    # Pending acceptance has its own view: every waiting pool whatever its date, longest wait first.
    pending = list_renewals(db, analyst, GridQuery(filters={"window": ("pending",)}), now=NOW)
    assert [r["id"] for r in pending.rows] == [w.pending, w.pending_soon]
    waiting = pending.rows[0]
    assert waiting["waiting_since"] == "2026-11-18" and waiting["waiting_days"] == 12
    week = list_renewals(db, analyst, GridQuery(filters={"week": ("2026-12-14",)}), now=NOW)
    assert [r["id"] for r in week.rows] == [w.in20] and week.detail == "expiring in the week of Dec 14"
    two = list_renewals(db, analyst, GridQuery(filters={"week": ("2026-12-14", "2026-11-30", "nonsense")}), now=NOW)
    assert [r["id"] for r in two.rows] == [w.in5, w.pending_soon, w.in20]
    # Issue 19: a week whose end is past the calendar's overflowed; now, like any week that is no
    # day the grid can list, it matches no pool.
    for last in ("9999-12-27", "9999-12-31", "0001-01-01"):
        assert list_renewals(db, analyst, GridQuery(filters={"week": (last,)}), now=NOW).rows == []
    searched = list_renewals(db, analyst, GridQuery(search="bet"), now=NOW)
    assert {r["reseller"] for r in searched.rows} == {"Beta"}
    by_quantity = list_renewals(db, analyst, GridQuery(sort=(("quantity", "desc"),)), now=NOW)
    assert [r["id"] for r in by_quantity.rows] == [w.pending_soon, w.in20, w.in5]
    assert list_renewals(db, w.actors["admin@second.example"], GridQuery(), now=NOW).total == 1


def test_a_window_lists_exactly_what_its_card_counts(db):
    """Issue 20: the 7-day window listed 13 pools while its card counted 4 (pending pools due in
    69-230 days were always in); the pending card's view lists the pending card's pools."""
    from services.common.units import parse_quantities
    w = _world(db)
    analyst = w.actors["analyst@first.example"]
    figures = renewal_figures(db, analyst, now=NOW)

    def summed(view: str) -> dict[str, int]:
        total: dict[str, int] = {}
        for row in list_renewals(db, analyst, GridQuery(filters={"window": (view,)}), now=NOW).rows:
            for unit, quantity in parse_quantities(row["quantity"]).items():
                total[unit] = total.get(unit, 0) + quantity
        return total
    for n in (7, 30, 90):
        assert summed(str(n)) == figures[f"expiring_{n}"], n
    assert summed("pending") == figures["pending"]


def test_the_lars_own_subscriptions_ending_soon_are_listed(db):
    from services.pools.renewals import own_subscriptions_ending
    w = _world(db)
    soon = w.subscription(w.first, purchased=300, expires_in_days=20)
    w.subscription(w.first, purchased=300, expires_in_days=120)  # beyond 90 days
    w.subscription(w.first, purchased=300, expires_in_days=-2)  # already ended
    w.subscription(w.second, purchased=300, expires_in_days=10)  # another LAR's
    w.pool(w.alpha, soon, 40)
    [row] = own_subscriptions_ending(db, w.actors["analyst@first.example"], now=NOW)
    assert (row["id"], row["days_left"], row["purchased"], row["given"]) == (soon, 20, "300 user seats",
                                                                             "40 user seats")


def test_return_to_pool_across_resellers_is_all_or_nothing(db):
    w = _world(db)
    operator = w.actors["operator@first.example"]
    described = describe_return_across(db, operator, [w.pending, w.pending_soon], now=NOW)
    assert {(d["reseller"], d["quantity"]) for d in described} == {("Alpha", "50 user seats"), ("Beta", "60 objects")}
    with pytest.raises(DomainError, match="Only pools in Pending acceptance"):
        return_to_pool_across(db, operator, [w.pending, w.in5], now=w.now)
    with pytest.raises(NotFound):
        return_to_pool_across(db, operator, [w.pending, w.foreign_soon], now=w.now)
    with pytest.raises(PermissionDenied):
        return_to_pool_across(db, w.actors["analyst@first.example"], [w.pending], now=w.now)
    for call in (describe_return_across, return_to_pool_across):  # issue 19 item 8: pools, not resellers
        with pytest.raises(DomainError, match=r"^Select at most 1,000 pools at a time\.$"):
            call(db, operator, [w.pending] * 1001, now=w.now)
    assert renewal_figures(db, operator, now=NOW)["pending"] == {"user seats": 50, "objects": 60}  # nothing changed
    assert len(return_to_pool_across(db, operator, [str(w.pending), w.pending_soon], now=w.now)) == 2
    assert renewal_figures(db, operator, now=w.now)["pending"] == {}


@pytest.mark.parametrize("threshold, purchased, free, low", [
    (Threshold("count", 10), 100, 9, True), (Threshold("count", 10), 100, 10, False),
    (Threshold("percent", 10), 1000, 99, True), (Threshold("percent", 10), 1000, 100, False),
    (Threshold("percent", 0), 1000, 0, False), (None, 1000, 0, False), (Threshold("percent", 50), 0, 0, False),
])
def test_low_means_strictly_below_the_threshold(threshold, purchased, free, low):
    assert is_low(threshold, purchased, free) is low


@pytest.mark.parametrize("kind, value, message", [
    ("count", "ten", "whole number"), ("count", 2.5, "whole number"), ("count", -1, "negative"),
    ("percent", 101, "at most 100"), ("weekly", 5, "count or a percentage"), ("count", "", "Enter the threshold"),
    ("count", True, "whole number"), ("count", [5], "whole number"),
    # As typed in the box (issue 20: these were rewritten into other numbers and saved).
    ("percent", "1.5", "whole number"), ("percent", "-1", "negative"), ("percent", "150", "at most 100"),
    ("percent", "99999999999", "at most 100"), ("percent", "0", "below 0"), ("count", "0", "below 0"),
    ("count", "1001", "1,000 user seats in all"), ("count", "1,0", "whole number"),
])
def test_a_threshold_that_is_not_one_is_refused_with_a_reason(kind, value, message):
    with pytest.raises(DomainError, match=message):
        parse_threshold(kind, value, 1000, "user seats")


@pytest.mark.parametrize("kind, typed, saved", [("count", "1,000", 1000), ("count", " 25 ", 25),
                                                ("percent", "100", 100), ("percent", 7, 7)])
def test_a_threshold_is_kept_as_typed(kind, typed, saved):
    assert parse_threshold(kind, typed, 1000, "user seats") == Threshold(kind, saved)


def test_a_refused_threshold_changes_nothing(db):
    w = _world(db)
    admin = w.actors["admin@first.example"]
    set_threshold(db, admin, w.seats, "count", "10", now=w.now)
    for typed in ("1.5", "0", "-1", "99999999999"):
        with pytest.raises(DomainError):
            set_threshold(db, admin, w.seats, "count", typed, now=w.now)
    assert {r["id"]: r for r in list_subscriptions(db, admin, now=w.now)}[w.seats]["threshold"] == "10 user seats"


def test_only_an_admin_sets_a_threshold_of_its_own_lar_and_the_page_shows_it(db):
    w = _world(db)
    admin = w.actors["admin@first.example"]
    with pytest.raises(PermissionDenied):
        set_threshold(db, w.actors["operator@first.example"], w.seats, "count", 10, now=w.now)
    with pytest.raises(NotFound):
        set_threshold(db, admin, w.other_sub, "count", 10, now=w.now)
    with pytest.raises(NotFound):
        set_threshold(db, admin, "1; DROP TABLE subscriptions", "count", 10, now=w.now)
    assert set_threshold(db, admin, w.objects, "percent", "95", now=w.now)["threshold"] == "95%"
    rows = {r["id"]: r for r in list_subscriptions(db, admin, now=w.now)}
    objects = rows[w.objects]
    # 900 purchased, 30 + 60 handed out: 810 free, 90 % free, under 95 %.
    assert (objects["free_n"], objects["given_pct"], objects["status"]) == (810, "10.0%", "Low")
    assert rows[w.seats]["threshold"] == "Not set" and rows[w.seats]["status"] == "OK"
    assert renewal_figures(db, admin, now=w.now)["low_subscriptions"] == 1
    set_threshold(db, admin, w.objects, "none", None, now=w.now)
    assert renewal_figures(db, admin, now=w.now)["low_subscriptions"] == 0


@pytest.mark.parametrize("filters", [
    {"week": ("9999-12-27",)}, {"week": ("not a day",)}, {"service": ("No such service",)},
    {"status": ("Bogus",)}, {"window": ("90",), "status": ("",)},
])
def test_a_filter_set_only_to_values_no_row_can_have_lists_nothing_not_everything(db, filters):
    """The outside test of issue 19: an impossible value in a hand-made link dropped the filter, and
    the grid and its export listed every row."""
    w = _world(db)
    page = list_renewals(db, w.actors["analyst@first.example"], GridQuery(filters=filters), now=NOW)
    assert (page.total, page.rows) == (0, [])
