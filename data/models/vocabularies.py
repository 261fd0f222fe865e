"""The words the tables store, each with what a user reads for it, in one place.

Every vocabulary is a StrEnum whose values are the strings stored since the first migration, so
no row changes; `label` is what the console shows. A CHECK constraint is written from the enum
(`one_of`), in exactly the SQL the migrations created.
"""

from __future__ import annotations

from enum import StrEnum


class Vocabulary(StrEnum):
    """A StrEnum whose members are written `NAME = "stored value", "Label"`."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str = ""):  # (the default lets mypy read Role("admin"): a lookup)
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class TenantKind(Vocabulary):
    LAR = "large_account_reseller", "Large account reseller"
    RESELLER = "reseller", "Reseller"
    CUSTOMER = "customer", "Customer"


class Role(Vocabulary):
    ADMIN = "admin", "Admin"
    OPERATOR = "operator", "Operator"
    ANALYST = "analyst", "Analyst"


class EntryStatus(Vocabulary):
    """A directory entry's status."""

    INVITED = "Invited", "Invited"
    UNMAPPED = "Unmapped", "Unmapped"
    MAPPED = "Mapped", "Mapped"


class PoolStatus(Vocabulary):
    """What a user sees of a pool. Only the first two are stored (whether the reseller accepted
    it, STORED_POOL_STATUSES); Expired comes from the dates alone (services/pools/state.py)."""

    PENDING = "Pending acceptance", "Pending acceptance"
    ACTIVE = "Active", "Active"
    EXPIRED = "Expired", "Expired"


STORED_POOL_STATUSES = (PoolStatus.PENDING, PoolStatus.ACTIVE)


class AuditAction(Vocabulary):
    """What an audit row says happened; the label is Activity's Action column and filter."""

    RESELLER_INVITE = "reseller.invite", "Invite"
    RESELLER_INVITE_RESEND = "reseller.invite_resend", "Resend invitation"
    RESELLER_MAP = "reseller.map", "Map"
    RESELLER_MAP_REQUESTED = "reseller.map_requested", "Map asked to accept"
    RESELLER_VISIBILITY_OFF = "reseller.visibility_off", "Visibility off"
    RESELLER_DELETE = "reseller.delete", "Delete reseller"
    POOL_ADD = "pool.add", "Add pool"
    POOL_EDIT = "pool.edit", "Edit pool"
    POOL_RETURN = "pool.return", "Return to pool"
    RESELLER_SIGNED_UP = "reseller.signed_up", "Reseller signed up"
    RESELLER_ACCEPTED = "reseller.accepted", "Reseller accepted"
    SUBSCRIPTION_THRESHOLD = "subscription.threshold", "Set threshold"
    USER_DISABLED = "user.disabled", "Disable user"
    USER_ENABLED = "user.enabled", "Enable user"
    USER_PASSWORD_CHANGED = "user.password_changed", "Change password"
    USER_INVITED = "user.invited", "Invite teammate"
    USER_JOINED = "user.joined", "Teammate joined"
    USER_ROLE = "user.role", "Change role"
    USER_REMOVED = "user.removed", "Remove user"
    USER_PASSWORD_RESET = "user.password_reset", "Reset password"


def one_of(column: str, members) -> str:
    """`column IN ('a', 'b')`: the CHECK's SQL, the same text the tuples of plain strings gave."""
    return f"{column} IN {tuple(str(m) for m in members)}"
