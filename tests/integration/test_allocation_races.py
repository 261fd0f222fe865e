"""Operators racing for the same seats, on SQLite and PostgreSQL, in threads and in separate
processes: exactly the seats there are get allocated, every other save gets a clear refusal,
and Subscription.allocated_quantity stays the sum of the pools that hold seats."""
from __future__ import annotations

import dataclasses
import multiprocessing
import queue
import threading
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from data.db import Database
from data.models import AllocationEvent, ResellerPool, Subscription
from services.access.principal import Principal
from services.common.errors import Conflict, DomainError, InvalidForm
from services.directory.entries import delete_resellers
from services.pools.changes import EditedPool, add_pools, edit_pool, edit_pool_form
from services.pools.listing import return_to_pool
from tests.factories import two_lars

M365 = "Cloud Backup for Microsoft 365"
THREADS = 16
SEATS = 100
ATTEMPTS = 120
PROCESSES = 4


def _add_one(service=M365, sub=None, quantity=1):
    return [{"service": service, "subscription_id": sub, "source": "Purchased", "payment_type": "Prepaid",
             "quantity": quantity, "expiration": "same", "expiration_date": None}]


def _in_threads(work, count=THREADS):
    """Run work(i) in `count` threads released together; returns [(i, result or DomainError)]."""
    barrier = threading.Barrier(count)
    outcomes, unexpected = [], []

    def run(i):
        barrier.wait()
        try:
            outcomes.extend(work(i))
        except BaseException as error:  # noqa: BLE001 - reported below, with the test's failure
            unexpected.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a racer hung"
    assert not unexpected, unexpected
    return outcomes


def _attempts(call, n):
    """n calls in a row; each outcome is the result or the DomainError it raised."""
    outcomes = []
    for _ in range(n):
        try:
            outcomes.append(call())
        except DomainError as refused:
            outcomes.append(refused)
    return outcomes


def _check_whole(db, sub_id, expected_allocated):
    with db.reading() as s:
        sub = s.get(Subscription, sub_id)
        held = s.scalar(select(func.coalesce(func.sum(ResellerPool.quantity), 0))
                        .where(ResellerPool.subscription_id == sub_id, ResellerPool.seats_held.is_(True)))
        assert sub.allocated_quantity == held == expected_allocated <= sub.purchased_quantity
        # The ledger of every pool adds up to its quantity.
        rows = s.execute(select(ResellerPool.id, ResellerPool.quantity,
                                select(func.sum(AllocationEvent.purchased_delta))
                                .where(AllocationEvent.reseller_pool_id == ResellerPool.id).scalar_subquery())
                         .where(ResellerPool.subscription_id == sub_id)).all()
        assert all(quantity == ledger for _id, quantity, ledger in rows)
        return len(rows)


def _sort_outcomes(outcomes, service=M365):
    made = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(made) + len(refused) == len(outcomes)
    for error in refused:
        assert isinstance(error, InvalidForm), error
        assert list(error.errors) == [service] and list(error.errors[service]) == ["quantity"]
        assert error.errors[service]["quantity"].startswith("More than available"), error.errors
    return made, refused


def _racing_world(db, resellers=THREADS, purchased=SEATS):
    w = two_lars(db)
    w.op = w.actors["operator@first.example"]
    w.sub = w.subscription(w.first, purchased=purchased)
    w.rids = [w.reseller(w.first, f"Racer {i}", f"r{i}@racer.example") for i in range(resellers)]
    return w


def test_threads_adding_pools_never_take_more_than_purchased(db):
    w = _racing_world(db)
    per_thread = ATTEMPTS // THREADS + 1  # 8 each: 128 attempts for 100 seats

    def work(i):
        return _attempts(lambda: add_pools(db, w.op, w.rids[i], _add_one(sub=w.sub), now=w.now), per_thread)

    made, refused = _sort_outcomes(_in_threads(work))
    assert len(made) == SEATS and len(refused) == THREADS * per_thread - SEATS
    assert len({o[0].id for o in made}) == SEATS  # each save made its own pool
    assert _check_whole(db, w.sub, SEATS) == SEATS


