"""One definition of each figure: the dashboard, the directory row and Renewals agree."""
from __future__ import annotations

from datetime import timedelta

from services.common.grid_query import GridQuery
from services.directory.query import list_directory
from services.metrics.dashboard import kpis
from services.metrics.figures import highest_utilisation, subscription_free, utilisation_by_unit, utilisation_pct
from services.pools.renewals import figures_of_lar, renewal_figures
from tests.factories import two_lars


def test_dashboard_directory_and_renewals_count_the_same_pools(db):
    w = two_lars(db)
    seats = w.subscription(w.first, purchased=1000)
    gb = w.subscription(w.first, purchased=500, unit="capacity")
    rid = w.reseller(w.first, "Alpha", "a@x.example")
    soon = w.pool(rid, seats, 200, expires_at=w.now + timedelta(days=10))  # expiring within 30 days
    w.pool(rid, seats, 50, status="Pending acceptance")
    w.pool(rid, gb, 40)
    w.pool(rid, seats, 70, status="Expired")  # counts nowhere
    w.assign(soon, w.customer("One"), 20)
    w.assign(soon, w.customer("Two"), 30, ends_at=w.now - timedelta(days=1))  # ended: no customer
    op = w.actors["operator@first.example"]
    cards = kpis(db, op, rid, now=w.now)
    assert cards == {"pools": 3, "customers": 1, "total": {"user seats": 250, "capacity": 40},
                     "allocated": {"user seats": 50}, "pending": {"user seats": 50},
                     "expiring": {"user seats": 200}}
    [row] = list_directory(db, op, GridQuery(), now=w.now).rows
    assert (row["pools"], row["customers"]) == (cards["pools"], cards["customers"])
    assert row["total_quantity"] == "250 user seats · 40 GB" and row["allocated_quantity"] == "50 user seats"
    assert row["utilisation"] == "20.0% seats · 0.0% GB"
    renewals = renewal_figures(db, op, now=w.now)
    assert renewals["expiring_30"] == cards["expiring"] and renewals["pending"] == cards["pending"]
    with db.reading() as s:
        assert figures_of_lar(s, w.first, w.now)["expiring_7"] == {}


def test_figures_of_values_in_hand():
    assert utilisation_pct(41, 1500) == 2.7 and utilisation_pct(3, 0) is None
    assert utilisation_by_unit({"user seats": 41, "capacity": 8}, {"user seats": 1500, "capacity": 50}) == \
        {"user seats": 2.7, "capacity": 16.0}
    assert highest_utilisation({"user seats": 41, "capacity": 8}, {"user seats": 1500, "capacity": 50}) == 16.0
    assert highest_utilisation({}, {}) == 0.0
    assert subscription_free(100, 30, expired=False) == 70
    assert subscription_free(100, 30, expired=True) == 0
    assert subscription_free(100, 130, expired=False) == 0


def test_a_write_that_changes_pools_must_say_when(db):
    """The commit rewrites the stored figures as of the unit of work's instant: without one it refuses."""
    import pytest

    from data.models import ResellerFigures, ResellerPool
    w = two_lars(db)
    seats = w.subscription(w.first, purchased=1000)
    rid = w.reseller(w.first, "Alpha", "a@x.example")
    pool = w.pool(rid, seats, 10)
    with pytest.raises(RuntimeError, match="now="), db.unit_of_work() as s:
        s.get(ResellerPool, pool).quantity = 20
    with db.unit_of_work(now=w.now) as s:
        s.get(ResellerPool, pool).quantity = 30  # no call to remember: the commit rewrites the row
    with db.reading() as s:
        assert s.get(ResellerFigures, rid).total_quantity == 30
