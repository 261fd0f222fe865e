"""Who is acting: every service receives one and checks it (services/access/policy.py says what
it may do, services/access/scopes.py which rows it may read)."""

from __future__ import annotations

from dataclasses import dataclass

from data.models import Role, Tenant, TenantKind, User


@dataclass(frozen=True)
class Principal:
    user_id: int
    tenant_id: int
    tenant_kind: TenantKind
    role: Role
    email: str

    @property
    def lar_id(self) -> int | None:
        """The LAR a LAR user works for; None for a user of any other tenant."""
        return self.tenant_id if self.tenant_kind == TenantKind.LAR else None


def principal_of(user: User, tenant: Tenant) -> Principal:
    """The one way a principal is made: from the user's row and its tenant's (sign-in, a
    resumed session, a background job). Whether it may use the console is the policy's
    question (Action.CONSOLE_USE), not this function's."""
    return Principal(
        user_id=user.id,
        tenant_id=tenant.id,
        tenant_kind=TenantKind(tenant.kind),
        role=Role(user.role),
        email=user.email,
    )
