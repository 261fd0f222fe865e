"""A LAR's directory entries and the invitations sent for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import INVITATION_STATUSES, Base
from data.models.vocabularies import EntryStatus, one_of


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
        CheckConstraint(one_of("status", EntryStatus), name="reseller_status"),
        # A tenant sits at most once in one LAR's directory (NULLs do not collide).
        UniqueConstraint("lar_id", "tenant_id", name="uq_reseller_lar_tenant"),
        Index("ix_resellers_lar_email", "lar_id", "email"),
        Index("ix_resellers_lar_org", "lar_id", "organization_name"),
        # Covers the filtered count with a search: an index-only scan.
        Index("ix_resellers_lar_status", "lar_id", "status", "email"),
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
