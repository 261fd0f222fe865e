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
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, func, select, update

from data.catalog import PAYMENT_TYPES, SERVICE_UNITS
from data.models import (
    AllocationEvent,
    AuditEvent,
    CustomerAssignment,
    DirectoryEntry,
    ResellerFigures,
    ResellerPool,
    Subscription,
    Tenant,
)
from services.common.errors import Conflict, DomainError, InvalidForm, ResellersInUse
from services.common.grid_query import GridQuery
from services.directory.entries import delete_resellers
from services.metrics.dashboard import kpis
from services.metrics.entry_figures import live_figures, refresh_stale
from services.pools.changes import MAPPED_ONLY, add_pools, edit_pool, edit_pool_form
from services.pools.listing import list_pools, return_to_pool
from services.pools.state import pool_expires
from services.subscriptions.choices import availability
from tests.factories import two_lars

M365, ARCHIVE = "Cloud Backup for Microsoft 365", "Cloud Archiving"
# (service, purchased, days to expiry): two Subscriptions share a service, so a request picks one.
SUBSCRIPTIONS = ((M365, 40, 200), (M365, 25, 60), (ARCHIVE, 30, 300))
EXPIRATIONS = st.sampled_from(["same", "same", "now", "date", "date-bad"])
PAYMENTS = st.sampled_from(PAYMENT_TYPES)
PICK = st.integers(min_value=0, max_value=1_000)


def _ledger_sums(session) -> dict[int, int]:
    return dict(session.execute(select(AllocationEvent.reseller_pool_id, func.sum(AllocationEvent.purchased_delta))
                                .group_by(AllocationEvent.reseller_pool_id)).all())


