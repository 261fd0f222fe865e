"""The LAR's console users: change one's own password, and (admins) disable or enable a user.
Both end the user's sessions in the same transaction, so a stolen cookie stops working at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from data.db import Database
from data.models import User
from services.actor import Actor
from services.audit import record
from services.auth import check_turn, hash_password, password_matches, refuse_if_held_back
from services.errors import InvalidForm, NotFound, PermissionDenied, TryLater
from services.ids import row_id
from services.sessions import end_sessions_of, live_session_counts

MIN_PASSWORD = 10
MAX_PASSWORD = 200


@dataclass(frozen=True)
class ConsoleUser:
    id: int
    email: str
    name: str
    role: str
    active: bool
    sessions: int


def _new_password_errors(actor: Actor, new: str, repeat: str) -> dict:
    if len(new) < MIN_PASSWORD:
        return {"new": f"Use at least {MIN_PASSWORD} characters."}
    if len(new) > MAX_PASSWORD:
        return {"new": f"Use at most {MAX_PASSWORD} characters."}
    if new.strip().lower() == actor.email.lower():
        return {"new": "Do not use your email address as your password."}
    if new != repeat:
        return {"repeat": "The two new passwords differ."}
    return {}


def change_password(db: Database, actor: Actor, current: str, new: str, repeat: str,
                    client: str | None = None, *, now: datetime) -> None:
    """Checks the new password's rules, then the current password under the sign-in rule
    (services.auth.password_matches: a wrong one counts towards the same lockout, so this form
    is no way to guess; no free check or an address over its limit is TryLater, nothing
    changed), stores the new hash and ends every session of the user, this one included; the
    caller signs it in anew."""
    current, new, repeat = (v if isinstance(v, str) else "" for v in (current, new, repeat))
    errors = _new_password_errors(actor, new, repeat)
    if not errors and new == current:
        errors = {"new": "Choose a password different from the current one."}
    if errors:  # said before the current password is checked: no answer tells if it was right
        raise InvalidForm(errors, "Your password was not changed: correct the field marked in red.")
    try:
        stored, new_hash = _current_checked_new_hashed(db, actor, current, new, client=client, now=now)
    except TryLater as later:
        raise TryLater(f"Your password was not changed. {later.message}", later.retry_after) from None
    with db.unit_of_work() as session:
        changed = session.execute(update(User).where(User.id == actor.user_id, User.password_hash == stored)
                                  .values(password_hash=new_hash)).rowcount
        if not changed:  # changed in another tab meanwhile: this one's "current" is stale
            raise InvalidForm({"current": "The current password is incorrect."},
                              "Your password was not changed: correct the field marked in red.")
        ended = end_sessions_of(session, actor.user_id)
        record(session, actor, "user.password_changed", actor.email, now=now, sessions_ended=ended)


def _current_checked_new_hashed(db: Database, actor: Actor, current: str, new: str, *, client: str | None,
                                now: datetime) -> tuple[str, str]:
    """(the stored hash the current password matched, the new password's hash)."""
    refuse_if_held_back(db, actor.email, now=now, client=client)
    with db.reading() as session:
        user = session.get(User, actor.user_id)
        stored = user.password_hash if user is not None and user.active else None
    if stored is None:
        raise PermissionDenied("Your account is no longer active.")
    with check_turn():  # the new hash in the same turn: it costs as much as the check
        if not password_matches(db, actor.email, stored, current, now=now, client=client):
            raise InvalidForm({"current": "The current password is incorrect."},
                              "Your password was not changed: correct the field marked in red.")
        return stored, hash_password(new)


def list_users(db: Database, actor: Actor, *, now: datetime) -> list[ConsoleUser]:
    with db.reading() as session:
        users = session.scalars(select(User).where(User.tenant_id == actor.lar_id).order_by(User.email)).all()
    counts = live_session_counts(db, [u.id for u in users], now=now)
    return [ConsoleUser(u.id, u.email, u.name, u.role, u.active, counts[u.id]) for u in users]


def set_user_active(db: Database, actor: Actor, user_id, active: bool, *, now: datetime) -> None:
    """Admins only, within their own LAR, never themselves. Disabling ends every session."""
    if actor.role != "admin":
        raise PermissionDenied(f"Your role ({actor.role}) cannot manage users; ask an admin.")
    user_id = row_id(user_id)
    if not isinstance(active, bool):
        raise InvalidForm({"active": "Choose enable or disable."}, "Choose enable or disable.")
    if user_id == actor.user_id:
        raise PermissionDenied("You cannot disable your own account.")
    with db.unit_of_work() as session:
        user = session.get(User, user_id) if user_id is not None else None
        if user is None or user.tenant_id != actor.lar_id:
            raise NotFound("User")
        before = user.active
        user.active = active
        ended = 0 if active else end_sessions_of(session, user.id)
        if before != user.active:
            record(session, actor, "user.enabled" if active else "user.disabled", user.email, now=now,
                   before={"status": "Enabled" if before else "Disabled"},
                   after={"status": "Enabled" if user.active else "Disabled"}, sessions_ended=ended)
