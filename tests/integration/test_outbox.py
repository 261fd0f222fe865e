"""The outbox against a real SMTP server (aiosmtpd on a free port), on SQLite and PostgreSQL:
messages arrive once, wait while the server is down, and go when it is back."""
from __future__ import annotations

import threading
from datetime import UTC, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import func, select

from data.models import OutgoingEmail
from services.common.errors import DomainError
from services.notify.outbox import MAX_ATTEMPTS, deliver_due, queue_email, resend
from services.notify.transport import FolderTransport, SmtpTransport


def _queue(db, now, n=1, to="owner@reseller.example"):
    with db.unit_of_work() as session:
        return [queue_email(session, to, f"Invitation {i}", f"Hello {i}: https://x.example/s/tok{i}",
                            f"<p>Hello {i}</p>", about=f"invitation:{i}", now=now).id for i in range(n)]


def _email(db, email_id) -> OutgoingEmail:
    with db.reading() as s:
        return s.get(OutgoingEmail, email_id)


def test_a_message_arrives_with_its_recipient_text_and_html(db, smtp, clock):
    _controller, inbox, url = smtp
    [email_id] = _queue(db, clock.now())
    assert deliver_due(db, SmtpTransport(url), now=clock.now()) == {"sent": 1, "failed": 0}
    [(recipients, message)] = inbox.messages
    assert recipients == ["owner@reseller.example"] and message["Subject"] == "Invitation 0"
    assert message["Message-ID"] == f"<outbox-{email_id}@reseller-console.example>"
    assert message["Date"].datetime == clock.now().replace(tzinfo=UTC)  # when it was queued
    assert "https://x.example/s/tok0" in message.get_body(("plain",)).get_content()
    assert "<p>Hello 0</p>" in message.get_body(("html",)).get_content()
    sent = _email(db, email_id)
    assert sent.status == "Sent" and sent.sent_at and sent.attempts == 1 and sent.locked_until is None
    assert deliver_due(db, SmtpTransport(url), now=clock.now()) == {"sent": 0, "failed": 0}  # never twice
    assert len(inbox.messages) == 1


def test_with_the_server_down_nothing_is_lost_and_it_goes_when_back(db, smtp, clock):
    controller, inbox, url = smtp
    controller.stop()
    [email_id] = _queue(db, clock.now())
    now = clock.now()
    assert deliver_due(db, SmtpTransport(url), now=now) == {"sent": 0, "failed": 1}
    waiting = _email(db, email_id)
    assert waiting.status == "Queued" and waiting.last_error and waiting.next_attempt_at > now
    assert deliver_due(db, SmtpTransport(url), now=now) == {"sent": 0, "failed": 0}  # not due yet
    controller.start()
    later = waiting.next_attempt_at + timedelta(seconds=1)
    assert deliver_due(db, SmtpTransport(url), now=later) == {"sent": 1, "failed": 0}
    assert len(inbox.messages) == 1 and _email(db, email_id).status == "Sent"


def test_after_the_last_attempt_it_is_failed_and_resend_queues_it_again(db, smtp, clock):
    controller, inbox, url = smtp
    controller.stop()
    [email_id] = _queue(db, clock.now())
    now = clock.now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(db, SmtpTransport(url), now=now)
        now = _email(db, email_id).next_attempt_at + timedelta(seconds=1)
    failed = _email(db, email_id)
    assert failed.status == "Failed" and failed.attempts == MAX_ATTEMPTS and "Error" in failed.last_error
    controller.start()
    resend(db, email_id, now=clock.now())
    assert deliver_due(db, SmtpTransport(url), now=clock.now()) == {"sent": 1, "failed": 0}
    assert _email(db, email_id).status == "Sent" and len(inbox.messages) == 1


def test_several_deliverers_at_once_send_each_message_once(db, smtp, clock):
    _controller, inbox, url = smtp
    ids = _queue(db, clock.now(), n=40)
    barrier = threading.Barrier(4)
    errors = []

    def deliverer():
        barrier.wait()
        try:
            while deliver_due(db, SmtpTransport(url), now=clock.now(), limit=5)["sent"]:
                pass
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=deliverer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    subjects = sorted(m["Subject"] for _, m in inbox.messages)
    assert subjects == sorted(f"Invitation {i}" for i in range(40))  # each once
    with db.reading() as s:
        assert set(s.scalars(select(OutgoingEmail.status).where(OutgoingEmail.id.in_(ids))).all()) == {"Sent"}


def test_without_smtp_messages_become_eml_files(db, tmp_path, clock):
    [email_id] = _queue(db, clock.now())
    assert deliver_due(db, FolderTransport(tmp_path / "outbox"), now=clock.now()) == {"sent": 1, "failed": 0}
    written = tmp_path / "outbox" / f"outbox-{email_id}.eml"
    message = message_from_bytes(written.read_bytes(), policy=default)
    assert message["To"] == "owner@reseller.example" and "tok0" in message.get_body(("plain",)).get_content()


def test_a_bad_smtp_url_is_refused_with_its_shape():
    with pytest.raises(ValueError, match="smtp://host:25"):
        SmtpTransport("http://example.com")


def test_a_message_that_cannot_be_built_fails_at_once_and_the_others_still_go(db, smtp, clock):
    """Outside security test (issue 19 finding 5): a line break in a header made every attempt
    fail the same way, 8 times over hours, while the panel said the email was on its way."""
    _controller, inbox, url = smtp
    broken_subject, broken_to, good = _queue(db, clock.now(), n=3)
    with db.unit_of_work() as session:  # as stored before names were checked
        session.get(OutgoingEmail, broken_subject).subject = "First invites Acme\r\nBcc: x@evil.example"
        session.get(OutgoingEmail, broken_to).to = "owner@reseller.example\nBcc: x@evil.example"
    assert deliver_due(db, SmtpTransport(url), now=clock.now()) == {"sent": 1, "failed": 2}
    assert [m["Subject"] for _, m in inbox.messages] == ["Invitation 2"]
    for email_id in (broken_subject, broken_to):
        failed = _email(db, email_id)
        assert (failed.status, failed.attempts, failed.locked_until) == ("Failed", 1, None)
        assert failed.last_error.startswith("Cannot be sent, not retried:") and "linefeed" in failed.last_error
    later = clock.now() + timedelta(days=1)
    assert deliver_due(db, SmtpTransport(url), now=later) == {"sent": 0, "failed": 0}
    assert _email(db, good).status == "Sent" and len(inbox.messages) == 1


def test_a_subject_built_from_names_is_one_line(db, smtp, clock):
    """Names stored before they were checked still make a deliverable message."""
    _controller, inbox, url = smtp
    with db.unit_of_work() as session:
        email_id = queue_email(session, "owner@reseller.example", "First invites Acme\r\nLtd\u2028 now", "Hello",
                               now=clock.now()).id
    assert deliver_due(db, SmtpTransport(url), now=clock.now()) == {"sent": 1, "failed": 0}
    [(_recipients, message)] = inbox.messages
    assert message["Subject"] == "First invites Acme Ltd now" and _email(db, email_id).status == "Sent"


def test_a_message_that_could_never_be_built_is_refused_when_queued(db, clock):
    """Outside review of issue 19 (N3): Resend to an address stored with a line break said "a new
    invitation link is on its way" while the message went straight to Failed."""
    with db.unit_of_work() as session, pytest.raises(DomainError, match="cannot be sent"):
        queue_email(session, "owner@reseller.example\nBcc: x@evil.example", "Invitation", "Hello", now=clock.now())
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(OutgoingEmail)) == 0
