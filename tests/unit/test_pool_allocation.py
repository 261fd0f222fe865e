"""Add pool, Edit pool, expiry and the allocation engine on hand-built worlds, on SQLite and
PostgreSQL: seats move only as the rules say, a refused save writes nothing, and the
grid, the KPIs and the availability agree on what has expired."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from data.catalog import SERVICE_UNITS
from data.models import AllocationEvent, AuditEvent, ResellerPool, Subscription
from services.common.errors import Conflict, DomainError, InvalidForm, NotFound, PermissionDenied
from services.common.grid_query import GridQuery
from services.directory.entries import delete_resellers
from services.metrics.dashboard import kpis
from services.pools.changes import add_pool_choices, add_pools, edit_pool, edit_pool_form
from services.pools.listing import describe_return, list_pools, return_to_pool
from services.subscriptions.choices import availability
from tests.factories import two_lars

M365 = "Cloud Backup for Microsoft 365"
ARCHIVE = "Cloud Archiving"


# --- helpers -----------------------------------------------------------------

def _subscription(w, lar_id, service=M365, purchased=100, expires_in_days=365, name=None):
    return w.add(Subscription(lar_id=lar_id, service=service, name=name or f"{service} plan",
                              source="Purchased", unit=SERVICE_UNITS[service], purchased_quantity=purchased,
                              allocated_quantity=0, starts_at=w.now - timedelta(days=100),
                              expires_at=w.now + timedelta(days=expires_in_days))).id


def _world(db):
    w = two_lars(db)
    w.op = w.actors["operator@first.example"]
    w.rid = w.reseller(w.first, "Alpha", "a@alpha.example")
    w.seats = _subscription(w, w.first, M365, purchased=100, name="M365 Backup")
    w.archive = _subscription(w, w.first, ARCHIVE, purchased=500, name="Archive 2026")
    return w


def _req(service, subscription_id, quantity, expiration="same", day=None, source="Purchased",
         payment_type="Prepaid"):
    return {"service": service, "subscription_id": subscription_id, "source": source,
            "payment_type": payment_type, "quantity": quantity, "expiration": expiration, "expiration_date": day}


def _changes(quantity, expiration="same", day=None, payment_type="Prepaid"):
    return {"payment_type": payment_type, "quantity": quantity, "expiration": expiration, "expiration_date": day}


def _state(db) -> dict:
    """Everything an allocation write touches, to show a refused save wrote nothing."""
    with db.reading() as s:
        return {
            "pools": s.execute(select(ResellerPool.id, ResellerPool.quantity, ResellerPool.payment_type,
                                      ResellerPool.expires_at, ResellerPool.seats_held, ResellerPool.version)
                               .order_by(ResellerPool.id)).all(),
            "subscriptions": s.execute(select(Subscription.id, Subscription.allocated_quantity)
                                       .order_by(Subscription.id)).all(),
            "ledger": s.scalar(select(func.count()).select_from(AllocationEvent)),
            "audit": s.scalar(select(func.count()).select_from(AuditEvent)),
        }


def _allocated(db, sub_id) -> int:
    with db.reading() as s:
        return s.get(Subscription, sub_id).allocated_quantity


def _held_sum(db, sub_id) -> int:
    with db.reading() as s:
        return s.scalar(select(func.coalesce(func.sum(ResellerPool.quantity), 0))
                        .where(ResellerPool.subscription_id == sub_id, ResellerPool.seats_held.is_(True)))


def _available(db, w, sub_id, now=None) -> int:
    with db.reading() as s:
        [row] = availability(s, w.first, now or w.now, ids=[sub_id], unexpired_only=False)
        return row["available"]


def _pool(db, pool_id) -> ResellerPool | None:
    with db.reading() as s:
        return s.get(ResellerPool, pool_id)


def _ledger(db, pool_id) -> list[int]:
    with db.reading() as s:
        return s.scalars(select(AllocationEvent.purchased_delta).where(AllocationEvent.reseller_pool_id == pool_id)
                         .order_by(AllocationEvent.id)).all()


def _audit(db, action) -> list[AuditEvent]:
    with db.reading() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _statuses(db, w, rid=None) -> dict[int, str]:
    page = list_pools(db, w.op, rid or w.rid, GridQuery(), now=w.now)
    return {r["id"]: r["status"] for r in page.rows}


def _refusal(call, *args, **kwargs) -> dict:
    with pytest.raises(InvalidForm) as refused:
        call(*args, **kwargs)
    return refused.value.errors


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
