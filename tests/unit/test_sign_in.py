from datetime import timedelta

import pytest

from services.access.console_user import load_principal
from services.common.errors import SignInFailed
from services.identity.sign_in import FAILED_MESSAGE, MAX_FAILURES, authenticate
from tests.database_watch import statements, write_transactions
from tests.factories import two_lars


def test_sign_in_with_the_right_password(db):
    w = two_lars(db)
    actor = authenticate(db, " Operator@First.example ", "s3cret-pass", now=w.now)
    assert (actor.email, actor.role, actor.lar_id) == ("operator@first.example", "operator", w.first)
    assert load_principal(db, actor.user_id) == actor


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
    with pytest.raises(SignInFailed, match=r"Too many failed sign-ins\. Try again in 15 minutes"):
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
    assert load_principal(db, gone.user_id) is None


def test_one_address_trying_many_emails_is_locked_too(db):
    from services.identity.sign_in import MAX_CLIENT_FAILURES
    w = two_lars(db)
    at = w.now
    for i in range(MAX_CLIENT_FAILURES - 1):  # slowly enough to stay under the address's sign-in limit
        at = w.now + timedelta(seconds=11 * i)
        with pytest.raises(SignInFailed, match="incorrect"):
            authenticate(db, f"guess{i}@first.example", "x", now=at, client="203.0.113.9")
    with pytest.raises(SignInFailed, match="Too many"):
        authenticate(db, "guess-last@first.example", "x", now=at, client="203.0.113.9")
    with pytest.raises(SignInFailed, match="Too many"):  # even the right password, from there
        authenticate(db, "operator@first.example", "s3cret-pass", now=at, client="203.0.113.9")
    assert authenticate(db, "operator@first.example", "s3cret-pass", now=at, client="198.51.100.1")


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


# Issue 19: parallel guesses, the per-address limit, text no address can hold.

@pytest.fixture
def checks(monkeypatch):
    """Every password really checked (an scrypt run), counted where werkzeug is called: the
    count is exact, so a test cannot pass by a check that was skipped or not counted."""
    from services.identity import sign_in
    counted = []
    real = sign_in.check_password_hash

    def counting(stored, password):
        counted.append(password)
        return real(stored, password)
    monkeypatch.setattr(sign_in, "check_password_hash", counting)
    return counted


@pytest.fixture
def many_servers(monkeypatch):
    """As many check turns as there are attempts: what many processes or hosts give an attacker."""
    from services.identity import sign_in
    monkeypatch.setattr(sign_in, "_turns", sign_in.CheckTurns(64))


