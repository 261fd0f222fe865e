"""The domain model of DESIGN.md as SQLAlchemy tables.

Seat arithmetic is guarded twice: services use guarded UPDATEs, and the CHECK
constraints below make an over-allocation impossible even if a service forgets.
"""
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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TENANT_KINDS = ("large_account_reseller", "reseller", "customer")
ROLES = ("admin", "operator", "analyst")
RESELLER_STATUSES = ("Invited", "Unmapped", "Mapped")
# What a user sees of a pool. Only the first two are stored (whether the reseller accepted it);
# "Expired" comes from the dates alone (services/pools/state.py).
POOL_STATUSES = ("Pending acceptance", "Active", "Expired")
ACCEPTANCE_STATES = ("Pending acceptance", "Active")
UNITS = ("user seats", "objects", "capacity")
EMAIL_STATUSES = ("Queued", "Sent", "Failed")
INVITATION_STATUSES = ("Sent", "Accepted")  # "Expired" comes from expires_at


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    organization_name: Mapped[str] = mapped_column(String(200))
    owner_email: Mapped[str] = mapped_column(String(254), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (CheckConstraint(f"kind IN {TENANT_KINDS}", name="tenant_kind"),)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="user_role"),)


class PasswordLink(Base):
    """A single-use link that sets a user's password: a teammate's invitation ("invite") or a
    forgotten password's reset ("reset"). Only the token's SHA-256 is stored."""

    __tablename__ = "password_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="password_link_purpose"),
                      Index("ix_password_links_user", "user_id", "created_at"))


class SignInThrottle(Base):
    """Failed sign-ins per email, kept whether or not the email has an account."""

    __tablename__ = "sign_in_throttle"
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class DirectoryEntry(Base):
    """One row of a LAR's Reseller directory: what the LAR knows of a reseller (name, email, status),
    bound to the reseller's tenant (`tenant_id`, kind reseller) once mapped. The reseller itself is
    that tenant; the table keeps its historical name."""

    __tablename__ = "resellers"
    id: Mapped[int] = mapped_column(primary_key=True)
    lar_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    organization_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16))
    customer_visibility: Mapped[bool] = mapped_column(Boolean, default=True)
    invited_at: Mapped[datetime | None] = mapped_column(DateTime)
    mapped_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint(f"status IN {RESELLER_STATUSES}", name="reseller_status"),
        # A tenant sits at most once in one LAR's directory (NULLs do not collide).
        UniqueConstraint("lar_id", "tenant_id", name="uq_reseller_lar_tenant"),
        Index("ix_resellers_lar_email", "lar_id", "email"),
        Index("ix_resellers_lar_org", "lar_id", "organization_name"),
        # Covers the filtered count with a search: an index-only scan.
        Index("ix_resellers_lar_status", "lar_id", "status", "email"),
    )


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
    reseller_id: Mapped[int] = mapped_column(
        ForeignKey("resellers.id", ondelete="CASCADE"), index=True
    )
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
        CheckConstraint(f"status IN {ACCEPTANCE_STATES}", name="pool_acceptance"),
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


class Invitation(Base):
    """An invitation a LAR sent for one directory entry. The link's token is stored only as
    its SHA-256 (token_hash); it works once, until expires_at. Shown as Expired from then on."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    lar_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    reseller_id: Mapped[int | None] = mapped_column(ForeignKey("resellers.id", ondelete="CASCADE"), index=True)
    # The registered tenant invited (found by the lookup); NULL for a sign-up invitation.
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    email: Mapped[str] = mapped_column(String(254))
    organization_name: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the link's token
    status: Mapped[str] = mapped_column(String(16))
    batch: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    invited_by_user_id: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (CheckConstraint(f"status IN {INVITATION_STATUSES}", name="invitation_status"),)


class OutgoingEmail(Base):
    """The outbox: a message is stored here in the transaction that wants it sent, then
    delivered (services/notify/outbox.py). A delivery claims it for a while (locked_until), so two
    processes never send it at once; a failure is retried at next_attempt_at."""

    __tablename__ = "outgoing_emails"
    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What the message is about, e.g. "invitation:12": the UI shows a record's messages.
    about: Mapped[str | None] = mapped_column(String(64), index=True)
    __table_args__ = (
        CheckConstraint(f"status IN {EMAIL_STATUSES}", name="email_status"),
        Index("ix_outgoing_emails_due", "status", "next_attempt_at"),
    )


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    lar_id: Mapped[int] = mapped_column(Integer, index=True)  # the LAR whose Activity lists it
    actor_user_id: Mapped[int | None] = mapped_column(Integer)  # None: someone without an account (a link's holder)
    actor_tenant_id: Mapped[int | None] = mapped_column(Integer)  # who acted: the LAR, or a reseller
    actor_email: Mapped[str | None] = mapped_column(String(254))  # kept when the user is removed
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text)
    reseller_id: Mapped[int | None] = mapped_column(Integer)  # the reseller concerned, if any
    reseller_name: Mapped[str | None] = mapped_column(String(200))  # its name then (kept after a delete)
    __table_args__ = (
        Index("ix_audit_events_lar_at", "lar_id", "at"),
        Index("ix_audit_events_lar_reseller", "lar_id", "reseller_id"),
    )


class AlertSent(Base):
    """One row per alert emailed: the unique key makes sending it a claim (services/notify/alerts.py)."""

    __tablename__ = "alerts_sent"
    id: Mapped[int] = mapped_column(primary_key=True)
    lar_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(DateTime)


class UserPreference(Base):
    __tablename__ = "user_preferences"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; this row holds its SHA-256, so
    ending a session here (sign-out, password change, a disabled user, the idle or absolute
    limit) ends it at once in every process, whatever copies of the cookie exist."""
    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    client: Mapped[str | None] = mapped_column(String(64))


class ResellerFigures(Base):
    """A reseller's live figures, kept for sorting the directory (migration 0007): written by
    services/metrics/reseller_figures.py; a trigger adds the row with the reseller."""
    __tablename__ = "reseller_figures"
    reseller_id: Mapped[int] = mapped_column(ForeignKey("resellers.id", ondelete="CASCADE"), primary_key=True)
    lar_id: Mapped[int] = mapped_column(Integer)
    pools: Mapped[int] = mapped_column(Integer, default=0)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    total_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    utilisation: Mapped[float] = mapped_column(Float, default=0)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime)


class HealthProbe(Base):
    """What /healthz writes and commits to prove the database takes writes (data/db.py): the
    newest probe's row; its payload is larger than a page, so the write needs room to grow."""
    __tablename__ = "health_probe"
    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
