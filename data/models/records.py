"""What is kept of what happened: outgoing emails, the audit trail, alerts sent, the health probe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import EMAIL_STATUSES, Base


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
    """One action. Both sides of it can list it: the LAR the record belongs to (lar_id) and the
    reseller tenant it concerns (reseller_tenant_id), whichever of them acted (actor_tenant_id)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    # The LAR the record belongs to (its Activity lists it); None for a reseller's action that
    # concerns no LAR.
    lar_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)  # None: someone without an account (a link's holder)
    actor_tenant_id: Mapped[int | None] = mapped_column(Integer)  # who acted: the LAR, or a reseller
    actor_email: Mapped[str | None] = mapped_column(String(254))  # kept when the user is removed
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text)
    reseller_id: Mapped[int | None] = mapped_column(Integer)  # the reseller concerned, if any
    reseller_name: Mapped[str | None] = mapped_column(String(200))  # its name then (kept after a delete)
    # The reseller's tenant the action concerns (the entry's, once mapped, or the reseller that acted).
    reseller_tenant_id: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_audit_events_lar_at", "lar_id", "at"),
        Index("ix_audit_events_lar_reseller", "lar_id", "reseller_id"),
        Index("ix_audit_events_reseller_tenant_at", "reseller_tenant_id", "at"),
    )


class AlertSent(Base):
    """One row per alert emailed: the unique key makes sending it a claim (services/notify/alerts.py)."""

    __tablename__ = "alerts_sent"
    id: Mapped[int] = mapped_column(primary_key=True)
    lar_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(DateTime)


class HealthProbe(Base):
    """What /healthz writes and commits to prove the database takes writes (data/db.py): the
    newest probe's row; its payload is larger than a page, so the write needs room to grow."""

    __tablename__ = "health_probe"
    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
