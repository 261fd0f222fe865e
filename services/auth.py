"""Sign-in: hashed passwords, one message for every failure, lock-out after repeats."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from data.db import Database
from data.models import SignInThrottle, Tenant, User
from services.actor import Actor
from services.clock import utcnow
from services.errors import NotAConsoleUser, SignInFailed

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
FAILED_MESSAGE = "Email or password is incorrect."
# Checked against when the email is unknown, so both paths cost one hash.
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _normal(email: str) -> str:
    return (email or "").strip().lower()[:254]


def authenticate(db: Database, email: str, password: str, now: datetime | None = None) -> Actor:
    now = now or utcnow()
    email = _normal(email)
    with db.unit_of_work() as session:
        throttle = session.get(SignInThrottle, email)
        if throttle and throttle.locked_until and throttle.locked_until > now:
            minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
            raise SignInFailed(
                f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}."
            )
        user = session.scalars(select(User).where(User.email == email)).first()
        ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
        signed_in = ok and user is not None and user.active
        actor = _actor_for(session, user) if signed_in else None
        if not signed_in:
            _count_failure(session, throttle, email, now)
        elif throttle:
            session.delete(throttle)
        organization = session.get(Tenant, user.tenant_id).organization_name if signed_in and not actor else ""
    if not signed_in:
        raise SignInFailed(FAILED_MESSAGE)
    if actor is None:
        raise NotAConsoleUser(organization)
    return actor


def _count_failure(session, throttle: SignInThrottle | None, email: str, now: datetime) -> None:
    if throttle is None:
        throttle = SignInThrottle(email=email, failures=0)
        session.add(throttle)
    if throttle.last_failure_at is None or now - throttle.last_failure_at > FAILURE_WINDOW:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= MAX_FAILURES:
        throttle.locked_until = now + LOCK_FOR
        throttle.failures = 0


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
