"""Activity names a reseller as it was when each event happened (both databases): a sign-up or
a Map renames the entry later, and the old events must still read, and be found, by the old name."""
from __future__ import annotations

import re

from sqlalchemy import select

from data.models import OutgoingEmail
from services.activity.feed import list_activity
from services.common.grid_query import GridQuery
from services.directory.mapping import map_reseller
from services.identity.team import set_user_active
from services.invitations.invite import invite_by_email
from services.invitations.sign_up import accept_invitation, register_from_invitation
from tests.factories import two_lars

BASE = "https://console.test"


def _token_sent_to(db, email: str) -> str:
    with db.reading() as s:
        body = s.scalars(select(OutgoingEmail.body).where(OutgoingEmail.to == email)).first()
    return re.search(r"/sign-up/(\S+)", body).group(1)


def _resellers(db, actor, search: str = "") -> list[tuple[str, str]]:
    return [(r["action"], r["reseller"]) for r in list_activity(db, actor, GridQuery(search=search)).rows]


def test_an_invite_reads_the_name_it_was_sent_to_after_the_reseller_signs_up_as_another(db):
    w = two_lars(db)
    operator, analyst = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    invite_by_email(db, operator, "new@two.example", "Batch New Two", "https://console.test", now=w.now)
    register_from_invitation(db, _token_sent_to(db, "new@two.example"), "🚀 Batch Two Ltd", "long-enough-pass",
                             "long-enough-pass", BASE, now=w.now)
    assert ("Invite", "Batch New Two (now 🚀 Batch Two Ltd)") in _resellers(db, analyst)
    assert _resellers(db, analyst, "batch new") == _resellers(db, analyst, "two ltd") != []


def test_a_map_reads_the_entrys_name_before_it_took_the_tenants(db):
    w = two_lars(db)
    operator, analyst = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    entry = w.reseller(w.first, "Iron Networks", "ops@iron.example", status="Unmapped")
    tenant = w.reseller_tenant("Pioneer Solutions", "ops@iron.example")
    map_reseller(db, operator, entry, tenant, "ops@iron.example", BASE, now=w.now)
    [row] = list_activity(db, analyst, GridQuery(search="iron")).rows
    assert (row["action"], row["reseller"]) == ("Map", "Iron Networks (now Pioneer Solutions)")
    assert "Organization name: Iron Networks → Pioneer Solutions" in row["change"]
    assert list_activity(db, analyst, GridQuery(search="pioneer")).total == 1


def _told(db, subject_part: str) -> dict[str, str]:
    with db.reading() as s:
        emails = s.scalars(select(OutgoingEmail).where(OutgoingEmail.subject.contains(subject_part)))
        return {e.to: e.body for e in emails}


def test_the_lar_is_told_when_a_reseller_signs_up(db):
    """Issue 20: the entry silently turned Unmapped; now Activity and the LAR's admins and the
    inviting user (an operator here) hear of it."""
    w = two_lars(db)
    operator, analyst = w.actors["operator@first.example"], w.actors["analyst@first.example"]
    set_user_active(db, w.actors["admin@first.example"], w.user("off@first.example", w.first, "admin").user_id, False,
                    now=w.now)  # a disabled admin hears nothing
    entry = invite_by_email(db, operator, "new@two.example", "Batch New Two", BASE, now=w.now).id
    register_from_invitation(db, _token_sent_to(db, "new@two.example"), "Batch Two Ltd", "long-enough-pass",
                             "long-enough-pass", BASE, now=w.now)
    [row] = list_activity(db, analyst, GridQuery(filters={"action": ("reseller.signed_up",)})).rows
    assert (row["user"], row["reseller"]) == ("new@two.example", "Batch New Two (now Batch Two Ltd)")
    assert row["change"] == "Organization name: Batch New Two → Batch Two Ltd; Status: Invited → Unmapped"
    told = _told(db, "signed up")
    assert sorted(told) == ["admin@first.example", "operator@first.example"]
    body = told["operator@first.example"]
    assert "It registered as Batch Two Ltd (you invited Batch New Two)" in body and "map it" in body
    assert f"{BASE}/resellers/{entry}" in body
    assert not _told(db, "accepted")  # the second LAR hears nothing of it either
    assert list_activity(db, w.actors["admin@second.example"], GridQuery()).total == 0


def test_the_lar_is_told_when_a_registered_reseller_accepts(db):
    from services.invitations.invite import invite_tenant
    w = two_lars(db)
    admin = w.actors["admin@first.example"]
    tenant = w.reseller_tenant("Pioneer Solutions", "ops@pioneer.example")
    entry = invite_tenant(db, admin, tenant, "ops@pioneer.example", "", BASE, now=w.now).id
    accept_invitation(db, _token_sent_to(db, "ops@pioneer.example"), BASE, now=w.now)
    [row] = list_activity(db, w.actors["analyst@first.example"],
                          GridQuery(search="pioneer", filters={"action": ("reseller.accepted",)})).rows
    # The tenant has no account here: the event names the address the link was sent to.
    assert (row["user"], row["change"]) == ("ops@pioneer.example", "Status: Invited → Mapped")
    told = _told(db, "accepted your invitation")
    assert sorted(told) == ["admin@first.example"]  # the inviting user is an admin: told once
    assert f"{BASE}/resellers/{entry}" in told["admin@first.example"] and "now Mapped" in told["admin@first.example"]
