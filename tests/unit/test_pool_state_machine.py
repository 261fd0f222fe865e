"""The allocation engine under random sequences of Add pool, Edit pool, Return to pool,
customer assignments, acceptance, passing dates and reseller deletion, on SQLite and
PostgreSQL. Each step's outcome is predicted from what the database showed before it, and
after every step the seat counts, the ledger and the pool ids are checked whole."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import ClassVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test
from sqlalchemy import select, update

from data.catalog import PAYMENT_TYPES
from data.models import ResellerPool, Subscription
from services.common.errors import Conflict, DomainError, InvalidForm, ResellersInUse
from services.directory.entries import delete_resellers
from services.pools.changes import MAPPED_ONLY, add_pools, edit_pool, edit_pool_form
from services.pools.listing import return_to_pool
from services.pools.state import pool_expires
from tests.factories import two_lars
from tests.unit.allocation_machine_world import ARCHIVE, M365, AllocationWorld

EXPIRATIONS = st.sampled_from(["same", "same", "now", "date", "date-bad"])
PAYMENTS = st.sampled_from(PAYMENT_TYPES)
PICK = st.integers(min_value=0, max_value=1_000)


class AllocationMachine(AllocationWorld):
    # What the steps did, over the whole run: the test asserts each kind happened.
    seen: ClassVar[Counter[str]] = Counter()

    def _saw(self, what):
        AllocationMachine.seen[what] += 1

    # --- the rules ------------------------------------------------------------------------

    @rule(status=st.sampled_from(["Mapped", "Mapped", "Mapped", "Invited", "Unmapped"]))
    def new_reseller(self, status):
        self.made += 1
        self.world.reseller(self.world.first, f"R{self.made}", f"r{self.made}@r.example", status=status)

    @rule(who=PICK, wants=st.lists(st.tuples(st.booleans(), PICK, st.integers(-1, 30), EXPIRATIONS, PICK,
                                             st.sampled_from(["Purchased", "Trial"])),
                                   min_size=1, max_size=2, unique_by=lambda t: t[0]))
    def add(self, who, wants):
        rows = self._resellers()
        if not rows:
            return
        rid, status = self._pick(rows, who)
        now = self.world.now
        free = self._free(now)
        with self.db.reading() as s:
            subs = {sub.id: sub for sub in s.scalars(select(Subscription)).all()}
        requests, expect_ok = [], True
        for archive, which, quantity, expiration, offset, source in wants:
            service = ARCHIVE if archive else M365
            choices = [i for i in self.subs if subs[i].service == service]
            sub = subs[self._pick(choices, which)]
            day = None
            if expiration.startswith("date"):
                day, allowed = self._day(now, offset, expiration == "date-bad", sub.expires_at)
                expect_ok &= allowed
                expiration = "date"
            expect_ok &= (quantity >= 1 and sub.expires_at > now
                          and (expiration == "now" or quantity <= free[sub.id]))  # Expire now holds no seats
            requests.append({"service": service, "subscription_id": sub.id, "source": source,
                             "payment_type": "Prepaid", "quantity": quantity, "expiration": expiration,
                             "expiration_date": day})
        before = self._pools()
        try:
            created = add_pools(self.db, self.op, rid, requests, now=now)
        except InvalidForm as refused:
            assert status == "Mapped" and not expect_ok, (requests, refused.errors, free)
            assert set(refused.errors) <= {r["service"] for r in requests}
            assert set(self._pools()) == set(before), "a refused Add pool wrote pools"
            self._saw("add refused")
            return
        except DomainError as refused:
            assert status != "Mapped" and MAPPED_ONLY in refused.message
            assert set(self._pools()) == set(before)
            self._saw("add to an unmapped reseller refused")
            return
        assert status == "Mapped" and expect_ok, (requests, free)
        self._saw("add")
        after = self._pools()
        assert len(created) == len(requests) and set(after) == set(before) | {c.id for c in created}
        for made, request in zip(created, requests, strict=True):
            pool, _sub_expires, live = after[made.id]
            assert made.id not in self.ids_seen and made.id > self.highest, "a pool id came back"
            self.ids_seen.add(made.id)
            self.highest = max(self.highest, made.id)
            assert (pool.reseller_id, pool.subscription_id, pool.quantity, pool.status) == \
                (rid, request["subscription_id"], request["quantity"], "Pending acceptance")
            assert live == (request["expiration"] != "now") == pool.seats_held

    @rule(who=PICK, wants=st.lists(st.tuples(st.booleans(), PICK, st.integers(1, 12), st.just("same"), PICK,
                                             st.just("Purchased")), min_size=1, max_size=2, unique_by=lambda t: t[0]))
    def add_plainly(self, who, wants):
        self.add(who, wants)

    @rule(which=PICK, quantity=st.integers(-1, 40), expiration=EXPIRATIONS, offset=PICK, payment=PAYMENTS,
          stale=st.sampled_from([False, False, False, True]))
    def edit(self, which, quantity, expiration, offset, payment, stale):
        pools = self._pools()
        if not pools:
            return
        pool, sub_expires, live = pools[self._pick(sorted(pools), which)]
        now = self.world.now
        form = edit_pool_form(self.db, self.op, pool.reseller_id, pool.id, now=now)
        assert form.version == pool.version and form.expired == (not live)
        day, allowed = None, True
        if expiration.startswith("date"):
            day, allowed = self._day(now, offset, expiration == "date-bad", sub_expires)
            expiration = "date"
        own = (datetime.combine(datetime.fromisoformat(day).date(), time.min) if day
               else now if expiration == "now" else None)  # the pool's own expires_at after the save
        live_after = pool_expires(own, sub_expires) > now
        expect_ok = (allowed and quantity >= max(1, pool.assigned_quantity)
                     and (not live_after or quantity <= form.max_quantity)
                     and (payment == pool.payment_type or not self._assigned_customers(pool.id, now)))
        version = form.version - 1 if stale else form.version
        changes = {"payment_type": payment, "quantity": quantity, "expiration": expiration, "expiration_date": day}
        try:
            result = edit_pool(self.db, self.op, pool.reseller_id, pool.id, version, changes, now=now)
        except Conflict:
            assert stale
            assert self._pools()[pool.id][0].version == pool.version
            self._saw("edit conflict")
            return
        except InvalidForm as refused:
            assert not stale and not expect_ok, (changes, refused.errors, form)
            assert self._pools()[pool.id][0].version == pool.version
            self._saw("edit refused")
            return
        assert not stale and expect_ok, (changes, form)
        self._saw("edit expired" if not live_after else "edit")
        after, _, live = self._pools()[pool.id]
        assert result.expired == (not live_after) == (not live) == (not after.seats_held)
        assert (after.quantity, after.payment_type, after.version) == (quantity, payment, pool.version + 1)

    @rule(who=PICK, picks=st.lists(PICK, min_size=1, max_size=3))
    def give_back(self, who, picks):
        rows = self._resellers()
        if not rows:
            return
        rid, _status = self._pick(rows, who)
        now = self.world.now
        pools = {pid: v for pid, v in self._pools(now).items() if v[0].reseller_id == rid}
        if not pools:
            return
        chosen = sorted({self._pick(sorted(pools), p) for p in picks})
        returnable = all(pools[pid][2] and pools[pid][0].status == "Pending acceptance" for pid in chosen)
        try:
            return_to_pool(self.db, self.op, rid, chosen, now=now)
        except DomainError as refused:
            assert not returnable and "Only pools in Pending acceptance" in refused.message
            assert set(chosen) <= set(self._pools())
            self._saw("return refused")
            return
        assert returnable
        self._saw("return")
        assert not set(chosen) & set(self._pools())

    @rule(which=PICK)
    def reseller_accepts(self, which):
        """The reseller accepts a pending pool (a write of the reseller's console, not this app's)."""
        pending = sorted(pid for pid, (p, _e, live) in self._pools().items()
                         if live and p.status == "Pending acceptance")
        if pending:
            with self.db.unit_of_work() as s:
                s.execute(update(ResellerPool).where(ResellerPool.id == (which if which in pending else
                                                                         self._pick(pending, which)))
                          .values(status="Active", accepted_at=self.world.now))
            self._saw("accept")

    @rule(which=PICK, quantity=st.integers(1, 8), ended=st.booleans())
    def reseller_assigns_a_customer(self, which, quantity, ended):
        """The reseller assigns seats of a live pool to a new customer, accepting the pool first."""
        room = [p for p, _e, live in self._pools().values() if live and p.assigned_quantity + quantity <= p.quantity]
        if room:
            pool = self._pick(room, which)
            if pool.status != "Active":
                self.reseller_accepts(pool.id)
            self.made += 1
            ends_at = self.world.now - timedelta(hours=1) if ended else None
            self.world.assign(pool.id, self.world.customer(f"Customer {self.made}"), quantity, ends_at=ends_at)
            self._saw("assign")

    @precondition(lambda self: sum(live for _p, _e, live in self._pools().values()) >= 3)
    @rule(which=PICK)
    def a_pools_date_passes(self, which):
        """Time moves on for one pool: its own date is now behind us (its seats stay held until
        the next write on its Subscription reclaims them)."""
        pools = [pid for pid, (_p, _e, live) in self._pools().items() if live]
        if pools:
            with self.db.unit_of_work() as s:
                s.execute(update(ResellerPool).where(ResellerPool.id == self._pick(pools, which))
                          .values(expires_at=self.world.now - timedelta(seconds=1)))
                self._clock_passed_the_date(s)
            self._saw("date passes")

    @precondition(lambda self: not self.ended)
    @rule(which=PICK)
    def a_subscription_ends(self, which):
        """Time moves on for one Subscription (once an example): it and every pool of it expire."""
        self.ended = self._pick(self.subs, which)
        with self.db.unit_of_work() as s:
            s.execute(update(Subscription).where(Subscription.id == self.ended)
                      .values(expires_at=self.world.now - timedelta(seconds=1)))
            self._clock_passed_the_date(s)
        self._saw("subscription ends")

    @precondition(lambda self: len(self._resellers()) >= 3)
    @rule(picks=st.lists(PICK, min_size=1, max_size=2))
    def delete(self, picks):
        rows = self._resellers()
        chosen = sorted({self._pick(rows, p)[0] for p in picks})
        pools = self._pools()
        blocked = {p.reseller_id for p, _e, live in pools.values() if live and p.status == "Active"}
        try:
            deleted = delete_resellers(self.db, self.op, chosen, "Yes", delete_the_rest=True, now=self.world.now)
        except ResellersInUse:
            assert set(chosen) <= blocked
            assert {rid for rid, _ in self._resellers()} >= set(chosen)
            self._saw("delete refused")
            return
        assert not set(chosen) <= blocked and len(deleted) == len(set(chosen) - blocked)
        left = {rid for rid, _ in self._resellers()}
        assert left & set(chosen) == set(chosen) & blocked
        gone = {pid for pid, (p, _e, _l) in pools.items() if p.reseller_id in set(chosen) - blocked}
        assert not gone & set(self._pools())
        self._saw("delete with pools" if gone else "delete")


def test_allocation_state_machine(db):
    AllocationMachine.db, AllocationMachine.world = db, two_lars(db)
    AllocationMachine.seen = Counter()
    try:
        run_state_machine_as_test(AllocationMachine, settings=settings(
            max_examples=25 if db.is_sqlite else 10, stateful_step_count=15, deadline=None,
            derandomize=True))  # the same examples every run: the coverage check below cannot flake
        seen = AllocationMachine.seen
        # The run did something of each kind (a machine whose steps all no-op proves nothing).
        assert seen["add"] and seen["add refused"] and seen["edit"] + seen["edit expired"], seen
        assert seen["edit refused"] + seen["edit conflict"] and seen["return"] + seen["return refused"], seen
        assert seen["delete"] + seen["delete with pools"] and seen["assign"], seen
    finally:
        AllocationMachine.db = AllocationMachine.world = None
