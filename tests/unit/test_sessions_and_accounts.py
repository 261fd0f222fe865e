"""Server-side sessions (issue 11 item 1): each way a session ends, on both databases."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data.models import AuditEvent, UserSession
from services.common.errors import InvalidForm, NotFound, PermissionDenied
from services.identity.accounts import change_password
from services.identity.sessions import ABSOLUTE_LIMIT, IDLE_LIMIT, end_session, resume_session, start_session
from services.identity.sign_in import authenticate
from services.identity.team import list_users, set_user_active
from tests.check_turns import every_check_turn_taken
from tests.database_watch import write_transactions
from tests.factories import two_lars


def _rows(db):
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(UserSession))


def test_a_session_resumes_until_signed_out_and_only_its_own_token_works(db):
    w = two_lars(db)
    operator = w.actors["operator@first.example"]
    token = start_session(db, operator, client="10.0.0.1", now=w.now)
    assert resume_session(db, token, now=w.now) == operator
    assert resume_session(db, token[:-1] + ("A" if token[-1] != "A" else "B"), now=w.now) is None
    for forged in (None, 7, "", "2", ["x"], "x" * 43):
        assert resume_session(db, forged, now=w.now) is None
    end_session(db, token)
    assert resume_session(db, token, now=w.now) is None
    assert _rows(db) == 0


def test_the_idle_limit_ends_a_session_and_each_request_postpones_it(db):
    w = two_lars(db)
    token = start_session(db, w.actors["analyst@first.example"], now=w.now)
    step = IDLE_LIMIT - timedelta(minutes=5)
    assert resume_session(db, token, now=w.now + step) is not None       # touched here
    assert resume_session(db, token, now=w.now + 2 * step) is not None   # idle for step < limit
    assert resume_session(db, token, now=w.now + 3 * step + timedelta(minutes=10)) is None
    assert _rows(db) == 0  # the expired row is removed when it is seen


def test_the_absolute_limit_ends_a_busy_session(db):
    w = two_lars(db)
    token = start_session(db, w.actors["operator@first.example"], now=w.now)
    at = w.now
    while at < w.now + ABSOLUTE_LIMIT - timedelta(minutes=30):
        at += timedelta(minutes=30)
        assert resume_session(db, token, now=at) is not None
    assert resume_session(db, token, now=w.now + ABSOLUTE_LIMIT + timedelta(seconds=1)) is None


def test_signing_in_prunes_expired_sessions_of_everyone(db):
    w = two_lars(db)
    start_session(db, w.actors["analyst@first.example"], now=w.now)
    start_session(db, w.actors["admin@second.example"], now=w.now + IDLE_LIMIT + timedelta(minutes=1))
    assert _rows(db) == 1


def test_a_changed_password_ends_every_session_of_that_user_only(db):
    w = two_lars(db)
    me, other = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    mine = [start_session(db, me, now=w.now) for _ in range(3)]
    theirs = start_session(db, other, now=w.now)
    change_password(db, me, "s3cret-pass", "a-much-longer-pass", "a-much-longer-pass", now=w.now)
    assert all(resume_session(db, t, now=w.now) is None for t in mine)
    assert resume_session(db, theirs, now=w.now) == other
    assert authenticate(db, me.email, "a-much-longer-pass", now=w.now).user_id == me.user_id
    with db.reading() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_changed")).one()
    assert '"sessions_ended": 3' in event.details


@pytest.mark.parametrize("current,new,repeat,field,words", [
    ("wrong-pass", "a-much-longer-pass", "a-much-longer-pass", "current", "incorrect"),
    ("s3cret-pass", "short", "short", "new", "at least 12"),
    ("s3cret-pass", "a-much-longer-pass", "a-much-longer-pasS", "repeat", "differ"),
    ("s3cret-pass", "OPERATOR@first.example", "OPERATOR@first.example", "new", "email"),
    ("s3cret-pass", "x" * 201, "x" * 201, "new", "at most"),
    ("s3cret-pass", ["a-much-longer-pass"], "a-much-longer-pass", "new", "at least"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(db, current, new, repeat, field, words):
    w = two_lars(db)
    me = w.actors["operator@first.example"]
    token = start_session(db, me, now=w.now)
    with pytest.raises(InvalidForm) as refused:
        change_password(db, me, current, new, repeat, now=w.now)
    assert field in refused.value.errors and words in refused.value.errors[field]
    assert resume_session(db, token, now=w.now) == me
    assert authenticate(db, me.email, "s3cret-pass", now=w.now).user_id == me.user_id


def test_an_admin_disabling_a_user_ends_their_sessions_at_once(db):
    w = two_lars(db)
    admin, operator = w.actors["admin@first.example"], w.actors["operator@first.example"]
    tokens = [start_session(db, operator, now=w.now) for _ in range(2)]
    assert {u.email: u.sessions for u in list_users(db, admin, now=w.now)}["operator@first.example"] == 2
    set_user_active(db, admin, str(operator.user_id), False, now=w.now)
    assert all(resume_session(db, t, now=w.now) is None for t in tokens)
    assert not {u.email: u.active for u in list_users(db, admin, now=w.now)}["operator@first.example"]
    set_user_active(db, admin, operator.user_id, True, now=w.now)
    assert resume_session(db, tokens[0], now=w.now) is None  # enabling does not revive ended sessions
    assert resume_session(db, start_session(db, operator, now=w.now), now=w.now) == operator


def test_a_disabled_users_live_session_stops_even_without_its_row_removed(db):
    """Defence in depth: resume re-reads users.active on every request."""
    w = two_lars(db)
    operator = w.actors["operator@first.example"]
    token = start_session(db, operator, now=w.now)
    from data.models import User
    with db.unit_of_work() as s:
        s.get(User, operator.user_id).active = False
    assert resume_session(db, token, now=w.now) is None


def test_only_admins_manage_users_and_only_their_own_lars(db):
    w = two_lars(db)
    admin, operator = w.actors["admin@first.example"], w.actors["operator@first.example"]
    with pytest.raises(PermissionDenied, match="cannot manage users"):
        set_user_active(db, operator, w.actors["analyst@first.example"].user_id, False, now=w.now)
    with pytest.raises(PermissionDenied, match="your own account"):
        set_user_active(db, admin, admin.user_id, False, now=w.now)
    for foreign in (w.actors["admin@second.example"].user_id, 2**63, "1e3", None, [1], 0):
        with pytest.raises(NotFound):
            set_user_active(db, admin, foreign, False, now=w.now)
    with pytest.raises(InvalidForm):
        set_user_active(db, admin, operator.user_id, "false", now=w.now)
    assert {u.email for u in list_users(db, admin, now=w.now)} == {"admin@first.example", "operator@first.example",
                                                        "analyst@first.example"}
    assert all(u.active for u in list_users(db, admin, now=w.now))


def test_wrong_current_passwords_count_towards_the_lockout(db):
    from services.common.errors import SignInFailed
    from services.identity.sign_in import MAX_FAILURES
    w = two_lars(db)
    me = w.actors["operator@first.example"]
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(InvalidForm, match="correct the field"):
            change_password(db, me, "guess", "a-much-longer-pass", "a-much-longer-pass", now=w.now)
    with pytest.raises(SignInFailed, match=r"Too many failed sign-ins\. Try again in 15 minutes"):
        change_password(db, me, "guess", "a-much-longer-pass", "a-much-longer-pass", now=w.now)
    with pytest.raises(SignInFailed, match="Too many"):  # even the right one, while locked
        change_password(db, me, "s3cret-pass", "a-much-longer-pass", "a-much-longer-pass", now=w.now)
    with pytest.raises(SignInFailed, match="Too many"):
        authenticate(db, me.email, "s3cret-pass", now=w.now)


def test_the_new_passwords_rules_are_checked_before_the_current_password(db):
    """Else "at least 10 characters" would confirm a guessed current password."""
    w = two_lars(db)
    me = w.actors["operator@first.example"]
    for current in ("s3cret-pass", "a-wrong-guess"):
        with pytest.raises(InvalidForm) as refused:
            change_password(db, me, current, "short", "short", now=w.now)
        assert set(refused.value.errors) == {"new"}


def test_a_password_check_without_a_free_turn_is_refused_at_once_and_counts_nothing(db):
    """Never parked on a thread: refused at once (the page answers 429 and says when to retry),
    nothing written, and the next attempt with a turn free is checked."""
    from services.common.errors import TryLater
    from services.identity.sign_in import BUSY_MESSAGE
    w = two_lars(db)
    me = w.actors["operator@first.example"]
    token = start_session(db, me, now=w.now)
    with every_check_turn_taken(), write_transactions(db) as writes:
        with pytest.raises(TryLater) as busy:
            authenticate(db, me.email, "s3cret-pass", now=w.now, client="192.0.2.1")
        with pytest.raises(TryLater, match="Your password was not changed") as busy_change:
            change_password(db, me, "s3cret-pass", "a-much-longer-pass", "a-much-longer-pass", client="192.0.2.1",
                            now=w.now)
    assert busy.value.message == BUSY_MESSAGE and busy.value.retry_after >= 1
    assert busy_change.value.retry_after >= 1
    assert writes == []
    assert resume_session(db, token, now=w.now) == me  # nothing changed
    assert authenticate(db, me.email, "s3cret-pass", now=w.now, client="192.0.2.1").user_id == me.user_id
