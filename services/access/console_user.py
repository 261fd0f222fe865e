"""Who may use the console now: an active user whose tenant the policy lets in. A resumed session
and a background job (which re-reads who asked, so a user disabled meanwhile starts nothing)
both ask here."""

from __future__ import annotations

from data.db import Database
from data.models import Tenant, User
from services.access.policy import Action, can
from services.access.principal import Principal, principal_of


def console_principal(user: User, tenant: Tenant | None) -> Principal | None:
    """The user's principal if the user is active and may use the console; None otherwise."""
    if not user.active or tenant is None:
        return None
    principal = principal_of(user, tenant)
    return principal if can(principal, Action.CONSOLE_USE) else None


def load_principal(db: Database, user_id: int) -> Principal | None:
    """A console user's principal, read again (a background job's user): None for a user who is
    gone, deactivated, or not allowed the console."""
    with db.reading() as session:
        user = session.get(User, int(user_id))
        return None if user is None else console_principal(user, session.get(Tenant, user.tenant_id))
