"""Deterministic demo data, at demo size or at scale (at scale: `python -m bench.demo_data`).

The same seed gives the same rows; dates are laid out relative to the day the
data is made, so "expiring within 30 days" stays true of a fresh demo.
Rows are built in Python with explicit ids and bulk-inserted, which keeps
20,000 resellers and 200,000 customers well under two minutes on SQLite.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from data.catalog import PAYMENT_TYPES, SERVICES, SOURCES
from data.db import Database
from data.demo_names import FIRST_NAMES, client_name, org_name, slug
from data.models import (
    AllocationEvent,
    AuditEvent,
    Base,
    CustomerAssignment,
    DirectoryEntry,
    ResellerPool,
    Subscription,
    Tenant,
    User,
)

DEMO_PASSWORD = "demo1234"
DEMO_USERS = (
    ("admin@demo.example", "Ada Admin", "admin", 1),
    ("operator@demo.example", "Otto Operator", "operator", 1),
    ("analyst@demo.example", "Ana Analyst", "analyst", 1),
    ("admin@other.example", "Oscar Other", "admin", 2),
)
@dataclass
class _Rows:
    tenants: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    resellers: list[dict] = field(default_factory=list)
    subscriptions: list[dict] = field(default_factory=list)
    pools: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)


class _Builder:
    def __init__(self, resellers: int, seed: int, today: datetime):
        self.rng = random.Random(seed)
        self.customer_numbers: dict[int, int] = {}
        self.reseller_names: dict[int, str] = {}
        self.n = resellers
        self.today = today
        self.rows = _Rows()
        self.next_id = {"tenant": 1, "reseller": 1, "pool": 1, "assignment": 1, "event": 1, "sub": 1, "audit": 1}

    def _id(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] += 1
        return value

    def tenant(self, kind: str, name: str, owner: str, created: datetime) -> int:
        tid = self._id("tenant")
        self.rows.tenants.append(
            {"id": tid, "kind": kind, "organization_name": name, "owner_email": owner, "created_at": created}
        )
        return tid

    def build(self) -> _Rows:
        start = self.today - timedelta(days=365)
        lar1 = self.tenant("large_account_reseller", "Northwind Cloud Partners", "admin@demo.example", start)
        lar2 = self.tenant("large_account_reseller", "Other Distribution Ltd", "admin@other.example", start)
        password = generate_password_hash(DEMO_PASSWORD, method="scrypt")
        for uid, (email, name, role, lar) in enumerate(DEMO_USERS, start=1):
            self.rows.users.append(
                {"id": uid, "email": email, "name": name, "password_hash": password,
                 "tenant_id": lar1 if lar == 1 else lar2, "role": role, "active": True, "is_demo": True}
            )
        # Who did what in the Activity log: the first LAR's admin invites and its operator maps
        # and adds pools; the second LAR's admin does all three.
        self.acting = {lar1: {"invite": 1, "act": 2}, lar2: {"invite": 4, "act": 4}}
        subs1 = self.subscriptions(lar1, nearly_exhausted=True)
        subs2 = self.subscriptions(lar2, nearly_exhausted=False)
        shared_tenant = None
        for i in range(self.n):
            tenant_id = self.reseller_entry(lar1, subs1, i)
            if i == 3:
                shared_tenant = tenant_id
        # Registered reseller tenants not yet in the directory: what Map chooses from.
        for i in range(self.n, self.n + max(15, self.n // 20)):
            name = org_name(i)
            self.tenant("reseller", name, f"{FIRST_NAMES[i % len(FIRST_NAMES)]}@{slug(name)}.example", start)
        # The second LAR: its own directory, one reseller tenant shared with the first (rule 12).
        other = max(10, self.n // 10)
        for j in range(other):
            self.reseller_entry(lar2, subs2, 10_000_000 + j, name_prefix="Otherside ",
                                tenant_id=shared_tenant if j == 0 else None)
        self.close_subscriptions()
        return self.rows

    def subscriptions(self, lar: int, nearly_exhausted: bool) -> list[dict]:
        subs = []
        for k, (service, unit, _about) in enumerate(SERVICES):
            expires = self.today + timedelta(days=20 if k == 2 else 200 + 30 * k)
            sub = {
                "id": self._id("sub"), "lar_id": lar, "service": service,
                "name": f"{service} {'2026' if k % 2 else 'Enterprise'}", "source": SOURCES[k % 2],
                "unit": unit, "purchased_quantity": 0, "allocated_quantity": 0,
                "starts_at": self.today - timedelta(days=300), "expires_at": expires,
                "_slack": 5 if nearly_exhausted and k == 0 else 500 + 100 * k,
            }
            subs.append(sub)
            self.rows.subscriptions.append(sub)
        return subs

    def reseller_entry(self, lar: int, subs: list[dict], i: int, name_prefix: str = "",
                       tenant_id: int | None = None) -> int | None:
        rng = self.rng
        name = name_prefix + org_name(i if i < 10_000_000 else i - 10_000_000 + 7)
        email = f"{FIRST_NAMES[i % len(FIRST_NAMES)]}@{slug(name)}.example"
        roll = rng.random()
        status = "Mapped" if roll < 0.7 else ("Invited" if roll < 0.85 else "Unmapped")
        showcase = i == 0  # the first row a new user sees: mapped, with pools and customers
        if showcase:
            status = "Mapped"
        invited = self.today - timedelta(days=rng.randint(1, 360), minutes=rng.randint(0, 1440))
        if status == "Mapped" and tenant_id is None:
            tenant_id = self.tenant("reseller", name, email, invited)
        elif tenant_id is not None:
            status = "Mapped"
        rid = self._id("reseller")
        self.reseller_names[rid] = name
        self.audit(lar, "invite", invited, "reseller.invite", rid, email=email)
        self.rows.resellers.append({
            "id": rid, "lar_id": lar, "tenant_id": tenant_id if status == "Mapped" else None,
            "organization_name": name, "email": email, "status": status,
            "customer_visibility": rng.random() > 0.2 or showcase, "invited_at": invited,
            "mapped_at": min(self.today, invited + timedelta(days=rng.randint(0, 20))) if status == "Mapped" else None,
        })
        if status == "Mapped":
            self.audit(lar, "act", self.rows.resellers[-1]["mapped_at"], "reseller.map", rid, tenant_id=tenant_id,
                       before={"status": "Unmapped"}, after={"status": "Mapped"})
        if status == "Mapped" and (rng.random() < 0.8 or showcase):
            for k in range(rng.randint(3 if showcase else 1, 4)):
                self.pool(rid, rng.choice(subs), active=showcase and k < 2)
        return tenant_id

    def pool(self, reseller_id: int, sub: dict, active: bool = False) -> None:
        rng = self.rng
        created = self.today - timedelta(days=rng.randint(1, 190))
        roll = rng.random()
        status = "Active" if roll < 0.75 or active else ("Pending acceptance" if roll < 0.9 else "Expired")
        quantity = rng.choice((50, 100, 250, 500, 1000))
        expires = None
        if status == "Expired":  # a pool that ran out: its own date lies in the past
            expires = created + (self.today - created) * rng.uniform(0.3, 0.9)
        elif rng.random() < 0.15:
            days = rng.randint(2, 28)
            pid_next = self.next_id["pool"]
            # A third of them two months later, so Renewals' 90-day window lists more than its 30-day one.
            days += 60 if pid_next % 3 == 0 else 0
            expires = min(sub["expires_at"], self.today + timedelta(days=days))
        pid = self._id("pool")
        accepted = status != "Pending acceptance"
        pool = {
            "id": pid, "reseller_id": reseller_id, "subscription_id": sub["id"],
            "source": sub["source"], "payment_type": rng.choice(PAYMENT_TYPES),
            "quantity": quantity, "assigned_quantity": 0, "expires_at": expires,
            "status": "Active" if accepted else "Pending acceptance", "seats_held": status != "Expired",
            "version": 1, "created_at": created, "accepted_at": created + timedelta(days=1) if accepted else None,
        }
        self.rows.pools.append(pool)
        self.audit(sub["lar_id"], "act", created, "pool.add", reseller_id, target=f"pool:{pid}",
                   subscription_id=sub["id"], service=sub["service"], quantity=quantity,
                   payment_type=pool["payment_type"], source=pool["source"])
        initial = quantity if rng.random() < 0.7 else quantity // 2
        self.event(created, pid, initial, 0)
        if initial != quantity:
            self.event(created + ((expires or self.today) - created) / 2, pid, quantity - initial, 0)
        if status != "Expired":
            sub["allocated_quantity"] += quantity
        if status != "Active":
            return
        # About ten customers an active pool: 200,000 customers at 20,000 resellers.
        for _ in range(rng.randint(1, 19)):
            give = rng.randint(1, max(1, quantity // 40))
            if pool["assigned_quantity"] + give > quantity:
                break
            # Numbered per reseller, not per pool: no two of a reseller's customers share a name.
            self.customer_numbers[reseller_id] = number = self.customer_numbers.get(reseller_id, 0) + 1
            name = client_name(reseller_id, number)
            customer = self.tenant("customer", name, f"it@{slug(name)}-{pid}.example", created)
            assigned = created + (self.today - created) * rng.random()
            self.rows.assignments.append({
                "id": self._id("assignment"), "reseller_pool_id": pid, "customer_tenant_id": customer,
                "quantity": give, "assigned_at": assigned, "ends_at": None,
            })
            pool["assigned_quantity"] += give
            self.event(assigned, pid, 0, give)

    def audit(self, lar: int, who: str, at: datetime, action: str, reseller_id: int, target: str = "",
              **details) -> None:
        self.rows.audit.append({
            "id": self._id("audit"), "at": at, "lar_id": lar, "actor_user_id": self.acting[lar][who],
            "actor_tenant_id": lar,
            "actor_email": DEMO_USERS[self.acting[lar][who] - 1][0],
            "action": action, "target": target or f"reseller:{reseller_id}", "reseller_id": reseller_id,
            "reseller_name": self.reseller_names[reseller_id],
            "details": json.dumps({**details, "reseller_id": reseller_id}, sort_keys=True),
        })

    def event(self, at: datetime, pool_id: int, purchased: int, allocated: int) -> None:
        self.rows.events.append({
            "id": self._id("event"), "at": at, "reseller_pool_id": pool_id,
            "purchased_delta": purchased, "allocated_delta": allocated, "actor_user_id": None,
        })

    def close_subscriptions(self) -> None:
        for sub in self.rows.subscriptions:
            sub["purchased_quantity"] = sub["allocated_quantity"] + sub.pop("_slack")


def load_demo(db: Database, *, now: datetime, resellers: int = 60, seed: int = 7) -> bool:
    """Fill an empty database; returns False (and writes nothing) if it holds tenants. Every
    date is counted from now's day: the demo is the same story whatever the date."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with db.reading() as session:
        if session.scalar(select(func.count()).select_from(Tenant)):
            return False
    rows = _Builder(resellers, seed, today).build()
    batches = (
        (Tenant, rows.tenants), (User, rows.users), (Subscription, rows.subscriptions),
        (DirectoryEntry, rows.resellers), (ResellerPool, rows.pools),
        (CustomerAssignment, rows.assignments), (AllocationEvent, rows.events), (AuditEvent, rows.audit),
    )
    # The commit writes the stored figures of the entries whose pools it inserted
    # (services/metrics/upkeep.py), as of now.
    with db.unit_of_work(now=now) as session:
        for model, items in batches:
            for offset in range(0, len(items), 20_000):
                session.execute(insert(model), items[offset:offset + 20_000])
        if not db.is_sqlite:
            for model, _ in batches:
                table = model.__tablename__
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                ))
    # Planner statistics for what was just loaded: without them PostgreSQL guessed 153 pools
    # per reseller instead of 3 and scanned every customer assignment (15 ms instead of 0.1).
    with db.engine.connect() as conn:
        if db.is_sqlite:
            # The load went to the write-ahead log (about 1 GB at 200,000 resellers): move it into
            # the database now, not a piece at a time in the first users' writes.
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            # The model's tables only: a database-wide ANALYZE also visits other schemas, and waits on
            # (or deadlocks with) whoever is dropping one meanwhile.
            conn.execute(text("ANALYZE " + ", ".join(Base.metadata.tables)))
            conn.commit()
    return True
