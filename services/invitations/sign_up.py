"""The invitation link: an invited reseller registers its organization (or, already
registered, accepts), and its entry in the LAR's directory follows at once.

A link works once and until it expires; an expired, used or unknown link changes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from data.db import Database, existing
from data.models import DirectoryEntry, Invitation, Tenant, User
from services.common.errors import DomainError, InvalidForm
from services.common.names import name_problem
from services.directory.mapping import take_tenant
from services.identity.passwords import password_errors
from services.identity.sign_in import hash_password
from services.invitations.invite import token_hash
from services.invitations.replies import record_acceptance, record_sign_up


class LinkUnusable(DomainError):
    """The link is unknown, used or expired: the page says which, and nothing changes."""


@dataclass(frozen=True)
class OpenInvitation:
    lar_name: str
    organization_name: str
    email: str
    registered: bool  # an existing tenant accepts; otherwise the reseller signs up
    expires_at: datetime


def _usable(session, token: str, now: datetime, lock: bool = False) -> Invitation:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise LinkUnusable("This invitation link is not valid. Ask the reseller who invited you for a new one.")
    stmt = select(Invitation).where(Invitation.token == token_hash(token))
    invitation = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if invitation is None or invitation.reseller_id is None:
        raise LinkUnusable("This invitation link is not valid. Ask the reseller who invited you for a new one.")
    if invitation.status == "Accepted":
        raise LinkUnusable("This invitation link has already been used. Sign in instead.")
    if invitation.expires_at is None or invitation.expires_at <= now:
        raise LinkUnusable("This invitation link has expired. Ask the reseller who invited you to send it again.")
    return invitation


def _entry(session, invitation: Invitation) -> DirectoryEntry:
    """The directory entry of a usable invitation (locked: deleting the entry deletes the
    invitation too, so it is there; were it not, the link would name nothing)."""
    entry = session.get(DirectoryEntry, invitation.reseller_id)
    if entry is None:
        raise LinkUnusable("This invitation link is not valid. Ask the reseller who invited you for a new one.")
    return entry


def open_invitation(db: Database, token: str, *, now: datetime) -> OpenInvitation:
    with db.reading() as session:
        invitation = _usable(session, token, now)
        assert invitation.expires_at is not None  # _usable refuses an invitation without one
        return OpenInvitation(existing(session, Tenant, invitation.lar_id).organization_name,
                              invitation.organization_name, invitation.email, invitation.tenant_id is not None,
                              invitation.expires_at)


def _use(session, invitation: Invitation, now: datetime) -> None:
    """Single use, even for two tabs at once: only one UPDATE finds it still Sent."""
    used = session.execute(update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "Sent")
                           .values(status="Accepted", accepted_at=now)).rowcount
    if used != 1:
        raise LinkUnusable("This invitation link has already been used. Sign in instead.")


def accept_invitation(db: Database, token: str, base_url: str, *, now: datetime) -> str:
    """A registered tenant accepts: its entry becomes Mapped, and the LAR is told (Activity, an
    email; base_url: where its link points). Returns the LAR's name."""
    with db.unit_of_work() as session:
        invitation = _usable(session, token, now, lock=True)
        if invitation.tenant_id is None:
            raise LinkUnusable("This invitation asks you to sign up first.")
        _use(session, invitation, now)
        entry = _entry(session, invitation)
        tenant = existing(session, Tenant, invitation.tenant_id)
        if entry.status == "Mapped":
            raise LinkUnusable(f"{entry.organization_name} is already mapped in that directory: nothing to accept.")
        record_acceptance(session, invitation, entry, tenant, base_url, now=now)
        if entry.tenant_id is None:  # Map's invitation to accept: the entry becomes the tenant's
            if session.scalars(select(DirectoryEntry.id).where(DirectoryEntry.lar_id == invitation.lar_id,
                                                         DirectoryEntry.tenant_id == tenant.id)).first() is not None:
                raise LinkUnusable("Your organization is already in that reseller directory: nothing to accept.")
            take_tenant(entry, tenant, now)
        entry.status, entry.mapped_at = "Mapped", now
        return existing(session, Tenant, invitation.lar_id).organization_name


def register_from_invitation(db: Database, token: str, organization_name, password, repeated, base_url: str,
                             *, now: datetime) -> str:
    """A new reseller signs up: its tenant and owner account are created and its entry
    becomes Unmapped (the LAR then maps it to the new tenant); the LAR is told (Activity, an
    email; base_url: where its link points). Returns the LAR's name."""
    name = str(organization_name or "").strip()
    errors = {}
    problem = name_problem(name) if name else "Enter your organization's name."
    if problem:
        errors["organization_name"] = problem
    errors.update(password_errors(password, repeated, "", "password", "repeated"))
    # scrypt takes a while: never inside the write transaction, where it would hold the lock.
    hashed = hash_password(password) if not errors else ""
    with db.unit_of_work() as session:
        invitation = _usable(session, token, now, lock=True)
        if invitation.tenant_id is not None:
            raise LinkUnusable("Your organization is registered already: accept the invitation instead.")
        if session.scalars(select(User.id).where(User.email == invitation.email)).first() is not None:
            raise LinkUnusable(f"{invitation.email} has an account already. Sign in, then ask for a new invitation.")
        if not errors:  # the address is known only now
            errors.update(password_errors(password, repeated, invitation.email, "password", "repeated"))
        if errors:
            raise InvalidForm(errors, "Correct the fields marked in red.")
        _use(session, invitation, now)
        tenant = Tenant(kind="reseller", organization_name=name, owner_email=invitation.email, created_at=now)
        session.add(tenant)
        session.flush()
        owner = User(email=invitation.email, name=name, password_hash=hashed, tenant_id=tenant.id, role="admin",
                     active=True, is_demo=False)
        session.add(owner)
        session.flush()
        entry = _entry(session, invitation)
        record_sign_up(session, invitation, entry, tenant, owner, base_url, now=now)
        entry.status, entry.organization_name = "Unmapped", name
        return existing(session, Tenant, invitation.lar_id).organization_name
