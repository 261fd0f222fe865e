"""Sign-in: hashed passwords, one message for every failure, lock-out after repeats, and a limit
of sign-ins per client address.

Every password check is paid for before it is made: one transaction reserves it against each
rule (counted as a failure up front, one atomic upsert per rule), so however many threads,
processes or hosts check at once, no email gets more than MAX_FAILURES wrong passwords checked
per window. A right password gives back its own reservation, never the other failures; a
process that dies mid-check leaves its reservation counted. A check also needs one of this
process's turns, taken without waiting: with none free the attempt is answered at once.
"""
from __future__ import annotations

import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash

from data.db import Database
from data.models import SignInThrottle, Tenant, User
from services.access.policy import Action, can
from services.access.principal import Principal, principal_of
from services.common.errors import AddressOverLimit, NotAConsoleUser, SignInFailed, TryLater
from services.identity.held_back import minutes_until, over_limit

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
MAX_CLIENT_FAILURES = 50  # one address trying many emails
# Every sign-in from one address, right or wrong (each costs a check): an office behind one
# address signs in far less often; a flood is refused by a read, before any check or write.
MAX_CLIENT_SIGN_INS = 30
CLIENT_SIGN_IN_WINDOW = timedelta(minutes=5)
FORGET_AFTER = timedelta(days=1)  # throttle rows older than this (and not locking) are pruned
CLIENT_PREFIX = "client:"
SIGN_INS_PREFIX = "sign-ins:"
MAX_EMAIL = 254
FAILED_MESSAGE = "Email or password is incorrect."
BUSY_MESSAGE = "Password checks are busy right now. Try again in a few seconds."
BUSY_RETRY_AFTER = 2  # seconds: a check takes about 0.1 s, so a turn is soon free again
# Checked against when the email is unknown, so both paths cost one hash.
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")
# scrypt takes a core for ~80 ms: one check at a time per process, so a flood of sign-ins
# leaves the other threads (and cores) to the console's users.
CHECK_TURNS = 1
_holding = threading.local()


class CheckTurns:
    """A process's password check turns, taken without ever waiting for one."""

    def __init__(self, count: int):
        self._free = count
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if not self._free:
                return False
            self._free -= 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self._free += 1

    def any_free(self) -> bool:
        return self._free > 0


_turns = CheckTurns(CHECK_TURNS)


@dataclass(frozen=True)
class _Rule:
    limit: int
    window: timedelta
    lock_for: timedelta
    # Every sign-in counts, within a fixed window from the first; otherwise only failures
    # count, each within the window of the one before, and a right password is given back.
    every_sign_in: bool = False


_EMAIL = _Rule(MAX_FAILURES, FAILURE_WINDOW, LOCK_FOR)
_CLIENT_FAILURES = _Rule(MAX_CLIENT_FAILURES, FAILURE_WINDOW, LOCK_FOR)
_CLIENT_SIGN_INS = _Rule(MAX_CLIENT_SIGN_INS, CLIENT_SIGN_IN_WINDOW, CLIENT_SIGN_IN_WINDOW, every_sign_in=True)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def usable_email(email) -> str | None:
    """The email as the users table and the throttle know it; None for text no address can
    hold (a control character such as NUL, a lone surrogate, no @, too long), which is refused
    like a wrong password without reaching the database: PostgreSQL refuses NUL, and an "@"
    keeps an email from naming an address's throttle row."""
    if not isinstance(email, str):
        return None
    email = email.strip().lower()
    if "@" not in email or len(email) > MAX_EMAIL or any(unicodedata.category(c) in ("Cc", "Cs") for c in email):
        return None
    return email


def _throttle_keys(email: str, client: str | None) -> list[tuple[str, _Rule]]:
    """The throttle rows one check counts against: its email and, when known, its client address."""
    if not client:
        return [(email, _EMAIL)]
    client = client[:200]
    return [(email, _EMAIL), (CLIENT_PREFIX + client, _CLIENT_FAILURES), (SIGN_INS_PREFIX + client, _CLIENT_SIGN_INS)]


def refuse_if_held_back(db: Database, email: str, *, now: datetime, client: str | None = None) -> None:
    """Refuses a locked email or address (SignInFailed) or an address over its sign-in limit
    (TryLater) with a read alone: a flood against either never becomes a stream of writes."""
    keys = _throttle_keys(email, client)
    with db.reading() as session:
        rows = session.execute(select(SignInThrottle.email, SignInThrottle.locked_until)
                               .where(SignInThrottle.email.in_([key for key, _ in keys]))).all()
    _refuse_locked(keys, {key: until for key, until in rows if until and until > now}, now)


def any_check_turn_free() -> bool:
    """Whether a sign-in arriving now could have a check at once (a glance: one may be taken
    the next moment, and is then refused as busy by check_turn)."""
    return _turns.any_free()


def busy() -> TryLater:
    return TryLater(BUSY_MESSAGE, retry_after=BUSY_RETRY_AFTER)


@contextmanager
def check_turn():
    """One of this process's password check turns, or TryLater at once: a sign-in is never
    parked on a thread waiting for one (a flood would hold every thread). A thread holding a
    turn keeps it for what it hashes next (Change password's new hash)."""
    if getattr(_holding, "turn", False):
        yield
        return
    if not _turns.take():
        raise busy()
    _holding.turn = True
    try:
        yield
    finally:
        _holding.turn = False
        _turns.give_back()


