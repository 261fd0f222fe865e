"""The declarative base and the vocabularies the tables constrain to."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

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