def _burst(db, attempts, now):
    """Every (email, password, client) at once, each in its own thread: what each returned or raised."""
    import threading
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(i, email, password, client):
        barrier.wait()
        try:
            outcomes[i] = authenticate(db, email, password, now=now, client=client)
        except Exception as refused:  # noqa: BLE001 - the test looks at each one
            outcomes[i] = refused
    threads = [threading.Thread(target=attempt, args=(i, *a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _failures(db, email):
    from data.models import SignInThrottle
    with db.reading() as s:
        row = s.get(SignInThrottle, email)
        return row.failures if row else 0


BURST = 30


def test_parallel_wrong_passwords_check_at_most_five_per_email(db, checks, many_servers):
    w = two_lars(db)
    for email in ("operator@first.example", "nobody@first.example"):
        checks.clear()
        outcomes = _burst(db, [(email, f"guess-{i}", f"198.51.100.{i}") for i in range(BURST)], w.now)
        assert all(isinstance(o, SignInFailed) for o in outcomes), outcomes
        assert len(checks) == MAX_FAILURES
        assert sum("Too many failed sign-ins" in o.message for o in outcomes) == BURST - MAX_FAILURES + 1
    with pytest.raises(SignInFailed, match="Too many failed sign-ins"):  # even the right password now
        authenticate(db, "operator@first.example", "s3cret-pass", now=w.now, client="192.0.2.1")


def test_a_right_password_in_a_parallel_burst_never_erases_the_failures(db, checks, many_servers):
    from services.access.principal import Principal
    w = two_lars(db)
    email = "operator@first.example"
    attempts = [(email, "s3cret-pass" if i in (0, BURST // 2) else f"guess-{i}", f"198.51.100.{i}")
                for i in range(BURST)]
    outcomes = _burst(db, attempts, w.now)
    assert all(isinstance(o, (Principal, SignInFailed)) for o in outcomes), outcomes
    signed_in = sum(isinstance(o, Principal) for o in outcomes)
    wrong_checked = len(checks) - signed_in
    assert signed_in + wrong_checked >= 1 and wrong_checked <= MAX_FAILURES
    assert _failures(db, email) == wrong_checked  # each wrong one still counted, nothing forgiven
    for _ in range(MAX_FAILURES - wrong_checked):
        with pytest.raises(SignInFailed):
            authenticate(db, email, "guess", now=w.now, client="192.0.2.1")
    with pytest.raises(SignInFailed, match="Too many failed sign-ins"):
        authenticate(db, email, "s3cret-pass", now=w.now, client="192.0.2.1")


def test_a_right_password_keeps_the_failures_before_it(db):
    w = two_lars(db)
    email = "operator@first.example"
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInFailed, match="incorrect"):
            authenticate(db, email, "guess", now=w.now)
    assert authenticate(db, email, "s3cret-pass", now=w.now).email == email
    assert authenticate(db, email, "s3cret-pass", now=w.now).email == email  # right ones never count
    with pytest.raises(SignInFailed, match=r"Too many failed sign-ins\. Try again in 15 minutes"):
        authenticate(db, email, "guess", now=w.now)


@pytest.mark.parametrize("email", [
    "operator@first.example\x00", "\x00", "oper\x00ator@first.example", "operator@first.example\x07",
    "operator\x1b@first.example", "operator@first\ud800.example", "client:192.0.2.1",
])
def test_text_no_address_can_hold_is_the_ordinary_refusal_without_the_database(db, checks, email):
    w = two_lars(db)
    with statements(db) as sent, pytest.raises(SignInFailed) as refused:
        authenticate(db, email, "s3cret-pass", now=w.now, client="192.0.2.1")
    assert refused.value.message == FAILED_MESSAGE
    assert sent == [] and checks == []
    with statements(db) as sent:  # (what the recorder sees of an ordinary sign-in)
        assert authenticate(db, "operator@first.example", "s3cret-pass", now=w.now, client="192.0.2.1")
    assert sent and len(checks) == 1


def test_an_address_over_its_limit_is_refused_before_hashing_and_without_a_write(db, checks):
    from services.common.errors import TryLater
    from services.identity.sign_in import MAX_CLIENT_SIGN_INS
    w = two_lars(db)
    here, elsewhere = "203.0.113.9", "198.51.100.1"
    for i in range(MAX_CLIENT_SIGN_INS):  # right passwords count too: any sign-in costs a check
        if i % 2:
            authenticate(db, "operator@first.example", "s3cret-pass", now=w.now, client=here)
        else:
            with pytest.raises(SignInFailed, match="incorrect"):
                authenticate(db, f"guess{i}@first.example", "x", now=w.now, client=here)
    checks.clear()
    with write_transactions(db) as writes, pytest.raises(TryLater) as refused:
        authenticate(db, "analyst@first.example", "s3cret-pass", now=w.now, client=here)
    assert refused.value.message == "Too many sign-in attempts from your network. Try again in 5 minutes."
    assert refused.value.retry_after == 300
    assert checks == [] and writes == []
    with write_transactions(db) as writes:  # (what the recorder sees of an ordinary sign-in)
        assert authenticate(db, "analyst@first.example", "s3cret-pass", now=w.now, client=elsewhere)
    assert writes and len(checks) == 1
    later = w.now + timedelta(minutes=5)
    assert authenticate(db, "analyst@first.example", "s3cret-pass", now=later, client=here)
