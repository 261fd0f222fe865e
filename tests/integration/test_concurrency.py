"""Operators racing each other on the same rows, on SQLite and PostgreSQL: one wins, the
other gets a clear refusal, and the data stays whole."""
from __future__ import annotations

import threading
from functools import partial

from sqlalchemy import func, select

from data.models import DirectoryEntry, ResellerPool, Subscription
from services.common.errors import DomainError
from services.directory.mapping import map_reseller
from services.pools.listing import return_to_pool
from tests.factories import two_lars

RACERS = 6


def _race(calls):
    """Start every call at once; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        barrier.wait()
        try:
            results.append(call())
        except DomainError as refused:
            errors.append(refused)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_one_tenant_is_mapped_once_under_concurrent_operators(db):
    w = two_lars(db)
    tenant = w.reseller_tenant("Wanted", "owner@wanted.example")
    entries = [w.reseller(w.first, f"U{i}", f"u{i}@wanted.example", status="Unmapped") for i in range(RACERS)]
    op = w.actors["operator@first.example"]
    results, errors = _race([lambda rid=rid: map_reseller(db, op, rid, tenant, "owner@wanted.example", "https://c.test",
                                                          now=w.now) for rid in entries])
    assert len(results) == 1 and len(errors) == RACERS - 1
    assert all("mapped" in e.message for e in errors)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(DirectoryEntry).where(DirectoryEntry.tenant_id == tenant)) == 1


def test_a_pool_is_returned_once_under_concurrent_operators(db):
    w = two_lars(db)
    rid = w.reseller(w.first, "Alpha", "a@alpha.example")
    sub = w.subscription(w.first, purchased=500)
    pool = w.pool(rid, sub, 120, status="Pending acceptance")
    w.pool(rid, sub, 30)
    op = w.actors["operator@first.example"]
    results, errors = _race([lambda: return_to_pool(db, op, rid, [pool], now=w.now) for _ in range(RACERS)])
    assert len(results) == 1 and len(errors) == RACERS - 1
    with db.reading() as s:
        assert s.get(Subscription, sub).allocated_quantity == 30
        assert s.get(ResellerPool, pool) is None


def test_parallel_wrong_passwords_all_count_and_lock_the_email(db, monkeypatch):
    from services.common.errors import SignInFailed
    from services.identity import sign_in
    from services.identity.sign_in import authenticate
    monkeypatch.setattr(sign_in, "_turns", sign_in.CheckTurns(12))  # as with many processes
    w = two_lars(db)
    for email in ("operator@first.example", "brand-new@first.example"):  # a known and an unknown email
        results, errors = _race([partial(authenticate, db, email, "wrong", now=w.now) for _ in range(12)])
        assert not results and len(errors) == 12 and all(isinstance(e, SignInFailed) for e in errors)
        # Every attempt was counted (no lost update, no duplicate-key error): the email is locked.
        try:
            authenticate(db, email, "s3cret-pass", now=w.now)
        except SignInFailed as refused:
            assert "Too many" in refused.message
        else:
            raise AssertionError(f"{email} was not locked after 12 parallel failures")
