"""Sign-in: hashed passwords, one message for every failure, lock-out after repeats."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash

from data.db import Database
from data.models import SignInThrottle, Tenant, User
from services.actor import Actor
from services.errors import NotAConsoleUser, SignInFailed

MAX_FAILURES = 5
MAX_CLIENT_FAILURES = 50  # one address trying many emails
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)  # throttle rows older than this (and not locking) are pruned
CLIENT_PREFIX = "client:"
FAILED_MESSAGE = "Email or password is incorrect."
# Checked against when the email is unknown, so both paths cost one hash.
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")
# scrypt takes a core for ~80 ms: one check at a time per process, so a flood of sign-ins
# leaves the other threads time to answer; a check that waits too long is refused.
_HASHING = threading.BoundedSemaphore(1)
HASH_WAIT_SECONDS = 5
BUSY_MESSAGE = "Signing in is busy right now. Try again in a moment."


def verify_password(stored_hash: str | None, password) -> bool:
    """The one way passwords are checked (sign-in, Change password): same cost whether or not
    there is a hash, and never more than one scrypt at a time in this process."""
    if not _HASHING.acquire(timeout=HASH_WAIT_SECONDS):
        raise SignInFailed(BUSY_MESSAGE)
    try:
        return check_password_hash(stored_hash or _DUMMY_HASH, password if isinstance(password, str) else "")
    finally:
        _HASHING.release()


def _throttle_keys(email: str, client: str | None) -> list[str]:
    """The throttle rows a sign-in attempt counts against: its email, and its client address."""
    return [_normal(email)] + ([CLIENT_PREFIX + client[:200]] if client else [])


def check_not_locked(db: Database, email: str, *, now: datetime, client: str | None = None) -> None:
    """Refuses (SignInFailed) while the email or the client address is locked out."""
    keys = _throttle_keys(email, client)
    with db.reading() as session:
        locks = session.execute(select(SignInThrottle.locked_until).where(SignInThrottle.email.in_(keys))).scalars()
        locked_until = max((until for until in locks if until and until > now), default=None)
    if locked_until:
        _refuse_locked(locked_until, now)


def count_wrong_password(db: Database, email: str, *, now: datetime, client: str | None = None) -> None:
    """One more failure for the email (and the client address); refuses if that locked it."""
    keys = _throttle_keys(email, client)
    with db.unit_of_work() as session:
        locked = [_count_failure(session, key, now, limit) for key, limit in
                  zip(keys, (MAX_FAILURES, MAX_CLIENT_FAILURES))]
        session.execute(delete(SignInThrottle).where(
            SignInThrottle.last_failure_at < now - FORGET_AFTER,
            or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now)))
    if any(locked):
        _refuse_locked(max(u for u in locked if u), now)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _normal(email: str) -> str:
    return (email or "").strip().lower()[:254]


def authenticate(db: Database, email: str, password: str, *, now: datetime,
                 client: str | None = None) -> Actor:
    """Check a sign-in. The password hash is checked outside any transaction (scrypt takes a
    while and must not hold the write lock); a failure is counted by one atomic upsert, per
    email (known or not) and per client address, so parallel attempts all count."""
    email = _normal(email)
    check_not_locked(db, email, now=now, client=client)
    with db.reading() as session:
        user = session.scalars(select(User).where(User.email == email)).first()
        tenant = session.get(Tenant, user.tenant_id) if user else None
        earlier_failures = session.get(SignInThrottle, email) is not None
    ok = verify_password(user.password_hash if user else None, password)
    if not (ok and user is not None and user.active):
        count_wrong_password(db, email, now=now, client=client)
        raise SignInFailed(FAILED_MESSAGE)
    if earlier_failures:  # earlier failures of this email are forgiven
        with db.unit_of_work() as session:
            session.execute(delete(SignInThrottle).where(SignInThrottle.email == email))
    if tenant is None or tenant.kind != "large_account_reseller":
        raise NotAConsoleUser(tenant.organization_name if tenant else "")
    return Actor(user_id=user.id, lar_id=tenant.id, role=user.role, email=user.email)


def _refuse_locked(until: datetime, now: datetime) -> None:
    # Rounded, not up: a lock written a moment after this request began still says 15.
    minutes = max(1, round((until - now).total_seconds() / 60))
    raise SignInFailed(f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.")


def _count_failure(session, key: str, now: datetime, limit: int) -> datetime | None:
    """One more failure for key, atomically (INSERT … ON CONFLICT DO UPDATE on both databases);
    returns the lock's end when this failure reached the limit."""
    t = SignInThrottle.__table__.c
    fresh = or_(t.last_failure_at.is_(None), t.last_failure_at < now - FAILURE_WINDOW)
    counted = case((fresh, 1), else_=t.failures + 1)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SignInThrottle).values(email=key, failures=1, last_failure_at=now, locked_until=None)
    statement = statement.on_conflict_do_update(index_elements=["email"], set_={
        "failures": case((counted >= limit, 0), else_=counted),
        "locked_until": case((counted >= limit, now + LOCK_FOR), else_=t.locked_until),
        "last_failure_at": now,
    }).returning(SignInThrottle.locked_until)
    until = session.execute(statement).scalar()
    return until if until and until > now else None


def _actor_for(session, user: User) -> Actor | None:
    tenant = session.get(Tenant, user.tenant_id)
    if tenant is None or tenant.kind != "large_account_reseller":
        return None
    return Actor(user_id=user.id, lar_id=tenant.id, role=user.role, email=user.email)


def load_actor(db: Database, user_id: int) -> Actor | None:
    """The actor behind a session cookie, re-read every request so a deactivated
    user or changed role takes effect at once."""
    with db.reading() as session:
        user = session.get(User, int(user_id))
        if user is None or not user.active:
            return None
        return _actor_for(session, user)


def has_demo_users(db: Database) -> bool:
    with db.reading() as session:
        return session.scalars(select(User.id).where(User.is_demo.is_(True)).limit(1)).first() is not None