def test_threads_adding_to_one_reseller_take_turns(db):
    w = _racing_world(db, resellers=1, purchased=50)

    def work(_i):
        return _attempts(lambda: add_pools(db, w.op, w.rids[0], _add_one(sub=w.sub, quantity=3), now=w.now), 2)

    made, refused = _sort_outcomes(_in_threads(work))
    assert len(made) == 16 and len(refused) == 16  # 16 x 3 = 48 of 50 seats; 2 left cannot hold 3
    assert _check_whole(db, w.sub, 48) == 16


def _process_adder(url, actor_fields, reseller_id, sub_id, attempts, barrier, results, now):
    """One process: its own Database, adding 1-seat pools; reports (made, refusal messages)."""
    db = Database(url)
    actor = Principal(**actor_fields)
    try:
        barrier.wait(60)
        made, messages = 0, []
        for _ in range(attempts):
            try:
                add_pools(db, actor, reseller_id, _add_one(sub=sub_id), now=now)
                made += 1
            except InvalidForm as refused:
                messages.append(refused.errors[M365].get("quantity", repr(refused.errors)))
        results.put((made, messages))
    except BaseException as error:  # noqa: BLE001 - the parent fails the test with it
        results.put(error if isinstance(error, Exception) else RuntimeError(repr(error)))
    finally:
        db.dispose()


def test_processes_adding_pools_never_take_more_than_purchased(db):
    """Separate processes share nothing but the database: its locks alone keep the count."""
    w = _racing_world(db, resellers=PROCESSES)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    per_process = ATTEMPTS // PROCESSES
    actor = dataclasses.asdict(w.op)
    workers = [ctx.Process(target=_process_adder,
                           args=(db.url, actor, rid, w.sub, per_process, barrier, results, w.now))
               for rid in w.rids]
    for p in workers:
        p.start()
    try:
        reports = [results.get(timeout=90) for _ in workers]
    except queue.Empty:
        pytest.fail("a process did not report")
    finally:
        for p in workers:
            p.join(30)
            if p.is_alive():
                p.kill()
    errors = [r for r in reports if isinstance(r, Exception)]
    assert not errors, errors
    assert sum(made for made, _ in reports) == SEATS
    messages = [m for _, ms in reports for m in ms]
    assert len(messages) == ATTEMPTS - SEATS
    assert all(m.startswith("More than available") for m in messages), set(messages)
    assert _check_whole(db, w.sub, SEATS) == SEATS


def test_one_of_many_edits_from_the_same_version_wins(db):
    w = _racing_world(db, resellers=1)
    pool = w.pool(w.rids[0], w.sub, 10, status="Pending acceptance")
    version = edit_pool_form(db, w.op, w.rids[0], pool, now=w.now).version

    def work(i):
        return _attempts(lambda: edit_pool(db, w.op, w.rids[0], pool, version, {
            "payment_type": "Prepaid", "quantity": 20 + i, "expiration": "same", "expiration_date": None},
            now=w.now), 1)

    outcomes = _in_threads(work)
    won = [o for o in outcomes if isinstance(o, EditedPool)]
    lost = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 1 and len(lost) == THREADS - 1
    assert all(isinstance(e, Conflict) and "This pool changed since you opened it" in e.message for e in lost)
    with db.reading() as s:
        after = s.get(ResellerPool, pool)
        assert after.version == version + 1 and 20 <= after.quantity < 20 + THREADS
        deltas = s.scalars(select(AllocationEvent.purchased_delta)
                           .where(AllocationEvent.reseller_pool_id == pool)).all()
        assert sorted(deltas) == sorted([10, after.quantity - 10])
    _check_whole(db, w.sub, after.quantity)


