"""The allocation state machine's world: each example's fresh directory, what the machine reads of
the database, and the invariants checked after every step (seat counts, ledger, figures, pool ids)."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant
from sqlalchemy import delete, func, select, update

from data.catalog import SERVICE_UNITS
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
from services.common.grid_query import GridQuery
from services.metrics.dashboard import kpis
from services.metrics.entry_figures import live_figures, refresh_stale
from services.pools.changes import add_pools
from services.pools.listing import list_pools
from services.pools.state import pool_expires
from services.subscriptions.choices import availability

M365, ARCHIVE = "Cloud Backup for Microsoft 365", "Cloud Archiving"
# (service, purchased, days to expiry): two Subscriptions share a service, so a request picks one.
SUBSCRIPTIONS = ((M365, 40, 200), (M365, 25, 60), (ARCHIVE, 30, 300))


def _ledger_sums(session) -> dict[int, int]:
    return dict(session.execute(select(AllocationEvent.reseller_pool_id, func.sum(AllocationEvent.purchased_delta))
                                .group_by(AllocationEvent.reseller_pool_id)).all())


class AllocationWorld(RuleBasedStateMachine):
    db = None
    world = None

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
