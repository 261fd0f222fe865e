"""What Single invite's search and invitations give the panel (services/invitations/invite.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FoundTenant:
    """A registered reseller the search found."""
    tenant_id: int
    organization_name: str
    owner_email: str
    in_directory: bool  # this LAR has an entry for it: it cannot be chosen


@dataclass(frozen=True)
class DomainHint:
    """Searched without a name, nothing owned by the address: what uses its domain."""
    domain: str
    registered: bool  # reseller tenants use it (not named: the organization name finds one)
    entries: list[str]  # this LAR's own entries at it (at most 5)


@dataclass(frozen=True)
class ResellerSearch:
    email: str  # as checked (trimmed, lower case)
    organization_name: str
    matched_by: str  # "email", "domain and organization name", or "" when nothing was found
    domain_hint: DomainHint | None
    already_invited: str  # the name of this LAR's entry for the address, when nothing was found
    found: list[FoundTenant]


@dataclass(frozen=True)
class InvitedEntry:
    """The directory entry an invitation went out for."""
    id: int
    organization_name: str
    email: str
