"""One's own account: change one's password (every session of the user ends in the same
transaction, so a stolen cookie stops working at once). The LAR's users: services/identity/team.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from data.db import Database, rows_matched
from data.models import AuditAction, User
from services.access.principal import Principal
from services.activity.audit import record
from services.common.errors import InvalidForm, PermissionDenied, TryLater
from services.identity.passwords import password_errors
from services.identity.sessions import end_sessions_of
from services.identity.sign_in import check_turn, hash_password, password_matches, refuse_if_held_back


def change_password(db: Database, actor: Principal, current: str, new: str, repeat: str,
                    client: str | None = None, *, now: datetime) -> None:
    """Checks the new password's rules, then the current password under the sign-in rule
    (services.identity.sign_in.password_matches: a wrong one counts towards the same lockout, so this form
    is no way to guess; no free check or an address over its limit is TryLater, nothing
    changed), stores the new hash and ends every session of the user, this one included; the
    caller signs it in anew."""
    current, new, repeat = (v if isinstance(v, str) else "" for v in (current, new, repeat))
    errors = password_errors(new, repeat, actor.email)
    if not errors and new == current:
        errors = {"new": "Choose a password different from the current one."}
    if errors:  # said before the current password is checked: no answer tells if it was right
        raise InvalidForm(errors, "Your password was not changed: correct the field marked in red.")
    try:
        stored, new_hash = _current_checked_new_hashed(db, actor, current, new, client=client, now=now)
    except TryLater as later:
        raise TryLater(f"Your password was not changed. {later.message}", later.retry_after) from None
    with db.unit_of_work() as session:
        changed = rows_matched(session.execute(
            update(User).where(User.id == actor.user_id, User.password_hash == stored).values(password_hash=new_hash)))
        if not changed:  # changed in another tab meanwhile: this one's "current" is stale
            raise InvalidForm({"current": "The current password is incorrect."},
                              "Your password was not changed: correct the field marked in red.")
        ended = end_sessions_of(session, actor.user_id)
        record(session, actor, AuditAction.USER_PASSWORD_CHANGED, actor.email, now=now, sessions_ended=ended)


def _current_checked_new_hashed(db: Database, actor: Principal, current: str, new: str, *, client: str | None,
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

