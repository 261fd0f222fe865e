"""The principal of a console user read by id, for work that runs without a request (a background
job re-reads who asked, so a user disabled meanwhile starts nothing)."""

from __future__ import annotations

from data.db import Database
from data.models import Tenant, User
from services.access.policy import Action, can
from services.access.principal import Principal, principal_of


def _console_principal(session, user: User) -> Principal | None:
    tenant = session.get(Tenant, user.tenant_id)
    actor = principal_of(user, tenant) if tenant is not None else None
    return actor if actor is not None and can(actor, Action.CONSOLE_USE) else None


def load_principal(db: Database, user_id: int) -> Principal | None:
    """A console user's principal, read again (a background job's user): None for a user who is
    gone, deactivated, or not allowed the console."""
    with db.reading() as session:
        user = session.get(User, int(user_id))
        if user is None or not user.active:
            return None
        return _console_principal(session, user)
