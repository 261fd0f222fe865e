"""Small hand-built worlds for service tests, where the right answer is known."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from data.db import Database
from data.models import (
    AllocationEvent,
    CustomerAssignment,
    DirectoryEntry,
    ResellerPool,
    Role,
    Subscription,
    Tenant,
    TenantKind,
    User,
)
from services.access.principal import Principal
from services.identity.sign_in import hash_password
from tests import clock as test_clock


@dataclass
class World:
    db: Database
    actors: dict[str, Principal] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        """The test's pinned clock (tests/clock.py), read anew: clock.advance moves it."""
        return test_clock.current().now()

    def add(self, obj):
        with self.db.unit_of_work(now=self.now) as session:  # a pool or an assignment moves stored figures
            session.add(obj)
            session.flush()
            return obj

    def lar(self, name: str) -> int:
        return self.add(Tenant(kind="large_account_reseller", organization_name=name,
                               owner_email=f"owner@{name.lower()}.example", created_at=self.now)).id

    def user(self, email: str, lar_id: int, role: str, password: str = "s3cret-pass", active: bool = True) -> Principal:
        user = self.add(User(email=email, name=email.split("@")[0], password_hash=hash_password(password),
                             tenant_id=lar_id, role=role, active=active))
        actor = Principal(user_id=user.id, tenant_id=lar_id, tenant_kind=TenantKind.LAR, role=Role(role), email=email)
        self.actors[email] = actor
        return actor

    def reseller_tenant(self, name: str, owner: str) -> int:
        return self.add(Tenant(kind="reseller", organization_name=name, owner_email=owner, created_at=self.now)).id

    def customer(self, name: str) -> int:
        return self.add(Tenant(kind="customer", organization_name=name,
                               owner_email=f"it@{name.lower().replace(' ', '-')}.example", created_at=self.now)).id

    def reseller(self, lar_id: int, name: str, email: str, status: str = "Mapped",
                 tenant_id: int | None = None, visible: bool = True) -> int:
        return self.add(DirectoryEntry(lar_id=lar_id, tenant_id=tenant_id, organization_name=name, email=email,
                                 status=status, customer_visibility=visible,
                                 invited_at=self.now - timedelta(days=30),
                                 mapped_at=self.now - timedelta(days=20) if status == "Mapped" else None)).id

    def subscription(self, lar_id: int, purchased: int = 1000, unit: str = "user seats",
                     expires_in_days: int = 365, allocated: int = 0) -> int:
        return self.add(Subscription(lar_id=lar_id, service="Cloud Backup for Microsoft 365", name="M365 Backup",
                                     source="Purchased", unit=unit, purchased_quantity=purchased,
                                     allocated_quantity=allocated, starts_at=self.now - timedelta(days=100),
                                     expires_at=self.now + timedelta(days=expires_in_days))).id

    def pool(self, reseller_id: int, subscription_id: int, quantity: int, status: str = "Active",
             assigned: int = 0, expires_at: datetime | None = None, created_at: datetime | None = None,
             source: str = "Purchased", payment_type: str = "Prepaid") -> int:
        """A reseller pool, its Subscription's allocation and its ledger event at creation.
        status "Expired": an accepted pool whose own date has passed, its seats given back."""
        created_at = created_at or self.now - timedelta(days=10)
        expired = status == "Expired"
        if expired:
            status, expires_at = "Active", expires_at or self.now - timedelta(days=1)
        with self.db.unit_of_work(now=self.now) as session:
            pool = ResellerPool(reseller_id=reseller_id, subscription_id=subscription_id, source=source,
                                payment_type=payment_type, quantity=quantity, assigned_quantity=assigned,
                                expires_at=expires_at, status=status, created_at=created_at,
                                seats_held=not expired)
            session.add(pool)
            if not expired:
                sub = session.get(Subscription, subscription_id)
                sub.allocated_quantity += quantity
            session.flush()
            session.add(AllocationEvent(at=created_at, reseller_pool_id=pool.id, purchased_delta=quantity,
                                        allocated_delta=0))
            return pool.id

    def assign(self, pool_id: int, customer_id: int, quantity: int, at: datetime | None = None,
               ends_at: datetime | None = None) -> int:
        """A customer assignment; the pool's assigned_quantity and the ledger follow."""
        at = at or self.now - timedelta(days=5)
        with self.db.unit_of_work(now=self.now) as session:
            assignment = CustomerAssignment(reseller_pool_id=pool_id, customer_tenant_id=customer_id,
                                            quantity=quantity, assigned_at=at, ends_at=ends_at)
            session.add(assignment)
            session.get(ResellerPool, pool_id).assigned_quantity += quantity
            session.add(AllocationEvent(at=at, reseller_pool_id=pool_id, purchased_delta=0, allocated_delta=quantity))
            session.flush()
            return assignment.id


def two_lars(db: Database) -> World:
    """Two LARs, each with an admin/operator/analyst; only the first has a directory."""
    world = World(db)
    first = world.lar("First")
    second = world.lar("Second")
    world.user("admin@first.example", first, "admin")
    world.user("operator@first.example", first, "operator")
    world.user("analyst@first.example", first, "analyst")
    world.user("admin@second.example", second, "admin")
    world.first, world.second = first, second
    return world
