"""Edit pool, expiry from dates with the lazy reclaim, and Return to pool, on hand-built worlds on
SQLite and PostgreSQL: seats move only as the rules say, a refused save writes nothing, and the grid,
the KPIs and the availability agree on what has expired."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from data.models import ResellerPool, Subscription
from services.common.errors import Conflict, DomainError
from services.common.grid_query import GridQuery
from services.directory.entries import delete_resellers
from services.metrics.dashboard import kpis
from services.pools.changes import add_pools, edit_pool, edit_pool_form
from services.pools.listing import describe_return, list_pools, return_to_pool
from tests.unit.allocation_world import (
    M365,
    _allocated,
    _audit,
    _available,
    _changes,
    _held_sum,
    _ledger,
    _pool,
    _refusal,
    _req,
    _state,
    _statuses,
    _subscription,
    _world,
)


def test_edit_with_expire_now_gives_the_seats_back(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 30)
    other = w.pool(w.rid, w.seats, 10, status="Pending acceptance")
    assert kpis(db, w.op, w.rid, now=w.now)["pools"] == 2 and _available(db, w, w.seats) == 60
    form = edit_pool_form(db, w.op, w.rid, pool, now=w.now)
    assert form.expiration == "same" and not form.expired and form.max_quantity == 90
    result = edit_pool(db, w.op, w.rid, pool, form.version, _changes(30, "now"), now=w.now)
    assert result.expired is True
    after = _pool(db, pool)
    assert after.expires_at <= w.now and not after.seats_held and after.quantity == 30 and after.version == 2
    assert _allocated(db, w.seats) == 10 and _available(db, w, w.seats) == 90
    assert _statuses(db, w) == {pool: "Expired", other: "Pending acceptance"}
    assert list_pools(db, w.op, w.rid, GridQuery(), now=w.now).detail == "1 expired"
    assert kpis(db, w.op, w.rid, now=w.now)["pools"] == 1
    assert _ledger(db, pool) == [30]  # the quantity did not change
    [event] = _audit(db, "pool.edit")
    assert event.target == f"pool:{pool}" and json.loads(event.details)["expiration"] == "now"
    reopened = edit_pool_form(db, w.op, w.rid, pool, now=w.now)
    assert reopened.expired and reopened.expiration == "now" and reopened.version == 2
    # Brought back to life: it takes its seats again, if they are free.
    edit_pool(db, w.op, w.rid, pool, 2, _changes(90), now=w.now)
    assert _allocated(db, w.seats) == 100 and _pool(db, pool).seats_held
    assert _statuses(db, w)[pool] == "Active" and kpis(db, w.op, w.rid, now=w.now)["pools"] == 2
    assert _ledger(db, pool) == [30, 60]


def test_edit_quantity_moves_seats_and_writes_ledger_and_audit(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 40, status="Pending acceptance")
    w.pool(w.rid, w.seats, 25)
    form = edit_pool_form(db, w.op, w.rid, pool, now=w.now)
    assert (form.quantity, form.min_quantity, form.max_quantity, form.version) == (40, 1, 75, 1)
    assert form.subscription["available"] == 35 and form.payment_locked == ""
    edit_pool(db, w.op, w.rid, pool, form.version, _changes(75, payment_type="Pay as you go"), now=w.now)
    after = _pool(db, pool)
    assert (after.quantity, after.payment_type, after.version, after.seats_held) == (75, "Pay as you go", 2, True)
    assert _allocated(db, w.seats) == 100 == _held_sum(db, w.seats)
    edit_pool(db, w.op, w.rid, pool, 2, _changes(5, payment_type="Pay as you go"), now=w.now)
    assert _allocated(db, w.seats) == 30 and _available(db, w, w.seats) == 70
    assert _ledger(db, pool) == [40, 35, -70] and sum(_ledger(db, pool)) == _pool(db, pool).quantity
    first, second = _audit(db, "pool.edit")
    assert json.loads(first.details)["before"] == {"payment_type": "Prepaid", "quantity": 40}
    assert json.loads(first.details)["after"] == {"payment_type": "Pay as you go", "quantity": 75}
    assert json.loads(second.details)["after"] == {"quantity": 5}
    assert first.actor_user_id == w.op.user_id


def test_edit_quantity_never_below_assigned_nor_above_supply(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 40)
    w.pool(w.rid, w.seats, 50)
    w.assign(pool, w.customer("Acme"), 12)
    form = edit_pool_form(db, w.op, w.rid, pool, now=w.now)
    assert (form.min_quantity, form.max_quantity) == (12, 50)
    before = _state(db)
    errors = _refusal(lambda: edit_pool(db, w.op, w.rid, pool, 1, _changes(11), now=w.now))
    assert errors == {"quantity": "At least 12 user seats: the reseller has assigned that many to its customers."}
    errors = _refusal(lambda: edit_pool(db, w.op, w.rid, pool, 1, _changes(51), now=w.now))
    assert errors == {"quantity": "More than available: only 50 user seats can come from M365 Backup."}
    errors = _refusal(lambda: edit_pool(db, w.op, w.rid, pool, 1, _changes("x"), now=w.now))
    assert errors == {"quantity": "Enter a whole number of user seats, 1 or more."}
    assert _state(db) == before
    edit_pool(db, w.op, w.rid, pool, 1, _changes(12), now=w.now)
    edit_pool(db, w.op, w.rid, pool, 2, _changes(50), now=w.now)
    assert _allocated(db, w.seats) == 100 and _pool(db, pool).quantity == 50


def test_payment_type_is_locked_while_customers_use_the_pool(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 40)
    acme = w.customer("Acme")
    w.assign(pool, acme, 5)
    form = edit_pool_form(db, w.op, w.rid, pool, now=w.now)
    assert form.payment_locked == "Locked: the reseller has assigned this pool to 1 customer."
    before = _state(db)
    errors = _refusal(lambda: edit_pool(db, w.op, w.rid, pool, 1, _changes(40, payment_type="Free"), now=w.now))
    assert list(errors) == ["payment_type"] and "cannot change" in errors["payment_type"]
    assert _state(db) == before
    edit_pool(db, w.op, w.rid, pool, 1, _changes(45), now=w.now)  # same payment type: other fields still editable
    assert _pool(db, pool).quantity == 45


def test_payment_type_unlocks_when_assignments_have_ended(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 40)
    w.assign(pool, w.customer("Gone"), 5, ends_at=w.now - timedelta(days=1))
    assert edit_pool_form(db, w.op, w.rid, pool, now=w.now).payment_locked == ""
    edit_pool(db, w.op, w.rid, pool, 1, _changes(40, payment_type="Free"), now=w.now)
    assert _pool(db, pool).payment_type == "Free"


def test_a_stale_version_is_a_conflict(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 40)
    mine = edit_pool_form(db, w.op, w.rid, pool, now=w.now)
    theirs = edit_pool_form(db, w.actors["admin@first.example"], w.rid, pool, now=w.now)
    edit_pool(db, w.actors["admin@first.example"], w.rid, pool, theirs.version, _changes(50), now=w.now)
    before = _state(db)
    with pytest.raises(Conflict, match="This pool changed since you opened it"):
        edit_pool(db, w.op, w.rid, pool, mine.version, _changes(60), now=w.now)
    with pytest.raises(Conflict):
        edit_pool(db, w.op, w.rid, pool, "not a version", _changes(60), now=w.now)
    assert _state(db) == before and _pool(db, pool).quantity == 50
    version = edit_pool_form(db, w.op, w.rid, pool, now=w.now).version
    edit_pool(db, w.op, w.rid, pool, version, _changes(60), now=w.now)
    assert _pool(db, pool).quantity == 60 and _pool(db, pool).version == 3


def test_edit_specify_a_time_bounds(db):
    w = _world(db)
    pool = w.pool(w.rid, w.seats, 40)
    now = w.now
    with db.reading() as s:
        last_day = s.get(Subscription, w.seats).expires_at.date()
    before = _state(db)
    for day in (now.date().isoformat(), (last_day + timedelta(days=1)).isoformat(), "31/12/2030"):
        errors = _refusal(edit_pool, db, w.op, w.rid, pool, 1, _changes(40, "date", day), now=now)
        assert list(errors) == ["expiration_date"], day
    assert _state(db) == before
    day = now.date() + timedelta(days=10)
    edit_pool(db, w.op, w.rid, pool, 1, _changes(40, "date", day.isoformat()), now=now)
    assert _pool(db, pool).expires_at == datetime.combine(day, time.min)
    form = edit_pool_form(db, w.op, w.rid, pool, now=now)
    assert (form.expiration, form.expiration_date) == ("date", day.isoformat())
    assert list_pools(db, w.op, w.rid, GridQuery(), now=w.now).rows[0]["expires_at"] == day.isoformat()
    # When that day comes the pool is Expired everywhere.
    later = datetime.combine(day, time.min)
    assert _statuses_at(db, w, later) == {pool: "Expired"}
    assert kpis(db, w.op, w.rid, now=later)["pools"] == 0
    assert _available(db, w, w.seats, now=later) == 100
    edit_pool(db, w.op, w.rid, pool, 2, _changes(40, "same"), now=now)
    assert _pool(db, pool).expires_at is None


def _statuses_at(db, w, now):
    return {r["id"]: r["status"] for r in list_pools(db, w.op, w.rid, GridQuery(), now=now).rows}


# --- Expiry from dates, and the lazy reclaim ---------------------------------------

def test_an_expired_pools_seats_are_reclaimed_by_the_next_add(db):
    w = _world(db)
    other = w.reseller(w.first, "Beta", "b@beta.example")
    past = w.pool(other, w.seats, 30, expires_at=w.now - timedelta(hours=1))  # its date passed, seats still held
    live = w.pool(other, w.seats, 60)
    assert _allocated(db, w.seats) == 90  # not yet given back
    assert _available(db, w, w.seats) == 40  # but already free to the eye
    assert _statuses(db, w, other) == {past: "Expired", live: "Active"}
    [created] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 40)], now=w.now)  # needs the expired pool's seats
    assert _allocated(db, w.seats) == 100 == _held_sum(db, w.seats)
    assert not _pool(db, past).seats_held and _pool(db, live).seats_held and _pool(db, created.id).seats_held
    assert _ledger(db, past) == [30]  # the pool keeps its quantity; only the seats went back


def test_an_expired_pools_seats_are_reclaimed_by_the_next_edit(db):
    w = _world(db)
    past = w.pool(w.rid, w.seats, 30, expires_at=w.now - timedelta(minutes=1))
    live = w.pool(w.rid, w.seats, 60)
    form = edit_pool_form(db, w.op, w.rid, live, now=w.now)
    assert form.max_quantity == 100  # the expired pool's 30 count as free
    edit_pool(db, w.op, w.rid, live, form.version, _changes(100), now=w.now)
    assert _allocated(db, w.seats) == 100 == _held_sum(db, w.seats)
    assert not _pool(db, past).seats_held and _statuses(db, w) == {past: "Expired", live: "Active"}


def test_a_subscriptions_expiry_caps_its_pools(db):
    w = _world(db)
    ending = _subscription(w, w.first, M365, purchased=50, expires_in_days=5, name="Ending")
    pool = w.pool(w.rid, ending, 20)
    after = w.now + timedelta(days=6)
    assert _statuses_at(db, w, after) == {pool: "Expired"}
    assert kpis(db, w.op, w.rid, now=after)["pools"] == 0
    # Editing it after its Subscription ended gives its seats back and cannot take any.
    result = edit_pool(db, w.op, w.rid, pool, 1, _changes(20), now=after)
    assert result.expired is True
    assert _allocated(db, ending) == 0 and not _pool(db, pool).seats_held


def test_return_to_pool_only_pending_and_gives_the_quantity_back(db):
    w = _world(db)
    [pending] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 35)], now=w.now)
    active = w.pool(w.rid, w.seats, 15)
    expired_pending = w.pool(w.rid, w.seats, 5, status="Pending acceptance", expires_at=w.now - timedelta(minutes=1))
    assert _allocated(db, w.seats) == 55
    for refused in ([active], [expired_pending], [pending.id, active]):
        with pytest.raises(DomainError, match="Only pools in Pending acceptance"):
            return_to_pool(db, w.op, w.rid, refused, now=w.now)
        with pytest.raises(DomainError, match="Only pools in Pending acceptance"):
            describe_return(db, w.op, w.rid, refused, now=w.now)
    assert _allocated(db, w.seats) == 55
    assert describe_return(db, w.op, w.rid, [pending.id], now=w.now) == [
        {"pool": f"M365 Backup · added {_pool(db, pending.id).created_at:%Y-%m-%d}",
         "quantity": "35 user seats", "one": False,
         "subscription": "M365 Backup"}]
    return_to_pool(db, w.op, w.rid, [pending.id], now=w.now)
    assert _pool(db, pending.id) is None
    assert _allocated(db, w.seats) == 20 == _held_sum(db, w.seats)
    assert _ledger(db, pending.id) == [35, -35]
    # The expired pending pool never held its seats after reclaim; returning it is refused all along.
    add_pools(db, w.op, w.rid, [_req(M365, w.seats, 1)], now=w.now)
    assert _allocated(db, w.seats) == 16 == _held_sum(db, w.seats)


def test_pool_ids_are_never_reused_after_a_return(db):
    w = _world(db)
    [first] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 10)], now=w.now)
    return_to_pool(db, w.op, w.rid, [first.id], now=w.now)
    with db.reading() as s:
        assert s.scalar(select(func.max(ResellerPool.id))) is None  # the returned pool was the highest id
    [second] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 7)], now=w.now)
    assert second.id > first.id
    assert _ledger(db, second.id) == [7]
    assert _ledger(db, first.id) == [10, -10]
    assert list_pools(db, w.op, w.rid, GridQuery(), now=w.now).total == 1


def test_pool_ids_are_never_reused_after_a_reseller_is_deleted(db):
    w = _world(db)
    [mine] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 10)], now=w.now)
    gone = w.reseller(w.first, "Gamma", "g@gamma.example")
    [theirs] = add_pools(db, w.op, gone, [_req(M365, w.seats, 20)], now=w.now)
    assert theirs.id > mine.id
    assert delete_resellers(db, w.op, [gone], "Yes", now=w.now) == ["Gamma"]
    assert _pool(db, theirs.id) is None
    assert _allocated(db, w.seats) == 10 == _held_sum(db, w.seats)
    assert _ledger(db, theirs.id) == [20, -20]
    [again] = add_pools(db, w.op, w.rid, [_req(M365, w.seats, 4)], now=w.now)
    assert again.id > theirs.id and _ledger(db, again.id) == [4]
