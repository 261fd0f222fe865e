"""The dashboard's Pools and Customers tables, Return to pool, and withheld customer names."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from data.models import AllocationEvent, ResellerPool, Subscription
from services.common.errors import DomainError, NotFound, PermissionDenied
from services.common.grid_query import GridQuery
from services.directory.customers import HIDDEN, customer_filter_options, list_customers
from services.directory.entries import set_customer_visibility
from services.pools.listing import describe_return, list_pools, return_to_pool
from tests.factories import two_lars


def _world(db):
    w = two_lars(db)
    w.rid = w.reseller(w.first, "Alpha", "a@alpha.example")
    w.sub = w.subscription(w.first, purchased=1000)
    return w


def test_pools_search_filter_sort_and_effective_status(db):
    w = _world(db)
    objects = w.subscription(w.first, purchased=100, unit="objects")
    a = w.pool(w.rid, w.sub, 100, source="Purchased", payment_type="Prepaid")
    b = w.pool(w.rid, objects, 40, status="Pending acceptance", source="Trial", payment_type="Free")
    c = w.pool(w.rid, w.sub, 10, expires_at=w.now - timedelta(hours=1))  # past its own date
    actor = w.actors["analyst@first.example"]
    page = list_pools(db, actor, w.rid, GridQuery(sort=(("quantity", "desc"),)), now=w.now)
    assert [r["id"] for r in page.rows] == [a, b, c] and page.total == 3
    assert {r["id"]: r["status"] for r in page.rows} == {a: "Active", b: "Pending acceptance", c: "Expired"}
    assert page.rows[1]["quantity"] == "40 objects"
    expired = GridQuery(filters={"status": ("Expired",)})
    assert [r["id"] for r in list_pools(db, actor, w.rid, expired, now=w.now).rows] == [c]
    free_trials = GridQuery(filters={"source": ("Trial",), "payment_type": ("Free",)})
    assert [r["id"] for r in list_pools(db, actor, w.rid, free_trials, now=w.now).rows] == [b]
    assert list_pools(db, actor, w.rid, GridQuery(search="m365 backup"), now=w.now).total == 3
    assert list_pools(db, actor, w.rid, GridQuery(search="nothing-like-it"), now=w.now).total == 0


def test_return_to_pool_gives_pending_seats_back(db):
    w = _world(db)
    pending = w.pool(w.rid, w.sub, 60, status="Pending acceptance")
    active = w.pool(w.rid, w.sub, 40)
    op = w.actors["operator@first.example"]
    with pytest.raises(DomainError, match="Only pools in Pending acceptance"):
        return_to_pool(db, op, w.rid, [pending, active], now=w.now)
    with pytest.raises(PermissionDenied):
        return_to_pool(db, w.actors["analyst@first.example"], w.rid, [pending], now=w.now)
    with db.reading() as s:
        assert s.get(Subscription, w.sub).allocated_quantity == 100
    added = w.now - timedelta(days=10)  # the factory's creation time: both pools share it to the second
    assert return_to_pool(db, op, w.rid, [pending], now=w.now) == [f"M365 Backup · added {added:%Y-%m-%d %H:%M:%S}"]
    with db.reading() as s:
        assert s.get(Subscription, w.sub).allocated_quantity == 40
        assert s.get(ResellerPool, pending) is None and s.get(ResellerPool, active) is not None
        deltas = s.scalars(select(AllocationEvent.purchased_delta)
                           .where(AllocationEvent.reseller_pool_id == pending)).all()
        assert sorted(deltas) == [-60, 60]


def test_return_to_pool_refuses_other_lars_and_other_resellers(db):
    w = _world(db)
    other = w.reseller(w.first, "Beta", "b@beta.example")
    theirs = w.reseller(w.second, "Theirs", "t@theirs.example")
    their_sub = w.subscription(w.second, purchased=100)
    their_pool = w.pool(theirs, their_sub, 10, status="Pending acceptance")
    other_pool = w.pool(other, w.sub, 10, status="Pending acceptance")
    op = w.actors["operator@first.example"]
    with pytest.raises(NotFound):
        return_to_pool(db, op, w.rid, [their_pool], now=w.now)
    with pytest.raises(NotFound):
        return_to_pool(db, op, theirs, [their_pool], now=w.now)
    with pytest.raises(NotFound):
        return_to_pool(db, op, w.rid, [other_pool], now=w.now)  # a pool of another reseller of mine
    with db.reading() as s:
        assert s.get(ResellerPool, their_pool) and s.get(ResellerPool, other_pool)


def test_a_selection_of_pools_is_checked_as_pools(db):
    """Issue 19 item 8: more than 1,000 pools were refused as "at most 1000 resellers"."""
    w = _world(db)
    pending = w.pool(w.rid, w.sub, 10, status="Pending acceptance")
    op = w.actors["operator@first.example"]
    for call in (return_to_pool, describe_return):
        with pytest.raises(DomainError, match=r"^Select at most 1,000 pools at a time\.$"):
            call(db, op, w.rid, [pending] * 1001, now=w.now)
        for bogus in ("abc", 2**63, "2147483648"):
            with pytest.raises(NotFound, match=r"^Pool not found\.$"):
                call(db, op, w.rid, [pending, bogus], now=w.now)
    with db.reading() as s:
        assert s.get(ResellerPool, pending) is not None


def test_customers_table_and_withheld_names(db):
    w = _world(db)
    p1 = w.pool(w.rid, w.sub, 300)
    acme, bolt = w.customer("Acme Corp"), w.customer("Bolt Ltd")
    w.assign(p1, acme, 10)
    w.assign(p1, bolt, 20)
    op = w.actors["operator@first.example"]
    page = list_customers(db, op, w.rid, GridQuery(sort=(("organization_name", "asc"),)), now=w.now)
    assert [r["organization_name"] for r in page.rows] == ["Acme Corp", "Bolt Ltd"]
    bolt = list_customers(db, op, w.rid, GridQuery(search="bolt"), now=w.now)
    assert [r["organization_name"] for r in bolt.rows] == ["Bolt Ltd"]
    assert list_customers(db, op, w.rid, GridQuery(filters={"customer": (str(acme),)}), now=w.now).total == 1
    assert list_customers(db, op, w.rid, GridQuery(filters={"pool": (str(p1),)}), now=w.now).total == 2
    # Issue 19: ids no row can have (past int64; past int4, PostgreSQL's INTEGER) reached SQL.
    # They never reach it now, and a filter of such ids matches no row (it once listed every row).
    for past in ("9223372036854775808", "99999999999", "2147483648", "-1", "1e3"):
        for key in ("pool", "customer"):
            assert list_customers(db, op, w.rid, GridQuery(filters={key: (past,)}), now=w.now).total == 0
    options = customer_filter_options(db, op, w.rid)
    assert [c["label"] for c in options["customers"]] == ["Acme Corp", "Bolt Ltd"]

    set_customer_visibility(db, op, w.rid, visible=False, now=w.now)
    hidden = list_customers(db, op, w.rid, GridQuery(sort=(("organization_name", "asc"),)), now=w.now)
    assert hidden.total == 2 and {r["organization_name"] for r in hidden.rows} == {HIDDEN}
    assert {r["quantity"] for r in hidden.rows} == {"10 user seats", "20 user seats"}
    # A name search or filter would reveal names by matching, so it is not applied.
    assert list_customers(db, op, w.rid, GridQuery(search="bolt"), now=w.now).total == 2
    assert list_customers(db, op, w.rid, GridQuery(filters={"customer": (str(acme),)}), now=w.now).total == 2
    options = customer_filter_options(db, op, w.rid)
    assert options["customers"] == [] and options["visible"] is False and len(options["pools"]) == 1


def test_pools_sharing_a_subscription_name_are_told_apart(db):
    w = _world(db)
    day = (w.now - timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    first = w.pool(w.rid, w.sub, 10, created_at=w.now - timedelta(days=30))
    second = w.pool(w.rid, w.sub, 20, created_at=day)
    third = w.pool(w.rid, w.sub, 30, created_at=day + timedelta(hours=5, minutes=30))
    options = customer_filter_options(db, w.actors["analyst@first.example"], w.rid)
    early = (w.now - timedelta(days=30)).date().isoformat()
    assert {o["value"]: o["label"] for o in options["pools"]} == {
        str(first): f"M365 Backup · added {early}", str(second): f"M365 Backup · added {day:%Y-%m-%d} 09:00",
        str(third): f"M365 Backup · added {day:%Y-%m-%d} 14:30"}
    assert [o["value"] for o in options["pools"]] == [str(first), str(second), str(third)]  # by label