def password_matches(db: Database, email: str, stored_hash: str | None, password, *, now: datetime,
                     client: str | None = None) -> bool:
    """The one way passwords are checked (sign-in, Change password), in a check turn and after
    reserving the attempt (see the module's docstring). Same cost with or without a hash.
    A wrong password stays counted; the one whose reservation locked the email or address
    says so (SignInFailed)."""
    keys = _throttle_keys(email, client)
    with check_turn():
        locks = _reserve(db, keys, now)
        matched = check_password_hash(stored_hash or _DUMMY_HASH, password if isinstance(password, str) else "")
        if matched and stored_hash:
            # Within the turn, so a process holds at most one reservation of a right password:
            # people signing in at once never add up to a lock.
            _give_back(db, keys)
            return True
    _refuse_locked([(key, rule) for key, rule in keys if not rule.every_sign_in], locks, now)
    return False


def authenticate(db: Database, email: str, password: str, *, now: datetime,
                 client: str | None = None) -> Principal:
    """Check a sign-in: refused without a check while the email or address is held back, the
    password checked outside any transaction (scrypt must not hold the write lock)."""
    address = usable_email(email)
    if address is None:
        raise SignInFailed(FAILED_MESSAGE)
    refuse_if_held_back(db, address, now=now, client=client)
    with db.reading() as session:
        user = session.scalars(select(User).where(User.email == address)).first()
        tenant = session.get(Tenant, user.tenant_id) if user else None
    matched = password_matches(db, address, user.password_hash if user and user.active else None, password,
                               now=now, client=client)
    if not matched or user is None:  # (no user: no stored hash, never a match)
        raise SignInFailed(FAILED_MESSAGE)
    actor = principal_of(user, tenant) if tenant is not None else None
    if actor is None or not can(actor, Action.CONSOLE_USE):
        raise NotAConsoleUser(tenant.organization_name if tenant else "")
    return actor


def _reserve(db: Database, keys: list[tuple[str, _Rule]], now: datetime) -> dict[str, datetime]:
    """Counts this check against every key in one transaction; refuses (and so counts nothing)
    if any key is locked. Returns the locks this reservation set, by key."""
    locks = {}
    with db.unit_of_work() as session:
        session.execute(delete(SignInThrottle).where(
            SignInThrottle.last_failure_at < now - FORGET_AFTER,
            or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now)))
        for key, rule in keys:
            reserved = session.execute(_reservation(session.get_bind().dialect.name, key, rule, now)).first()
            if reserved is None:  # locked by an attempt that got here first
                until = session.scalar(select(SignInThrottle.locked_until).where(SignInThrottle.email == key))
                _refuse_locked([(key, rule)], {key: until or now}, now)  # (or lifted since: still refused)
            assert reserved is not None  # _refuse_locked raised for the locked key
            if reserved.locked_until is not None:
                locks[key] = reserved.locked_until
    return locks


def _reservation(dialect: str, key: str, rule: _Rule, now: datetime):
    """INSERT … ON CONFLICT DO UPDATE … WHERE not locked … RETURNING (both databases): no row
    back means the key is locked. The reservation that reaches the limit sets the lock."""
    t = SignInThrottle.__table__.c
    fresh = or_(t.last_failure_at.is_(None), t.last_failure_at < now - rule.window,
                t.locked_until <= now)  # a lock that ended starts the count anew
    counted = case((fresh, 1), else_=t.failures + 1)
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SignInThrottle).values(email=key, failures=1, last_failure_at=now, locked_until=None)
    return statement.on_conflict_do_update(
        index_elements=["email"],
        set_={
            "failures": counted,
            # For every_sign_in, last_failure_at is when the window began.
            "last_failure_at": case((fresh, now), else_=t.last_failure_at) if rule.every_sign_in else now,
            "locked_until": case((counted >= rule.limit, now + rule.lock_for), else_=None),
        },
        where=or_(t.locked_until.is_(None), t.locked_until <= now),
    ).returning(SignInThrottle.locked_until)


def within_limit(db: Database, key: str, limit: int, window: timedelta, *, now: datetime) -> bool:
    """Counts one attempt of something else than a sign-in against key (at most limit a window,
    by the same atomic reservation): False once over it. Password reset requests per address."""
    try:  # the attempt that reaches limit + 1 sets the lock: it is the first one refused
        return not _reserve(db, [(key, _Rule(limit + 1, window, window, every_sign_in=True))], now)
    except (AddressOverLimit, SignInFailed):
        return False


def _give_back(db: Database, keys: list[tuple[str, _Rule]]) -> None:
    """A right password takes back its own reservation of each failure rule, and only that one:
    a count it takes below the limit lifts the lock an attempt after it set. (A window restarts
    only a whole window after its last reservation, so this is the window it reserved in.)"""
    forgiven = [key for key, rule in keys if not rule.every_sign_in]
    with db.unit_of_work() as session:
        session.execute(update(SignInThrottle)
                        .where(SignInThrottle.email.in_(forgiven), SignInThrottle.failures > 0)
                        .values(failures=SignInThrottle.failures - 1, locked_until=None))


def _refuse_locked(keys: list[tuple[str, _Rule]], locks: dict[str, datetime], now: datetime) -> None:
    """Raises for the locks among keys: a failure lock first (its wording is the one people
    know), else the address's sign-in limit."""
    failure_locks = [locks[key] for key, rule in keys if key in locks and not rule.every_sign_in]
    if failure_locks:
        raise SignInFailed(f"Too many failed sign-ins. Try again in {minutes_until(max(failure_locks), now)}.")
    limits = [locks[key] for key, rule in keys if key in locks and rule.every_sign_in]
    if limits:
        raise over_limit(max(limits), now)


def has_demo_users(db: Database) -> bool:
    with db.reading() as session:
        return session.scalars(select(User.id).where(User.is_demo.is_(True)).limit(1)).first() is not None
