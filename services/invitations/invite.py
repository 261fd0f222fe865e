"""Invite new reseller (rules 2 and 3): the single-invite lookup, Invite (a registered tenant)
and Send email (a sign-up link), the invitation details with Resend. Every invitation is a
directory entry in status Invited plus an email through the outbox, in one transaction."""
from __future__ import annotations

import hashlib
import html
import secrets
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.exc import IntegrityError

from data.db import Database
from data.models import AuditAction, DirectoryEntry, Invitation, OutgoingEmail, Tenant, TenantKind
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity import audit
from services.common.email_address import normal_email
from services.common.errors import DomainError, InvalidForm
from services.common.names import name_problem
from services.directory.entries import own_reseller
from services.invitations.invite_results import DomainHint, FoundTenant, InvitedEntry, ResellerSearch
from services.notify.outbox import new_email

LINK_LIFETIME = timedelta(days=14)
LAR_REFUSED = "You cannot invite another large account reseller."


def checked_form(email, organization_name) -> tuple[str, str]:
    """(the address, the organization name as typed, trimmed; "" when none), or InvalidForm
    naming each field that is wrong. A name is never cut: a long one is refused."""
    errors = {}
    try:
        email = normal_email(email)
    except InvalidForm as refused:
        errors.update(refused.errors)
    name = str(organization_name or "").strip()
    problem = name_problem(name)
    if problem:
        errors["organization_name"] = problem
    if errors:
        raise InvalidForm(errors, next(iter(errors.values())))
    return email, name


def name_key(name: str) -> str:
    """Organization names match whatever their letter case and spaces."""
    return "".join((name or "").split()).lower()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _owned_by(session, email: str, kind: str) -> list[Tenant]:
    return session.scalars(select(Tenant).where(func.lower(Tenant.owner_email) == email, Tenant.kind == kind)
                           .order_by(Tenant.organization_name, Tenant.id)).all()


def _refuse_non_resellers(session, email: str) -> None:
    if _owned_by(session, email, TenantKind.LAR):
        raise DomainError(LAR_REFUSED)


def _in_directory(session, actor: Principal, email: str, tenant_ids=()) -> dict:
    """This LAR's entries for these tenants or this email: {tenant id or email: organization name}."""
    rows = session.execute(
        select(DirectoryEntry.tenant_id, func.lower(DirectoryEntry.email), DirectoryEntry.organization_name)
        .where(LarScope(actor).entries(),
               (DirectoryEntry.tenant_id.in_(list(tenant_ids))) | (func.lower(DirectoryEntry.email) == email))
    ).all()
    found = {}
    for tenant_id, entry_email, name in rows:
        if tenant_id is not None:
            found[tenant_id] = name
        found[entry_email] = name
    return found


def _at_domain_of(column, email: str):
    """The address in `column` is at the domain of `email` (any letter case)."""
    return func.lower(column).endswith("@" + email.rsplit("@", 1)[1])


def _lookup(session, email: str, name: str) -> tuple[list[Tenant], str]:
    """Rule 3: the reseller tenant whose owner is this email; if none, reseller tenants whose
    owner's domain is the email's and whose organization name matches the one given."""
    found = _owned_by(session, email, "reseller")
    if found:
        return found, "email"
    if not name:
        return [], ""
    same_domain = session.scalars(
        select(Tenant).where(Tenant.kind == "reseller", _at_domain_of(Tenant.owner_email, email))
        .order_by(Tenant.organization_name, Tenant.id)
    ).all()
    found = [t for t in same_domain if name_key(t.organization_name) == name_key(name)]
    return found, "domain and organization name" if found else ""


def _domain_hint(session, actor: Principal, email: str) -> DomainHint | None:
    """Searched without a name, nothing owned by the address: whether reseller tenants use its
    domain (said without naming them: the name is what finds one) and which of this LAR's own
    entries do, so Send email does not add a second entry for a company by accident."""
    registered = session.scalar(
        select(func.count()).select_from(Tenant)
        .where(Tenant.kind == "reseller", _at_domain_of(Tenant.owner_email, email))) > 0
    entries = session.scalars(
        select(DirectoryEntry.organization_name)
        .where(LarScope(actor).entries(), _at_domain_of(DirectoryEntry.email, email))
        .order_by(DirectoryEntry.organization_name).limit(5)).all()
    if not registered and not entries:
        return None
    return DomainHint(domain=email.rsplit("@", 1)[1], registered=registered, entries=list(entries))