class AllocationMachine(RuleBasedStateMachine):
    db = None
    world = None
    # What the steps did, over the whole run: the test asserts each kind happened.
    seen: ClassVar[Counter[str]] = Counter()

    def _saw(self, what):
        AllocationMachine.seen[what] += 1

    # --- setting up one example ------------------------------------------------------

    @initialize()
    def fresh_directory(self):
        db, w = self.db, self.world
        with db.unit_of_work() as s:  # everything but the LARs and their users
            for model in (CustomerAssignment, AllocationEvent, AuditEvent, ResellerPool, DirectoryEntry, Subscription):
                s.execute(delete(model))
            s.execute(delete(Tenant).where(Tenant.kind != "large_account_reseller"))
        self.op = w.actors["operator@first.example"]
        now = self.world.now
        self.subs = [w.add(Subscription(lar_id=w.first, service=service, name=f"Plan {i}", source="Purchased",
                                        unit=SERVICE_UNITS[service], purchased_quantity=purchased,
                                        allocated_quantity=0, starts_at=now - timedelta(days=30),
                                        expires_at=now + timedelta(days=days))).id
                     for i, (service, purchased, days) in enumerate(SUBSCRIPTIONS)]
        self.made = 3
        self.ids_seen: set[int] = set()
        self.highest = 0
        self.ended = None
        for i in range(3):  # each with a pool to start from
            rid = w.reseller(w.first, f"R{i}", f"r{i}@r.example")
            [made] = add_pools(db, self.op, rid, [{"service": M365, "subscription_id": self.subs[0], "quantity": 5,
                                                  "source": "Purchased", "payment_type": "Prepaid",
                                                  "expiration": "same", "expiration_date": None}], now=now)
            assert made.id > self.highest
            self.ids_seen.add(made.id)
            self.highest = made.id

    # --- reading the world -------------------------------------------------------------

    def _pools(self, now=None):
        """{id: (pool, subscription expires_at, live)} of every pool in the directory."""
        now = now or self.world.now
        with self.db.reading() as s:
            rows = s.execute(select(ResellerPool, Subscription.expires_at)
                             .join(Subscription, Subscription.id == ResellerPool.subscription_id)
                             .order_by(ResellerPool.id)).all()
        return {p.id: (p, sub_expires, pool_expires(p.expires_at, sub_expires) > now) for p, sub_expires in rows}

    def _free(self, now) -> dict[int, int]:
        """What availability() offers per Subscription (purchased less live pools)."""
        with self.db.reading() as s:
            return {r["id"]: r["available"] for r in availability(s, self.world.first, now, unexpired_only=False)}

    def _pick(self, items, index):
        return items[index % len(items)] if items else None

    def _resellers(self):
        with self.db.reading() as s:
            return s.execute(select(DirectoryEntry.id, DirectoryEntry.status).order_by(DirectoryEntry.id)).all()

    def _assigned_customers(self, pool_id, now) -> int:
        with self.db.reading() as s:
            return s.scalar(select(func.count()).select_from(CustomerAssignment)
                            .where(CustomerAssignment.reseller_pool_id == pool_id,
                                   CustomerAssignment.ends_at.is_(None) | (CustomerAssignment.ends_at > now)))

    @staticmethod
    def _day(now: datetime, offset: int, bad: bool, sub_expires: datetime) -> tuple[str, bool]:
        """An expiration date: (value, whether it is allowed)."""
        if bad:  # today, or past the Subscription's last day
            day = now.date() if offset % 2 else sub_expires.date() + timedelta(days=1 + offset % 5)
            return day.isoformat(), False
        day = now.date() + timedelta(days=1 + offset % 400)
        return day.isoformat(), day <= sub_expires.date()

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

    # --- what must hold after every step --------------------------------------------------

    @invariant()
    def seats_add_up(self):
        now = self.world.now
        pools = self._pools(now)
        with self.db.reading() as s:
            subs = s.scalars(select(Subscription)).all()
            ledger = _ledger_sums(s)
        for sub in subs:
            mine = [p for p, _e, _live in pools.values() if p.subscription_id == sub.id]
            held = sum(p.quantity for p in mine if p.seats_held)
            live = sum(pools[p.id][0].quantity for p in mine if pools[p.id][2])
            assert sub.allocated_quantity == held <= sub.purchased_quantity, (sub.id, sub.allocated_quantity, held)
            assert live <= sub.purchased_quantity
        free = self._free(now)
        for sub in subs:
            live = sum(p.quantity for p, _e, is_live in pools.values() if p.subscription_id == sub.id and is_live)
            assert free[sub.id] == (max(0, sub.purchased_quantity - live) if sub.expires_at > now else 0)
        for pool, _e, live in pools.values():
            assert not live or pool.seats_held, f"live pool {pool.id} holds no seats"
            assert 0 <= pool.assigned_quantity <= pool.quantity
            assert ledger.get(pool.id) == pool.quantity, (pool.id, ledger.get(pool.id), pool.quantity)

    def _clock_passed_the_date(self, session):
        """These rules move a date back instead of the clock forward; a stored figure's
        valid_until would have passed too, as the clock reached the date."""
        session.execute(update(ResellerFigures).where(ResellerFigures.valid_until.is_not(None))
                        .values(valid_until=self.world.now - timedelta(seconds=1)))

    @invariant()
    def stored_figures_match_the_live_ones(self):
        now = self.world.now
        with self.db.unit_of_work(now=now) as s:  # as the alerts run does; reads never write
            refresh_stale(s, [self.op.lar_id], now)
        with self.db.reading() as s:
            stored = {f.reseller_id: f for f in s.scalars(select(ResellerFigures)).all()}
            ids = [rid for rid, _status in self._resellers()]
            live = live_figures(s, ids, now)
        assert set(ids) <= set(stored)
        for rid in ids:
            f = live.get(rid) or {"pools": 0, "customers": 0, "total": {}, "allocated": {}}
            row = stored[rid]
            total, allocated = sum(f["total"].values()), sum(f["allocated"].values())
            assert (row.pools, row.customers, row.total_quantity, row.allocated_quantity) == \
                (f["pools"], f["customers"], total, allocated), rid
            highest = max((f["allocated"].get(u, 0) * 100 / q for u, q in f["total"].items() if q), default=0)
            assert abs(row.utilisation - highest) < 0.06, rid  # per unit, rounded to one decimal

    @invariant()
    def ids_are_never_reused(self):
        existing = set(self._pools())
        assert existing <= self.ids_seen, existing - self.ids_seen
        with self.db.reading() as s:
            # A reused id would show as a second "pool.add" for the same pool.
            creations = dict(s.execute(select(AuditEvent.target, func.count()).where(AuditEvent.action == "pool.add")
                                       .group_by(AuditEvent.target)).all())
        assert all(count == 1 for count in creations.values()), creations
        assert {f"pool:{pid}" for pid in existing} <= set(creations)

    @invariant()
    def grid_kpis_and_availability_agree(self):
        now = self.world.now
        pools = self._pools(now)
        for rid, _status in self._resellers():
            mine = {pid: v for pid, v in pools.items() if v[0].reseller_id == rid}
            page = list_pools(self.db, self.op, rid, GridQuery(start=0, end=100), now=now)
            expired = [pid for pid, (_p, _e, live) in mine.items() if not live]
            assert {r["id"] for r in page.rows} == set(mine)
            assert {r["id"] for r in page.rows if r["status"] == "Expired"} == set(expired)
            assert page.detail == (f"{len(expired):,} expired" if expired else "")
            assert kpis(self.db, self.op, rid, now=now)["pools"] == len(mine) - len(expired)


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
