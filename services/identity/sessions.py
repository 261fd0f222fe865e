"""Server-side sessions: the cookie carries a random token, the database its SHA-256.

A session ends at sign-out, when the user's password changes, when an admin disables the
user, after IDLE_LIMIT without a request, and ABSOLUTE_LIMIT after sign-in, whichever comes
first. Every process checks the same rows, so an ending is seen everywhere at once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from data.db import Database
from data.models import Tenant, User, UserSession
from services.access.console_user import console_principal
from services.access.principal import Principal

IDLE_LIMIT = timedelta(hours=2)
ABSOLUTE_LIMIT = timedelta(hours=12)
# last_seen_at is written at most once a minute per session: reads stay reads.
TOUCH_EVERY = timedelta(minutes=1)
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expired(now: datetime):
    return or_(UserSession.last_seen_at < now - IDLE_LIMIT, UserSession.created_at < now - ABSOLUTE_LIMIT)


def start_session(db: Database, actor: Principal, client: str | None = None, *, now: datetime) -> str:
    """A new session for a user who just proved who they are; returns the cookie's token.
    Expired rows of every user are pruned here, so the table holds live sessions only."""
    token = secrets.token_urlsafe(32)
    with db.unit_of_work() as session:
        session.execute(delete(UserSession).where(_expired(now)))
        session.add(UserSession(id=_digest(token), user_id=actor.user_id, created_at=now,
                                last_seen_at=now, client=(client or "")[:64] or None))
    return token


def resume_session(db: Database, token: str, *, now: datetime) -> Principal | None:
    """The actor behind a session token, or None when the session has ended for any reason.
    Re-read on every request, so a changed role or a disabled user takes effect at once."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        return None
    key = _digest(token)
    with db.reading() as session:
        found = session.execute(
            select(UserSession.created_at, UserSession.last_seen_at, User, Tenant)
            .join(User, User.id == UserSession.user_id).join(Tenant, Tenant.id == User.tenant_id)
            .where(UserSession.id == key)
        ).first()
    if found is None:
        return None
    created_at, last_seen_at, user, tenant = found
    if now - last_seen_at > IDLE_LIMIT or now - created_at > ABSOLUTE_LIMIT:
        end_session(db, token)
        return None
    actor = console_principal(user, tenant)
    if actor is None:
        return None
    if now - last_seen_at >= TOUCH_EVERY:
        with db.unit_of_work() as session:
            session.execute(update(UserSession).where(UserSession.id == key).values(last_seen_at=now))
    return actor


def end_session(db: Database, token: str | None) -> None:
    if not isinstance(token, str):
        return
    with db.unit_of_work() as session:
        session.execute(delete(UserSession).where(UserSession.id == _digest(token)))


def end_sessions_of(session, user_id: int) -> int:
    """Inside the caller's unit of work (a password change, a disabled user): every session
    of the user ends with the same commit. Returns how many there were."""
    return session.execute(delete(UserSession).where(UserSession.user_id == user_id)).rowcount


def live_session_counts(db: Database, user_ids: list[int], *, now: datetime) -> dict[int, int]:
    with db.reading() as session:
        rows = session.execute(select(UserSession.user_id).where(
            UserSession.user_id.in_(user_ids), UserSession.last_seen_at >= now - IDLE_LIMIT,
            UserSession.created_at >= now - ABSOLUTE_LIMIT)).scalars().all()
    counts = dict.fromkeys(user_ids, 0)
    for user_id in rows:
        counts[user_id] += 1
    return counts
