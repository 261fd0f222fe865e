"""The outbox: every message is stored first (in the transaction that wants it sent), then
delivered, then marked. Nothing is lost while the mail server is down: a failed attempt is
retried with growing pauses until it goes through or MAX_ATTEMPTS is reached.

Several processes may deliver at once: each claims a batch by setting locked_until in one
guarded UPDATE (rows still unclaimed or whose claim lapsed), so a message is handed to the
mail server by one process at a time. A process that dies after the server took a message but
before marking it sends it again once the claim lapses: delivery is at least once, and the
stable Message-ID lets a receiver drop the copy.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from data.db import Database
from data.models import OutgoingEmail
from services.common.clock import Clock
from services.common.errors import DomainError
from services.common.names import unfit_character
from services.notify.transport import build_message

log = logging.getLogger("reseller_console.outbox")
MAX_ATTEMPTS = 8
CLAIM = timedelta(minutes=2)
BATCH = 50


def retry_pause(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def one_line(subject: str) -> str:
    """A Subject made of names is one line: a name stored before names were checked may hold a
    line break, and a header cannot."""
    return " ".join("".join(" " if unfit_character(c) else c for c in subject).split())


def new_email(to: str, subject: str, text: str, html: str | None = None, about: str | None = None,
              *, now: datetime) -> OutgoingEmail:
    """A message ready to be added to the caller's transaction (which then owns sending it). One
    that could never be built (a line break in an address stored before addresses were checked)
    is refused here, so the action that wanted it fails with a message and changes nothing,
    instead of saying the email is on its way."""
    try:
        build_message(to, one_line(subject)[:300], text, html, 0, now)
    except Exception as error:  # whatever the mail library refuses, it would refuse at delivery too
        raise DomainError(f"An email to {to!r} cannot be sent ({error}). Nothing was changed: correct the "
                          "address or name first.") from error
    return OutgoingEmail(to=to, subject=one_line(subject)[:300], body=text, html_body=html, status="Queued",
                         attempts=0, created_at=now, next_attempt_at=now, about=about)


def queue_email(session, to: str, subject: str, text: str, html: str | None = None, about: str | None = None,
                *, now: datetime) -> OutgoingEmail:
    email = new_email(to, subject, text, html, about, now=now)
    session.add(email)
    session.flush()
    return email


def _claim(db: Database, now: datetime, limit: int) -> Sequence[OutgoingEmail]:
    due = and_(OutgoingEmail.status == "Queued", OutgoingEmail.next_attempt_at <= now,
               or_(OutgoingEmail.locked_until.is_(None), OutgoingEmail.locked_until < now))
    with db.unit_of_work() as session:
        ids = session.scalars(
            select(OutgoingEmail.id).where(due).order_by(OutgoingEmail.next_attempt_at, OutgoingEmail.id)
            .limit(limit).with_for_update(skip_locked=True)
        ).all()
        if not ids:
            return []
        # The guard repeats the condition: a row another process claimed meanwhile is not taken.
        claimed = session.scalars(
            update(OutgoingEmail).where(OutgoingEmail.id.in_(ids), due)
            .values(locked_until=now + CLAIM, attempts=OutgoingEmail.attempts + 1)
            .returning(OutgoingEmail)
            .execution_options(synchronize_session=False)
        ).all()
        session.expunge_all()
        return claimed


def _mark(db: Database, email: OutgoingEmail, error: str | None, now: datetime, final: bool = False) -> None:
    """Sent (error None), Failed (final, or the last attempt), or due again after a pause."""
    with db.unit_of_work() as session:
        values: dict[str, object] = {"locked_until": None}
        if error is None:
            values.update(status="Sent", sent_at=now, last_error=None)
        elif final or email.attempts >= MAX_ATTEMPTS:
            values.update(status="Failed", last_error=error)
        else:
            values.update(last_error=error, next_attempt_at=now + retry_pause(email.attempts))
        session.execute(update(OutgoingEmail).where(OutgoingEmail.id == email.id).values(**values))


def deliver_due(db: Database, transport, *, now: datetime, limit: int = BATCH) -> dict:
    """Send what is due now; returns {"sent": n, "failed": n}. Safe to run in any number of
    processes at once."""
    counts = {"sent": 0, "failed": 0}
    for email in _claim(db, now, limit):
        try:
            message = build_message(email.to, email.subject, email.body, email.html_body, email.id, email.created_at)
        except Exception as error:  # noqa: BLE001 - built from stored text alone: every attempt would fail alike
            log.warning("email %s to %r cannot be sent: %s", email.id, email.to, error)
            _mark(db, email, f"Cannot be sent, not retried: {error}"[:500], now, final=True)
            counts["failed"] += 1
            continue
        try:
            transport.send(message)
        except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
            log.warning("email %s to %s not sent (attempt %s): %s", email.id, email.to, email.attempts, error)
            _mark(db, email, f"{type(error).__name__}: {error}"[:500], now)
            counts["failed"] += 1
        else:
            _mark(db, email, None, now)
            counts["sent"] += 1
    return counts


def resend(db: Database, email_id: int, *, now: datetime) -> None:
    """Queue a Failed (or Sent) message again, at once."""
    with db.unit_of_work() as session:
        session.execute(update(OutgoingEmail).where(OutgoingEmail.id == email_id).values(
            status="Queued", next_attempt_at=now, locked_until=None, attempts=0))


def deliver_in_background(db: Database, transport, clock: Clock) -> None:
    """Send what is due without keeping the user waiting (the outbox keeps it if this fails)."""
    threading.Thread(target=_deliver_quietly, args=(db, transport, clock), name="outbox-now", daemon=True).start()


def deliver_all_due(db: Database, transport, clock: Clock, max_seconds: float = 120.0) -> dict:
    """Batches of deliver_due until nothing is due (a batch invite queues thousands) or time is up;
    each batch reads the clock anew (a long run's late sends are stamped when they went)."""
    totals = {"sent": 0, "failed": 0}
    began = time.monotonic()
    while time.monotonic() - began < max_seconds:
        counts = deliver_due(db, transport, now=clock.now())
        totals = {k: totals[k] + counts[k] for k in totals}
        if counts["sent"] + counts["failed"] < BATCH:
            break
    return totals


def _deliver_quietly(db: Database, transport, clock: Clock) -> None:
    try:
        deliver_all_due(db, transport, clock)
    except Exception:  # logged; the periodic run or `send-emails` tries again
        log.exception("outbox delivery failed")


def run_delivery_loop(db: Database, transport, clock: Clock, every_s: float = 30.0,
                      stop: threading.Event | None = None) -> None:
    """Retries in a serving process: what failed goes out once it is due and the server is back."""
    stop = stop or threading.Event()
    while not stop.wait(every_s):
        _deliver_quietly(db, transport, clock)