def find_resellers(db: Database, actor: Principal, email, organization_name: str = "") -> ResellerSearch:
    require(actor, Action.INVITE_SEND)
    email, name = checked_form(email, organization_name)
    with db.reading() as session:
        _refuse_non_resellers(session, email)
        found, matched_by = _lookup(session, email, name)
        if not found and _owned_by(session, email, "customer"):
            raise DomainError(f"{email} owns a customer tenant: only resellers can be invited.")
        directory = _in_directory(session, actor, email, [t.id for t in found])
        domain_hint = _domain_hint(session, actor, email) if not found and not name else None
    return ResellerSearch(
        email=email, organization_name=name, matched_by=matched_by, domain_hint=domain_hint,
        already_invited=directory.get(email, "") if not found else "",
        found=[FoundTenant(tenant_id=t.id, organization_name=t.organization_name, owner_email=t.owner_email,
                           in_directory=t.id in directory or t.owner_email.lower() in directory) for t in found],
    )


def lar_name(session, actor: Principal) -> str:
    return session.get(Tenant, LarScope(actor).lar_id).organization_name


def new_invitation(actor: Principal, entry: DirectoryEntry, tenant: Tenant | None, now: datetime,
                   batch: str | None = None) -> tuple[Invitation, str]:
    """An invitation for a flushed entry, and the token of its link (stored only as a hash). With
    a registered tenant it goes to the tenant's owner under the tenant's name (Map's invitation
    to accept, whose entry still has its own)."""
    token = secrets.token_urlsafe(32)
    email = tenant.owner_email.lower() if tenant else entry.email
    name = tenant.organization_name if tenant else entry.organization_name
    return Invitation(lar_id=LarScope(actor).lar_id, reseller_id=entry.id, tenant_id=tenant.id if tenant else None,
                      email=email, organization_name=name, token=token_hash(token),
                      status="Sent", sent_at=now, expires_at=now + LINK_LIFETIME, invited_by_user_id=actor.user_id,
                      batch=batch), token


def invitation_email(lar: str, invitation: Invitation, token: str, base_url: str, now: datetime):
    """The outbox message of a flushed invitation."""
    link = f"{base_url.rstrip('/')}/sign-up/{token}"
    assert invitation.expires_at is not None  # every invitation is written with its expiry
    subject, text, html_body = invitation_message(lar, invitation.organization_name, link, invitation.expires_at,
                                                  registered=invitation.tenant_id is not None)
    return new_email(invitation.email, subject, text, html_body, about=f"invitation:{invitation.id}", now=now)


def write_invitation(
    session,
    actor: Principal,
    entry: DirectoryEntry,
    tenant: Tenant | None,
    base_url: str,
    now: datetime,
    batch: str | None = None,
) -> None:
    """The invitation and its queued email for one flushed entry."""
    invitation, token = new_invitation(actor, entry, tenant, now, batch)
    session.add(invitation)
    session.flush()
    session.add(invitation_email(lar_name(session, actor), invitation, token, base_url, now))


def invitation_message(lar: str, organization: str, link: str, expires: datetime, registered: bool):
    """(subject, text, html) of an invitation; every name is escaped in the HTML."""
    action = "accept it" if registered else "sign up for Elements and join"
    subject = f"{lar} invites {organization} to its reseller directory"
    until = expires.strftime("%Y-%m-%d %H:%M UTC")
    text = (f"Hello,\n\n{lar} invites {organization} to become one of its resellers in Elements.\n\n"
            f"Open this link to {'accept the invitation' if registered else action}:\n{link}\n\n"
            f"The link works once and expires on {until}.\n")
    h = html.escape
    html_body = (f"<p>Hello,</p><p><strong>{h(lar)}</strong> invites <strong>{h(organization)}</strong> to become "
                 f"one of its resellers in Elements.</p><p><a href=\"{h(link)}\">Open the invitation</a> to "
                 f"{action}.</p><p>The link works once and expires on {h(until)}.</p>")
    return subject, text, html_body


