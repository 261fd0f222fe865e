"""What the LAR hears when an invited reseller answers (issue 20: the entry silently turned
Unmapped or Mapped). Each answer is an event in the LAR's Activity, by the reseller, and an email
through the outbox to the LAR's active admins and to the user who sent the invitation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from data.models import AuditAction, DirectoryEntry, Invitation, Role, Tenant, User
from services.activity.audit import record_in_lar
from services.notify.outbox import queue_email


def _people(session, invitation: Invitation) -> list[str]:
    """The LAR's active admins and the inviting user (if still active there), each once."""
    inviter = User.id == invitation.invited_by_user_id if invitation.invited_by_user_id else False
    return list(session.scalars(
        select(User.email).where(User.tenant_id == invitation.lar_id, User.active.is_(True),
                                 (User.role == Role.ADMIN) | inviter).order_by(User.email)).all())


def _tell(session, invitation: Invitation, entry: DirectoryEntry, subject: str, lines: list[str], base_url: str,
          now: datetime) -> None:
    link = f"{base_url.rstrip('/')}/resellers/{entry.id}"
    text = "\n".join(["Hello,", "", *lines, "", f"Open its dashboard: {link}"])
    for email in _people(session, invitation):
        queue_email(session, email, subject, text, about=f"reply:{invitation.id}", now=now)


def record_sign_up(session, invitation: Invitation, entry: DirectoryEntry, tenant: Tenant, user: User, base_url: str,
                   *, now: datetime) -> None:
    """In the sign-up's transaction, before the entry takes the name the reseller registered."""
    record_in_lar(session, invitation.lar_id, tenant.id, user.id, AuditAction.RESELLER_SIGNED_UP,
                  f"reseller:{entry.id}",
                  now=now, before={"status": entry.status, "organization_name": entry.organization_name},
                  after={"status": "Unmapped", "organization_name": tenant.organization_name})
    renamed = (f" It registered as {tenant.organization_name} (you invited {entry.organization_name})."
               if tenant.organization_name != entry.organization_name else "")
    _tell(session, invitation, entry, f"{tenant.organization_name} signed up and is Unmapped in your directory",
          [f"{invitation.email} accepted your invitation and registered its organization in Elements.{renamed}",
           "Its entry is now Unmapped: map it to its new tenant (Map in the Reseller directory) to give it pools."],
          base_url, now)


def record_acceptance(session, invitation: Invitation, entry: DirectoryEntry, tenant: Tenant, base_url: str,
                      *, now: datetime) -> None:
    """In the acceptance's transaction. The link needs no sign-in: the owner's account, if the
    tenant has one, stands for who accepted."""
    owner = session.scalars(select(User.id).where(User.email == tenant.owner_email.lower(),
                                                  User.tenant_id == tenant.id)).first()
    before, after = {"status": entry.status}, {"status": "Mapped"}
    if entry.organization_name != tenant.organization_name:  # Map's invitation: the entry takes its name
        before["organization_name"], after["organization_name"] = entry.organization_name, tenant.organization_name
    record_in_lar(session, invitation.lar_id, tenant.id, owner, AuditAction.RESELLER_ACCEPTED, f"reseller:{entry.id}",
                  now=now, by=tenant.owner_email, before=before, after=after)
    was = f" (your entry {entry.organization_name})" if entry.organization_name != tenant.organization_name else ""
    _tell(session, invitation, entry, f"{tenant.organization_name} accepted your invitation",
          [f"{tenant.organization_name} ({tenant.owner_email}){was} accepted your invitation: it is now Mapped in "
           "your directory, and you can add pools to it."], base_url, now)
