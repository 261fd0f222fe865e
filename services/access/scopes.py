"""Which rows a principal may read, per audience: SQLAlchemy conditions every query applies.

A LAR user reads its directory's entries, their pools and assignments, its subscriptions, its
users and its Activity (LarScope). A reseller user reads the pools given to its tenant through
the Mapped entries of every LAR that maps it, and its own customers (ResellerScope). A principal
of another kind is refused on construction, so no query can run with someone else's rows.
The conditions are the ones the services wrote inline before (`X.lar_id == :lar`), so the
same indexes lead.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from data.models import (
    AuditEvent,
    CustomerAssignment,
    DirectoryEntry,
    EntryStatus,
    ResellerFigures,
    ResellerPool,
    Subscription,
    Tenant,
    TenantKind,
    User,
)
from services.access.principal import Principal
from services.common.errors import PermissionDenied


class LarScope:
    def __init__(self, principal: Principal):
        if principal.tenant_kind != TenantKind.LAR:
            raise PermissionDenied("This console is for large account resellers.")
        self.lar_id: int = principal.tenant_id

    def entries(self) -> ColumnElement[bool]:
        """The LAR's directory entries (DirectoryEntry joined or selected)."""
        return DirectoryEntry.lar_id == self.lar_id

    def figures(self) -> ColumnElement[bool]:
        """The stored figures of its entries (ResellerFigures carries the LAR for its index)."""
        return ResellerFigures.lar_id == self.lar_id

    def pools(self) -> ColumnElement[bool]:
        """Pools of its entries. A query that joins DirectoryEntry applies entries() instead."""
        return ResellerPool.reseller_id.in_(select(DirectoryEntry.id).where(self.entries()))

    def assignments(self) -> ColumnElement[bool]:
        return CustomerAssignment.reseller_pool_id.in_(select(ResellerPool.id).where(self.pools()))

    def subscriptions(self) -> ColumnElement[bool]:
        return Subscription.lar_id == self.lar_id

    def users(self) -> ColumnElement[bool]:
        """Its own users (the team)."""
        return User.tenant_id == self.lar_id

    def audit(self) -> ColumnElement[bool]:
        """Its Activity: the events that belong to the LAR."""
        return AuditEvent.lar_id == self.lar_id


class ResellerScope:
    def __init__(self, principal: Principal):
        if principal.tenant_kind != TenantKind.RESELLER:
            raise PermissionDenied("This is for resellers.")
        self.tenant_id: int = principal.tenant_id

    def entries(self) -> ColumnElement[bool]:
        """The entries that map the reseller, in every LAR's directory."""
        return (DirectoryEntry.tenant_id == self.tenant_id) & (DirectoryEntry.status == EntryStatus.MAPPED)

    def pools(self) -> ColumnElement[bool]:
        """The pools given to the reseller's tenant by every LAR that maps it."""
        return ResellerPool.reseller_id.in_(select(DirectoryEntry.id).where(self.entries()))

    def assignments(self) -> ColumnElement[bool]:
        return CustomerAssignment.reseller_pool_id.in_(select(ResellerPool.id).where(self.pools()))

    def customers(self) -> ColumnElement[bool]:
        """Its customers: the customer tenants it assigned seats of its pools to."""
        return (Tenant.kind == TenantKind.CUSTOMER) & Tenant.id.in_(
            select(CustomerAssignment.customer_tenant_id).where(self.assignments())
        )

    def users(self) -> ColumnElement[bool]:
        return User.tenant_id == self.tenant_id

    def audit(self) -> ColumnElement[bool]:
        """The events where it acted or that concern it (audit_events.reseller_tenant_id)."""
        return AuditEvent.reseller_tenant_id == self.tenant_id