def test_edits_raising_different_pools_never_over_allocate(db):
    """16 pools of 5 seats on a 100-seat Subscription, 20 free; each edit asks for 5 more."""
    w = _racing_world(db)
    pools = [w.pool(rid, w.sub, 5) for rid in w.rids]

    def work(i):
        return _attempts(lambda: edit_pool(db, w.op, w.rids[i], pools[i], 1, {
            "payment_type": "Prepaid", "quantity": 10, "expiration": "same", "expiration_date": None}, now=w.now), 1)

    outcomes = _in_threads(work)
    won = [o for o in outcomes if isinstance(o, EditedPool)]
    lost = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 4 and len(lost) == THREADS - 4
    for error in lost:
        assert isinstance(error, InvalidForm) and error.errors["quantity"].startswith("More than available"), error
    _check_whole(db, w.sub, SEATS)


def test_mixed_adds_edits_and_returns_keep_the_count(db):
    """Each thread adds, grows, shrinks, expires and returns its own pools on one shared
    Subscription, while an expired pool waits to be reclaimed by whichever write comes first."""
    w = _racing_world(db, resellers=8, purchased=60)
    stale = w.pool(w.rids[0], w.sub, 10, expires_at=w.now - timedelta(minutes=5))  # past its date, seats held

    def work(i):
        rid, outcomes = w.rids[i], []
        for step in range(6):
            try:
                [made] = add_pools(db, w.op, rid, _add_one(sub=w.sub, quantity=3), now=w.now)
                form = edit_pool_form(db, w.op, rid, made.id, now=w.now)
                grow = {"payment_type": "Prepaid", "quantity": 6 + step, "expiration": "same", "expiration_date": None}
                edit_pool(db, w.op, rid, made.id, form.version, grow, now=w.now)
                if step % 3 == 0:
                    edit_pool(db, w.op, rid, made.id, form.version + 1, {**grow, "expiration": "now"}, now=w.now)
                elif step % 3 == 1:
                    return_to_pool(db, w.op, rid, [made.id], now=w.now)
                outcomes.append("ok")
            except InvalidForm as refused:
                text = str(refused.errors)
                assert "More than available" in text, text
                outcomes.append("refused")
        return outcomes

    outcomes = _in_threads(work, count=8)
    assert "ok" in outcomes
    with db.reading() as s:
        assert not s.get(ResellerPool, stale).seats_held  # reclaimed by the first write
        sub = s.get(Subscription, w.sub)
        pools = s.execute(select(ResellerPool.quantity, ResellerPool.seats_held)
                          .where(ResellerPool.subscription_id == w.sub)).all()
    assert sub.allocated_quantity == sum(q for q, held in pools if held) <= sub.purchased_quantity
    _check_whole(db, w.sub, sub.allocated_quantity)


def test_deleting_resellers_while_returning_pools_never_deadlocks(db):
    """Delete takes its resellers' subscriptions in id order, as every other write does: with
    the first reseller's pool on the second subscription it used to lock them the other way round."""
    w = two_lars(db)
    op = w.actors["operator@first.example"]
    first, second = w.subscription(w.first, purchased=1000), w.subscription(w.first, purchased=1000)
    for round_ in range(6):
        a = w.reseller(w.first, f"A{round_}", f"a{round_}@x.example")
        b = w.reseller(w.first, f"B{round_}", f"b{round_}@x.example")
        c = w.reseller(w.first, f"C{round_}", f"c{round_}@x.example")
        w.pool(a, second, 5, status="Pending acceptance")
        w.pool(b, first, 5, status="Pending acceptance")
        returned = [w.pool(c, first, 5, status="Pending acceptance"), w.pool(c, second, 5, status="Pending acceptance")]
        calls = [partial(delete_resellers, db, op, [a, b], "Yes", now=w.now),
                 partial(return_to_pool, db, op, c, returned, now=w.now)]
        outcomes = _in_threads(lambda i, calls=calls: [calls[i]()], count=2)
        assert len(outcomes) == 2
    for sub in (first, second):
        _check_whole(db, sub, 0)
