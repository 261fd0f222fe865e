from datetime import timedelta

import pytest

from services.auth import FAILED_MESSAGE, MAX_FAILURES, authenticate, load_actor
from services.errors import SignInFailed
from tests.factories import two_lars


def test_sign_in_with_the_right_password(db):
    w = two_lars(db)
    actor = authenticate(db, " Operator@First.example ", "s3cret-pass", now=w.now)
    assert (actor.email, actor.role, actor.lar_id) == ("operator@first.example", "operator", w.first)
    assert load_actor(db, actor.user_id) == actor


def test_a_failure_does_not_tell_whether_the_email_exists(db):
    w = two_lars(db)
    with pytest.raises(SignInFailed) as wrong_password:
        authenticate(db, "operator@first.example", "nope", now=w.now)
    with pytest.raises(SignInFailed) as unknown_email:
        authenticate(db, "nobody@first.example", "nope", now=w.now)
    assert wrong_password.value.message == unknown_email.value.message == FAILED_MESSAGE


def test_repeated_failures_lock_the_email_for_a_while(db):
    w = two_lars(db)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInFailed, match="incorrect"):
            authenticate(db, "operator@first.example", "nope", now=w.now)
    with pytest.raises(SignInFailed, match="Too many failed sign-ins. Try again in 15 minutes"):
        authenticate(db, "operator@first.example", "nope", now=w.now)  # the failure that locks says so
    with pytest.raises(SignInFailed, match="Too many failed sign-ins"):
        authenticate(db, "operator@first.example", "s3cret-pass", now=w.now + timedelta(minutes=1))
    later = w.now + timedelta(minutes=16)
    assert authenticate(db, "operator@first.example", "s3cret-pass", now=later).role == "operator"


def test_unknown_emails_are_throttled_too(db):
    w = two_lars(db)
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInFailed):
            authenticate(db, "ghost@first.example", "x", now=w.now)
    with pytest.raises(SignInFailed, match="Too many"):
        authenticate(db, "ghost@first.example", "x", now=w.now)


def test_inactive_users_cannot_sign_in_and_lose_their_session(db):
    w = two_lars(db)
    gone = w.user("gone@first.example", w.first, "operator", active=False)
    with pytest.raises(SignInFailed):
        authenticate(db, "gone@first.example", "s3cret-pass", now=w.now)
    assert load_actor(db, gone.user_id) is None


def test_one_address_trying_many_emails_is_locked_too(db):
    from services.auth import MAX_CLIENT_FAILURES
    w = two_lars(db)
    for i in range(MAX_CLIENT_FAILURES - 1):
        with pytest.raises(SignInFailed, match="incorrect"):
            authenticate(db, f"guess{i}@first.example", "x", now=w.now, client="203.0.113.9")
    with pytest.raises(SignInFailed, match="Too many"):
        authenticate(db, "guess-last@first.example", "x", now=w.now, client="203.0.113.9")
    with pytest.raises(SignInFailed, match="Too many"):  # even the right password, from there
        authenticate(db, "operator@first.example", "s3cret-pass", now=w.now, client="203.0.113.9")
    assert authenticate(db, "operator@first.example", "s3cret-pass", now=w.now, client="198.51.100.1")


def test_old_throttle_rows_are_pruned(db):
    from sqlalchemy import select

    from data.models import SignInThrottle
    w = two_lars(db)
    with pytest.raises(SignInFailed):
        authenticate(db, "old@first.example", "x", now=w.now - timedelta(days=3))
    with pytest.raises(SignInFailed):
        authenticate(db, "new@first.example", "x", now=w.now)
    with db.reading() as s:
        assert s.scalars(select(SignInThrottle.email)).all() == ["new@first.example"]
