"""KPIs and the availability trend on hand-built data where the answer is known."""
from datetime import date, datetime, timedelta

import pytest

from services.common.errors import NotFound
from services.metrics.dashboard import availability_trend, kpis, overview, trend_dates
from services.pools.listing import return_to_pool
from tests.factories import two_lars

NOW = datetime(2026, 11, 28, 12, 0)
pytestmark = pytest.mark.clock(NOW)


def _world(db):
    w = two_lars(db)
    w.rid = w.reseller(w.first, "Alpha", "a@alpha.example")
    w.seats = w.subscription(w.first, purchased=2000)
    w.objects = w.subscription(w.first, purchased=500, unit="objects")
    w.ending = w.subscription(w.first, purchased=100, expires_in_days=10)  # expires within 30 days
    w.gone = w.subscription(w.first, purchased=100, expires_in_days=-5)
    return w


def test_trend_dates_are_six_month_firsts_and_today():
    assert trend_dates(date(2026, 11, 28)) == [date(2026, m, 1) for m in range(6, 12)] + [date(2026, 11, 28)]
    assert trend_dates(date(2026, 2, 1)) == [date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1),
                                             date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_kpis_count_live_pools_and_keep_units_apart(db):
    w = _world(db)
    active = w.pool(w.rid, w.seats, 500)
    w.pool(w.rid, w.seats, 200, status="Pending acceptance")
    w.pool(w.rid, w.objects, 40)
    w.pool(w.rid, w.ending, 30)
    w.pool(w.rid, w.seats, 70, status="Expired")
    w.pool(w.rid, w.gone, 20)  # its Subscription expired: so did the pool
    w.pool(w.rid, w.seats, 15, expires_at=NOW + timedelta(days=3))  # Specify a time, soon
    c1, c2, c3 = w.customer("One"), w.customer("Two"), w.customer("Three")
    w.assign(active, c1, 100)
    w.assign(active, c2, 50)
    w.assign(active, c1, 10)
    w.assign(active, c3, 5, ends_at=NOW - timedelta(days=1))  # ended: not a customer any more
    figures = kpis(db, w.actors["analyst@first.example"], w.rid, now=NOW)
    assert figures["pools"] == 5
    assert figures["customers"] == 2
    assert figures["total"] == {"user seats": 500 + 200 + 30 + 15, "objects": 40}
    assert figures["allocated"] == {"user seats": 165}
    assert figures["pending"] == {"user seats": 200}
    assert figures["expiring"] == {"user seats": 30 + 15}


def test_kpis_of_another_lars_reseller_are_not_found(db):
    w = _world(db)
    theirs = w.reseller(w.second, "Theirs", "t@theirs.example")
    with pytest.raises(NotFound):
        kpis(db, w.actors["admin@first.example"], theirs, now=NOW)
    with pytest.raises(NotFound):
        availability_trend(db, w.actors["admin@first.example"], theirs, now=NOW)


def test_trend_follows_the_ledger(db):
    w = _world(db)
    old = w.pool(w.rid, w.seats, 100, created_at=datetime(2026, 5, 20))
    w.assign(old, w.customer("C1"), 25, at=datetime(2026, 7, 15))
    w.assign(old, w.customer("C2"), 25, at=datetime(2026, 10, 1, 9))  # counts on Oct 1 itself
    mid = w.pool(w.rid, w.objects, 40, created_at=datetime(2026, 9, 10))  # created mid-period
    w.assign(mid, w.customer("C3"), 10, at=datetime(2026, 11, 2))
    series = {s["pool_id"]: s for s in availability_trend(db, w.actors["analyst@first.example"], w.rid, now=NOW)}
    old_points = {p["date"]: p for p in series[old]["points"]}
    assert [p["available_pct"] for p in series[old]["points"]] == [100.0, 100.0, 75.0, 75.0, 50.0, 50.0, 50.0]
    assert old_points["2026-10-01"] == {"date": "2026-10-01", "purchased": 100, "allocated": 50, "available_pct": 50.0,
                                        "ended": False}
    assert [p["date"] for p in series[mid]["points"]] == ["2026-10-01", "2026-11-01", "2026-11-28"]
    assert [p["available_pct"] for p in series[mid]["points"]] == [100.0, 100.0, 75.0]
    assert series[mid]["unit"] == "objects" and series[old]["unit"] == "user seats"
    analyst = w.actors["analyst@first.example"]
    assert overview(db, analyst, w.rid, now=NOW) == {
        "kpis": kpis(db, analyst, w.rid, now=NOW), "trend": availability_trend(db, analyst, w.rid, now=NOW),
        "trend_dates": trend_dates(NOW.date()), "reseller_id": w.rid}


def test_trend_stops_at_expiry_and_after_a_return(db):
    w = _world(db)
    expired = w.pool(w.rid, w.gone, 50, created_at=datetime(2026, 8, 15))  # Subscription ended Nov 23
    pending = w.pool(w.rid, w.seats, 60, status="Pending acceptance", created_at=datetime(2026, 9, 5))
    series = {s["pool_id"]: s for s in availability_trend(db, w.actors["analyst@first.example"], w.rid, now=NOW)}
    # The line ends at the expiration itself, marked as the end.
    assert [p["date"] for p in series[expired]["points"]] == ["2026-09-01", "2026-10-01", "2026-11-01", "2026-11-23"]
    assert [p["ended"] for p in series[expired]["points"]] == [False, False, False, True]
    assert [p["date"] for p in series[pending]["points"]] == ["2026-10-01", "2026-11-01", "2026-11-28"]
    return_to_pool(db, w.actors["operator@first.example"], w.rid, [pending], now=w.now)
    remaining = {s["pool_id"] for s in availability_trend(db, w.actors["analyst@first.example"], w.rid, now=NOW)}
    assert pending not in remaining


def test_a_reseller_without_pools_has_an_empty_trend_and_zero_kpis(db):
    w = _world(db)
    assert availability_trend(db, w.actors["analyst@first.example"], w.rid, now=NOW) == []
    assert kpis(db, w.actors["analyst@first.example"], w.rid, now=NOW) == {
        "pools": 0, "customers": 0, "total": {}, "allocated": {}, "pending": {}, "expiring": {}}


def test_another_lars_pools_of_the_same_tenant_never_count(db):
    w = _world(db)
    tenant = w.reseller_tenant("Shared", "s@shared.example")
    mine = w.reseller(w.first, "Shared", "s@shared.example", tenant_id=tenant)
    theirs = w.reseller(w.second, "Shared", "s@shared.example", tenant_id=tenant)
    their_sub = w.subscription(w.second, purchased=1000)
    w.pool(theirs, their_sub, 300)
    w.pool(mine, w.seats, 10)
    figures = kpis(db, w.actors["analyst@first.example"], mine, now=NOW)
    assert figures["total"] == {"user seats": 10} and figures["pools"] == 1
