"""The LAR's users as its admins manage them (issue 20: users could only be disabled and
enabled), and the single-use links that set a password (both databases)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from data.models import AuditEvent, OutgoingEmail, PasswordLink, User
from services.activity.feed import list_activity
from services.common.errors import DomainError, InvalidForm, NotFound, PermissionDenied, SignInFailed
from services.common.grid_query import GridQuery
from services.identity import team
from services.identity.password_links import LinkUnusable, open_link, request_reset, set_password
from services.identity.sessions import resume_session, start_session
from services.identity.sign_in import authenticate
from tests.factories import two_lars

BASE = "https://console.test"


def _token(db, to: str) -> str:
    with db.reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == to).order_by(OutgoingEmail.id.desc())
                         ).first()
    return re.search(r"/password/(\S+)", body).group(1)


def _user(db, email: str) -> User | None:
    with db.reading() as s:
        return s.scalars(select(User).where(User.email == email)).first()


def test_an_admin_invites_a_teammate_whose_link_sets_the_password(db, clock):
    w = two_lars(db)
    admin = w.actors["admin@first.example"]
    invited = team.invite_teammate(db, admin, " New.Colleague@First.example ", "Nia New", "operator", BASE, now=w.now)
    assert invited["email"] == "new.colleague@first.example"
    [row] = [u for u in team.list_users(db, admin, now=w.now) if u.email == invited["email"]]
    assert (row.role, row.invited, row.name) == ("operator", True, "Nia New")
    with pytest.raises(SignInFailed):  # no password yet: nobody can sign in as the new user
        authenticate(db, invited["email"], "", now=w.now)
    token = _token(db, invited["email"])
    assert open_link(db, token, now=w.now).purpose == "invite"
    with pytest.raises(InvalidForm) as refused:  # the one rule: 12 characters
        set_password(db, token, "short-pass", "short-pass", now=w.now)
    assert "at least 12" in refused.value.errors["new"]
    set_password(db, token, "a-good-long-password", "a-good-long-password", now=w.now)
    actor = authenticate(db, invited["email"], "a-good-long-password", now=w.now)
    assert (actor.role, actor.lar_id) == ("operator", w.first)
    with pytest.raises(LinkUnusable, match="used already"):
        set_password(db, token, "another-long-password", "another-long-password", now=w.now)
    assert not next(u for u in team.list_users(db, admin, now=w.now) if u.email == invited["email"]).invited
    actions = [r["action"] for r in list_activity(db, admin, GridQuery()).rows]
    assert actions[:2] == ["Teammate joined", "Invite teammate"]


def test_an_invitation_link_expires_and_a_resend_replaces_it(db, clock):
    w = two_lars(db)
    admin = w.actors["admin@first.example"]
    invited = team.invite_teammate(db, admin, "late@first.example", "", "analyst", BASE, now=w.now)
    first = _token(db, "late@first.example")
    team.resend_invitation(db, admin, invited["id"], BASE, now=w.now)
    second = _token(db, "late@first.example")
    with pytest.raises(LinkUnusable, match="expired"):
        open_link(db, first, now=w.now)
    clock.advance(timedelta(days=8))
    with pytest.raises(LinkUnusable, match="expired"):
        open_link(db, second, now=clock.now())


@pytest.mark.parametrize("email, name, role, field", [
    ("not an address", "", "analyst", "email"), ("admin@first.example", "", "analyst", "email"),
    ("x@first.example", "Line\nbreak", "analyst", "name"), ("x@first.example", "", "owner", "role"),
])
def test_a_refused_invitation_says_why_and_adds_nobody(db, email, name, role, field):
    w = two_lars(db)
    admin = w.actors["admin@first.example"]
    before = len(team.list_users(db, admin, now=w.now))
    with pytest.raises(InvalidForm) as refused:
        team.invite_teammate(db, admin, email, name, role, BASE, now=w.now)
    assert field in refused.value.errors
    assert len(team.list_users(db, admin, now=w.now)) == before


def test_roles_change_and_the_lar_always_keeps_an_admin(db):
    w = two_lars(db)
    admin, operator = w.actors["admin@first.example"], w.actors["operator@first.example"]
    assert team.change_role(db, admin, operator.user_id, "admin", now=w.now)["role"] == "admin"
    team.change_role(db, admin, operator.user_id, "analyst", now=w.now)
    assert _user(db, operator.email).role == "analyst"
    with pytest.raises(PermissionDenied, match="your own"):
        team.change_role(db, admin, admin.user_id, "analyst", now=w.now)
    with pytest.raises(DomainError, match="Choose a role"):
        team.change_role(db, admin, operator.user_id, "root", now=w.now)
    with pytest.raises(PermissionDenied):
        team.change_role(db, operator, admin.user_id, "analyst", now=w.now)
    with pytest.raises(NotFound):  # another LAR's user
        team.change_role(db, admin, w.actors["admin@second.example"].user_id, "analyst", now=w.now)
    # A second admin may demote the first; the one acting always stays: the LAR keeps an admin.
    other = w.user("second-admin@first.example", w.first, "admin")
    team.change_role(db, other, admin.user_id, "operator", now=w.now)
    assert {u.email: u.role for u in team.list_users(db, other, now=w.now)}["admin@first.example"] == "operator"


def test_removing_a_user_ends_its_sessions_and_keeps_its_history(db):
    w = two_lars(db)
    admin, operator = w.actors["admin@first.example"], w.actors["operator@first.example"]
    token = start_session(db, operator, now=w.now)
    team.set_user_active(db, admin, w.actors["analyst@first.example"].user_id, False, now=w.now)  # a past action
    with pytest.raises(PermissionDenied, match="your own"):
        team.remove_user(db, admin, admin.user_id, now=w.now)
    assert team.remove_user(db, admin, operator.user_id, now=w.now) == "operator@first.example"
    assert resume_session(db, token, now=w.now) is None
    assert _user(db, "operator@first.example") is None
    with pytest.raises(SignInFailed):
        authenticate(db, "operator@first.example", "s3cret-pass", now=w.now)
    rows = list_activity(db, admin, GridQuery(filters={"action": ("user.removed",)})).rows
    assert [(r["user"], r["target"]) for r in rows] == [("admin@first.example", "operator@first.example")]


def test_a_removed_users_actions_keep_its_address(db):
    w = two_lars(db)
    admin, other_admin = w.actors["admin@first.example"], w.user("boss@first.example", w.first, "admin")
    team.set_user_active(db, other_admin, w.actors["analyst@first.example"].user_id, False, now=w.now)
    team.remove_user(db, admin, other_admin.user_id, now=w.now)
    [row] = list_activity(db, admin, GridQuery(filters={"action": ("user.disabled",)})).rows
    assert row["user"] == "boss@first.example"  # not "(deleted user)"


def test_a_forgotten_password_is_reset_by_an_emailed_link_at_most_three_times_an_hour(db, clock):
    w = two_lars(db)
    operator = w.actors["operator@first.example"]
    token_before = start_session(db, operator, now=w.now)
    for _ in range(5):
        request_reset(db, "Operator@First.example", BASE, now=w.now)
    request_reset(db, "nobody@first.example", BASE, now=w.now)  # the same silence, nothing sent
    with db.reading() as s:
        sent = s.scalars(select(OutgoingEmail.to).where(OutgoingEmail.subject.contains("Reset"))).all()
        links = s.scalars(select(PasswordLink).where(PasswordLink.purpose == "reset")).all()
    assert sent == ["operator@first.example"] * 3 and len(links) == 3
    token = _token(db, "operator@first.example")  # the newest; the earlier ones stopped working
    set_password(db, token, "a-brand-new-password", "a-brand-new-password", now=w.now)
    assert resume_session(db, token_before, now=w.now) is None  # every session ended
    assert authenticate(db, operator.email, "a-brand-new-password", now=w.now).user_id == operator.user_id
    clock.advance(timedelta(hours=2))
    with pytest.raises(LinkUnusable):
        open_link(db, token, now=clock.now())
    with db.reading() as s:
        assert s.scalars(select(AuditEvent.action).where(AuditEvent.action == "user.password_reset")).one()


def test_a_disabled_user_gets_no_reset_and_its_link_stops_working(db):
    w = two_lars(db)
    admin, operator = w.actors["admin@first.example"], w.actors["operator@first.example"]
    request_reset(db, operator.email, BASE, now=w.now)
    token = _token(db, operator.email)
    team.set_user_active(db, admin, operator.user_id, False, now=w.now)
    with pytest.raises(LinkUnusable):
        set_password(db, token, "a-brand-new-password", "a-brand-new-password", now=w.now)
    request_reset(db, operator.email, BASE, now=w.now)
    with db.reading() as s:
        assert len(s.scalars(select(PasswordLink)).all()) == 1


def test_one_address_asking_resets_for_many_accounts_is_limited(db):
    from services.identity.password_links import RESET_REQUESTS_PER_ADDRESS
    w = two_lars(db)
    for i in range(RESET_REQUESTS_PER_ADDRESS + 3):
        w.user(f"person{i}@first.example", w.first, "analyst")
    for i in range(RESET_REQUESTS_PER_ADDRESS + 3):
        request_reset(db, f"person{i}@first.example", BASE, now=w.now, client="203.0.113.9")
    request_reset(db, "operator@first.example", BASE, now=w.now, client="198.51.100.1")  # another address: sent
    with db.reading() as s:
        sent = s.scalars(select(OutgoingEmail.to).where(OutgoingEmail.subject.contains("Reset"))).all()
    assert len(sent) == RESET_REQUESTS_PER_ADDRESS + 1 and "operator@first.example" in sent