def invite_tenant(db: Database, actor: Principal, tenant_id, email, organization_name: str, base_url: str,
                  *, now: datetime) -> InvitedEntry:
    """Invite: an Invited entry linked to a registered reseller tenant, and an email to its owner.
    The tenant must be one the search for this email (and name) finds: an id alone reveals and
    invites nothing."""
    require(actor, Action.INVITE_SEND)
    email, name = checked_form(email, organization_name)
    try:
        with db.unit_of_work() as session:
            _refuse_non_resellers(session, email)
            found, _matched_by = _lookup(session, email, name)
            tenant = next((t for t in found if t.id == tenant_id), None) if isinstance(tenant_id, int) else None
            if tenant is None:
                raise DomainError("Choose a registered reseller from the search results.")
            holder = _in_directory(session, actor, tenant.owner_email.lower(), [tenant.id])
            if holder:
                raise DomainError(f"{tenant.organization_name} is already in your directory.")
            entry = DirectoryEntry(lar_id=LarScope(actor).lar_id, tenant_id=tenant.id,
                                   organization_name=tenant.organization_name, email=tenant.owner_email.lower(),
                                   status="Invited", customer_visibility=True, invited_at=now)
            session.add(entry)
            session.flush()
            write_invitation(session, actor, entry, tenant, base_url, now)
            audit.record(session, actor, AuditAction.RESELLER_INVITE, f"reseller:{entry.id}", now=now,
                         tenant_id=tenant.id,
                         email=entry.email)
            return InvitedEntry(id=entry.id, organization_name=entry.organization_name, email=entry.email)
    except IntegrityError:
        raise DomainError("That reseller was just added to your directory by someone else.") from None


def invite_by_email(db: Database, actor: Principal, email, organization_name: str, base_url: str,
                    *, now: datetime) -> InvitedEntry:
    """Send email: an Invited entry without a tenant, and a sign-up link to the address."""
    require(actor, Action.INVITE_SEND)
    email, name = checked_form(email, organization_name)
    name = name or email.rsplit("@", 1)[1]
    with db.unit_of_work() as session:
        _refuse_non_resellers(session, email)
        if _owned_by(session, email, "customer"):
            raise DomainError(f"{email} owns a customer tenant: only resellers can be invited.")
        if _owned_by(session, email, "reseller"):
            raise DomainError(f"{email} is registered in Elements: search for it and choose Invite.")
        holder = _in_directory(session, actor, email)
        if holder:
            raise DomainError(f"{email} is already in your directory ({holder[email]}).")
        entry = DirectoryEntry(lar_id=LarScope(actor).lar_id, tenant_id=None, organization_name=name, email=email,
                         status="Invited", customer_visibility=True, invited_at=now)
        session.add(entry)
        session.flush()
        write_invitation(session, actor, entry, None, base_url, now)
        audit.record(session, actor, AuditAction.RESELLER_INVITE, f"reseller:{entry.id}", now=now, email=email,
                     sign_up=True)
        return InvitedEntry(id=entry.id, organization_name=entry.organization_name, email=entry.email)


def _shown_status(invitation: Invitation, now: datetime) -> str:
    """Accepted, Sent, or Expired from its expiry on (one without is expired, as a link)."""
    if invitation.status == "Accepted":
        return "Accepted"
    expires_at = invitation.expires_at
    return "Expired" if expires_at is None or expires_at <= now else "Sent"


def invitation_details(db: Database, actor: Principal, reseller_id, *, now: datetime) -> list[dict]:
    """The entry's invitations, newest first, each with the delivery of its email."""
    with db.reading() as session:
        entry = own_reseller(session, actor, reseller_id)
        rows = session.execute(
            select(Invitation, OutgoingEmail)
            .outerjoin(OutgoingEmail, OutgoingEmail.about == literal("invitation:").concat(cast(Invitation.id, String)))
            .where(Invitation.reseller_id == entry.id)
            .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        ).all()
    return [{
        "id": inv.id, "email": inv.email, "sent_at": inv.sent_at, "expires_at": inv.expires_at,
        "status": _shown_status(inv, now),
        "delivery": mail.status if mail else "", "attempts": mail.attempts if mail else 0,
        "error": (mail.last_error or "") if mail else "", "delivered_at": mail.sent_at if mail else None,
    } for inv, mail in rows]


def resend_invitation(db: Database, actor: Principal, reseller_id, base_url: str, *, now: datetime) -> InvitedEntry:
    """A fresh link (the older ones stop working) and a new email, for an entry still Invited."""
    require(actor, Action.INVITE_SEND)
    with db.unit_of_work() as session:
        entry = own_reseller(session, actor, reseller_id, lock=True)
        if entry.status != "Invited":
            raise DomainError(f"{entry.organization_name} is {entry.status}: there is no invitation to resend.")
        older = session.scalars(select(Invitation).where(Invitation.reseller_id == entry.id,
                                                         Invitation.status == "Sent")).all()
        for invitation in older:
            invitation.expires_at = min(invitation.expires_at or now, now)
        tenant = session.get(Tenant, entry.tenant_id) if entry.tenant_id else None
        write_invitation(session, actor, entry, tenant, base_url, now)
        audit.record(session, actor, AuditAction.RESELLER_INVITE_RESEND, f"reseller:{entry.id}", now=now,
                     email=entry.email)
        return InvitedEntry(id=entry.id, organization_name=entry.organization_name, email=entry.email)
