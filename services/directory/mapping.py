"""Map: bind an Unmapped directory entry to the registered reseller tenant it stands for.

Consent (issue 20): the LAR is offered only the tenants at the entry's own address or its domain,
never a list of every reseller registered on the platform, and may name another tenant only by
typing its owner's address in full. Such a tenant is not bound at once: it is sent an invitation
to accept (the existing link, services/sign_up.accept_invitation), and the entry becomes Mapped
when it accepts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from data.db import Database
from data.models import AuditAction, DirectoryEntry, Invitation, Tenant
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity import audit
from services.common.email_address import normal_email
from services.common.errors import DomainError, InvalidForm
from services.common.ids import row_id
from services.directory.entries import own_reseller
from services.invitations.invite import write_invitation

CHOOSE = "Choose a registered reseller tenant to map to."


class TenantChoice(TypedDict):
    """A tenant the Map panel offers (kept in the panel's Store as it is)."""
    id: int
    owner_email: str
    organization_name: str
    near: bool  # its owner is at the entry's own address or domain: mapped at once


@dataclass(frozen=True)
class MapEntry:
    id: int
    organization_name: str
    email: str


@dataclass(frozen=True)
class MappingChoices:
    reseller: MapEntry
    tenants: list[TenantChoice]


@dataclass(frozen=True)
class MapOutcome:
    """A saved Map: mapped at once, or an invitation to accept went to the tenant's owner."""
    id: int
    organization_name: str
    mapped: bool
    invited: str | None  # the address the invitation went to


def _domain(email: str) -> str:
    return email.strip().lower().rsplit("@", 1)[-1]


def is_near(entry_email: str, owner_email: str) -> bool:
    """The tenant's owner is the entry's own address or at its domain: the LAR knows it already."""
    return _domain(entry_email) == _domain(owner_email)


def _require_unmapped(reseller: DirectoryEntry) -> None:
    if reseller.status != "Unmapped":
        raise DomainError(
            f"{reseller.organization_name} is {reseller.status}; only Unmapped resellers can be mapped."
        )


def _free_tenants(session, actor: Principal):
    """Reseller tenants no entry of this LAR is mapped to yet."""
    taken = select(DirectoryEntry.tenant_id).where(
        LarScope(actor).entries(), DirectoryEntry.tenant_id.is_not(None)
    )
    return select(Tenant.id, Tenant.owner_email, Tenant.organization_name).where(
        Tenant.kind == "reseller", Tenant.id.not_in(taken))


def _described(rows, entry_email: str) -> list[TenantChoice]:
    return [TenantChoice(id=t.id, owner_email=t.owner_email, organization_name=t.organization_name,
                         near=is_near(entry_email, t.owner_email)) for t in rows]


def mapping_choices(db: Database, actor: Principal, reseller_id) -> MappingChoices:
    """What the Map panel offers for one Unmapped entry: the free tenants at its address's domain."""
    require(actor, Action.ENTRY_MAP)
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        _require_unmapped(reseller)
        domain = "@" + _domain(reseller.email)
        rows = session.execute(_free_tenants(session, actor)
                               .where(func.lower(Tenant.owner_email).endswith(domain, autoescape=True))
                               .order_by(Tenant.owner_email, Tenant.organization_name)).all()
        return MappingChoices(MapEntry(reseller.id, reseller.organization_name, reseller.email),
                              _described(rows, reseller.email))


def find_tenants_owned_by(db: Database, actor: Principal, reseller_id, owner_email) -> list[TenantChoice]:
    """The free tenants owned by exactly this address (typed in full): nothing is browsed."""
    require(actor, Action.ENTRY_MAP)
    email = check_owner(owner_email)
    with db.reading() as session:
        reseller = own_reseller(session, actor, reseller_id)
        _require_unmapped(reseller)
        rows = session.execute(_free_tenants(session, actor).where(func.lower(Tenant.owner_email) == email)
                               .order_by(Tenant.organization_name, Tenant.id)).all()
        return _described(rows, reseller.email)


def map_reseller(db: Database, actor: Principal, reseller_id, tenant_id, owner_email, base_url: str, *,
                 now: datetime) -> MapOutcome:
    """Map at once to a tenant at the entry's own address or domain; to another, send its owner an
    invitation to accept (the entry stays Unmapped until it does). owner_email: the owner the LAR
    chose or typed, which must be the tenant's: a tenant id alone maps or invites nobody."""
    require(actor, Action.ENTRY_MAP)
    try:
        with db.unit_of_work() as session:
            reseller = own_reseller(session, actor, reseller_id, lock=True)
            _require_unmapped(reseller)
            tid = row_id(tenant_id)
            tenant = session.get(Tenant, tid) if tid is not None else None
            if tenant is None or tenant.kind != "reseller" or not isinstance(owner_email, str) \
                    or owner_email.strip().lower() != tenant.owner_email.lower():
                raise DomainError(CHOOSE)
            holder = session.scalars(
                select(DirectoryEntry).where(
                    LarScope(actor).entries(), DirectoryEntry.tenant_id == tenant.id
                )
            ).first()
            if holder is not None:
                raise DomainError(f"{tenant.organization_name} ({tenant.owner_email}) is already mapped to "
                                  f"{holder.organization_name} in your directory.")
            if not is_near(reseller.email, tenant.owner_email):
                return _ask_consent(session, actor, reseller, tenant, base_url, now)
            # Recorded before the entry takes the tenant's name: the event names it as it was.
            audit.record(session, actor, AuditAction.RESELLER_MAP, f"reseller:{reseller.id}", now=now,
                         tenant_id=tenant.id,
                         before={"status": reseller.status, "tenant_owner": reseller.email,
                                 "organization_name": reseller.organization_name},
                         after={"status": "Mapped", "tenant_owner": tenant.owner_email,
                                "organization_name": tenant.organization_name})
            take_tenant(reseller, tenant, now)
            return MapOutcome(reseller.id, reseller.organization_name, mapped=True, invited=None)
    except IntegrityError:
        # Another operator mapped the same tenant between our check and our write.
        raise DomainError("That tenant was just mapped to another reseller in your directory.") from None


def take_tenant(entry: DirectoryEntry, tenant: Tenant, now: datetime) -> None:
    """The entry becomes the tenant's: its name, its owner, Mapped."""
    entry.tenant_id = tenant.id
    entry.email = tenant.owner_email
    entry.organization_name = tenant.organization_name
    entry.status = "Mapped"
    entry.mapped_at = now


def _ask_consent(session, actor: Principal, entry: DirectoryEntry, tenant: Tenant, base_url: str,
                 now: datetime) -> MapOutcome:
    """A tenant outside the entry's address and domain: an invitation to accept, in place of any
    earlier one of this entry (their links stop working)."""
    for older in session.scalars(select(Invitation).where(Invitation.reseller_id == entry.id,
                                                          Invitation.status == "Sent")).all():
        older.expires_at = min(older.expires_at or now, now)
    write_invitation(session, actor, entry, tenant, base_url, now)
    audit.record(session, actor, AuditAction.RESELLER_MAP_REQUESTED, f"reseller:{entry.id}", now=now,
                 tenant_id=tenant.id,
                 tenant_owner=tenant.owner_email, tenant=tenant.organization_name)
    return MapOutcome(entry.id, entry.organization_name, mapped=False, invited=tenant.owner_email)


def check_owner(value) -> str:
    """A typed owner address, or a field message."""
    try:
        return normal_email(value)
    except InvalidForm as refused:
        raise InvalidForm({"lookup": refused.errors.get("email", "Enter the tenant owner's email address.")},
                          refused.message) from None
