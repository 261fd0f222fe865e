"""Single-use links that set a password: a teammate's invitation (an admin asked for it) and a
forgotten password's reset (anyone may ask, from the Sign in page). Only the token's SHA-256 is
stored; using a link sets the password, ends the user's other sessions, and is recorded in the
user's LAR's Activity."""
from __future__ import annotations

import hashlib
import html
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from data.db import Database, existing, rows_matched
from data.models import AuditAction, PasswordLink, Tenant, User
from services.activity.audit import record_in_lar
from services.common.errors import DomainError, InvalidForm
from services.identity.passwords import password_errors
from services.identity.sessions import end_sessions_of
from services.identity.sign_in import hash_password, usable_email, within_limit
from services.notify.outbox import queue_email

LIFETIME = {"invite": timedelta(days=7), "reset": timedelta(hours=1)}
RESETS_PER_HOUR = 3  # per account: asking again and again sends nothing more
RESET_REQUESTS_PER_ADDRESS = 10  # an hour, per client address: one address asking for many accounts
PATH = "/password/"


class LinkUnusable(DomainError):
    """Unknown, used or expired: the page says which, and nothing changes."""


@dataclass(frozen=True)
class OpenLink:
    purpose: str
    email: str
    organization_name: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(session, user: User, purpose: str, base_url: str, *, now: datetime) -> str:
    """A new link for the user (earlier unused ones of the same kind stop working), and its
    email queued in the caller's transaction. Returns the link."""
    session.execute(update(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.purpose == purpose,
                                               PasswordLink.used_at.is_(None), PasswordLink.expires_at > now)
                    .values(expires_at=now))
    token = secrets.token_urlsafe(32)
    link = PasswordLink(user_id=user.id, purpose=purpose, token=_digest(token), created_at=now,
                        expires_at=now + LIFETIME[purpose])
    session.add(link)
    session.flush()
    address = f"{base_url.rstrip('/')}{PATH}{token}"
    organization = session.get(Tenant, user.tenant_id).organization_name
    until = link.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    if purpose == "invite":
        subject = f"{organization} invites you to the Reseller Console"
        lines = [f"{organization} gave you an account in the Reseller Console ({user.role}).",
                 "Open this link to choose your password:", address]
    else:
        subject = "Reset your Reseller Console password"
        lines = ["Someone (we hope you) asked to reset the password of your Reseller Console account.",
                 "Open this link to choose a new one:", address,
                 "If it was not you, ignore this email: your password stays as it is."]
    text = "\n\n".join(["Hello,", *lines[:2]]) + f"\n{lines[2]}\n\n" + "\n\n".join([
        *lines[3:], f"The link works once and expires on {until}."]) + "\n"
    h = html.escape
    body = "".join(f"<p>{h(line)}</p>" for line in lines[:2]) + f'<p><a href="{h(address)}">{h(address)}</a></p>' + \
        "".join(f"<p>{h(line)}</p>" for line in lines[3:]) + f"<p>The link works once and expires on {h(until)}.</p>"
    queue_email(session, user.email, subject, text, f"<p>Hello,</p>{body}", about=f"password:{link.id}", now=now)
    return address


def _usable(session, token, now: datetime, lock: bool = False) -> tuple[PasswordLink, User]:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise LinkUnusable("This link is not valid. Ask for a new one.")
    stmt = select(PasswordLink, User).join(User, User.id == PasswordLink.user_id) \
        .where(PasswordLink.token == _digest(token))
    found = session.execute(stmt.with_for_update() if lock else stmt).first()
    if found is None:
        raise LinkUnusable("This link is not valid. Ask for a new one.")
    link, user = found
    if link.used_at is not None:
        raise LinkUnusable("This link has been used already. Sign in, or ask for a new one.")
    if link.expires_at <= now or not user.active:
        raise LinkUnusable("This link has expired. Ask for a new one.")
    return link, user


def open_link(db: Database, token, *, now: datetime) -> OpenLink:
    with db.reading() as session:
        link, user = _usable(session, token, now)
        return OpenLink(link.purpose, user.email, existing(session, Tenant, user.tenant_id).organization_name)


def set_password(db: Database, token, new, repeat, *, now: datetime) -> OpenLink:
    """The link's user gets this password (the one rule), every session of the user ends, the link
    is used up. Raises InvalidForm {new|repeat: message} or LinkUnusable; nothing changes then."""
    opened = open_link(db, token, now=now)
    errors = password_errors(new, repeat, opened.email)
    if errors:
        raise InvalidForm(errors, "Your password was not set: correct the field marked in red.")
    hashed = hash_password(new)  # slow: never inside the write transaction
    with db.unit_of_work() as session:
        link, user = _usable(session, token, now, lock=True)
        used = rows_matched(session.execute(
            update(PasswordLink).where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None)).values(used_at=now)))
        if used != 1:
            raise LinkUnusable("This link has been used already. Sign in, or ask for a new one.")
        user.password_hash = hashed
        ended = end_sessions_of(session, user.id)
        action = AuditAction.USER_JOINED if link.purpose == "invite" else AuditAction.USER_PASSWORD_RESET
        record_in_lar(session, user.tenant_id, user.tenant_id, user.id, action, user.email, now=now,
                      actor_email=user.email, sessions_ended=ended)
    return opened


def request_reset(db: Database, email, base_url: str, *, now: datetime, client: str | None = None) -> None:
    """Sends a reset link when the address has an active account, has not asked too often within
    the hour and the client address has not asked for too many; says nothing either way (the
    page answers the same for every address)."""
    email = usable_email(email)
    if email is None:
        return
    if client and not within_limit(db, f"resets:{client[:200]}", RESET_REQUESTS_PER_ADDRESS, timedelta(hours=1),
                                   now=now):
        return
    with db.unit_of_work() as session:
        user = session.scalars(select(User).where(User.email == email, User.active.is_(True))).first()
        if user is None:
            return
        recent = session.execute(select(func.count()).select_from(PasswordLink).where(
            PasswordLink.user_id == user.id, PasswordLink.purpose == "reset",
            PasswordLink.created_at > now - timedelta(hours=1))).scalar_one()
        if recent < RESETS_PER_HOUR:
            issue_link(session, user, "reset", base_url, now=now)
