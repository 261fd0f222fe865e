"""Subscriptions, the pools they feed, the customers holding seats, the ledger and the stored figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import UNITS, Base
from data.models.vocabularies import STORED_POOL_STATUSES, one_of


class Subscription(Base):
    """A pooled subscription the LAR bought; allocated_quantity is the sum of its
    pending and active reseller pools, kept by guarded UPDATEs."""

    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    lar_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    service: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(16))
    purchased_quantity: Mapped[int] = mapped_column(Integer)
    allocated_quantity: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # Low availability: fewer than low_threshold free ("count"), or under that share free
    # ("percent"); unset, no alert (services/subscriptions/thresholds.py).
    low_threshold: Mapped[int | None] = mapped_column(Integer)
    low_threshold_kind: Mapped[str | None] = mapped_column(String(8))
    __table_args__ = (
        CheckConstraint(f"unit IN {UNITS}", name="subscription_unit"),
        CheckConstraint(
            "(low_threshold IS NULL AND low_threshold_kind IS NULL) OR "
            "(low_threshold_kind = 'count' AND low_threshold >= 0) OR "
            "(low_threshold_kind = 'percent' AND low_threshold BETWEEN 0 AND 100)",
            name="subscription_low_threshold",
        ),
        CheckConstraint("purchased_quantity >= 0", name="subscription_purchased_nonneg"),
        CheckConstraint(
            "allocated_quantity >= 0 AND allocated_quantity <= purchased_quantity",
            name="subscription_not_over_allocated",
        ),
    )


class ResellerPool(Base):
    """A share of a Subscription given to one reseller.

    seats_held says whether the quantity is counted in its Subscription's allocated_quantity:
    true from creation until the pool is returned or found past its effective expiration by
    the next allocation on that Subscription (services/pools/allocation.py). Ids are never reused
    (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so the ledger never mixes two pools.
    """

    __tablename__ = "reseller_pools"
    id: Mapped[int] = mapped_column(primary_key=True)
    reseller_id: Mapped[int] = mapped_column(ForeignKey("resellers.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    payment_type: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)
    assigned_quantity: Mapped[int] = mapped_column(Integer, default=0)
    # NULL means "Same as pooled subscription".
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    seats_held: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped by every edit: a save made from an older form is refused, never applied over it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (
        CheckConstraint(one_of("status", STORED_POOL_STATUSES), name="pool_acceptance"),
        CheckConstraint("quantity > 0", name="pool_quantity_positive"),
        CheckConstraint(
            "assigned_quantity >= 0 AND assigned_quantity <= quantity",
            name="pool_not_over_assigned",
        ),
        # The reclaim of expired pools reads only the rows that still hold seats.
        Index("ix_reseller_pools_held", "subscription_id", "seats_held", "expires_at"),
        {"sqlite_autoincrement": True},
    )


class CustomerAssignment(Base):
    __tablename__ = "customer_assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    reseller_pool_id: Mapped[int] = mapped_column(ForeignKey("reseller_pools.id", ondelete="CASCADE"))
    customer_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint("quantity > 0", name="assignment_quantity_positive"),
        # Distinct customers of a reseller's pools straight from the index.
        Index("ix_customer_assignments_pool_customer", "reseller_pool_id", "customer_tenant_id"),
    )


class AllocationEvent(Base):
    """Append-only ledger of every change of a pool's quantity or assignments."""

    __tablename__ = "allocation_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    # No FK: the ledger outlives a deleted reseller's pools.
    reseller_pool_id: Mapped[int] = mapped_column(Integer)
    purchased_delta: Mapped[int] = mapped_column(Integer, default=0)
    allocated_delta: Mapped[int] = mapped_column(Integer, default=0)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    # Covers the trend's running sums: the ledger is read from the index alone.
    __table_args__ = (
        Index("ix_allocation_events_pool_ledger", "reseller_pool_id", "at", "purchased_delta", "allocated_delta"),
    )


class ResellerFigures(Base):
    """A reseller's live figures, kept for sorting the directory (migration 0007): written by
    services/metrics/entry_figures.py; a trigger adds the row with the reseller."""

    __tablename__ = "reseller_figures"
    reseller_id: Mapped[int] = mapped_column(ForeignKey("resellers.id", ondelete="CASCADE"), primary_key=True)
    lar_id: Mapped[int] = mapped_column(Integer)
    pools: Mapped[int] = mapped_column(Integer, default=0)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    total_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    utilisation: Mapped[float] = mapped_column(Float, default=0)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)
