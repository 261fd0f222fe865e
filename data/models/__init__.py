"""The domain model of DESIGN.md as SQLAlchemy tables.

Seat arithmetic is guarded twice: services use guarded UPDATEs, and the CHECK
constraints in seats.py make an over-allocation impossible even if a service forgets.
"""

from data.models.base import (
    EMAIL_STATUSES,
    INVITATION_STATUSES,
    UNITS,
    Base,
)
from data.models.directory import DirectoryEntry, Invitation
from data.models.records import AlertSent, AuditEvent, HealthProbe, OutgoingEmail
from data.models.seats import AllocationEvent, CustomerAssignment, ResellerFigures, ResellerPool, Subscription
from data.models.tenancy import PasswordLink, SignInThrottle, Tenant, User, UserPreference, UserSession
from data.models.vocabularies import (
    STORED_POOL_STATUSES,
    AuditAction,
    EntryStatus,
    PoolStatus,
    Role,
    TenantKind,
)

__all__ = [
    "EMAIL_STATUSES",
    "INVITATION_STATUSES",
    "STORED_POOL_STATUSES",
    "UNITS",
    "AlertSent",
    "AllocationEvent",
    "AuditAction",
    "AuditEvent",
    "Base",
    "CustomerAssignment",
    "DirectoryEntry",
    "EntryStatus",
    "HealthProbe",
    "Invitation",
    "OutgoingEmail",
    "PasswordLink",
    "PoolStatus",
    "ResellerFigures",
    "ResellerPool",
    "Role",
    "SignInThrottle",
    "Subscription",
    "Tenant",
    "TenantKind",
    "User",
    "UserPreference",
    "UserSession",
]
