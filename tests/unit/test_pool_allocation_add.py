"""Add pool on hand-built worlds, on SQLite and PostgreSQL: seats are taken only as the rules say,
a refused save writes nothing, and the grid, the KPIs and the availability agree on what has expired."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest

from data.models import Subscription
from services.common.errors import DomainError, NotFound, PermissionDenied
from services.common.grid_query import GridQuery
from services.metrics.dashboard import kpis
from services.pools.changes import add_pool_choices, add_pools, edit_pool, edit_pool_form
from services.pools.listing import list_pools, return_to_pool
from tests.unit.allocation_world import (
    ARCHIVE,
    M365,
    _allocated,
    _audit,
    _available,
    _changes,
    _ledger,
    _pool,
    _refusal,
    _req,
    _state,
    _statuses,
    _subscription,
    _world,
)

# --- Add pool ------------------------------------------------------------------

def test_add_two_services_at_once(db):
    w = _world(db)
    created = add_pools(db, w.op, w.rid,
                        [_req(M365, w.seats, 30), _req(ARCHIVE, w.archive, "120", payment_type="Free")], now=w.now)
    assert [(c.service, c.quantity) for c in created] == [(M365, "30 user seats"), (ARCHIVE, "120 GB")]
    seats_pool, archive_pool = (c.id for c in created)
    for pool_id, sub, quantity, payment in ((seats_pool, w.seats, 30, "Prepaid"),
                                            (archive_pool, w.archive, 120, "Free")):
        pool = _pool(db, pool_id)
        assert (pool.reseller_id, pool.subscription_id, pool.quantity, pool.status, pool.payment_type) == \
            (w.rid, sub, quantity, "Pending acceptance", payment)
        assert pool.expires_at is None and pool.seats_held and pool.version == 1 and pool.assigned_quantity == 0
        assert _allocated(db, sub) == quantity
        assert _ledger(db, pool_id) == [quantity]
    assert _available(db, w, w.seats) == 70 and _available(db, w, w.archive) == 380
    audit = _audit(db, "pool.add")
    assert [a.target for a in audit] == [f"pool:{seats_pool}", f"pool:{archive_pool}"]
    assert all(a.actor_user_id == w.op.user_id and a.lar_id == w.first for a in audit)
    assert json.loads(audit[1].details)["quantity"] == 120
    assert _statuses(db, w) == {seats_pool: "Pending acceptance", archive_pool: "Pending acceptance"}
    assert kpis(db, w.op, w.rid, now=w.now)["pending"] == {"user seats": 30, "capacity": 120}


def test_add_is_all_or_nothing_when_one_service_is_invalid(db):
    w = _world(db)
    before = _state(db)
    errors = _refusal(add_pools, db, w.op, w.rid, [_req(M365, w.seats, 30), _req(ARCHIVE, w.archive, 501)], now=w.now)
    assert list(errors) == [ARCHIVE] and list(errors[ARCHIVE]) == ["quantity"]
    assert errors[ARCHIVE]["quantity"].startswith("More than available")
    assert "500" in errors[ARCHIVE]["quantity"] and "Archive 2026" in errors[ARCHIVE]["quantity"]
    assert _state(db) == before
    # Both services wrong: an error for each, still nothing written.
    errors = _refusal(add_pools, db, w.op, w.rid,
                      [_req(M365, w.seats, 0), _req(ARCHIVE, w.archive, 5, expiration="date", day="nope")], now=w.now)
    assert errors == {M365: {"quantity": "Enter a whole number of user seats, 1 or more."},
                      ARCHIVE: {"expiration_date": "Choose a date."}}
    assert _state(db) == before


# "\uff15": a fullwidth 5.
@pytest.mark.parametrize("quantity", [0, -3, "0", "-1", "2.5", 2.5, "abc", "", None, True, "1e3", [5], "\uff15"])
def test_add_refuses_a_quantity_that_is_not_a_positive_whole_number(db, quantity):
    w = _world(db)
    before = _state(db)
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, w.seats, quantity)], now=w.now))
    assert errors == {M365: {"quantity": "Enter a whole number of user seats, 1 or more."}}
    assert _state(db) == before


@pytest.mark.parametrize("quantity", [2_000_000_001, "9" * 30, 10**40])
def test_add_refuses_a_quantity_no_subscription_holds(db, quantity):
    w = _world(db)
    before = _state(db)
    for expiration in ("same", "now"):  # an INTEGER column holds none of these, held or not
        errors = _refusal(add_pools, db, w.op, w.rid, [_req(M365, w.seats, quantity, expiration)], now=w.now)
        assert errors == {M365: {"quantity": "More than available: no subscription holds that many."}}
    assert _state(db) == before


@pytest.mark.parametrize("quantity, stored", [("7", 7), (" 7 ", 7), (7.0, 7), ("100", 100)])
def test_add_reads_whole_numbers_as_the_browser_sends_them(db, quantity, stored):
    w = _world(db)
    [created] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, quantity)], now=w.now)
    assert _pool(db, created.id).quantity == stored and _allocated(db, w.seats) == stored


def test_add_refuses_more_than_available_and_takes_exactly_all(db):
    w = _world(db)
    other = w.reseller(w.first, "Beta", "b@beta.example")
    w.pool(other, w.seats, 60)
    before = _state(db)
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, w.seats, 41)], now=w.now))
    assert errors == {M365: {"quantity": "More than available: only 40 user seats can come from M365 Backup."}}
    assert _state(db) == before
    [created] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 40)], now=w.now)  # exactly what is free
    assert _allocated(db, w.seats) == 100 and _available(db, w, w.seats) == 0
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, w.seats, 1)], now=w.now))
    assert errors[M365]["quantity"].startswith("More than available: only 0 user seats")
    assert _ledger(db, created.id) == [40]


def test_add_refuses_a_subscription_that_expired_meanwhile(db):
    w = _world(db)
    ending = _subscription(w, w.first, M365, purchased=50, expires_in_days=1, name="Ending soon")
    choices = add_pool_choices(db, w.op, w.rid, now=w.now)
    [m365] = [s for s in choices["services"] if s["name"] == M365]
    assert ending in [sub["id"] for sub in m365["subscriptions"]]  # offered while the panel was open
    later = w.now + timedelta(days=2)
    before = _state(db)
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, ending, 5)], now=later))
    ended = (w.now + timedelta(days=1)).date().isoformat()
    assert errors[M365]["subscription"] == f"Ending soon expired on {ended}: choose another."
    assert _state(db) == before
    already = _subscription(w, w.first, M365, purchased=50, expires_in_days=-1, name="Gone")
    assert already not in [sub["id"] for s in add_pool_choices(db, w.op, w.rid, now=w.now)["services"]
                           for sub in s["subscriptions"]]
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, already, 5)], now=w.now))
    assert "expired on" in errors[M365]["subscription"]
    assert _allocated(db, already) == 0


def test_add_specify_a_time_bounds(db):
    w = _world(db)
    now = w.now
    with db.reading() as s:
        last_day = s.get(Subscription, w.seats).expires_at.date()
    tomorrow = now.date() + timedelta(days=1)
    for day, message in ((now.date().isoformat(), "Choose a date after today, or Expire now."),
                         ((now.date() - timedelta(days=3)).isoformat(), "Choose a date after today, or Expire now."),
                         ((last_day + timedelta(days=1)).isoformat(),
                          f"Choose a date no later than the subscription's expiration, {last_day.isoformat()}."),
                         ("2026-02-30", "Choose a date."), (None, "Choose a date.")):
        before = _state(db)
        errors = _refusal(add_pools, db, w.op, w.rid, [_req(M365, w.seats, 5, "date", day)], now=now)
        assert errors == {M365: {"expiration_date": message}}, day
        assert _state(db) == before
    first, last = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 5, "date", tomorrow.isoformat()),
                                              _req(ARCHIVE, w.archive, 5, "date", last_day.isoformat())], now=now)
    assert _pool(db, first.id).expires_at == datetime.combine(tomorrow, time.min)  # midnight UTC
    assert _pool(db, last.id).expires_at == datetime.combine(last_day, time.min)
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, w.seats, 5, "sometime")], now=w.now))
    assert errors == {M365: {"expiration": "Choose when this pool expires."}}


def test_add_refuses_bad_choices(db):
    w = _world(db)
    before = _state(db)
    errors = _refusal(add_pools, db, w.op, w.rid, [_req(M365, w.seats, 5, source="Stolen", payment_type="IOU")],
                      now=w.now)
    assert errors == {M365: {"source": "Choose a source.", "payment_type": "Choose a payment type."}}
    # Another service's subscription:
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, w.archive, 5)], now=w.now))
    assert errors == {M365: {"subscription": "Choose a pool."}}
    with pytest.raises(DomainError, match="Choose each service once"):
        add_pools(db, w.op, w.rid, [_req(M365, w.seats, 5), _req(M365, w.seats, 5)], now=w.now)
    with pytest.raises(DomainError, match="Choose each service once"):
        add_pools(db, w.op, w.rid, [_req("Not a service", w.seats, 5)], now=w.now)
    with pytest.raises(DomainError, match="Choose at least one service"):
        add_pools(db, w.op, w.rid, [], now=w.now)
    assert _state(db) == before


@pytest.mark.parametrize("status", ["Invited", "Unmapped"])
def test_add_only_to_mapped_resellers(db, status):
    w = _world(db)
    rid = w.reseller(w.first, "Not Yet", "n@not-yet.example", status=status)
    before = _state(db)
    with pytest.raises(DomainError, match="Only mapped resellers can receive pools") as refused:
        add_pools(db, w.op, rid, [_req(M365, w.seats, 5)], now=w.now)
    assert f"Not Yet is {status}" in refused.value.message
    with pytest.raises(DomainError, match="Only mapped resellers can receive pools"):
        add_pool_choices(db, w.op, rid, now=w.now)
    assert _state(db) == before


def test_analyst_cannot_add_or_edit(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 10, status="Pending acceptance")
    analyst = w.actors["analyst@first.example"]
    before = _state(db)
    with pytest.raises(PermissionDenied):
        add_pools(db, analyst, w.rid, [_req(M365, w.seats, 5)], now=w.now)
    with pytest.raises(PermissionDenied):
        add_pool_choices(db, analyst, w.rid, now=w.now)
    with pytest.raises(PermissionDenied):
        edit_pool_form(db, analyst, w.rid, pool, now=w.now)
    with pytest.raises(PermissionDenied):
        edit_pool(db, analyst, w.rid, pool, 1, _changes(20), now=w.now)
    assert _state(db) == before
    assert add_pools(db, w.actors["admin@first.example"], w.rid, [_req(M365, w.seats, 5)], now=w.now)  # admins may


def test_another_lars_reseller_or_subscription_is_refused(db):
    w = _world(db)
    theirs = w.reseller(w.second, "Theirs", "t@theirs.example")
    their_sub = _subscription(w, w.second, M365, purchased=100)
    their_pool = w.pool(theirs, their_sub, 10, status="Pending acceptance")
    before = _state(db)
    with pytest.raises(NotFound):
        add_pools(db, w.op, theirs, [_req(M365, w.seats, 5)], now=w.now)
    with pytest.raises(NotFound):
        add_pool_choices(db, w.op, theirs, now=w.now)
    errors = _refusal(lambda: add_pools(db, w.op, w.rid, [_req(M365, their_sub, 5)], now=w.now))
    assert errors == {M365: {"subscription": "Choose a pool."}}
    with pytest.raises(NotFound):
        edit_pool_form(db, w.op, theirs, their_pool, now=w.now)
    with pytest.raises(NotFound):
        edit_pool(db, w.op, theirs, their_pool, 1, _changes(20), now=w.now)
    with pytest.raises(NotFound):
        edit_pool(db, w.op, w.rid, their_pool, 1, _changes(20), now=w.now)  # not a pool of this reseller
    assert _state(db) == before
    assert their_sub not in [sub["id"] for s in add_pool_choices(db, w.op, w.rid, now=w.now)["services"]
                             for sub in s["subscriptions"]]


def test_ids_beyond_the_id_columns_name_nothing(db):
    """An id no INTEGER column can hold is a refusal, on PostgreSQL too, not a database error."""
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 10, status="Pending acceptance")
    before = _state(db)
    for huge in (2**31, 2**40, str(2**63), "9" * 40):
        errors = _refusal(add_pools, db, w.op, w.rid, [_req(M365, huge, 5)], now=w.now)
        assert errors == {M365: {"subscription": "Choose a pool."}}
        with pytest.raises(NotFound):
            edit_pool_form(db, w.op, w.rid, huge, now=w.now)
        with pytest.raises(NotFound):
            edit_pool(db, w.op, w.rid, huge, 1, _changes(20), now=w.now)
    assert _state(db) == before
    edit_pool(db, w.op, w.rid, pool, 1, _changes(20), now=w.now)  # the largest ids still work as they are
    assert _pool(db, pool).quantity == 20


def test_add_with_expire_now_holds_no_seats_and_shows_expired(db):
    w = _world(db)
    live = w.pool(w.rid, w.seats, 20, status="Pending acceptance")
    assert kpis(db, w.op, w.rid, now=w.now)["pools"] == 1
    # Expire now is not checked against what is free: the pool holds nothing.
    [gone] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 500, expiration="now")], now=w.now)
    pool = _pool(db, gone.id)
    assert pool.expires_at is not None and pool.expires_at <= w.now and not pool.seats_held
    assert _allocated(db, w.seats) == 20 and _available(db, w, w.seats) == 80
    assert _statuses(db, w) == {live: "Pending acceptance", gone.id: "Expired"}
    page = list_pools(db, w.op, w.rid, GridQuery(), now=w.now)
    assert page.total == 2 and page.detail == "1 expired"
    assert kpis(db, w.op, w.rid, now=w.now)["pools"] == 1
    assert kpis(db, w.op, w.rid, now=w.now)["total"] == {"user seats": 20}
    assert _ledger(db, gone.id) == [500]
    with pytest.raises(DomainError, match="Only pools in Pending acceptance"):
        return_to_pool(db, w.op, w.rid, [gone.id], now=w.now)
