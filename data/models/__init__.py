"""The domain model of DESIGN.md as SQLAlchemy tables.

Seat arithmetic is guarded twice: services use guarded UPDATEs, and the CHECK
constraints in seats.py make an over-allocation impossible even if a service forgets.
"""
from data.models.base import (
    ACCEPTANCE_STATES,
    EMAIL_STATUSES,
    INVITATION_STATUSES,
    POOL_STATUSES,
    RESELLER_STATUSES,
    ROLES,
    TENANT_KINDS,
    UNITS,
    Base,
)
from data.models.directory import DirectoryEntry, Invitation
from data.models.records import AlertSent, AuditEvent, HealthProbe, OutgoingEmail
from data.models.seats import AllocationEvent, CustomerAssignment, ResellerFigures, ResellerPool, Subscription
from data.models.tenancy import PasswordLink, SignInThrottle, Tenant, User, UserPreference, UserSession

__all__ = [
    "ACCEPTANCE_STATES",
    "EMAIL_STATUSES",
    "INVITATION_STATUSES",
    "POOL_STATUSES",
    "RESELLER_STATUSES",
    "ROLES",
    "TENANT_KINDS",
    "UNITS",
    "AlertSent",
    "AllocationEvent",
    "AuditEvent",
    "Base",
    "CustomerAssignment",
    "DirectoryEntry",
    "HealthProbe",
    "Invitation",
    "OutgoingEmail",
    "PasswordLink",
    "ResellerFigures",
    "ResellerPool",
    "SignInThrottle",
    "Subscription",
    "Tenant",
    "User",
    "UserPreference",
    "UserSession",
]
