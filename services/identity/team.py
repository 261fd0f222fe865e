"""The LAR's console users, as its admins manage them: invite a teammate by email (the link sets
the password), change a role, disable or enable, remove. Every change that takes access away
ends the user's sessions in the same transaction, so a stolen cookie stops working at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from data.db import Database
from data.models import AuditAction, Role, User
from services.access.policy import Action, require
from services.access.principal import Principal
from services.access.scopes import LarScope
from services.activity.audit import record
from services.common.email_address import normal_email
from services.common.errors import DomainError, InvalidForm, NotFound, PermissionDenied
from services.common.ids import row_id
from services.common.names import name_problem
from services.identity.password_links import issue_link
from services.identity.sessions import end_sessions_of, live_session_counts

ROLE_LABELS = {str(role): role.label for role in Role}  # by the stored value a form sends


def _known_role(role) -> bool:
    """Whether a form's value names a role (it may be anything a request sends)."""
    return isinstance(role, str) and role in ROLE_LABELS


@dataclass(frozen=True)
class ConsoleUser:
    id: int
    email: str
    name: str
    role: str
    active: bool
    sessions: int
    invited: bool  # no password yet: the invitation's link has not been used


def list_users(db: Database, actor: Principal, *, now: datetime) -> list[ConsoleUser]:
    with db.reading() as session:
        users = session.scalars(select(User).where(LarScope(actor).users()).order_by(User.email)).all()
    counts = live_session_counts(db, [u.id for u in users], now=now)
    return [ConsoleUser(u.id, u.email, u.name, u.role, u.active, counts[u.id], not u.password_hash) for u in users]


def _teammate(session, actor: Principal, user_id, what: str) -> User:
    """Another user of the actor's LAR, locked; never the actor (what: the refused action). As an
    admin acts only on others, the LAR always keeps an admin: the one acting."""
    uid = row_id(user_id)
    if uid is not None and uid == actor.user_id:
        raise PermissionDenied(f"You cannot {what} your own account.")
    user = session.get(User, uid, with_for_update=True) if uid is not None else None
    if user is None or user.tenant_id != LarScope(actor).lar_id:
        raise NotFound("User")
    return user


def invite_teammate(db: Database, actor: Principal, email, name, role, base_url: str, *, now: datetime) -> dict:
    """A new user of the LAR with this role and no password yet, and an email whose link sets it."""
    require(actor, Action.TEAM_MANAGE)
    errors = {}
    try:
        email = normal_email(email)
    except InvalidForm as refused:
        errors["email"] = refused.errors["email"]
    name = name.strip() if isinstance(name, str) else ""
    problem = name_problem(name) if name else ""
    if problem:
        errors["name"] = problem.replace("organization name", "name")
    if not _known_role(role):
        errors["role"] = "Choose a role: Admin, Operator or Analyst."
    if errors:
        raise InvalidForm(errors, "Nobody was invited: correct the fields marked in red.")
    with db.unit_of_work() as session:
        if session.scalars(select(User.id).where(func.lower(User.email) == email)).first() is not None:
            raise InvalidForm({"email": f"{email} has an account already."}, "Nobody was invited.")
        user = User(email=email, name=name or email.split("@")[0], password_hash="", tenant_id=LarScope(actor).lar_id,
                    role=role, active=True, is_demo=False)
        session.add(user)
        session.flush()
        issue_link(session, user, "invite", base_url, now=now)
        record(session, actor, AuditAction.USER_INVITED, email, now=now, role=ROLE_LABELS[role])
        return {"id": user.id, "email": email, "role": role}


def resend_invitation(db: Database, actor: Principal, user_id, base_url: str, *, now: datetime) -> str:
    """A fresh link for a teammate who has not set a password yet (the older one stops working)."""
    require(actor, Action.TEAM_MANAGE)
    with db.unit_of_work() as session:
        user = _teammate(session, actor, user_id, "invite")
        if user.password_hash:
            raise DomainError(f"{user.email} has set a password already: there is no invitation to resend.")
        issue_link(session, user, "invite", base_url, now=now)
        record(session, actor, AuditAction.USER_INVITED, user.email, now=now, role=ROLE_LABELS[user.role], again=True)
        return user.email


def change_role(db: Database, actor: Principal, user_id, role, *, now: datetime) -> dict:
    """Another user's role; it takes effect with the user's next request (roles are re-read)."""
    require(actor, Action.TEAM_MANAGE)
    if not _known_role(role):
        raise DomainError("Choose a role: Admin, Operator or Analyst.")
    with db.unit_of_work() as session:
        user = _teammate(session, actor, user_id, "change the role of")
        if user.role == role:
            return {"email": user.email, "role": role}
        record(session, actor, AuditAction.USER_ROLE, user.email, now=now, before={"role": ROLE_LABELS[user.role]},
               after={"role": ROLE_LABELS[role]})
        user.role = role
        return {"email": user.email, "role": role}


def set_user_active(db: Database, actor: Principal, user_id, active: bool, *, now: datetime) -> None:
    """Disable (every session ends) or enable another user."""
    require(actor, Action.TEAM_MANAGE)
    if not isinstance(active, bool):
        raise InvalidForm({"active": "Choose enable or disable."}, "Choose enable or disable.")
    with db.unit_of_work() as session:
        user = _teammate(session, actor, user_id, "disable")
        before = user.active
        user.active = active
        ended = 0 if active else end_sessions_of(session, user.id)
        if before != user.active:
            record(session, actor, AuditAction.USER_ENABLED if active else AuditAction.USER_DISABLED, user.email,
                   now=now,
                   before={"status": "Enabled" if before else "Disabled"},
                   after={"status": "Enabled" if user.active else "Disabled"}, sessions_ended=ended)


def remove_user(db: Database, actor: Principal, user_id, *, now: datetime) -> str:
    """Another user leaves the LAR: sessions, links and choices go with the account; its past
    actions keep the address they were done under."""
    require(actor, Action.TEAM_MANAGE)
    with db.unit_of_work() as session:
        user = _teammate(session, actor, user_id, "remove")
        ended = end_sessions_of(session, user.id)
        record(session, actor, AuditAction.USER_REMOVED, user.email, now=now, role=ROLE_LABELS[user.role],
               sessions_ended=ended)
        email = user.email
        session.delete(user)
        return email
